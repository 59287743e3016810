// The RRsets of one owner name, as snapshots hand them out.
import type { RRset, RRType } from "./types.ts";

export type Node = ReadonlyMap<RRType, RRset>;

/**
 * The RRsets of one name. A name holds one to a few RRsets, so an array scanned in order is smaller and
 * faster than a Map (a zone of a million hosts holds a million of these).
 */
export class NodeSets implements ReadonlyMap<RRType, RRset> {
  constructor(private readonly sets: readonly RRset[]) {}
  get size(): number {
    return this.sets.length;
  }
  get(t: RRType): RRset | undefined {
    for (let i = 0; i < this.sets.length; i++) if (this.sets[i].type === t) return this.sets[i];
    return undefined;
  }
  has(t: RRType): boolean {
    return this.get(t) !== undefined;
  }
  *entries(): MapIterator<[RRType, RRset]> {
    for (const s of this.sets) yield [s.type, s];
  }
  *keys(): MapIterator<RRType> {
    for (const s of this.sets) yield s.type;
  }
  *values(): MapIterator<RRset> {
    yield* this.sets;
  }
  [Symbol.iterator](): MapIterator<[RRType, RRset]> {
    return this.entries();
  }
  forEach(fn: (value: RRset, key: RRType, map: ReadonlyMap<RRType, RRset>) => void): void {
    for (const s of this.sets) fn(s, s.type, this);
  }
}
