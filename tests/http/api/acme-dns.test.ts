// The acme-dns HTTP API on the wire (peers-and-clients.md §4): status codes, JSON bodies and what dig then
// sees, case by case, against an in-process updns with an embedded challenge zone.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { domains } from "../../../src/db/index.ts";
import { sweepAcmeTxt } from "../../../src/core/index.ts";
import { backendsFor } from "../../../src/cli/serve.ts";
import { loadConfig } from "../../../src/config/index.ts";
import { acmeSettings } from "../../../src/http/api/acme-dns/index.ts";
import { addEmbeddedZone } from "../../../src/core/admin/domains.ts";
import { dig, rdata } from "../../support/dig.ts";
import { havePeers } from "../../support/net.ts";
import { startAcmeWorld, type AcmeWorld } from "../../support/acme.ts";

const ZONE = "acme.example.test";
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TOKEN43 = (c: string) => c.repeat(43);
const ok = havePeers("dig");

interface Account {
  username: string;
  password: string;
  fulldomain: string;
  subdomain: string;
  allowfrom: string[];
}

async function post(url: string, body: string, headers: Record<string, string> = {}, method = "POST") {
  const r = await fetch(url, { method, body, headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });
  return { status: r.status, type: r.headers.get("content-type") ?? "", text: await r.text(), headers: r.headers };
}

const auth = (a: Account) => ({ "X-Api-User": a.username, "X-Api-Key": a.password });

