// No English left on a page shown in another language. Every GET route of the web app (taken from the
// router, so a new page is covered the day it is added) is fetched from updns running in this process as
// `serve` wires it, as a visitor, as a user and as staff, with data in every list, in German, French,
// Italian, Greek and Hungarian, plus secret-link pages, empty form posts and error pages; the
// text a person reads (and the title / aria-label / placeholder / alt they hear) is scanned for words of
// the English text that the language's own translations never use (tests/i18n/english.ts).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { blacklistedHosts, hosts, serviceUpdaters } from "../../src/db/index.ts";
import { HostLedger, resultLine } from "../../src/core/index.ts";
import { issueSetupToken } from "../../src/core/admin/setup.ts";
import { issueToken } from "../../src/auth/index.ts";
import { findJob, runExclusive } from "../../src/jobs/index.ts";
import { memoryLogger } from "../../src/log/index.ts";
import { createUser } from "../../src/core/admin/users.ts";
import { startInProcess, type InProcess } from "../support/updns.ts";
import { Browser, httpBrowser, makeWebWorld } from "../http/web/harness.ts";
import { makeDnsWebWorld, type DnsWebWorld } from "../http/web/world.ts";
import { englishLeftovers, englishWords, nativeWords } from "./english.ts";

const LANGS = ["de", "fr", "it", "el", "hu"];

/**
 * A value for each path parameter of the router: the seeded objects (all number 1, owned by the staff
 * user "alice"), a token and a file that do not exist (their error pages are pages too), an OAuth provider. A
 * new parameter name fails the test until it gets a value here.
 */
const SAMPLE: Record<string, string> = { id: "1", rid: "1", token: "no-such-token", provider: "github", name: "no-such-file" };

/** Pages that are not made for people (files, the IP detection's answers): only text/html answers are scanned. */
const isPage = (headers: Headers) => (headers.get("content-type") ?? "").startsWith("text/html");

/** Pages whose words are protocol: dyndns clients read "Current IP Address: …" from checkip in English. */
const PROTOCOL_PAGES = new Set(["/nic/checkip.html"]);

/**
 * Forms sent empty, as someone in a hurry would: the answers carry the validation messages of core and auth.
 * (Only forms that add or look up something: an empty post there changes nothing.)
 */
const EMPTY_FORMS: { path: string; who: string }[] = [
  ...["/account/login", "/account/register", "/account/password-reset"].map((path) => ({ path, who: "visitor" })),
  ...["/host/add/", "/domain/add/", "/host/1/related/add/", "/updater_hostconfig_overview/1/", "/account/tokens", "/account/password", "/admin/users", "/admin/invitations", "/admin/services", "/admin/blacklist"].map((path) => ({ path, who: "staff alice" })),
];

interface Visitor {
  who: string;
  b: Browser;
}

/** Pages behind a link with a secret in it, which the router's paths reach only with a made-up token. */
interface LinkPage {
  what: string;
  path: string;
  /** Who opens it (the setup link only works in a world without staff, so it has a world of its own). */
  b: Browser;
}

/**
 * The world of the scan: updns as `serve` runs it, in this process (every page wired: DNSSEC, the status
 * page's listeners and zones, the jobs). alice (staff) owns a signed domain with a secondary, a host with
 * results, a related host, a forwarding, an API token and an acme-dns account; bob has a domain and a host.
 */
