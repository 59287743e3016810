// Update policies (first matching rule decides, no match = denied) and transfer address lists.
import { describe, expect, test } from "bun:test";
import { addressAllowed, policyFromRules } from "../../../src/dns/server/index.ts";

describe("update policy rules", () => {
  const policy = policyFromRules([
    { action: "deny", key: "k1", match: "name", name: "locked.dyn.example.org.", types: "ANY" },
    { action: "grant", key: "k1", match: "subdomain", name: "dyn.example.org", types: ["A", "AAAA"] },
    { action: "grant", key: "k2", match: "wildcard", name: "*.acme.example.org", types: ["TXT"] },
    { action: "grant", key: "*", match: "name", name: "open.example.org", types: ["TXT"] },
    { action: "grant", key: "admin", match: "zone", name: "example.org", types: "ANY" },
  ]);
  const ask = (key: string, name: string, type: "A" | "TXT" | "MX" | "ANY") => policy({ zone: "example.org", key, name, type, address: "127.0.0.1" });

  test("subdomain grants the name and everything below, for the listed types only", () => {
    expect(ask("k1", "dyn.example.org", "A")).toBe(true);
    expect(ask("k1", "h.dyn.example.org", "A")).toBe(true);
    expect(ask("k1", "h.dyn.example.org", "TXT")).toBe(false);
    expect(ask("k1", "h.dyn.example.org", "ANY")).toBe(false);
    expect(ask("k1", "www.example.org", "A")).toBe(false);
  });
  test("a deny rule before a grant wins", () => {
    expect(ask("k1", "locked.dyn.example.org", "A")).toBe(false);
  });
  test("wildcard matches strictly below its base", () => {
    expect(ask("k2", "_acme-challenge.acme.example.org", "TXT")).toBe(true);
    expect(ask("k2", "acme.example.org", "TXT")).toBe(false);
  });
  test("'*' means any key; another key's rules do not apply", () => {
    expect(ask("k2", "open.example.org", "TXT")).toBe(true);
    expect(ask("k2", "h.dyn.example.org", "A")).toBe(false);
  });
  test("zone grants everything in the zone; unknown keys get nothing", () => {
    expect(ask("admin", "anything.example.org", "MX")).toBe(true);
    expect(ask("nobody", "h.dyn.example.org", "A")).toBe(false);
  });
});

describe("transfer address lists", () => {
  test("addresses and prefixes, IPv4-mapped IPv6 counted as IPv4, bad entries match nothing", () => {
    expect(addressAllowed("127.0.0.1", ["127.0.0.0/8"])).toBe(true);
    expect(addressAllowed("::ffff:127.0.0.1", ["127.0.0.1"])).toBe(true);
    expect(addressAllowed("10.0.0.1", ["127.0.0.0/8", "::1"])).toBe(false);
    expect(addressAllowed("::1", ["::1"])).toBe(true);
    expect(addressAllowed("2001:db8::5", ["2001:db8::/32"])).toBe(true);
    expect(addressAllowed("127.0.0.1", ["not-an-address", "300.0.0.0/8"])).toBe(false);
  });
});
