import { describe, expect, test } from "bun:test";
import { checkNewHostName, splitFqdn, validateBlacklistPattern, validateHostName } from "../../src/core/index.ts";
import { blacklistedHosts, openDatabase } from "../../src/db/index.ts";

describe("host names (spec §0, §3.2, §3.5)", () => {
  test("split at the first dot, lower-cased, trailing dot dropped", () => {
    expect(splitFqdn("Home.Dyn.Example.ORG.")).toEqual({ host: "home", zone: "dyn.example.org" });
    expect(splitFqdn("nodot")).toBeNull();
    expect(splitFqdn(".x")).toBeNull();
  });
  test("labels: a-z, 0-9, inner hyphens, at most 63", () => {
    for (const ok of ["a", "a1", "my-host", "x".repeat(63)]) expect(validateHostName(ok)).toBeNull();
    for (const bad of ["", "-a", "a-", "A", "a.b", "a_b", "x".repeat(64), "ä"]) expect(validateHostName(bad)).not.toBeNull();
  });
  test("blacklist patterns are searched, not anchored; broken patterns are refused when saved", () => {
    const db = openDatabase(":memory:");
    db.insert(blacklistedHosts).values([{ nameRe: "^www$" }, { nameRe: "admin" }]).run();
    expect(checkNewHostName(db, "www")).toBe("This name is blacklisted.");
    expect(checkNewHostName(db, "myadminbox")).toBe("This name is blacklisted.");
    expect(checkNewHostName(db, "www2")).toBeNull();
    expect(validateBlacklistPattern("(")).toContain("Not a valid regular expression");
  });
});