async function seeded(): Promise<{ server: InProcess; routes: DnsWebWorld; visitors: Visitor[]; links: LinkPage[] }> {
  const server = await startInProcess({ UPDNS_REGISTRATION_MODE: "open", UPDNS_ACME_DNS_ZONE: "acme.example.net" });
  const db = server.db;
  const signIn = async (username: string, staff: boolean) => {
    const u = await createUser(db, { username, email: `${username}@example.test`, password: "correct horse battery", staff });
    const b = httpBrowser(server);
    expect((await b.login(username, "correct horse battery")).status).toBe(303);
    return { b, id: u.id };
  };
  const alice = await signIn("alice", true);
  const bob = await signIn("bob", false);
  const a = alice.b;
  expect((await a.submit("/domain/add/", { name: "dyn.example.org", backend: "embedded" }, "/domain/add/")).status).toBe(303);
  expect((await a.submit("/host/add/", { name: "home", domain: "1" }, "/host/add/")).location).toBe("/host/1/");
  expect((await a.submit("/host/1/related/add/", { name: "nas", interface_id_ipv4: "0.0.0.5", available: "1" }, "/host/1/related/add/")).status).toBe(303);
  db.insert(serviceUpdaters).values({ name: "dyn-svc", server: "dyn.example.com" }).run();
  expect((await a.submit("/updater_hostconfig_overview/1/", { service: "1", name: "u", password: "p", give_ipv4: "1" }, "/updater_hostconfig_overview/1/")).status).toBe(303);
  expect((await a.submit("/account/tokens", { name: "tok-fritz", types: "A" }, "/account/tokens")).status).toBeLessThan(400);
  expect((await a.submit("/admin/blacklist", { name_re: "^bad" }, "/admin/blacklist")).status).toBeLessThan(400);
  expect((await bob.b.submit("/domain/add/", { name: "bob.example.net", backend: "embedded" }, "/domain/add/")).status).toBe(303);
  expect((await bob.b.submit("/host/add/", { name: "bobs", domain: "2" }, "/host/add/")).location).toBe("/host/2/");
  // The acme-dns zone (domain 3) and an account in it.
  expect((await a.submit("/domain/add/", { name: "acme.example.net", backend: "embedded" }, "/domain/add/")).status).toBe(303);
  expect((await a.submit("/acme/", { allowfrom: "" }, "/acme/")).status).toBe(200);
  // alice's zone signed, with a secondary.
  expect((await a.submit("/domain/1/dnssec/on", { dnssec_algorithm: "13", denial: "nsec3", keys: "split" }, "/domain/1/")).status).toBe(303);
  expect((await a.submit("/domain/1/secondaries", { address: "192.0.2.53" }, "/domain/1/")).status).toBeLessThan(400);
  // A result of each kind on alice's host: an update, a refused login, a DNS error on our side.
  expect((await a.submit("/nic/update_authorized", { hostname: "home.dyn.example.org", myip: "192.0.2.55" }, "/host/1/")).status).toBe(303);
  const ledger = new HostLedger(1, "home.dyn.example.org", new Date());
  ledger.apiAuthMessage(resultLine("authFailure", { via: "basic auth" }), true);
  ledger.serverMessage(resultLine("dnsError", { what: "update", address: "192.0.2.55", tls: "false", error: "timeout talking to the nameserver" }), true);
  ledger.flush(db);
  expect(db.select().from(hosts).where(eq(hosts.id, 1)).get()!.clientResultMsg).toContain("192.0.2.55");
  expect(db.select().from(blacklistedHosts).all().length).toBe(1);
  // Runs of the maintenance jobs, as the scheduler records them (pages that show jobs show these).
  const clock = { now: () => new Date() };
  const ctx = { db, log: memoryLogger("error"), clock, mailer: { send: async () => {} }, backendFor: () => { throw new Error("no DNS change expected"); }, site: "updns.test" };
  for (const name of ["hosts_stale_check", "cleanup"]) {
    const job = findJob(name)!;
    await runExclusive(db, job.name, "scheduler", clock.now, () => job.run(ctx, { flagAbuseThreshold: 0 }));
  }
  // The messages of the seeding (made in English) are shown once: let them go before the scan.
  for (const b of [a, bob.b]) await b.get("/overview/");
  const now = new Date();
  const visitor = httpBrowser(server);
  // The first-run setup link works only while there is no staff account: a world of its own. The same
  // kind of world lists the router's paths and shows the sign-up page closed.
  const fresh = await makeWebWorld();
  const routes = await makeDnsWebWorld({ api: true, configure: (c) => void (c.registration.mode = "closed") });
  const links: LinkPage[] = [
    { what: "setup link", path: `/setup/${issueSetupToken(fresh.db, fresh.clock.now())}`, b: fresh.browser() },
    { what: "password reset link", path: `/account/password-reset/${issueToken(db, { purpose: "reset_password", userId: bob.id, email: "bob@example.test" }, now)}`, b: visitor },
    { what: "invitation link", path: `/account/register?invitation=${issueToken(db, { purpose: "invitation", email: "carol@example.test" }, now)}`, b: visitor },
  ];
  return { server, routes, links, visitors: [{ who: "visitor", b: visitor }, { who: "user bob", b: bob.b }, { who: "staff alice", b: a }] };
}

/** Every GET path of the router with its parameters filled, and pages that exist to be errors. */
function pagePaths(w: DnsWebWorld): string[] {
  const routes = (w.app as unknown as { routes: { method: string; path: string }[] }).routes;
  const paths = new Set<string>();
  for (const r of routes) {
    if (r.method !== "GET") continue;
    const missing = [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]).filter((p) => !(p in SAMPLE));
    expect(missing.length === 0 ? "" : `no sample value for :${missing.join(", :")} of ${r.path}: add one to SAMPLE`).toBe("");
    paths.add(r.path.replace(/:(\w+)/g, (_, p: string) => SAMPLE[p]));
  }
  // The same pages in their other states: the rfc2136 form, a search that finds nothing.
  // Deleting another account (user 1 is alice herself, whom she cannot delete).
  paths.add("/admin/users/2/delete");
  for (const p of ["/domain/add/?backend=rfc2136", "/domain/add/fields?backend=rfc2136", "/admin/users?q=nobody-like-this", "/admin/hosts?q=nothing-like-this"]) paths.add(p);
  // Error pages: a page that does not exist, and objects of someone else.
  paths.add("/no/such/page/");
  paths.add("/host/2/");
  paths.add("/domain/2/");
  return [...paths].sort();
}

