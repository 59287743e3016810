// Names: case, relation to a zone, canonical order, wire form.
import { describe, expect, test } from "bun:test";
import { absolutize, compareNames, encodeName, isSubdomain, namesEqual, normalizeName, readName, relativize } from "../../../src/dns/wire/index.ts";

describe("names", () => {
  test("normalized: lower case, no trailing dot", () => {
    expect(normalizeName("Home.DYN.example.org.")).toBe("home.dyn.example.org");
    expect(normalizeName(".")).toBe("");
    expect(namesEqual("A.example", "a.EXAMPLE.")).toBe(true);
  });

  test("subdomains and relative names", () => {
    expect(isSubdomain("home.dyn.example", "dyn.example")).toBe(true);
    expect(isSubdomain("dyn.example", "dyn.example")).toBe(true);
    expect(isSubdomain("xdyn.example", "dyn.example")).toBe(false);
    expect(isSubdomain("anything", "")).toBe(true);
    expect(relativize("nas.home.dyn.example", "DYN.example.")).toBe("nas.home");
    expect(relativize("dyn.example", "dyn.example")).toBe("@");
    expect(relativize("other.example", "dyn.example")).toBeNull();
    expect(absolutize("@", "dyn.example")).toBe("dyn.example");
    expect(absolutize("Home", "dyn.example")).toBe("home.dyn.example");
  });

  test("canonical order (RFC 4034 §6.1 example)", () => {
    const sorted = ["example", "a.example", "yljkjljk.a.example", "Z.a.example", "zABC.a.EXAMPLE", "z.example", "\\001.z.example", "*.z.example", "\\200.z.example"];
    const shuffled = [...sorted].reverse();
    expect(shuffled.sort(compareNames)).toEqual(sorted);
  });

  test("wire form: escapes, limits, compression pointers", () => {
    expect([...encodeName("A.b")]).toEqual([1, 0x61, 1, 0x62, 0]);
    expect([...encodeName("A.b", false)]).toEqual([1, 0x41, 1, 0x62, 0]);
    expect([...encodeName("a\\.b.c")]).toEqual([3, 0x61, 0x2e, 0x62, 1, 0x63, 0]);
    expect(() => encodeName("a".repeat(64))).toThrow(/63/);
    expect(() => encodeName(Array(130).fill("a").join("."))).toThrow(/255/);
    const buf = Uint8Array.of(1, 0x61, 0, 1, 0x62, 0xc0, 0);
    expect(readName(buf, 3)).toEqual({ name: "b.a", next: 7 });
    expect(() => readName(Uint8Array.of(0xc0, 0), 0)).toThrow(/backwards/);
    expect(() => readName(Uint8Array.of(5, 0x61), 0)).toThrow(/past the end/);
    expect(readName(Uint8Array.of(2, 0x2e, 0x5c, 0), 0).name).toBe("\\.\\\\");
  });
});
