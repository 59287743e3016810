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