describe("no English on pages in other languages", () => {
  let world: Awaited<ReturnType<typeof seeded>>;
  beforeAll(async () => {
    world = await seeded();
  }, 60_000);
  afterAll(async () => {
    await world?.server.close();
  });

  test("the scan sees the pages: router paths, seeded lists, and every kind of visitor", async () => {
    const paths = pagePaths(world.routes);
    for (const p of ["/overview/", "/host/1/", "/domain/1/", "/admin/users", "/status/", "/account/login", "/generate_secret/1/", "/no/such/page/"]) expect(paths).toContain(p);
    const staff = world.visitors[2].b;
    const host = await staff.get("/host/1/", { "accept-language": "de" });
    expect(host.status).toBe(200);
    expect(host.body).toContain("192.0.2.55");
    // The signed zone's keys and DS, and its secondary.
    const domain = await staff.get("/domain/1/", { "accept-language": "de" });
    expect(domain.body).toContain('id="dnssec-ds"');
    expect(domain.body).toContain("192.0.2.53");
    const users = await staff.get("/admin/users", { "accept-language": "de" });
    expect(users.body).toContain("bob");
    // The scanner catches English it is shown.
    const english = englishWords();
    expect(englishLeftovers("<p>Vorhanden: the host is gone</p>", "de", english, nativeWords("de")).map((l) => l.words)).toEqual([["the", "host", "gone"].filter((w) => !nativeWords("de").has(w))]);
  });

  for (const lang of LANGS) {
    test(`every page in ${lang} is free of English`, async () => {
      const english = englishWords();
      const native = nativeWords(lang);
      const found = new Map<string, string[]>();
      let scanned = 0;
      for (const path of pagePaths(world.routes)) {
        for (const { who, b } of world.visitors) {
          const p = await b.get(path, { "accept-language": lang });
          if (!isPage(p.headers) || PROTOCOL_PAGES.has(path)) continue;
          if (process.env.I18N_SCAN_DEBUG) console.log(lang, who, path, p.status, p.location ?? "");
          scanned++;
          for (const l of englishLeftovers(p.body, lang, english, native)) {
            const where = `${lang} ${path} (${who})`;
            const key = `"${l.text}" — English: ${l.words.join(", ")}`;
            found.set(key, [...(found.get(key) ?? []), where]);
          }
        }
      }
      const visitor = world.visitors[0].b;
      const scan = (path: string, where: string, body: string) => {
        for (const l of englishLeftovers(body, lang, english, native)) {
          const key = `"${l.text}" — English: ${l.words.join(", ")}`;
          found.set(key, [...(found.get(key) ?? []), `${lang} ${path} (${where})`]);
        }
      };
      for (const { what, path, b } of world.links) {
        const p = await b.get(path, { "accept-language": lang });
        expect([what, p.status]).toEqual([what, 200]);
        scan(path, what, p.body);
      }
      for (const { path, who } of EMPTY_FORMS) {
        const b = world.visitors.find((v) => v.who === who)!.b;
        const form = path === "/admin/invitations" ? "/admin/users" : path === "/account/password" ? "/account/settings" : path;
        await b.get(form, { "accept-language": lang });
        const p = await b.request("POST", path, new URLSearchParams({ _csrf: b.csrf() }), { "accept-language": lang });
        // A refusal is the form again with its messages; an answer by redirect shows its message on the next page.
        const shown = p.status === 303 ? await b.get(p.location!, { "accept-language": lang }) : p;
        expect([path, shown.status]).not.toEqual([path, 500]);
        scan(path, `${who}, form sent empty`, shown.body);
      }
      // Sign-up when it is closed: the refusal page.
      const closed = await world.routes.browser().get("/account/register", { "accept-language": lang });
      expect(closed.status).toBe(403);
      scan("/account/register", "registration closed", closed.body);
      expect(scanned).toBeGreaterThan(40);
      const report = [...found].map(([text, where]) => `${where[0]}${where.length > 1 ? ` (+${where.length - 1} more)` : ""}: ${text}`).sort();
      expect(report).toEqual([]);
    }, 120_000);
  }
});
