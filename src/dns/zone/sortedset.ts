// An immutable sorted set of strings in blocks of a few hundred, so a version with one name more or less
// copies one block and the short list of blocks, not the whole set: the NSEC3/NSEC chain order of a zone of
// a million names changes in microseconds per commit (a flat array would copy and shift a million slots).

const MAX_BLOCK = 512;
const CHUNK = 256;

export class SortedSet {
  readonly size: number;

  private constructor(
    private readonly blocks: readonly (readonly string[])[],
    readonly cmp: (a: string, b: string) => number,
  ) {
    let n = 0;
    for (const b of blocks) n += b.length;
    this.size = n;
  }

  /** From values already sorted by `cmp` and without duplicates. */
  static fromSorted(sorted: readonly string[], cmp: (a: string, b: string) => number): SortedSet {
    const blocks: string[][] = [];
    for (let i = 0; i < sorted.length; i += CHUNK) blocks.push(sorted.slice(i, i + CHUNK));
    return new SortedSet(blocks, cmp);
  }

  /** The block that would hold `x`: the last whose first element is <= x (0 when x is below all). */
  private blockOf(x: string): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.cmp(this.blocks[mid][0], x) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private static lowerBound(arr: readonly string[], x: string, cmp: (a: string, b: string) => number): number {
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(arr[mid], x) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(x: string): boolean {
    if (this.size === 0) return false;
    const b = this.blocks[this.blockOf(x)];
    const i = SortedSet.lowerBound(b, x, this.cmp);
    return i < b.length && b[i] === x;
  }

  /** `x` itself when present, else the greatest element below it, wrapping to the last (a chain's cover). */
  atOrBefore(x: string): string | undefined {
    if (this.size === 0) return undefined;
    const bi = this.blockOf(x);
    const b = this.blocks[bi];
    const i = SortedSet.lowerBound(b, x, this.cmp);
    if (i < b.length && b[i] === x) return x;
    if (i > 0) return b[i - 1];
    // x is below the first element of block bi: only possible for bi = 0; wrap to the very last.
    if (bi > 0) return this.blocks[bi - 1][this.blocks[bi - 1].length - 1];
    const last = this.blocks[this.blocks.length - 1];
    return last[last.length - 1];
  }

  /** The greatest element strictly below `x`, wrapping to the last. */
  before(x: string): string | undefined {
    if (this.size === 0) return undefined;
    const bi = this.blockOf(x);
    const b = this.blocks[bi];
    const i = SortedSet.lowerBound(b, x, this.cmp);
    if (i > 0) return b[i - 1];
    if (bi > 0) return this.blocks[bi - 1][this.blocks[bi - 1].length - 1];
    const last = this.blocks[this.blocks.length - 1];
    return last[last.length - 1];
  }

  /** The smallest element strictly above `x`, wrapping to the first. */
  after(x: string): string | undefined {
    if (this.size === 0) return undefined;
    const bi = this.blockOf(x);
    const b = this.blocks[bi];
    let i = SortedSet.lowerBound(b, x, this.cmp);
    if (i < b.length && b[i] === x) i++;
    if (i < b.length) return b[i];
    if (bi + 1 < this.blocks.length) return this.blocks[bi + 1][0];
    return this.blocks[0][0];
  }

  /** A new set with `remove` taken out and `add` put in; only the blocks touched are copied. */
  with(remove: Iterable<string>, add: Iterable<string>): SortedSet {
    const blocks = [...this.blocks] as string[][];
    const owned = new Set<number>();
    const own = (bi: number) => {
      if (!owned.has(bi)) {
        blocks[bi] = [...blocks[bi]];
        owned.add(bi);
      }
      return blocks[bi];
    };
    const view = new SortedSet(blocks, this.cmp);
    for (const x of remove) {
      if (blocks.length === 0) break;
      const bi = view.blockOfIn(blocks, x);
      const b = blocks[bi];
      const i = SortedSet.lowerBound(b, x, this.cmp);
      if (i < b.length && b[i] === x) own(bi).splice(i, 1);
    }
    for (const x of add) {
      if (blocks.length === 0 || blocks.every((b) => b.length === 0)) {
        blocks.length = 0;
        blocks.push([x]);
        owned.clear();
        owned.add(0);
        continue;
      }
      const bi = view.blockOfIn(blocks, x);
      const b = blocks[bi];
      const i = SortedSet.lowerBound(b, x, this.cmp);
      if (i < b.length && b[i] === x) continue;
      own(bi).splice(i, 0, x);
    }
    // Split full blocks, drop empty ones (the owned set is not needed any more).
    const out: string[][] = [];
    for (const b of blocks) {
      if (b.length === 0) continue;
      if (b.length <= MAX_BLOCK) out.push(b);
      else for (let i = 0; i < b.length; i += CHUNK) out.push(b.slice(i, i + CHUNK));
    }
    return new SortedSet(out, this.cmp);
  }

  /** blockOf over a list of blocks that may hold empty ones (during `with`). */
  private blockOfIn(blocks: readonly (readonly string[])[], x: string): number {
    let best = 0;
    let lo = 0;
    let hi = blocks.length - 1;
    // Binary search on first elements, skipping empty blocks by moving to a neighbour.
    while (lo <= hi) {
      let mid = (lo + hi) >> 1;
      let m = mid;
      while (m <= hi && blocks[m].length === 0) m++;
      if (m > hi) {
        hi = mid - 1;
        continue;
      }
      mid = m;
      if (this.cmp(blocks[mid][0], x) <= 0) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }

  *values(): Generator<string> {
    for (const b of this.blocks) yield* b;
  }
}
