// API tokens in the web UI (/account/tokens): a person creates a scoped token, sees it once, uses it on the
// JSON API and the dyndns2 URL of the same app, sees when and from where it was used, and revokes it. Other
// people's tokens are not found, forms without the CSRF token are refused, bad scopes are named on their
// field, and hostile names come back escaped.
import { beforeEach, describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/index.ts";
import { apiTokens, domains, hosts, openDatabase, type Db } from "../../../src/db/index.ts";
import { createHttpApp, rememberPeer } from "../../../src/http/index.ts";
import { dyndnsApi } from "../../../src/http/api/index.ts";
import { apiV1 } from "../../../src/http/api/v1/index.ts";
import { webApp } from "../../../src/http/web/index.ts";
import { createMailer } from "../../../src/mail/index.ts";
import { memoryLogger } from "../../../src/log/index.ts";
import { createUser } from "../../../src/core/admin/users.ts";
import { hashApiToken, hashSecret, listTokens } from "../../../src/core/index.ts";
import { EmbeddedBackend, EmbeddedZoneRecords, SqliteZoneStorage } from "../../../src/backends/embedded/index.ts";
import { ZoneStore } from "../../../src/dns/zone/index.ts";
import { Browser, TestClock, textOf } from "./harness.ts";

const ZONE = "dyn.example.org";
const HOME = `home.${ZONE}`;
const NAS = `nas.${ZONE}`;

/** One app with the web UI, /api/v1 and dyndns2 over one database and zone store, as serve.ts mounts them. */
async function makeWorld() {
  const db: Db = openDatabase(":memory:");
  const config = loadConfig({ env: {} });
  config.server.public_url = "http://updns.test";
  const log = memoryLogger("debug");
  const clock = new TestClock();
  const store = await ZoneStore.open(new SqliteZoneStorage(db));
  const backend = new EmbeddedBackend(() => store);
  const app = createHttpApp({
    config,
    log,
    health: { check: () => ({}) },
    plugins: [
      dyndnsApi({ db, config, log, backendFor: () => backend, clock }),
      apiV1({ db, config, log, backendFor: () => backend, records: new EmbeddedZoneRecords(() => store), clock, requestsPerMinute: 10_000 }),
      webApp({ db, config, log, mailer: createMailer(config.mail, log), clock, backendFor: () => backend }),
    ],
  });
  const password = "correct horse battery";
  const alice = await createUser(db, { username: "alice", email: "alice@example.test", password });
  const bob = await createUser(db, { username: "bob", email: "bob@example.test", password });
  const zone = db.insert(domains).values({ name: ZONE, backend: "embedded", ownerId: alice.id, public: true }).returning().get();
  await store.createZone({ name: ZONE, serialScheme: "unixtime", soa: { mname: `ns1.${ZONE}.`, rname: `hostmaster.${ZONE}.` }, ns: [`ns1.${ZONE}.`] });
  const secret = await hashSecret("x".repeat(24));
  for (const name of ["home", "nas"]) db.insert(hosts).values({ name, domainId: zone.id, ownerId: alice.id, updateSecret: secret }).run();

  const signedIn = async (username: string, address: string) => {
    const b = new Browser(app, address, false);
    expect((await b.login(username, password)).status).toBe(303);
    return b;
  };
  /** A request of a program (no browser), from `peer`. */
  const call = async (path: string, headers: Record<string, string>, peer = "198.51.100.7") => {
    const req = new Request(`http://updns.test${path}`, { headers });
    rememberPeer(req, peer, false);
    const res = await app.handle(req);
    return { status: res.status, body: await res.text() };
  };
  const basic = (token: string) => ({ authorization: `Basic ${btoa(`anyname:${token}`)}` });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const aAt = (owner: string) => [...(store.zone(ZONE)?.get(owner, "A")?.data ?? [])];
  return { db, clock, app, alice, bob, signedIn, call, basic, bearer, aAt };
}

type World = Awaited<ReturnType<typeof makeWorld>>;

/** The token shown on the page after creating one. */
function shownToken(body: string): string {
  const m = body.match(/<pre id="token"[^>]*>([^<]+)<\/pre>/);
  if (!m) throw new Error("no token on the page");
  return m[1].trim();
}

async function create(b: Browser, fields: Record<string, string | string[]>) {
  await b.get("/account/tokens");
  const body = new URLSearchParams({ _csrf: b.csrf() });
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return b.request("POST", "/account/tokens", body);
}

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});

