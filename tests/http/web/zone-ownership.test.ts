// [domains] add on the web form: "staff" answers an account's embedded zone with 403 and says why, while its
// rfc2136 domain goes through; "users" lets it add the zone; staff always may. (The other ownership rules:
// tests/core/zone-ownership.test.ts, and through the binary tests/cli/zone-ownership.test.ts.)
import { describe, expect, test } from "bun:test";
import { makeDnsWebWorld } from "./world.ts";

const STAFF_ONLY = 'Only staff may add embedded zones on this server ([domains] add = "staff"); add an rfc2136 domain served by your own primary, or ask staff.';
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&quot;|&#34;/g, '"').replace(/\s+/g, " ");

describe("the web form", () => {
  test('"staff": a user\'s embedded zone is 403 with the reason and nothing is created; rfc2136 and staff are fine', async () => {
    const w = await makeDnsWebWorld({ configure: (c) => (c.domains.add = "staff") });
    const bob = await w.signedIn("bob");
    // The form says so before anyone posts it: the embedded choice is off and rfc2136 is chosen.
    const form = (await bob.b.get("/domain/add/")).body;
    expect(form).toMatch(/value="embedded"[^>]*disabled/);
    expect(form).toMatch(/value="rfc2136"[^>]*checked/);
    expect(text(form)).toContain(STAFF_ONLY);
    const r = await bob.b.submit("/domain/add/", { name: "bob.example.net", backend: "embedded" }, "/domain/add/");
    expect(r.status).toBe(403);
    expect(text(r.body)).toContain(STAFF_ONLY);
    expect(w.store.zone("bob.example.net")).toBeUndefined();
    expect((await bob.b.submit("/domain/add/", { name: "bob.example.net", backend: "rfc2136", primary: "192.0.2.1" }, "/domain/add/")).status).toBe(303);
    const staff = await w.signedIn("carol", { staff: true });
    expect((await staff.b.submit("/domain/add/", { name: "carol.example.net", backend: "embedded" }, "/domain/add/")).status).toBe(303);
    expect(w.store.zone("carol.example.net")).toBeDefined();
  });

  test('"users": a user adds an embedded zone', async () => {
    const w = await makeDnsWebWorld({ configure: (c) => (c.domains.add = "users") });
    const bob = await w.signedIn("bob");
    const form = (await bob.b.get("/domain/add/")).body;
    expect(form).not.toMatch(/value="embedded"[^>]*disabled/);
    expect(text(form)).not.toContain(STAFF_ONLY);
    expect((await bob.b.submit("/domain/add/", { name: "bob.example.net", backend: "embedded" }, "/domain/add/")).status).toBe(303);
    expect(w.store.zone("bob.example.net")?.serial).toBeGreaterThan(0);
  });
});
