// The domain form shows only the chosen backend's fields (an htmx fragment, or a GET step without
// JavaScript) and takes a pasted TSIG secret; every new secret (domain add, a domain's new TSIG secret,
// a host's new update secret) comes after a 303 on a GET page that shows it once and then says it is gone.
import { describe, expect, test } from "bun:test";
import { openColumn } from "../../../src/db/index.ts";
import { textOf as rawText } from "./harness.ts";
import { makeDnsWebWorld } from "./world.ts";

const textOf = (html: string) => rawText(html).replace(/&#x27;/g, "'");
const GONE = "The secret is shown only once, right after it is made: it is not shown again here.";
const tsigSecretOn = (html: string) => html.match(/<pre id="tsig-secret"[^>]*>([^<]+)<\/pre>/)?.[1] ?? null;
const storedUpdateSecret = (w: Awaited<ReturnType<typeof makeDnsWebWorld>>, zone: string) => {
  const row = w.db.$client.query("SELECT update_key_secret FROM domains WHERE name = ?").get(zone) as { update_key_secret: string } | null;
  return row ? openColumn(w.db, row.update_key_secret, "domains.update_key_secret") : null;
};

describe("the domain form", () => {
  test("the radio buttons swap the backend's fieldset with htmx; the fragment holds only that backend's fields", async () => {
    const w = await makeDnsWebWorld();
    const { b } = await w.signedIn("alice");
    const form = (await b.get("/domain/add/")).body;
    expect(form).toMatch(/value="embedded"[^>]*hx-get="\/domain\/add\/fields\?backend=embedded"[^>]*hx-target="#backend-fields"/);
    expect(form).toMatch(/value="rfc2136"[^>]*hx-get="\/domain\/add\/fields\?backend=rfc2136"[^>]*hx-target="#backend-fields"/);
    expect(form).toContain('id="backend-fields"');
    const rfc = await b.request("GET", "/domain/add/fields?backend=rfc2136", undefined, { "hx-request": "true" });
    expect(rfc.status).toBe(200);
    expect(rfc.body).not.toContain("<html");
    expect(rfc.body).toContain('name="primary"');
    expect(rfc.body).toContain('name="secret"');
    expect(rfc.body).toContain('<input type="hidden" name="backend" value="rfc2136"');
    expect(rfc.body).not.toContain('name="ns"');
    const emb = await b.request("GET", "/domain/add/fields?backend=embedded", undefined, { "hx-request": "true" });
    expect(emb.body).toContain('name="ns"');
    expect(emb.body).toContain('name="secondaries"');
    expect(emb.body).not.toContain('name="primary"');
    expect(emb.body).not.toContain('name="secret"');
  });

  test("without JavaScript: step 1 is a GET with the choice, step 2 shows only that backend's fields and keeps the choice", async () => {
    const w = await makeDnsWebWorld();
    const { b } = await w.signedIn("alice");
    const first = (await b.get("/domain/add/")).body;
    expect(first).toMatch(/<form method="get" action="\/domain\/add\/"/);
    expect(first).toMatch(/<noscript><button type="submit"[^>]*>Show the fields for this choice<\/button><\/noscript>/);
    expect(first).toMatch(/value="embedded"[^>]*checked/);
    expect(first).toContain('name="ns"');
    expect(first).not.toContain('name="primary"');
    const second = await b.get("/domain/add/?backend=rfc2136");
    expect(second.status).toBe(200);
    expect(second.body).toMatch(/value="rfc2136"[^>]*checked/);
    expect(second.body).not.toMatch(/value="embedded"[^>]*checked/);
    expect(second.body).toContain('name="primary"');
    expect(second.body).toContain('name="secret"');
    expect(second.body).not.toContain('name="ns"');
    // The posted step 2 adds the domain.
    const r = await b.submit("/domain/add/", { name: "ext.example.org", backend: "rfc2136", primary: "192.0.2.53" });
    expect(r.status).toBe(303);
  });

  test('[domains] add = "staff": a user\'s form starts with rfc2136, and asking for embedded by GET still shows rfc2136', async () => {
    const w = await makeDnsWebWorld({ configure: (c) => (c.domains.add = "staff") });
    const { b } = await w.signedIn("bob");
    const page = (await b.get("/domain/add/?backend=embedded")).body;
    expect(page).toMatch(/value="embedded"[^>]*disabled/);
    expect(page).toMatch(/value="rfc2136"[^>]*checked/);
    expect(page).toContain('name="primary"');
    expect(page).not.toContain('name="ns"');
  });

  test("a pasted TSIG secret is stored (sealed) and not shown back; a bad one is a form error and nothing is added", async () => {
    const w = await makeDnsWebWorld();
    const { b } = await w.signedIn("alice");
    const bad = await b.submit("/domain/add/", { name: "ext.example.org", backend: "rfc2136", primary: "192.0.2.53", secret: "not base64!" }, "/domain/add/?backend=rfc2136");
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/id="f-secret-err" class="error">[^<]*must be base64/);
    expect(storedUpdateSecret(w, "ext.example.org")).toBeNull();
    const pasted = Buffer.alloc(32, 7).toString("base64");
    const r = await b.submit("/domain/add/", { name: "ext.example.org", backend: "rfc2136", primary: "192.0.2.53", algorithm: "hmac-sha256", secret: pasted }, "/domain/add/?backend=rfc2136");
    expect(r.status).toBe(303);
    const sealed = w.db.$client.query("SELECT update_key_secret FROM domains WHERE name = 'ext.example.org'").get() as { update_key_secret: string };
    expect(sealed.update_key_secret).not.toBe(pasted);
    expect(storedUpdateSecret(w, "ext.example.org")).toBe(pasted);
    const shown = await b.get(r.location!);
    expect(textOf(shown.body)).toContain("Domain added.");
    expect(shown.body).not.toContain(pasted);
    expect(tsigSecretOn(shown.body)).toBeNull();
  });
});

