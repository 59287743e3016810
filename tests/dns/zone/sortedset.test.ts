// The blocked immutable sorted set behind the NSEC3/NSEC chain order: it agrees with a plain sorted array
// through random insertions and removals, wraps around at both ends, and leaves older versions unchanged.
import { describe, expect, test } from "bun:test";
import { SortedSet } from "../../../src/dns/zone/sortedset.ts";

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe("SortedSet", () => {
  test("random changes match a sorted array; neighbours wrap around", () => {
    let seed = 1;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const key = () => `k${String(rnd(5000)).padStart(5, "0")}`;
    let model = [...new Set(Array.from({ length: 1500 }, key))].sort(cmp);
    let set = SortedSet.fromSorted(model, cmp);
    for (let round = 0; round < 200; round++) {
      const remove = Array.from({ length: rnd(20) }, () => model[rnd(model.length)]).filter(Boolean);
      const add = Array.from({ length: rnd(20) }, key);
      const before = [...set.values()];
      const next = set.with(remove, add);
      expect([...set.values()]).toEqual(before); // the old version is untouched
      set = next;
      model = [...new Set([...model.filter((x) => !remove.includes(x)), ...add])].sort(cmp);
      expect([...set.values()]).toEqual(model);
      expect(set.size).toBe(model.length);
      const probe = key();
      const i = model.findIndex((x) => x >= probe);
      const at = i < 0 ? model.length : i;
      expect(set.has(probe)).toBe(model[at] === probe);
      expect(set.atOrBefore(probe)).toBe(model[at] === probe ? probe : model[(at - 1 + model.length) % model.length]);
      expect(set.before(probe)).toBe(model[(at - 1 + model.length) % model.length]);
      expect(set.after(probe)).toBe(model[(model[at] === probe ? at + 1 : at) % model.length]);
    }
  });
  test("empty, one element, and everything removed then added again", () => {
    const empty = SortedSet.fromSorted([], cmp);
    expect(empty.atOrBefore("a")).toBeUndefined();
    const one = empty.with([], ["m"]);
    expect([one.before("m"), one.after("m"), one.atOrBefore("a")]).toEqual(["m", "m", "m"]);
    const big = SortedSet.fromSorted(Array.from({ length: 1000 }, (_, i) => `x${String(i).padStart(4, "0")}`), cmp);
    const none = big.with([...big.values()], []);
    expect(none.size).toBe(0);
    expect([...none.with([], ["b", "a"]).values()]).toEqual(["a", "b"]);
  });
});
