// Who may UPDATE what in an embedded zone (RFC 2136 §3.3): the BIND-style rules (first matching rule decides,
// no match = denied) and the policy core builds from the database for the DNS server.
import { describe, expect, test } from "bun:test";
import { addEmbeddedZone, createTsigKey, policyFromRules, updateDomain, updatePolicy } from "../../src/core/index.ts";
import { openDatabase, updatePolicies } from "../../src/db/index.ts";

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

describe("the policy of the database", () => {
  test("a key granted on a zone (domain set --update-key) may change that zone only; a removed grant stops it", async () => {
    const db = openDatabase(":memory:");
    createTsigKey(db, { name: "router" });
    createTsigKey(db, { name: "other" });
    const zone = await addEmbeddedZone(db, { name: "dyn.example.org", updateKey: "router" }, async () => {});
    await addEmbeddedZone(db, { name: "example.net" }, async () => {});
    const ask = (p: ReturnType<typeof updatePolicy>, key: string, zone: string, name: string) => p({ zone, key, name, type: "A", address: "127.0.0.1" });
    const p = updatePolicy(db);
    expect(ask(p, "router", "dyn.example.org", "home.dyn.example.org")).toBe(true);
    expect(ask(p, "other", "dyn.example.org", "home.dyn.example.org")).toBe(false);
    expect(ask(p, "router", "example.net", "home.example.net")).toBe(false);
    await updateDomain(db, zone, { comment: "", public: false, available: true, updateKeys: ["other"] });
    expect(ask(updatePolicy(db), "other", "dyn.example.org", "home.dyn.example.org")).toBe(true);
    db.delete(updatePolicies).run();
    expect(ask(updatePolicy(db), "router", "dyn.example.org", "home.dyn.example.org")).toBe(false);
  });

  test("an acme grant allows TXT at the challenge names only", async () => {
    const db = openDatabase(":memory:");
    const key = createTsigKey(db, { name: "certbot" });
    const zone = await addEmbeddedZone(db, { name: "example.org" }, async () => {});
    db.insert(updatePolicies).values({ keyId: key.id, domainId: zone.id, action: "grant", match: "acme", name: "www.example.org", types: "TXT" }).run();
    const p = updatePolicy(db);
    const ask = (name: string, type: string) => p({ zone: "example.org", key: "certbot", name, type, address: "127.0.0.1" });
    expect(ask("_acme-challenge.www.example.org", "TXT")).toBe(true);
    expect(ask("_acme-challenge.www.example.org", "A")).toBe(false);
    expect(ask("www.example.org", "TXT")).toBe(false);
    expect(ask("_acme-challenge.example.org", "TXT")).toBe(false);
  });
});
