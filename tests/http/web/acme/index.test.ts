// The acme-dns accounts page: who sees which accounts, registering one in the web UI (key shown once),
// and revoking (the key stops working and the TXT records leave DNS at once).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Browser, httpBrowser, textOf } from "../harness.ts";
import { dig } from "../../../support/dig.ts";
import { havePeers } from "../../../support/net.ts";
import { startAcmeWorld, type AcmeWorld } from "../../../support/acme.ts";

const ZONE = "acme.example.test";
const ok = havePeers("dig");
/** Staff "boss" and plain user "pat", in both worlds. */
const USERS = [
  { username: "boss", password: "correct horse battery", staff: true },
  { username: "pat", password: "another long password" },
];

/** A Browser whose requests go over HTTP to the running server (which has the zone backends wired). */
const browserFor = (url: string): Browser => httpBrowser({ url });

type Account = { username: string; password: string; subdomain: string; fulldomain: string };

/** The account JSON the registration page shows once. */
const shownAccount = (html: string): Account & { allowfrom: string[] } => JSON.parse(textOf(html).match(/\{"username".*?"allowfrom":\[[^\]]*\]\}/)![0]);

/** An ACME client setting the account's TXT through the acme-dns API. */
const acmeUpdate = (url: string, a: Account, txt: string) =>
  fetch(`${url}/acme-dns/update`, {
    method: "POST",
    headers: { "X-Api-User": a.username, "X-Api-Key": a.password },
    body: JSON.stringify({ subdomain: a.subdomain, txt }),
  });

describe.skipIf(!ok)("web UI: acme-dns accounts", () => {
  let w: AcmeWorld;
  let boss: Browser;
  let pat: Browser;
  let account: Account;
  let accountId = 0;

  beforeAll(async () => {
    w = await startAcmeWorld({
      zones: [ZONE],
      users: USERS,
      env: { UPDNS_ACME_DNS_ZONE: ZONE, UPDNS_SERVER_PUBLIC_URL: "http://updns.test" },
    });
    boss = browserFor(w.server.url);
    pat = browserFor(w.server.url);
    expect((await boss.login("boss", "correct horse battery")).status).toBe(303);
    expect((await pat.login("pat", "another long password")).status).toBe(303);
  });
  afterAll(async () => {
    await w?.close();
  });

  test("with registration = staff a user sees no accounts and no form, and cannot post one", async () => {
    const p = await pat.get("/acme/");
    expect(p.status).toBe(200);
    expect(textOf(p.body)).toContain("No accounts yet.");
    expect(p.body).not.toContain('name="allowfrom"');
    expect((await pat.request("POST", "/acme/", new URLSearchParams({ _csrf: pat.csrf(), allowfrom: "" }))).status).toBe(404);
  });

  test("a bad allowfrom entry is said plainly and nothing is registered", async () => {
    const p = await boss.submit("/acme/", { allowfrom: "10.0.0.0/8, 1.2.3.4" }, "/acme/");
    expect(p.status).toBe(400);
    expect(textOf(p.body)).toContain("Each entry must be a CIDR prefix");
    expect(w.server.db.$client.query("SELECT count(*) AS n FROM acme_dns_accounts").get()).toEqual({ n: 0 });
  });

  test("staff register an account: the key is shown once and works with the API", async () => {
    const p = await boss.submit("/acme/", { allowfrom: "127.0.0.0/8, ::1/128" }, "/acme/");
    expect(p.status).toBe(200);
    account = shownAccount(p.body);
    expect(account.password).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(textOf(p.body)).toContain(`_acme-challenge.www.example.org. CNAME ${account.fulldomain}.`);
    const list = textOf((await boss.get("/acme/")).body);
    expect(list).toContain(account.fulldomain);
    expect(list).not.toContain(account.password);
    accountId = (w.server.db.$client.query("SELECT id FROM acme_dns_accounts").get() as { id: number }).id;
    const r = await acmeUpdate(w.server.url, account, "v".repeat(43));
    expect(r.status).toBe(200);
    expect((await dig("127.0.0.1", w.server.dnsPort, account.fulldomain, "TXT")).answer).toHaveLength(1);
  });

  test("another user neither sees nor revokes someone else's account", async () => {
    expect(textOf((await pat.get("/acme/")).body)).not.toContain(account.fulldomain);
    expect((await pat.get(`/acme/${accountId}/revoke`)).status).toBe(404);
    expect((await pat.request("POST", `/acme/${accountId}/revoke`, new URLSearchParams({ _csrf: pat.csrf() }))).status).toBe(404);
  });

  test("revoking removes the TXT records from DNS and the key stops working", async () => {
    const confirm = await boss.get(`/acme/${accountId}/revoke`);
    expect(confirm.status).toBe(200);
    const done = await boss.submit(`/acme/${accountId}/revoke`, {});
    expect(done.status).toBe(303);
    expect((await dig("127.0.0.1", w.server.dnsPort, account.fulldomain, "TXT")).status).toBe("NXDOMAIN");
    const r = await acmeUpdate(w.server.url, account, "w".repeat(43));
    expect([r.status, await r.text()]).toEqual([401, '{"error":"forbidden"}']);
    expect(textOf((await boss.get("/acme/")).body)).toContain("The account was revoked.");
  });
});

describe.skipIf(!ok)("web UI: acme-dns accounts with registration = open", () => {
  let w: AcmeWorld;
  beforeAll(async () => {
    w = await startAcmeWorld({
      zones: [ZONE],
      users: USERS,
      env: { UPDNS_ACME_DNS_ZONE: ZONE, UPDNS_ACME_DNS_REGISTRATION: "open", UPDNS_SERVER_PUBLIC_URL: "http://updns.test" },
    });
  });
  afterAll(async () => {
    await w?.close();
  });

  test("any user registers; when staff delete that user, the account's TXT records leave DNS", async () => {
    const pat = browserFor(w.server.url);
    await pat.login("pat", "another long password");
    const p = await pat.submit("/acme/", { allowfrom: "" }, "/acme/");
    expect(p.status).toBe(200);
    const a = shownAccount(p.body);
    const r = await acmeUpdate(w.server.url, a, "u".repeat(43));
    expect(r.status).toBe(200);
    expect((await dig("127.0.0.1", w.server.dnsPort, a.fulldomain, "TXT")).answer).toHaveLength(1);
    const boss = browserFor(w.server.url);
    await boss.login("boss", "correct horse battery");
    const patId = (w.server.db.$client.query("SELECT id FROM users WHERE username = 'pat'").get() as { id: number }).id;
    expect((await boss.submit(`/admin/users/${patId}/delete`, {}, `/admin/users/${patId}/delete`)).status).toBe(303);
    expect((await dig("127.0.0.1", w.server.dnsPort, a.fulldomain, "TXT")).status).toBe("NXDOMAIN");
    expect(w.server.db.$client.query("SELECT count(*) AS n FROM acme_dns_accounts").get()).toEqual({ n: 0 });
  });
});