describe("secrets shown once after a 303", () => {
  test("domain add with an empty secret: a generated one on the first GET, gone on the second; a reload posts nothing", async () => {
    const w = await makeDnsWebWorld();
    const { b } = await w.signedIn("alice");
    const r = await b.submit("/domain/add/", { name: "ext.example.org", backend: "rfc2136", primary: "192.0.2.53", algorithm: "hmac-sha256", secret: "" }, "/domain/add/?backend=rfc2136");
    expect(r.status).toBe(303);
    expect(r.location).toBe("/generate_ns_secret/1/");
    const first = await b.get(r.location!);
    const secret = tsigSecretOn(first.body)!;
    expect(Buffer.from(secret, "base64").length).toBe(32);
    expect(storedUpdateSecret(w, "ext.example.org")).toBe(secret);
    expect(r.location).not.toContain(secret);
    const again = await b.get(r.location!);
    expect(again.status).toBe(200);
    expect(again.body).not.toContain(secret);
    expect(textOf(again.body)).toContain(GONE);
    expect(storedUpdateSecret(w, "ext.example.org")).toBe(secret);
  });

  test("an embedded zone's transfer key is shown once after the add", async () => {
    const w = await makeDnsWebWorld();
    const { b } = await w.signedIn("alice");
    const r = await b.submit("/domain/add/", { name: "dyn.example.org", backend: "embedded" }, "/domain/add/");
    expect(r.status).toBe(303);
    const secret = tsigSecretOn((await b.get(r.location!)).body)!;
    expect(secret).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect((await b.get(r.location!)).body).not.toContain(secret);
  });

  test("the kept secret belongs to the session that made it: the same user's other session never sees it", async () => {
    const w = await makeDnsWebWorld();
    const { b } = await w.signedIn("alice");
    const other = w.browser({ address: "192.0.2.99" });
    expect((await other.login("alice", "correct horse battery")).status).toBe(303);
    const r = await b.submit("/domain/add/", { name: "ext.example.org", backend: "rfc2136", primary: "192.0.2.53" }, "/domain/add/?backend=rfc2136");
    const elsewhere = await other.get(r.location!);
    expect(elsewhere.status).toBe(200);
    expect(tsigSecretOn(elsewhere.body)).toBeNull();
    expect(tsigSecretOn((await b.get(r.location!)).body)).toBe(storedUpdateSecret(w, "ext.example.org"));
  });

  test("a domain's new TSIG secret: 303, shown on the first GET only, and the stored key changed once", async () => {
    const w = await makeDnsWebWorld();
    const { b } = await w.signedIn("alice");
    await b.submit("/domain/add/", { name: "ext.example.org", backend: "rfc2136", primary: "192.0.2.53" }, "/domain/add/?backend=rfc2136");
    const before = storedUpdateSecret(w, "ext.example.org");
    const r = await b.submit("/generate_ns_secret/1/", {}, "/domain/1/");
    expect(r.status).toBe(303);
    expect(r.location).toBe("/generate_ns_secret/1/");
    const secret = tsigSecretOn((await b.get(r.location!)).body)!;
    expect(secret).not.toBe(before);
    expect(storedUpdateSecret(w, "ext.example.org")).toBe(secret);
    const again = await b.get(r.location!);
    expect(again.body).not.toContain(secret);
    expect(textOf(again.body)).toContain(GONE);
    expect(storedUpdateSecret(w, "ext.example.org")).toBe(secret);
  });

  test("a host's new update secret: 303, shown on the first GET only, in no other session", async () => {
    const w = await makeDnsWebWorld();
    const { b } = await w.signedIn("alice");
    await b.submit("/domain/add/", { name: "dyn.example.org", backend: "embedded" }, "/domain/add/");
    const host = await b.submit("/host/add/", { name: "home", domain: "1" }, "/host/add/");
    const r = await b.submit("/host/1/secret", {}, host.location!);
    expect(r.status).toBe(303);
    expect(r.location).toBe("/generate_secret/1/");
    const first = await b.get(r.location!);
    expect(textOf(first.body)).toContain("Host secret created.");
    const secret = first.body.match(/<pre id="secret"[^>]*>([A-Za-z0-9]+)<\/pre>/)![1];
    const again = await b.get(r.location!);
    expect(again.body).not.toContain(secret);
    expect(textOf(again.body)).toContain("The secret is not shown again");
    // Kept for the session that made it, nobody else: another user gets 404 for the page anyway.
    const { b: bob } = await w.signedIn("bob");
    expect((await bob.get("/generate_secret/1/")).status).toBe(404);
  });
});
