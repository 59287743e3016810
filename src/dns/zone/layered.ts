// An immutable map made of a large shared base and a small layer of changes on top, so a commit that
// touches a few names builds its new snapshot in time proportional to the changes, not to the zone
// (1,000,000 hosts: a full copy costs hundreds of milliseconds). When the layer grows past about the
// square root of the zone's size times a constant, it is folded into a fresh base: the occasional
// O(n) fold is spread over many commits.

const GONE: unique symbol = Symbol("gone");

/** A base that folds changes into a fresh copy of its own kind (packed.ts keeps a zone compact that way). */
export interface FoldableMap<K, V> extends ReadonlyMap<K, V> {
  /** A new map: this one with `changes` applied (undefined deletes). */
  fold(changes: ReadonlyMap<K, V | undefined>): ReadonlyMap<K, V>;
}

function foldable<K, V>(m: ReadonlyMap<K, V>): m is FoldableMap<K, V> {
  return typeof (m as Partial<FoldableMap<K, V>>).fold === "function";
}
type Slot<V> = V | typeof GONE;

export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  readonly size: number;

  private constructor(
    private readonly base: ReadonlyMap<K, V>,
    private readonly layer: ReadonlyMap<K, Slot<V>>,
    size: number,
  ) {
    this.size = size;
  }

  /** The base and the layer's entries (undefined: deleted), for another thread to rebuild the map from. */
  parts(): { base: ReadonlyMap<K, V>; layer: [K, V | undefined][]; size: number } {
    return { base: this.base, layer: [...this.layer].map(([k, v]) => [k, v === GONE ? undefined : v]), size: this.size };
  }

  /** The map `parts()` described, over `base` (as rebuilt by the caller). */
  static fromParts<K, V>(base: ReadonlyMap<K, V>, layer: [K, V | undefined][], size: number): LayeredMap<K, V> {
    return new LayeredMap(base, new Map(layer.map(([k, v]) => [k, v === undefined ? GONE : v])), size);
  }

  static of<K, V>(m: ReadonlyMap<K, V>): LayeredMap<K, V> {
    return m instanceof LayeredMap ? m : new LayeredMap(m, new Map(), m.size);
  }

  get(k: K): V | undefined {
    const v = this.layer.get(k);
    if (v !== undefined) return v === GONE ? undefined : v;
    return this.base.get(k);
  }

  has(k: K): boolean {
    const v = this.layer.get(k);
    if (v !== undefined) return v !== GONE;
    return this.base.has(k);
  }

  /** A new map with `changes` applied (undefined deletes). This map is left as it was. */
  with(changes: Iterable<[K, V | undefined]>): LayeredMap<K, V> {
    const layer = new Map(this.layer);
    let size = this.size;
    for (const [k, v] of changes) {
      const had = this.has(k);
      if (v === undefined) {
        if (!had) continue;
        size--;
        if (this.base.has(k)) layer.set(k, GONE);
        else layer.delete(k);
      } else {
        if (!had) size++;
        layer.set(k, v);
      }
    }
    const limit = Math.max(1024, Math.ceil(4 * Math.sqrt(this.base.size)));
    if (layer.size <= limit) return new LayeredMap(this.base, layer, size);
    // Fold: a fresh flat base.
    if (foldable(this.base)) {
      const changes = new Map<K, V | undefined>();
      for (const [k, v] of layer) changes.set(k, v === GONE ? undefined : v);
      const folded = this.base.fold(changes);
      return new LayeredMap(folded, new Map(), folded.size);
    }
    const flat = new Map<K, V>();
    for (const [k, v] of this.base) {
      const l = layer.get(k);
      if (l === undefined) flat.set(k, v);
    }
    for (const [k, v] of layer) if (v !== GONE) flat.set(k, v);
    return new LayeredMap(flat, new Map(), flat.size);
  }

  *entries(): MapIterator<[K, V]> {
    for (const [k, v] of this.base) if (!this.layer.has(k)) yield [k, v];
    for (const [k, v] of this.layer) if (v !== GONE) yield [k, v];
  }
  *keys(): MapIterator<K> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}
