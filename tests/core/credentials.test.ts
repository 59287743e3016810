import { describe, expect, test } from "bun:test";
import { BadauthLimiter, credentialsFrom, parseBasic } from "../../src/core/index.ts";

const b = (s: string) => "Basic " + Buffer.from(s).toString("base64");

describe("Basic parsing (spec §1.2 step 3)", () => {
  test("first colon splits; the password may hold colons; scheme case-insensitive", () => {
    expect(parseBasic(b("host.example.org:pa:ss"))).toEqual({ username: "host.example.org", password: "pa:ss" });
    expect(parseBasic("bAsIc " + Buffer.from("a.b:c").toString("base64"))).toEqual({ username: "a.b", password: "c" });
  });
  test("characters outside base64 are skipped; missing padding is tolerated", () => {
    const raw = Buffer.from("a.b:cd").toString("base64"); // YS5iOmNk
    expect(parseBasic("Basic " + raw.slice(0, 4) + "*%" + raw.slice(4))).toEqual({ username: "a.b", password: "cd" });
    expect(parseBasic("Basic " + Buffer.from("a.b:c").toString("base64").replace(/=+$/, ""))).toEqual({ username: "a.b", password: "c" });
  });
  test("malformed: no space, other scheme, impossible length, no colon", () => {
    for (const h of ["Basic", "BasicYTpi", "Digest YTpi", "Basic Y", "Basic " + Buffer.from("nocolon").toString("base64")]) expect(parseBasic(h)).toBeNull();
  });
  test("where credentials come from", () => {
    expect(credentialsFrom(null, {})).toEqual({ kind: "none" });
    expect(credentialsFrom("  ", { username: "u.v", password: "p" })).toEqual({ kind: "basic", username: "u.v", password: "p", from: "query" });
    expect(credentialsFrom("Bearer tok", { username: "u.v", password: "p" })).toEqual({ kind: "bearer", token: "tok" });
    expect(credentialsFrom("Token tok", {})).toEqual({ kind: "bearer", token: "tok" });
    expect(credentialsFrom("Bearer ", {})).toEqual({ kind: "malformed" });
    expect(credentialsFrom("garbage", {})).toEqual({ kind: "malformed" });
  });
});

describe("badauth limiter (updns.md §1.8)", () => {
  test("a sliding window per address", () => {
    const l = new BadauthLimiter(3, 60_000);
    for (let i = 0; i < 3; i++) l.fail("a", 1000 + i * 1000);
    expect(l.retryAfter("a", 4000)).toBe(57);
    expect(l.retryAfter("b", 4000)).toBe(0);
    expect(l.retryAfter("a", 61_001)).toBe(0);
  });
});
