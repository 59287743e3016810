// core/acme.ts rules that need no server: acme-dns's lenient JSON, allowfrom parsing and matching, the
// ACME challenge names a scoped TSIG key may touch, and that policy as the DNS server applies it.
import { describe, expect, test } from "bun:test";
import { AcmeError, allowedFrom, grantsWithAcme, isAcmeChallengeName, parseAllowfrom, parseLooseJson, validChallengeTxt } from "../../src/core/index.ts";

describe("parseLooseJson (Go encoding/json into acme-dns's structs)", () => {
  test("empty body and null are an empty object (acme.sh's /register)", () => {
    expect(parseLooseJson("")).toEqual({});
    expect(parseLooseJson("  \n")).toEqual({});
    expect(parseLooseJson("null")).toEqual({});
  });
  test("keys match without regard to case; an exact lower-case key wins", () => {
    expect(parseLooseJson('{"SubDomain":"a","Txt":"b"}')).toEqual({ subdomain: "a", txt: "b" });
    expect(parseLooseJson('{"TXT":"upper","txt":"lower"}')).toEqual({ txt: "lower" });
    expect(parseLooseJson('{"txt":"lower","TXT":"upper"}')).toEqual({ txt: "lower" });
  });
  test("anything but a JSON object is malformed", () => {
    for (const body of ["{", "[]", "1", '"s"', "txt=abc"]) expect(parseLooseJson(body)).toBeNull();
  });
});

describe("allowfrom", () => {
  test("CIDR prefixes only; IPv6 brackets stripped; one bad entry rejects all", () => {
    expect(parseAllowfrom(undefined)).toEqual([]);
    expect(parseAllowfrom(["192.0.2.0/24", "[2001:db8::]/32"])).toEqual(["192.0.2.0/24", "2001:db8::/32"]);
    expect(() => parseAllowfrom(["192.0.2.0/24", "192.0.2.1"])).toThrow(AcmeError);
    expect(() => parseAllowfrom("192.0.2.0/24")).toThrow("malformed_json_payload");
  });
  test("an empty list allows anywhere; IPv4-mapped addresses count as IPv4", () => {
    expect(allowedFrom("198.51.100.7", [])).toBe(true);
    expect(allowedFrom("192.0.2.9", ["192.0.2.0/24"])).toBe(true);
    expect(allowedFrom("::ffff:192.0.2.9", ["192.0.2.0/24"])).toBe(true);
    expect(allowedFrom("192.0.3.9", ["192.0.2.0/24"])).toBe(false);
    expect(allowedFrom("2001:db8::1", ["192.0.2.0/24"])).toBe(false);
    expect(allowedFrom("", ["192.0.2.0/24"])).toBe(false);
  });
});

test("TXT values: one printable ASCII character-string of 1 to 255 octets", () => {
  expect(validChallengeTxt("a".repeat(43))).toBe(true);
  expect(validChallengeTxt("x".repeat(255))).toBe(true);
  for (const bad of ["", "x".repeat(256), "tab\there", "é"]) expect(validChallengeTxt(bad)).toBe(false);
});

test("challenge names (RFC 8555 §8.4): _acme-challenge.<name> at or below the granted name", () => {
  expect(isAcmeChallengeName("_acme-challenge.example.org", "example.org")).toBe(true);
  expect(isAcmeChallengeName("_ACME-Challenge.www.Example.org.", "example.org")).toBe(true);
  expect(isAcmeChallengeName("_acme-challenge.a.b.example.org", "example.org")).toBe(true);
  expect(isAcmeChallengeName("www.example.org", "example.org")).toBe(false);
  expect(isAcmeChallengeName("x._acme-challenge.example.org", "example.org")).toBe(false);
  expect(isAcmeChallengeName("_acme-challenge.example.net", "example.org")).toBe(false);
  expect(isAcmeChallengeName("_acme-challenge.badexample.org", "example.org")).toBe(false);
});

test("UPDATE policy: an acme grant allows TXT at challenge names of its zone for its key, nothing else", () => {
  const policy = grantsWithAcme([{ action: "grant", key: "full", match: "subdomain", name: "example.org", types: "ANY" }], [{ key: "certbot", zone: "example.org", name: "example.org" }]);
  const req = (key: string, name: string, type: "TXT" | "A" | "ANY") => policy({ zone: "example.org", key, name, type, address: "127.0.0.1" });
  expect(req("certbot", "_acme-challenge.www.example.org", "TXT")).toBe(true);
  expect(req("certbot", "_acme-challenge.www.example.org", "A")).toBe(false);
  expect(req("certbot", "_acme-challenge.www.example.org", "ANY")).toBe(false);
  expect(req("certbot", "www.example.org", "TXT")).toBe(false);
  expect(req("other", "_acme-challenge.www.example.org", "TXT")).toBe(false);
  // The ordinary rules still apply to other keys.
  expect(req("full", "www.example.org", "A")).toBe(true);
});
