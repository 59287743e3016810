import { expect, test } from "bun:test";
import { canonicalCompare } from "../../src/net/index.ts";

test("names sort in RFC 4034 §6.1 order (its own example, in key form)", () => {
  const ordered = ["example", "a.example", "yljkjljk.a.example", "z.a.example", "zabc.a.example", "z.example", "*.z.example"];
  expect([...ordered].reverse().sort(canonicalCompare)).toEqual(ordered);
});

test("label by label, not character by character: a name comes before the names below it", () => {
  // Read as reversed text, "x.a-z" would sort before "x.a.b" ("-" is below "."); label by label, "a" < "a-z".
  expect(["a-z.x", "b.a.x", "x", ""].sort(canonicalCompare)).toEqual(["", "x", "b.a.x", "a-z.x"]);
});