describe("creating a token", () => {
  test("the token is shown once, works on /api/v1 and dyndns2, and the list shows its scopes and last use", async () => {
    const b = await w.signedIn("alice", "192.0.2.20");
    const page = await b.get("/account/tokens");
    expect(page.status).toBe(200);
    expect(textOf(page.body)).toContain("No API tokens yet.");
    // The account menu links the page.
    expect(page.body).toContain('href="/account/tokens"');

    const r = await create(b, { name: "router", hosts: HOME, types: ["A", "AAAA"], expires: "90d" });
    expect(r.status).toBe(200);
    const token = shownToken(r.body);
    expect(textOf(r.body)).toContain("This is the only time the token is shown");
    // Only the hash is stored; the list page never shows the token again.
    const row = w.db.select().from(apiTokens).get()!;
    expect(row.tokenHash).toBe(hashApiToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const list = await b.get("/account/tokens");
    expect(list.body).not.toContain(token);
    expect(textOf(list.body)).toContain("router");
    expect(textOf(list.body)).toContain(HOME);
    expect(textOf(list.body)).toContain("types: A, AAAA");
    expect(textOf(list.body)).toContain("2027-02-24 12:00 UTC"); // 90 days after the test clock's now
    expect(textOf(list.body)).toContain("never");

    const api = await w.call("/api/v1/hosts", w.bearer(token));
    expect(api.status).toBe(200);
    // The host scope: alice has two hosts, the token sees one.
    expect(JSON.parse(api.body).items.map((h: { fqdn: string }) => h.fqdn)).toEqual([HOME]);

    const up = await w.call(`/nic/update?hostname=${HOME}&myip=203.0.113.5`, w.basic(token));
    expect([up.status, up.body]).toEqual([200, "good 203.0.113.5"]);
    expect(w.aAt(HOME)).toEqual(["203.0.113.5"]);
    const outside = await w.call(`/nic/update?hostname=${NAS}&myip=203.0.113.5`, w.basic(token));
    expect(outside.body).toBe("nohost");
    expect(w.aAt(NAS)).toEqual([]);

    w.clock.advance(5 * 60_000);
    const used = textOf((await b.get("/account/tokens")).body);
    expect(used).toContain("5 minutes ago from 198.51.100.7");
  });

  test("no scopes: the whole account; read-only: reads, never writes, and dyndns2 refuses it", async () => {
    const b = await w.signedIn("alice", "192.0.2.20");
    const all = shownToken((await create(b, { name: "all" })).body);
    const items = JSON.parse((await w.call("/api/v1/hosts", w.bearer(all))).body).items.map((h: { fqdn: string }) => h.fqdn);
    expect(items).toEqual([HOME, NAS]);
    expect(textOf((await b.get("/account/tokens")).body)).toContain("all hosts and zones of the account");

    const ro = shownToken((await create(b, { name: "reader", read_only: "1" })).body);
    expect((await w.call("/api/v1/hosts", w.bearer(ro))).status).toBe(200);
    const up = await w.call(`/nic/update?hostname=${HOME}&myip=203.0.113.9`, w.basic(ro));
    expect([up.status, up.body]).toEqual([401, "badauth"]);
    expect(w.aAt(HOME)).toEqual([]);
    expect(textOf((await b.get("/account/tokens")).body)).toContain("read-only");
  });

  test("a subnet scope refuses the token from elsewhere", async () => {
    const b = await w.signedIn("alice", "192.0.2.20");
    const token = shownToken((await create(b, { name: "lan", subnets: "10.0.0.0/8, 2001:db8::/48" })).body);
    expect((await w.call("/api/v1/hosts", w.bearer(token), "198.51.100.7")).status).toBe(403);
    expect((await w.call("/api/v1/hosts", w.bearer(token), "10.1.2.3")).status).toBe(200);
    expect(textOf((await b.get("/account/tokens")).body)).toContain("from: 10.0.0.0/8, 2001:db8::/48");
  });
  test("an expiry as a duration: the token works until then, afterwards it is 401 and the list says expired", async () => {
    const b = await w.signedIn("alice", "192.0.2.20");
    const token = shownToken((await create(b, { name: "short", expires: "12h" })).body);
    expect(textOf((await b.get("/account/tokens")).body)).toContain("2026-11-27 00:00 UTC");
    expect((await w.call("/api/v1/hosts", w.bearer(token))).status).toBe(200);
    w.clock.advance(12 * 3600_000 + 1000);
    expect((await w.call("/api/v1/hosts", w.bearer(token))).status).toBe(401);
    expect(textOf((await b.get("/account/tokens")).body)).toContain("expired 2026-11-27 00:00 UTC");
  });
});

describe("revoking", () => {
  test("after revoking, the API answers 401 and dyndns2 badauth; the list no longer shows it", async () => {
    const b = await w.signedIn("alice", "192.0.2.20");
    const token = shownToken((await create(b, { name: "old router" })).body);
    expect((await w.call("/api/v1/hosts", w.bearer(token))).status).toBe(200);
    const id = listTokens(w.db, { userId: w.alice.id })[0].id;
    const confirm = await b.get(`/account/tokens/${id}/revoke`);
    expect(confirm.status).toBe(200);
    expect(textOf(confirm.body)).toContain("old router");
    const r = await b.submit(`/account/tokens/${id}/revoke`, {});
    expect([r.status, r.location]).toEqual([303, "/account/tokens"]);
    expect((await w.call("/api/v1/hosts", w.bearer(token))).status).toBe(401);
    const up = await w.call(`/nic/update?hostname=${HOME}&myip=203.0.113.5`, w.basic(token));
    expect([up.status, up.body]).toEqual([401, "badauth"]);
    const list = await b.get("/account/tokens");
    expect(textOf(list.body)).toContain("The token was revoked.");
    expect(textOf(list.body)).not.toContain("old router");
  });

  test("another person's token is not found (404) and keeps working", async () => {
    const a = await w.signedIn("alice", "192.0.2.20");
    const token = shownToken((await create(a, { name: "alice's" })).body);
    const id = listTokens(w.db, { userId: w.alice.id })[0].id;
    const b = await w.signedIn("bob", "192.0.2.30");
    expect((await b.get(`/account/tokens/${id}/revoke`)).status).toBe(404);
    await b.get("/account/tokens");
    const r = await b.request("POST", `/account/tokens/${id}/revoke`, new URLSearchParams({ _csrf: b.csrf() }));
    expect(r.status).toBe(404);
    expect(textOf((await b.get("/account/tokens")).body)).not.toContain("alice's");
    expect((await w.call("/api/v1/hosts", w.bearer(token))).status).toBe(200);
    // Ids that are not numbers are not found either.
    expect((await b.get("/account/tokens/x/revoke")).status).toBe(404);
  });

  test("signed out: the page sends to the login", async () => {
    const anon = new Browser(w.app, "192.0.2.40", false);
    const r = await anon.get("/account/tokens");
    expect(r.status).toBe(303);
    expect(r.location).toStartWith("/account/login");
  });
});

describe("refused forms", () => {
  test("without the CSRF token: 403, nothing created or revoked", async () => {
    const b = await w.signedIn("alice", "192.0.2.20");
    const r = await b.request("POST", "/account/tokens", new URLSearchParams({ name: "sneaky" }));
    expect(r.status).toBe(403);
    expect(listTokens(w.db, { userId: w.alice.id })).toEqual([]);
    await create(b, { name: "kept" });
    const id = listTokens(w.db, { userId: w.alice.id })[0].id;
    expect((await b.request("POST", `/account/tokens/${id}/revoke`, new URLSearchParams())).status).toBe(403);
    expect(listTokens(w.db, { userId: w.alice.id }).map((t) => t.name)).toEqual(["kept"]);
  });

  test("bad scopes are shown on their field, the form keeps what was typed, nothing is created", async () => {
    const b = await w.signedIn("alice", "192.0.2.20");
    const cases: [Record<string, string>, string, string][] = [
      [{ hosts: "not_a host!" }, "f-hosts-err", 'hosts: "not_a" is not a host name'],
      [{ subnets: "10.0.0.0/33" }, "f-subnets-err", 'subnets: "10.0.0.0/33" is not an address or a prefix'],
      [{ expires: "someday" }, "f-expires-err", 'expires: "someday" is not a date'],
      [{ expires: "2020-01-01" }, "f-expires-err", "is not in the future"],
      [{ types: "SOA" }, "f-types-err", 'types: "SOA" is not one of'],
      [{ name: "n".repeat(101) }, "f-name-err", "name: at most 100 characters"],
    ];
    for (const [fields, id, message] of cases) {
      const r = await create(b, { name: "x", ...fields });
      expect(r.status).toBe(400);
      const err = r.body.match(new RegExp(`<small id="${id}" class="error">([^<]*)</small>`));
      expect(err?.[1] && textOf(err[1])).toContain(message);
      // What was typed is still in the form (the checkboxes only offer the known types).
      if (!fields.types) for (const v of Object.values(fields)) expect(r.body).toContain(v);
    }
    expect(listTokens(w.db, { userId: w.alice.id })).toEqual([]);
  });

  test("hostile names come back escaped in the list, the confirmation and the errors", async () => {
    const b = await w.signedIn("alice", "192.0.2.20");
    const evil = `<img src=x onerror=alert(1)>"'&`;
    await create(b, { name: evil });
    const list = await b.get("/account/tokens");
    expect(list.body).not.toContain("<img src=x");
    // textOf decodes what the harness's pages use; Kita writes ' as &#x27; in text.
    const seen = (html: string) => textOf(html).replace(/&#x27;/g, "'");
    expect(seen(list.body)).toContain(evil);
    const id = listTokens(w.db, { userId: w.alice.id })[0].id;
    const confirm = await b.get(`/account/tokens/${id}/revoke`);
    expect(confirm.body).not.toContain("<img src=x");
    expect(seen(confirm.body)).toContain(evil);
    const bad = await create(b, { name: "y", hosts: `<script>alert(1)</script>.${ZONE}`, zones: `</textarea><script>alert(2)</script>` });
    expect(bad.status).toBe(400);
    expect(bad.body).not.toContain("<script>alert");
    expect(bad.body).not.toContain("</textarea><script>");
  });
});
