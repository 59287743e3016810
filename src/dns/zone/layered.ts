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

/** The difference of a LayeredMap from an earlier one of the same base (see LayeredMap.diff). */
export interface LayerDiff<K, V> {
  base: ReadonlyMap<K, V>;
  full: boolean;
  changed: [K, V | undefined][];
  removed: K[];
  size: number;
}

export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  readonly size: number;

  private constructor(
    private readonly base: ReadonlyMap<K, V>,
    private readonly layer: ReadonlyMap<K, Slot<V>>,
    size: number,
  ) {
    this.size = size;
  }

  /**
   * What another thread, holding `prev`, needs to rebuild this map: the layer entries that differ from
   * prev's (undefined: deleted) and the keys that left the layer — a few per commit, as `with` keeps the
   * entries it did not touch. Against another base (a fold) or no prev: the whole layer, `full`.
   */
  diff(prev: LayeredMap<K, V> | undefined): LayerDiff<K, V> {
    const unslot = (v: Slot<V>) => (v === GONE ? undefined : v);
    if (!prev || prev.base !== this.base) return { base: this.base, full: true, changed: [...this.layer].map(([k, v]) => [k, unslot(v)]), removed: [], size: this.size };
    const changed: [K, V | undefined][] = [];
    for (const [k, v] of this.layer) if (prev.layer.get(k) !== v) changed.push([k, unslot(v)]);
    const removed: K[] = [];
    for (const k of prev.layer.keys()) if (!this.layer.has(k)) removed.push(k);
    return { base: this.base, full: false, changed, removed, size: this.size };
  }

  /** The map `diff()` described: over `base` when full, else over `prev` (the map the diff was taken against). */
  static fromDiff<K, V>(base: ReadonlyMap<K, V>, prev: LayeredMap<K, V> | undefined, d: Omit<LayerDiff<K, V>, "base">): LayeredMap<K, V> {
    if (!d.full && !prev) throw new Error("a layer diff needs the map it was taken against");
    const layer = new Map<K, Slot<V>>(d.full ? [] : prev!.layer);
    for (const k of d.removed) layer.delete(k);
    for (const [k, v] of d.changed) layer.set(k, v === undefined ? GONE : v);
    return new LayeredMap(d.full ? base : prev!.base, layer, d.size);
  }

  static of<K, V>(m: ReadonlyMap<K, V>): LayeredMap<K, V> {
    return m instanceof LayeredMap ? m : new LayeredMap(m, new Map(), m.size);
  }

  /** The base and the layer (undefined: deleted from the base), for a walk that reads the base in bulk (AXFR). */
  split(): { base: ReadonlyMap<K, V>; layer: [K, V | undefined][] } {
    return { base: this.base, layer: [...this.layer].map(([k, v]) => [k, v === GONE ? undefined : v]) };
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
