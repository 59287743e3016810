// POST /api/v1/zones: a zone owned by the account, under [domains] add ("staff": an embedded zone is 403
// forbidden with the reason) and the ownership rules of the web UI (tests/core/zone-ownership.test.ts).
import { describe, expect, test } from "bun:test";
import { makeApiWorld } from "./world.ts";

const STAFF_ONLY = 'Only staff may add embedded zones on this server ([domains] add = "staff"); add an rfc2136 domain served by your own primary, or ask staff.';

describe("POST /api/v1/zones", () => {
  test('"staff" (the default): an account\'s embedded zone is 403 forbidden; its rfc2136 domain is 201', async () => {
    const w = await makeApiWorld();
    const tok = w.token(w.bob);
    const r = await w.call("POST", "/api/v1/zones", { token: tok, body: { name: "new.example.net", backend: "embedded" } });
    expect(r).toMatchObject({ status: 403, body: { error: { code: "forbidden", message: STAFF_ONLY } } });
    expect(w.store.zone("new.example.net")).toBeUndefined();
    const ok = await w.call("POST", "/api/v1/zones", { token: tok, body: { name: "new.example.net", backend: "rfc2136", primary: "192.0.2.1" } });
    expect(ok.status).toBe(201);
    expect(ok.body.zone).toMatchObject({ name: "new.example.net", backend: "rfc2136", available: false, owned: true });
  });

  test('"users": the account adds an embedded zone, served at once, its transfer key shown once', async () => {
    const w = await makeApiWorld({ domainsAdd: "users" });
    const r = await w.call("POST", "/api/v1/zones", { token: w.token(w.bob), body: { name: "new.example.net", backend: "embedded" } });
    expect(r.status).toBe(201);
    expect(r.body.key.name).toBe("transfer.new.example.net");
    expect(w.store.zone("new.example.net")).toBeDefined();
  });

  test("a token narrowed to hosts or zones, or read-only, cannot add zones", async () => {
    const w = await makeApiWorld({ domainsAdd: "users" });
    const narrowed = await w.call("POST", "/api/v1/zones", { token: w.token(w.bob, { zones: ["bob.example.org"] }), body: { name: "new.example.net", backend: "rfc2136", primary: "192.0.2.1" } });
    expect(narrowed).toMatchObject({ status: 403, body: { error: { code: "forbidden", message: "a token limited to hosts or zones cannot add zones" } } });
    expect((await w.call("POST", "/api/v1/zones", { token: w.token(w.bob, { readOnly: true }), body: { name: "new.example.net", backend: "rfc2136", primary: "192.0.2.1" } })).status).toBe(403);
  });
});

describe("child zones through the API", () => {
  test("the owner of an embedded zone adds a child below it; the child's name-server address set by PUT becomes glue in the parent", async () => {
    const w = await makeApiWorld();
    const tok = w.token(w.bob);
    const r = await w.call("POST", "/api/v1/zones", { token: tok, body: { name: "kids.bob.example.org", backend: "embedded", ns: ["ns1.kids.bob.example.org"] } });
    expect(r.status).toBe(201);
    expect(w.dns("kids.bob.example.org", "NS")).toEqual(["ns1.kids.bob.example.org."]);
    expect((await w.call("PUT", "/api/v1/zones/kids.bob.example.org/records/ns1/A", { token: tok, body: { ttl: 300, data: ["192.0.2.77"] } })).status).toBe(200);
    expect(w.dns("ns1.kids.bob.example.org", "A")).toEqual(["192.0.2.77"]);
    expect([...w.store.zone("bob.example.org")!.get("ns1.kids.bob.example.org", "A")!.data]).toEqual(["192.0.2.77"]);
    const below = await w.call("PUT", "/api/v1/zones/bob.example.org/records/www.kids/A", { token: tok, body: { ttl: 300, data: ["192.0.2.1"] } });
    expect(below).toMatchObject({ status: 400, body: { error: { message: "www.kids.bob.example.org is in the zone kids.bob.example.org, delegated from bob.example.org: change it there" } } });
  });
});
