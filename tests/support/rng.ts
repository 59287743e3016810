// A small deterministic PRNG (xorshift32) for the fuzzers: a failure names its seed and replays exactly.
// Returns a function giving numbers in [0, 1), like Math.random.
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}