describe.skipIf(!ok)("acme-dns API, registration open", () => {
  let w: AcmeWorld;
  let base = "";
  let account: Account;
  const txtAt = async (sub: string) => rdata(await dig("127.0.0.1", w.server.dnsPort, `${sub}.${ZONE}`, "TXT"), "TXT").map((v) => v.replace(/^"|"$/g, "")).sort();

  beforeAll(async () => {
    w = await startAcmeWorld({ zones: [ZONE], env: { UPDNS_ACME_DNS_ZONE: ZONE, UPDNS_ACME_DNS_REGISTRATION: "open", UPDNS_ACME_DNS_MAX_TXT: "3" } });
    base = `${w.server.url}/acme-dns`;
  });
  afterAll(async () => {
    await w?.close();
  });

  test("GET /health answers 200 with an empty body", async () => {
    const r = await fetch(`${base}/health`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe("");
  });

  test("POST /register with an empty form-urlencoded body (acme.sh) answers 201 and one line of JSON", async () => {
    const r = await post(`${base}/register`, "");
    expect(r.status).toBe(201);
    expect(r.type).toBe("application/json");
    expect(r.text).not.toContain("\n");
    account = JSON.parse(r.text);
    expect(Object.keys(account)).toEqual(["username", "password", "fulldomain", "subdomain", "allowfrom"]);
    expect(account.username).toMatch(UUID4);
    expect(account.subdomain).toMatch(UUID4);
    expect(account.password).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(account.fulldomain).toBe(`${account.subdomain}.${ZONE}`);
    expect(account.allowfrom).toEqual([]);
    // acme.sh's own extraction works on it.
    expect(r.text.replace(/^{.*"username":[ ]*"([^"]*)".*}$/, "$1")).toBe(account.username);
  });

  test("allowfrom keys match in any case (old goacmedns) and IPv6 brackets are stripped", async () => {
    const r = await post(`${base}/register`, JSON.stringify({ AllowFrom: ["192.168.100.1/24", "1.2.3.4/32", "[2002:c0a8:2a00::0]/40"] }), { "content-type": "application/json" });
    expect(r.status).toBe(201);
    expect(JSON.parse(r.text).allowfrom).toEqual(["192.168.100.1/24", "1.2.3.4/32", "2002:c0a8:2a00::0/40"]);
  });

  test("a body that is not JSON answers 400 malformed_json_payload", async () => {
    for (const body of ["{", "allowfrom=1.2.3.4/32", "[1,2]", '"x"', '{"allowfrom":"1.2.3.4/32"}']) {
      const r = await post(`${base}/register`, body);
      expect([r.status, r.text, r.type]).toEqual([400, '{"error":"malformed_json_payload"}', "application/json"]);
    }
  });

  test("one bad allowfrom entry answers 400 invalid_allowfrom_cidr (fails closed)", async () => {
    for (const entry of ["1.2.3.4", "300.1.1.1/24", "1.2.3.4/33", "nonsense"]) {
      const r = await post(`${base}/register`, JSON.stringify({ allowfrom: ["10.0.0.0/8", entry] }));
      expect([r.status, r.text]).toEqual([400, '{"error":"invalid_allowfrom_cidr"}']);
    }
  });

  test("POST /update answers 200 {txt} and DNS serves the value at <subdomain>.<zone> with the configured TTL", async () => {
    const txt = TOKEN43("a");
    const r = await post(`${base}/update`, JSON.stringify({ subdomain: account.subdomain, txt }), auth(account));
    expect([r.status, r.type, r.text]).toEqual([200, "application/json", `{"txt":"${txt}"}`]);
    const d = await dig("127.0.0.1", w.server.dnsPort, account.fulldomain, "TXT");
    expect(d.flags).toContain("aa");
    expect(d.answer).toEqual([`${account.fulldomain}. 30 IN TXT "${txt}"`]);
  });

  test("update keys match in any case whatever the Content-Type (old goacmedns SubDomain/Txt)", async () => {
    const txt = TOKEN43("b");
    const r = await post(`${base}/update`, JSON.stringify({ SubDomain: account.subdomain, Txt: txt }), { ...auth(account), "content-type": "text/plain" });
    expect([r.status, r.text]).toEqual([200, `{"txt":"${txt}"}`]);
  });

  test("three concurrent values of one account are all served; with max_txt = 3 a fourth evicts the oldest", async () => {
    await post(`${base}/delete`, JSON.stringify({ subdomain: account.subdomain }), auth(account));
    const values = ["c", "d", "e"].map(TOKEN43);
    const answers = await Promise.all(values.map((txt) => post(`${base}/update`, JSON.stringify({ subdomain: account.subdomain, txt }), auth(account))));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(await txtAt(account.subdomain)).toEqual(values.sort());
    const oldest = (await w.server.db.$client.query("SELECT value FROM acme_dns_txt ORDER BY id LIMIT 1").get()) as { value: string };
    await post(`${base}/update`, JSON.stringify({ subdomain: account.subdomain, txt: TOKEN43("f") }), auth(account));
    const now = await txtAt(account.subdomain);
    expect(now).toHaveLength(3);
    expect(now).toContain(TOKEN43("f"));
    expect(now).not.toContain(oldest.value);
  });

  test("DELETE /update removes one value; POST /delete without txt removes them all (NXDOMAIN)", async () => {
    const before = await txtAt(account.subdomain);
    const r = await post(`${base}/update`, JSON.stringify({ subdomain: account.subdomain, txt: before[0] }), auth(account), "DELETE");
    expect([r.status, r.text]).toEqual([200, '{"deleted":1}']);
    expect(await txtAt(account.subdomain)).toEqual(before.slice(1));
    const all = await post(`${base}/delete`, JSON.stringify({ subdomain: account.subdomain }), auth(account));
    expect([all.status, all.text]).toEqual([200, '{"deleted":2}']);
    expect((await dig("127.0.0.1", w.server.dnsPort, account.fulldomain, "TXT")).status).toBe("NXDOMAIN");
  });

  test("every failed check 1–4 answers 401 forbidden", async () => {
    const body = JSON.stringify({ subdomain: account.subdomain, txt: TOKEN43("g") });
    const other: Account = JSON.parse((await post(`${base}/register`, "")).text);
    const walled: Account = JSON.parse((await post(`${base}/register`, JSON.stringify({ allowfrom: ["10.0.0.0/8", "::2/128"] }))).text);
    const cases: Record<string, string>[] = [
      {},
      { "X-Api-User": "not-a-uuid", "X-Api-Key": account.password },
      { "X-Api-User": account.username, "X-Api-Key": "short" },
      { "X-Api-User": account.username, "X-Api-Key": other.password },
      { "X-Api-User": "0b7f6a4e-1f39-4b5e-9a3c-6d9b7d2a1c00", "X-Api-Key": account.password },
    ];
    for (const h of cases) expect(await post(`${base}/update`, body, h)).toMatchObject({ status: 401, text: '{"error":"forbidden"}' });
    // Check 3: the client (127.0.0.1) is outside the account's allowfrom.
    const w1 = await post(`${base}/update`, JSON.stringify({ subdomain: walled.subdomain, txt: TOKEN43("g") }), auth(walled));
    expect([w1.status, w1.text]).toEqual([401, '{"error":"forbidden"}']);
    // Check 4: another account's subdomain.
    const w2 = await post(`${base}/update`, JSON.stringify({ subdomain: other.subdomain, txt: TOKEN43("g") }), auth(account));
    expect([w2.status, w2.text]).toEqual([401, '{"error":"forbidden"}']);
    expect((await dig("127.0.0.1", w.server.dnsPort, other.fulldomain, "TXT")).status).toBe("NXDOMAIN");
  });

  test("an allowfrom that contains the client lets the update through", async () => {
    const a: Account = JSON.parse((await post(`${base}/register`, JSON.stringify({ allowfrom: ["127.0.0.0/8"] }))).text);
    expect((await post(`${base}/update`, JSON.stringify({ subdomain: a.subdomain, txt: TOKEN43("h") }), auth(a))).status).toBe(200);
  });

  test("bad subdomain and bad txt answer 400 bad_subdomain / bad_txt, and nothing changes", async () => {
    const bad = async (subdomain: unknown, txt: unknown) => post(`${base}/update`, JSON.stringify({ subdomain, txt }), auth(account));
    for (const s of ["-x", "a_b", "", "x".repeat(64), 7]) expect(await bad(s, TOKEN43("i"))).toMatchObject({ status: 400, text: '{"error":"bad_subdomain"}' });
    for (const t of ["", "x".repeat(256), "caf\u00e9", 42, undefined]) expect(await bad(account.subdomain, t)).toMatchObject({ status: 400, text: '{"error":"bad_txt"}' });
    expect((await dig("127.0.0.1", w.server.dnsPort, account.fulldomain, "TXT")).status).toBe("NXDOMAIN");
    // Authenticated, but the body is no JSON: said plainly instead of acme-dns's "forbidden".
    expect(await post(`${base}/update`, "{", auth(account))).toMatchObject({ status: 400, text: '{"error":"malformed_json_payload"}' });
  });

  test("the challenge zone has a low negative TTL: NXDOMAIN is cached for txt_ttl at most (RFC 2308 §5)", async () => {
    const d = await dig("127.0.0.1", w.server.dnsPort, `nothing-here.${ZONE}`, "TXT");
    expect(d.status).toBe("NXDOMAIN");
    const soa = d.authority.find((l) => l.split(" ")[3] === "SOA")!.split(" ");
    expect(Number(soa[1])).toBeLessThanOrEqual(30);
    expect(Number(soa[10])).toBeLessThanOrEqual(30);
  });

  test("expired values are swept from the zone; live ones stay", async () => {
    const txt = TOKEN43("j");
    await post(`${base}/update`, JSON.stringify({ subdomain: account.subdomain, txt }), auth(account));
    expect(await txtAt(account.subdomain)).toEqual([txt]);
    const cfg = loadConfig({ env: { UPDNS_ACME_DNS_ZONE: ZONE, UPDNS_ACME_DNS_MAX_TXT: "3" } });
    const deps = { db: w.server.db, backendFor: backendsFor(cfg, w.server.zones, w.server.db), settings: acmeSettings(cfg) };
    expect(await sweepAcmeTxt({ ...deps, clock: { now: () => new Date() } })).toBe(0);
    expect(await txtAt(account.subdomain)).toEqual([txt]);
    expect(await sweepAcmeTxt({ ...deps, clock: { now: () => new Date(Date.now() + 3601_000) } })).toBeGreaterThanOrEqual(1);
    expect((await dig("127.0.0.1", w.server.dnsPort, account.fulldomain, "TXT")).status).toBe("NXDOMAIN");
  });

  test("a database failure answers 500: db_error on update, the error text on register", async () => {
    w.server.db.$client.run("PRAGMA foreign_keys = OFF");
    const id = w.server.db.select().from(domains).where(eq(domains.name, ZONE)).get()!.id;
    w.server.db.update(domains).set({ name: "elsewhere.example.test" }).where(eq(domains.id, id)).run();
    try {
      const u = await post(`${base}/update`, JSON.stringify({ subdomain: account.subdomain, txt: TOKEN43("k") }), auth(account));
      expect([u.status, u.text]).toEqual([500, '{"error":"db_error"}']);
      const r = await post(`${base}/register`, "");
      expect(r.status).toBe(500);
      expect(JSON.parse(r.text).error).toContain("acme_dns.zone");
    } finally {
      w.server.db.update(domains).set({ name: ZONE }).where(eq(domains.id, id)).run();
      w.server.db.$client.run("PRAGMA foreign_keys = ON");
    }
  });
});

describe.skipIf(!ok)("acme-dns API, protected registration", () => {
  const worlds: AcmeWorld[] = [];
  const start = async (env: Record<string, string>) => {
    const w = await startAcmeWorld({
      zones: [ZONE],
      users: [
        { username: "boss", password: "correct horse battery", staff: true },
        { username: "pat", password: "another long password" },
      ],
      env: { UPDNS_ACME_DNS_ZONE: ZONE, ...env },
    });
    worlds.push(w);
    return w;
  };
  afterAll(async () => {
    for (const w of worlds) await w.close();
  });
  const basic = (u: string, p: string) => ({ authorization: `Basic ${btoa(`${u}:${p}`)}` });

  test("registration = off: /register is 404, the rest of the API is there", async () => {
    const w = await start({ UPDNS_ACME_DNS_REGISTRATION: "off" });
    expect((await post(`${w.server.url}/acme-dns/register`, "")).status).toBe(404);
    expect((await fetch(`${w.server.url}/acme-dns/health`)).status).toBe(200);
  });

  test("registration = staff (default): only a staff account's Basic credentials register; the account is theirs", async () => {
    const w = await start({});
    const url = `${w.server.url}/acme-dns/register`;
    const none = await post(url, "");
    expect([none.status, none.text]).toEqual([401, '{"error":"forbidden"}']);
    expect(none.headers.get("www-authenticate")).toContain("Basic");
    expect((await post(url, "", basic("boss", "wrong password"))).status).toBe(401);
    expect((await post(url, "", basic("pat", "another long password"))).status).toBe(401);
    const r = await post(url, "", basic("boss", "correct horse battery"));
    expect(r.status).toBe(201);
    const owner = w.server.db.$client.query("SELECT u.username FROM acme_dns_accounts a JOIN users u ON u.id = a.owner_id").get() as { username: string };
    expect(owner.username).toBe("boss");
  });

  test("registration = token: /register is 404, <base>/<token>/register works and so does the API under it", async () => {
    const token = "s3cret-path-token-0123456789";
    const w = await start({ UPDNS_ACME_DNS_REGISTRATION: "token", UPDNS_ACME_DNS_REGISTRATION_TOKEN: token, UPDNS_ACME_DNS_BASE_PATH: "/x/acme" });
    expect((await post(`${w.server.url}/x/acme/register`, "")).status).toBe(404);
    expect((await post(`${w.server.url}/x/acme/wrong-token-0123456789/register`, "")).status).toBe(404);
    const r = await post(`${w.server.url}/x/acme/${token}/register`, "");
    expect(r.status).toBe(201);
    const a: Account = JSON.parse(r.text);
    for (const b of [`${w.server.url}/x/acme/${token}`, `${w.server.url}/x/acme`]) {
      const u = await post(`${b}/update`, JSON.stringify({ subdomain: a.subdomain, txt: TOKEN43("t") }), auth(a));
      expect(u.status).toBe(200);
    }
  });

  test("allowfrom checks the connection's address; X-Forwarded-For counts only from [http] trusted_proxies", async () => {
    const register = async (url: string) => JSON.parse((await post(`${url}/acme-dns/register`, JSON.stringify({ allowfrom: ["10.0.0.0/8"] }))).text) as Account;
    const update = (url: string, a: Account) => post(`${url}/acme-dns/update`, JSON.stringify({ subdomain: a.subdomain, txt: TOKEN43("x") }), { ...auth(a), "x-forwarded-for": "10.1.2.3" });
    const direct = await start({ UPDNS_ACME_DNS_REGISTRATION: "open" });
    expect(await update(direct.server.url, await register(direct.server.url))).toMatchObject({ status: 401, text: '{"error":"forbidden"}' });
    const proxied = await start({ UPDNS_ACME_DNS_REGISTRATION: "open", UPDNS_HTTP_TRUSTED_PROXIES: "127.0.0.1" });
    expect(await update(proxied.server.url, await register(proxied.server.url))).toMatchObject({ status: 200 });
  });

  test("a challenge zone added while the server runs gets its low negative TTL at the first registration", async () => {
    const w = await startAcmeWorld({ zones: [], env: { UPDNS_ACME_DNS_ZONE: ZONE, UPDNS_ACME_DNS_REGISTRATION: "open", UPDNS_ACME_DNS_TXT_TTL: "5" } });
    worlds.push(w);
    await addEmbeddedZone(w.server.db, { name: ZONE }, async (z) => {
      await w.server.zones.store.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) });
    });
    const negativeTtl = async () => {
      const soa = (await dig("127.0.0.1", w.server.dnsPort, `none.${ZONE}`, "TXT")).authority.find((l) => l.split(" ")[3] === "SOA")!.split(" ");
      return Math.min(Number(soa[1]), Number(soa[10]));
    };
    expect(await negativeTtl()).toBeGreaterThan(5);
    expect((await post(`${w.server.url}/acme-dns/register`, "")).status).toBe(201);
    expect(await negativeTtl()).toBe(5);
  });

  test("without [acme_dns] zone the API is not there", async () => {
    const w = await startAcmeWorld({ zones: [] });
    worlds.push(w);
    expect((await post(`${w.server.url}/acme-dns/register`, "")).status).toBe(404);
  });
});
