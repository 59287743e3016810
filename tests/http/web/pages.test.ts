// Every page of the htmx UI over HTTP: who may open it (anonymous → login, owner → 200, someone else's
// object → 404, staff pages → 404 for others), CSRF refusals, form validation, and what each flow changes.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { hosts, openColumn, relatedHosts, serviceUpdaters } from "../../../src/db/index.ts";
import { textOf as rawText } from "./harness.ts";

/** What a person reads (Kita writes ' as &#x27;). */
const textOf = (html: string) => rawText(html).replace(/&#x27;/g, "'");
import { makeDnsWebWorld, type DnsWebWorld } from "./world.ts";

/** alice owns domain 1 (embedded), host 1 with related host 1 and forwarding config 1; bob owns domain 2 and host 2. */
async function fixture() {
  const w = await makeDnsWebWorld();
  const alice = await w.signedIn("alice");
  const bob = await w.signedIn("bob");
  expect((await alice.b.submit("/domain/add/", { name: "dyn.example.org", backend: "embedded" }, "/domain/add/")).status).toBe(303);
  expect((await bob.b.submit("/domain/add/", { name: "bob.example.net", backend: "embedded" }, "/domain/add/")).status).toBe(303);
  expect((await alice.b.submit("/host/add/", { name: "home", domain: "1" }, "/host/add/")).location).toBe("/host/1/");
  expect((await bob.b.submit("/host/add/", { name: "bobs", domain: "2" }, "/host/add/")).location).toBe("/host/2/");
  expect((await alice.b.submit("/host/1/related/add/", { name: "nas", interface_id_ipv4: "0.0.0.5", available: "1" }, "/host/1/related/add/")).status).toBe(303);
  w.db.insert(serviceUpdaters).values({ name: "other", server: "dyn.example.com" }).run();
  expect((await alice.b.submit("/updater_hostconfig_overview/1/", { service: "1", name: "u", password: "p", give_ipv4: "1" }, "/updater_hostconfig_overview/1/")).status).toBe(303);
  return { w, alice: alice.b, bob: bob.b };
}

const OWNED_GETS = [
  "/host/1/",
  "/host/1/delete/",
  "/generate_secret/1/",
  "/host/1/addresses",
  "/host/1/related/",
  "/host/1/related/add/",
  "/host/1/related/1/",
  "/host/1/related/1/delete/",
  "/updater_hostconfig_overview/1/",
  "/updater_hostconfig/1/",
  "/updater_hostconfig/1/delete/",
  "/domain/1/",
  "/domain/1/delete/",
  "/generate_ns_secret/1/",
];
const USER_GETS = ["/overview/", "/host/add/", "/domain/add/"];
const STAFF_GETS = ["/status/", "/admin/hosts", "/admin/domains", "/admin/services", "/admin/blacklist"];

describe("access", () => {
  test("anonymous visitors are sent to the login page from every page but home", async () => {
    const { w } = await fixture();
    const anon = w.browser({ address: "198.51.100.1" });
    expect((await anon.get("/")).status).toBe(200);
    expect(textOf((await anon.get("/about/")).body)).toContain("Fair use");
    for (const path of [...OWNED_GETS, ...USER_GETS, ...STAFF_GETS]) {
      const r = await anon.get(path);
      expect([path, r.status]).toEqual([path, 303]);
      expect(r.location).toBe(`/account/login?next=${encodeURIComponent(path)}`);
    }
  });

  test("the owner gets 200; another user gets 404 for the same objects and for ids that do not exist", async () => {
    const { alice, bob } = await fixture();
    for (const path of [...OWNED_GETS, ...USER_GETS]) expect([path, (await alice.get(path)).status]).toEqual([path, 200]);
    for (const path of OWNED_GETS) expect([path, (await bob.get(path)).status]).toEqual([path, 404]);
    for (const path of ["/host/100/", "/host/1/related/100/", "/host/2/related/1/", "/domain/100/", "/updater_hostconfig/100/", "/host/abc/"])
      expect([path, (await alice.get(path)).status]).toEqual([path, 404]);
    // Posts to someone else's objects change nothing.
    expect((await bob.submit("/host/1/", { comment: "mine now", available: "1", netmask_ipv4: "32", netmask_ipv6: "64", ttl: "60" }, "/overview/")).status).toBe(404);
    expect((await bob.submit("/host/1/delete/", {}, "/overview/")).status).toBe(404);
    expect((await bob.submit("/domain/1/delete/", {}, "/overview/")).status).toBe(404);
    expect((await bob.submit("/host/1/secret", {}, "/overview/")).status).toBe(404);
  });

  test("staff pages are 404 for users and 200 for staff", async () => {
    const { w, alice } = await fixture();
    for (const path of STAFF_GETS) expect([path, (await alice.get(path)).status]).toEqual([path, 404]);
    const { b: staff } = await w.signedIn("boss", { staff: true });
    for (const path of STAFF_GETS) expect([path, (await staff.get(path)).status]).toEqual([path, 200]);
    const status = textOf((await staff.get("/status/")).body);
    expect(status).toContain("Domains total 2");
    expect(status).toContain("Hosts total 2");
  });

  test("a POST without the CSRF token, or with another session's, is refused with 403 and changes nothing", async () => {
    const { w, alice, bob } = await fixture();
    const posts: [string, Record<string, string>][] = [
      ["/host/add/", { name: "x", domain: "1" }],
      ["/host/1/", { comment: "csrf" }],
      ["/host/1/secret", {}],
      ["/host/1/delete/", {}],
      ["/nic/update_authorized", { hostname: "home.dyn.example.org", myip: "192.0.2.9" }],
      ["/domain/add/", { name: "x.example.org" }],
      ["/domain/1/delete/", {}],
      ["/generate_ns_secret/1/", {}],
      ["/host/1/related/add/", { name: "y" }],
      ["/updater_hostconfig/1/delete/", {}],
    ];
    await bob.get("/overview/");
    const bobsToken = bob.csrf();
    for (const [path, fields] of posts) {
      expect([path, (await alice.request("POST", path, new URLSearchParams(fields))).status]).toEqual([path, 403]);
      expect([path, (await alice.request("POST", path, new URLSearchParams({ ...fields, _csrf: bobsToken }))).status]).toEqual([path, 403]);
    }
    expect(w.db.select().from(hosts).all().length).toBe(2);
    expect(w.db.select().from(hosts).where(eq(hosts.id, 1)).get()!.comment).toBe("");
  });
});

describe("hosts", () => {
  test("add: name rules, blacklist, duplicates and foreign domains are form errors", async () => {
    const { w, alice } = await fixture();
    const add = (fields: Record<string, string>) => alice.submit("/host/add/", fields, "/host/add/");
    let r = await add({ name: "Bad_Name", domain: "1" });
    expect(r.status).toBe(400);
    expect(textOf(r.body)).toContain('only "a-z", "0-9" and "-"');
    r = await add({ name: "home", domain: "1" });
    expect(textOf(r.body)).toContain("already exists");
    r = await add({ name: "other", domain: "2" }); // bob's private domain
    expect(textOf(r.body)).toContain("Choose one of the offered domains");
    w.db.$client.run("INSERT INTO blacklisted_hosts (name_re) VALUES ('^admin')");
    r = await add({ name: "admin1", domain: "1" });
    expect(textOf(r.body)).toContain("This name is blacklisted.");
    expect(w.db.select().from(hosts).all().length).toBe(2);
  });

  test("settings are validated and saved; a new secret is shown once and works for /nic/update", async () => {
    const { w, alice } = await fixture();
    let r = await alice.submit("/host/1/", { comment: "router", available: "1", netmask_ipv4: "33", netmask_ipv6: "64", ttl: "60" }, "/host/1/");
    expect(r.status).toBe(400);
    expect(textOf(r.body)).toContain("A whole number from 0 to 32.");
    r = await alice.submit("/host/1/", { comment: "router", netmask_ipv4: "24", netmask_ipv6: "56", ttl: "120", wildcard: "1" }, "/host/1/");
    expect(r.status).toBe(303);
    const h = w.db.select().from(hosts).where(eq(hosts.id, 1)).get()!;
    expect([h.comment, h.available, h.netmaskIpv4, h.netmaskIpv6, h.ttl, h.wildcard]).toEqual(["router", false, 24, 56, 120, true]);

    const posted = await alice.submit("/host/1/secret", {}, "/host/1/");
    expect(posted.status).toBe(303);
    expect(posted.location).toBe("/generate_secret/1/");
    const page = await alice.get(posted.location!);
    const secret = page.body.match(/<pre id="secret"[^>]*>([A-Za-z0-9]+)<\/pre>/)![1];
    expect(page.body).toContain(`login=home.dyn.example.org`);
    expect(page.body).toContain(`password=&#x27;${secret}&#x27;`);
    // The help page shown later carries a placeholder, never the secret.
    const later = await alice.get("/generate_secret/1/");
    expect(later.body).not.toContain(secret);
    expect(textOf(later.body)).toContain("<your secret>");
  });

  test("manual update and delete go through the update use case for the user's own hosts only", async () => {
    const { w, alice, bob } = await fixture();
    w.db.update(hosts).set({ netmaskIpv4: 24 }).where(eq(hosts.id, 1)).run();
    await alice.get("/host/1/");
    const hx = { "hx-request": "true", "x-csrf-token": alice.csrf() };
    let r = await alice.request("POST", "/nic/update_authorized", new URLSearchParams({ hostname: "home.dyn.example.org", myip: "192.0.2.55" }), hx);
    expect(r.body).toContain("good 192.0.2.55");
    expect(r.headers.get("hx-trigger")).toBe("addresses-changed");
    expect(textOf((await alice.get("/host/1/addresses")).body)).toContain("192.0.2.55");
    // The related host followed with its interface id.
    expect(textOf((await alice.get("/host/1/related/")).body)).toContain("192.0.2.5 (0.0.0.5)");
    // Invalid pieces are skipped; none left = the connection's address (spec §1.9).
    r = await alice.request("POST", "/nic/update_authorized", new URLSearchParams({ hostname: "home.dyn.example.org", myip: "nonsense" }), hx);
    expect(r.body).toContain("good 192.0.2.11");
    r = await alice.request("POST", "/nic/delete_authorized", new URLSearchParams({ hostname: "home.dyn.example.org", myip: "0.0.0.0" }), hx);
    expect(r.body).toContain("deleted A");
    expect(textOf((await alice.get("/host/1/addresses")).body)).toContain("A none");
    await bob.get("/overview/");
    r = await bob.request("POST", "/nic/update_authorized", new URLSearchParams({ hostname: "home.dyn.example.org", myip: "192.0.2.66" }), { "hx-request": "true", "x-csrf-token": bob.csrf() });
    expect(r.body).toBe("<span>nohost</span>");
  });

  test("delete removes the host and its records; an abuse-blocked host cannot be deleted (404)", async () => {
    const { w, alice } = await fixture();
    await alice.get("/host/1/");
    await alice.request("POST", "/nic/update_authorized", new URLSearchParams({ hostname: "home.dyn.example.org", myip: "192.0.2.55" }), { "hx-request": "true", "x-csrf-token": alice.csrf() });
    w.db.update(hosts).set({ abuseBlocked: true }).where(eq(hosts.id, 1)).run();
    expect((await alice.get("/host/1/delete/")).status).toBe(404);
    expect((await alice.submit("/host/1/delete/", {}, "/host/1/")).status).toBe(404);
    w.db.update(hosts).set({ abuseBlocked: false }).where(eq(hosts.id, 1)).run();
    expect((await alice.submit("/host/1/delete/", {}, "/host/1/delete/")).location).toBe("/overview/");
    expect(w.db.select().from(hosts).where(eq(hosts.id, 1)).get()).toBeUndefined();
    const names = w.db.$client.query("SELECT name FROM zone_records WHERE type = 'A'").all() as { name: string }[];
    expect(names.map((n) => n.name)).toEqual([]);
  });
});

describe("host health", () => {
  test("a good, a nochg and a badauth read as one keep-alive and one fault, with the rule as tooltip; the counters stay as the spec counts them", async () => {
    const w = await makeDnsWebWorld({ api: true });
    const alice = (await w.signedIn("alice")).b;
    await alice.submit("/domain/add/", { name: "dyn.example.org", backend: "embedded" }, "/domain/add/");
    await alice.submit("/host/add/", { name: "home", domain: "1" }, "/host/add/");
    expect((await alice.submit("/host/1/secret", {}, "/host/1/")).status).toBe(303);
    const secret = (await alice.get("/generate_secret/1/")).body.match(/<pre id="secret"[^>]*>([A-Za-z0-9]+)<\/pre>/)![1];
    const router = w.browser({ address: "192.0.2.99" });
    const update = (password: string) =>
      router.request("GET", "/nic/update?hostname=home.dyn.example.org&myip=192.0.2.7", undefined, { authorization: `Basic ${btoa(`home.dyn.example.org:${password}`)}`, "user-agent": "router/1.0" });
    expect((await update(secret)).body).toBe("good 192.0.2.7");
    expect((await update(secret)).body).toBe("nochg 192.0.2.7");
    expect((await update("wrong")).body).toBe("badauth");
    const rule = "Keep-alives: updates that sent the address already set (nochg), usually a router checking in. Faults: wrong credentials (badauth), refused updates and DNS errors. Many keep-alives in a short time still count toward the abuse limit.";
    for (const path of ["/overview/", "/host/1/"]) {
      const body = (await alice.get(path)).body;
      expect(textOf(body)).toContain("Keep-alives 1 · Faults 1");
      expect(textOf(body)).not.toContain("Faults 2");
      expect(body).toContain(`title="${rule}"`);
    }
    const h = w.db.select().from(hosts).where(eq(hosts.id, 1)).get()!;
    expect([h.clientFaults, h.nochgFaults, h.apiAuthFaults, h.serverFaults]).toEqual([1, 1, 1, 0]);
  });
});

describe("related hosts and forwarders", () => {
  test("related: duplicate names and bad interface ids are form errors, not 500s; edit and delete", async () => {
    const { w, alice } = await fixture();
    let r = await alice.submit("/host/1/related/add/", { name: "nas" }, "/host/1/related/add/");
    expect(r.status).toBe(400);
    expect(textOf(r.body)).toContain("already has a related host of that name");
    r = await alice.submit("/host/1/related/add/", { name: "tv", interface_id_ipv4: "::1" }, "/host/1/related/add/");
    expect(textOf(r.body)).toContain("An IPv4 interface id");
    r = await alice.submit("/host/1/related/add/", { name: "tv", interface_id_ipv6: "zz" }, "/host/1/related/add/");
    expect(textOf(r.body)).toContain("An IPv6 interface id");
    r = await alice.submit("/host/1/related/1/", { name: "storage", interface_id_ipv6: "::5", available: "1" }, "/host/1/related/1/");
    expect(r.status).toBe(303);
    expect(w.db.select().from(relatedHosts).get()!.name).toBe("storage");
    expect((await alice.submit("/host/1/related/1/delete/", {}, "/host/1/related/1/delete/")).status).toBe(303);
    expect(w.db.select().from(relatedHosts).all()).toEqual([]);
  });

  test("forwarders: required fields, the password is never shown back, an empty one keeps it", async () => {
    const { w, alice } = await fixture();
    let r = await alice.submit("/updater_hostconfig_overview/1/", { service: "1", name: "", password: "" }, "/updater_hostconfig_overview/1/");
    expect(r.status).toBe(400);
    expect(textOf(r.body)).toContain("The user name at the service is required");
    r = await alice.get("/updater_hostconfig/1/");
    expect(r.body).not.toContain('value="p"');
    r = await alice.submit("/updater_hostconfig/1/", { service: "1", name: "u2", password: "", hostname: "h.example.com" }, "/updater_hostconfig/1/");
    expect(r.status).toBe(303);
    const row = w.db.$client.query("SELECT name, password, hostname FROM service_updater_host_configs").get() as { name: string; password: string; hostname: string };
    expect({ ...row, password: openColumn(w.db, row.password, "service_updater_host_configs.password") }).toEqual({ name: "u2", password: "p", hostname: "h.example.com" });
    expect(row.password).toStartWith("aesgcm1:");
  });
});

describe("domains", () => {
  test("add: invalid names, duplicates, missing primary; rfc2136 starts unavailable with its key shown once", async () => {
    const { w, alice } = await fixture();
    const add = (f: Record<string, string>) => alice.submit("/domain/add/", f, "/domain/add/");
    expect(textOf((await add({ name: "a..b", backend: "embedded" })).body)).toContain("invalid label");
    expect(textOf((await add({ name: "dyn.example.org", backend: "embedded" })).body)).toContain("already exists");
    expect(textOf((await add({ name: "ext.example.org", backend: "rfc2136" })).body)).toContain("The primary's address is required.");
    const badPrimary = await add({ name: "ext.example.org", backend: "rfc2136", primary: "not an address" });
    expect(badPrimary.status).toBe(400);
    expect(badPrimary.body).toMatch(/id="f-primary-err" class="error">[^<]*must be an IP address/);
    const posted = await add({ name: "ext.example.org", backend: "rfc2136", primary: "192.0.2.53", algorithm: "hmac-sha256" });
    expect(posted.status).toBe(303);
    expect(posted.location).toBe("/generate_ns_secret/3/");
    const r = await alice.get(posted.location!);
    const secret = r.body.match(/<pre id="tsig-secret"[^>]*>([^<]+)<\/pre>/)![1];
    expect(Buffer.from(secret, "base64").length).toBe(32);
    expect(r.body).toContain("update-policy");
    const d = w.db.$client.query("SELECT available, update_key_secret FROM domains WHERE name = 'ext.example.org'").get() as { available: number; update_key_secret: string };
    expect({ ...d, update_key_secret: openColumn(w.db, d.update_key_secret, "domains.update_key_secret") }).toEqual({ available: 0, update_key_secret: secret });
    // Later views show a placeholder instead.
    expect((await alice.get("/generate_ns_secret/3/")).body).not.toContain(secret);
  });

  test("public needs available; an rfc2136 zone becomes available only when the connectivity test passes", async () => {
    let ok = false;
    const w = await makeDnsWebWorld({ checkZone: async () => ({ ok, steps: [{ step: "soa", ok, message: ok ? "fine" : "timeout" }] }) });
    const { b } = await w.signedIn("carol");
    await b.submit("/domain/add/", { name: "ext.example.org", backend: "rfc2136", primary: "192.0.2.53" }, "/domain/add/");
    let r = await b.submit("/domain/1/", { comment: "c", public: "1", primary: "192.0.2.53" }, "/domain/1/");
    expect(textOf(r.body)).toContain("Domain must be available to be public.");
    r = await b.submit("/domain/1/", { comment: "c", available: "1", primary: "192.0.2.53" }, "/domain/1/");
    expect(r.status).toBe(400);
    expect(textOf(r.body)).toContain("The connectivity test failed");
    expect(textOf(r.body)).toContain("SOA query: timeout");
    ok = true;
    r = await b.submit("/domain/1/", { comment: "c", available: "1", public: "1", primary: "192.0.2.53" }, "/domain/1/");
    expect(r.status).toBe(303);
    expect(w.db.$client.query("SELECT available, public FROM domains").get()).toEqual({ available: 1, public: 1 });
  });

  test("the apex NS names of an embedded zone are edited on the domain page", async () => {
    const { w, alice } = await fixture();
    expect((await alice.get("/domain/1/")).body).toMatch(/<textarea id="f-ns"[^>]*>ns1\.dyn\.example\.org<\/textarea>/);
    expect((await alice.submit("/domain/1/", { comment: "", available: "1", ns: "" }, "/domain/1/")).status).toBe(400);
    expect((await alice.submit("/domain/1/", { comment: "", available: "1", ns: "a..b" }, "/domain/1/")).status).toBe(400);
    expect((await alice.submit("/domain/1/", { comment: "", available: "1", ns: "ns1.example.net\nns2.example.net." }, "/domain/1/")).status).toBe(303);
    expect(w.db.$client.query("SELECT data FROM zone_records WHERE type = 'NS' AND name = 'dyn.example.org' ORDER BY data").all()).toEqual([{ data: "ns1.example.net." }, { data: "ns2.example.net." }]);
    expect((await alice.get("/domain/1/")).body).toMatch(/<textarea id="f-ns"[^>]*>ns1\.example\.net\nns2\.example\.net<\/textarea>/);
  });

  test("static records of an embedded zone: validated, set, listed, deleted", async () => {
    const { w, alice } = await fixture();
    const set = (f: Record<string, string>) => alice.submit("/domain/1/records", f, "/domain/1/");
    expect(textOf((await set({ name: "www", type: "A", ttl: "300", data: "not-an-ip" })).body)).toMatch(/invalid|A record/i);
    expect(textOf((await set({ name: "home", type: "TXT", ttl: "300", data: "x" })).body)).toContain("belongs to a dynamic host");
    expect(textOf((await set({ name: "@", type: "CNAME", ttl: "300", data: "x.example." })).body)).toContain("cannot be a CNAME");
    expect((await set({ name: "www", type: "A", ttl: "300", data: "192.0.2.80\n192.0.2.81" })).status).toBe(303);
    expect((await set({ name: "@", type: "MX", ttl: "300", data: "10 mail.example.org." })).status).toBe(303);
    const page = textOf((await alice.get("/domain/1/")).body);
    expect(page).toContain("www A 300 192.0.2.80");
    expect(page).toContain("@ MX 300 10 mail.example.org.");
    // "Edit" fills the form with the set.
    const edit = (await alice.get("/domain/1/?name=www&type=A")).body;
    expect(edit).toMatch(/<textarea id="f-data"[^>]*>192\.0\.2\.80\n192\.0\.2\.81<\/textarea>/);
    expect(edit).toMatch(/<input id="f-type" name="type" type="text" value="A"/);
    expect((await set({ name: "www", type: "A", ttl: "300", keep: "192.0.2.81" })).status).toBe(303);
    expect(textOf((await alice.get("/domain/1/")).body)).not.toContain("192.0.2.80");
    expect((await set({ name: "www", type: "A", ttl: "300", keep: "" })).status).toBe(303);
    expect(w.db.$client.query("SELECT count(*) AS n FROM zone_records WHERE type = 'A'").get()).toEqual({ n: 0 });
  });

  test("the record form offers the newer types, stores them in canonical form and names a bad field", async () => {
    const { w, alice } = await fixture();
    const set = (f: Record<string, string>) => alice.submit("/domain/1/records", f, "/domain/1/");
    const form = (await alice.get("/domain/1/")).body;
    for (const type of ["DS", "PTR", "TLSA", "SSHFP", "HTTPS", "SVCB", "NAPTR", "DNAME", "LOC", "URI", "CAA"]) expect(form).toContain(`<option value="${type}"`);
    expect((await set({ name: "@", type: "HTTPS", ttl: "300", data: "1 . port=8443 alpn=h3,h2" })).status).toBe(303);
    expect(textOf((await alice.get("/domain/1/")).body)).toContain("@ HTTPS 300 1 . alpn=h3,h2 port=8443");
    // A type the suggestions do not list, the RFC 3597 way.
    expect((await set({ name: "priv", type: "TYPE65534", ttl: "300", data: "\\# 2 cafe" })).status).toBe(303);
    expect(textOf((await alice.get("/domain/1/")).body)).toContain("priv TYPE65534 300 \\# 2 CAFE");
    expect(textOf((await set({ name: "_443._tcp", type: "TLSA", ttl: "300", data: "3 1 256 00" })).body)).toContain("TLSA matching type: 256 is out of range");
    expect(w.db.$client.query("SELECT count(*) AS n FROM zone_records WHERE type = 'TLSA'").get()).toEqual({ n: 0 });
  });

  test("delete takes the zone, its hosts and its transfer key", async () => {
    const { w, alice } = await fixture();
    expect((await alice.submit("/domain/1/delete/", {}, "/domain/1/delete/")).location).toBe("/overview/");
    expect(w.db.$client.query("SELECT name FROM domains").all()).toEqual([{ name: "bob.example.net" }]);
    expect(w.db.select().from(hosts).all().map((h) => h.name)).toEqual(["bobs"]);
    expect(w.store.zone("dyn.example.org")).toBeUndefined();
    expect(w.db.$client.query("SELECT name FROM tsig_keys").all()).toEqual([{ name: "transfer.bob.example.net" }]);
  });
});

describe("staff lists", () => {
  test("search and pages; block for abuse removes the addresses, unblock clears the flags; blacklist and services", async () => {
    const { w, alice } = await fixture();
    await alice.get("/host/1/");
    await alice.request("POST", "/nic/update_authorized", new URLSearchParams({ hostname: "home.dyn.example.org", myip: "192.0.2.55" }), { "hx-request": "true", "x-csrf-token": alice.csrf() });
    const { b: s } = await w.signedIn("boss", { staff: true });
    expect(textOf((await s.get("/admin/hosts?q=bob")).body)).toContain("1 host ");
    expect(textOf((await s.get("/admin/hosts?q=%25")).body)).toContain("0 hosts"); // % is literal, not a wildcard
    expect(textOf((await s.get("/admin/domains?q=dyn")).body)).toContain("1 domain ");
    expect((await s.submit("/admin/hosts/1/abuse", { blocked: "1" }, "/admin/hosts")).status).toBe(303);
    expect(w.db.select().from(hosts).where(eq(hosts.id, 1)).get()!.abuseBlocked).toBe(true);
    expect(textOf((await alice.get("/host/1/addresses")).body)).toContain("A none");
    expect(textOf((await alice.get("/host/1/")).body)).toContain("blocked for abuse");
    await s.submit("/admin/hosts/1/abuse", { blocked: "0" }, "/admin/hosts");
    expect(w.db.select().from(hosts).where(eq(hosts.id, 1)).get()!.abuse).toBe(false);
    expect((await s.submit("/admin/blacklist", { name_re: "(" }, "/admin/blacklist")).status).toBe(400);
    expect((await s.submit("/admin/blacklist", { name_re: "^www$" }, "/admin/blacklist")).status).toBe(303);
    expect(textOf((await alice.submit("/host/add/", { name: "www", domain: "1" }, "/host/add/")).body)).toContain("blacklisted");
    expect((await s.submit("/admin/services", { name: "x", server: "bad server" }, "/admin/services")).status).toBe(400);
    expect((await s.submit("/admin/services", { name: "dynu", server: "api.dynu.com", secure: "1", accept_ipv4: "1" }, "/admin/services")).status).toBe(303);
    expect(textOf((await s.get("/admin/services?q=dynu")).body)).toContain("api.dynu.com");
    for (let i = 0; i < 55; i++) w.db.$client.run(`INSERT INTO blacklisted_hosts (name_re) VALUES ('p${String(i).padStart(2, "0")}')`);
    const p1 = textOf((await s.get("/admin/blacklist")).body);
    expect(p1).toContain("Page 1 of 2");
    expect(textOf((await s.get("/admin/blacklist?page=2")).body)).toContain("p54");
  });
});

export type { DnsWebWorld };

describe("IP detection", () => {
  test("the home page hands out detect URLs on the ipv4./ipv6. names; what they see fills the addresses and the host page's inputs", async () => {
    const w = await makeDnsWebWorld({ api: true, configure: (c) => Object.assign(c.server, { ipv4_url: "http://ipv4.updns.test", ipv6_url: "http://ipv6.updns.test/" }) });
    const { b } = await w.signedIn("dora", { address: "192.0.2.30" });
    await b.get("/"); // the anonymous CSRF cookie exists from here on
    const home = await b.get("/");
    const urls = [...home.body.matchAll(/data-detect="([^"]+)"/g)].map((m) => m[1]);
    expect(urls.map((u) => u.replace(/[0-9a-f]{32}/, "T"))).toEqual(["http://ipv4.updns.test/detectip/T/", "http://ipv6.updns.test/detectip/T/"]);
    expect(home.headers.get("content-security-policy")).toContain("connect-src 'self' http://ipv4.updns.test http://ipv6.updns.test");
    // The browser asks the IPv6 name from its IPv6 address (no cookies go there: the token is enough).
    const v6 = w.browser({ address: "2001:db8::30" });
    expect((await v6.get(new URL(urls[1]).pathname)).status).toBe(204);
    const ips = textOf((await b.get("/ips", { "hx-request": "true" })).body);
    expect(ips).toContain("IPv4 192.0.2.30");
    expect(ips).toContain("IPv6 2001:db8::30");
    // A made-up token teaches nothing.
    expect((await w.browser({ address: "2001:db8::99" }).get("/detectip/00000000000000000000000000000000/")).status).toBe(204);
    expect(textOf((await b.get("/ips")).body)).toContain("2001:db8::30");
    await b.submit("/domain/add/", { name: "dyn.example.org", backend: "embedded" }, "/domain/add/");
    await b.submit("/host/add/", { name: "home", domain: "1" }, "/host/add/");
    const host = (await b.get("/host/1/")).body;
    expect(host).toContain('id="manual-v6" name="myip" value="2001:db8::30"');
    expect(host).toContain('id="manual-v4" name="myip" value="192.0.2.30"');
  });
});
