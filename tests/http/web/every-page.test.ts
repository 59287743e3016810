// Every page of the web UI in Debian's Chromium, the way people see them: at 1280 px (a laptop) and 360 px
// (a small phone), in the light and the dark colour scheme. The pages come from the app's own GET routes, so
// a new page cannot be missed: a route this file does not know fails the first test until it is listed
// below with the parameter values to visit it with (or with the reason it is not a page).
// On each page, at each width and scheme:
// - nothing sticks out sideways: the document is no wider than the screen; code blocks wrap their long lines
//   (a URL's end must not hide off the side of a phone), and so do tables at desktop width (on a phone a
//   wide table may scroll in its own box);
// - no control is clipped: every input, select, button, link and summary fits its own box and the screen,
//   and a select's chosen text fits inside the select;
// - axe-core finds no `serious` or `critical` accessibility violation (contrast, names, labels, landmarks…).
// Then every page once more in German (the longest words) at 360 px, for the layout checks.
// Each page gets a full-page screenshot in a temporary folder (printed). With UPDNS_SCREENSHOTS=1 the run
// also writes the README's screenshots into docs/screenshots/.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { tmpdir } from "node:os";
import type { Page } from "playwright-core";
import { createUser } from "../../../src/core/admin/users.ts";
import { createToken } from "../../../src/core/index.ts";
import { issueToken } from "../../../src/auth/index.ts";
import { serviceUpdaters, settings } from "../../../src/db/index.ts";
import { findJob, runExclusive, type JobContext } from "../../../src/jobs/index.ts";
import { memoryLogger } from "../../../src/log/index.ts";
import { haveChromium, launchChromium } from "../../support/chromium.ts";
import { startInProcess, type InProcess } from "../../support/updns.ts";
import { httpBrowser } from "./harness.ts";
import { LANGUAGE_COOKIE } from "../../../src/http/web/i18n.ts";
import { makeDnsWebWorld } from "./world.ts";

const run = haveChromium();
const WIDTHS = [1280, 360] as const;
const SCHEMES = ["light", "dark"] as const;
const PASSWORD = "correct horse battery";
const REPO = join(import.meta.dir, "../../..");
const SHOTS = join(tmpdir(), `updns-every-page-${process.pid}`);
/** The README's pictures: written only when asked, so a normal run leaves the work tree as it was. */
const README_SHOTS = process.env.UPDNS_SCREENSHOTS === "1" ? join(REPO, "docs/screenshots") : null;
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

type Who = "anonymous" | "alice" | "boss";
/** What the seeded world is: ids and one-time links the visits need. */
interface Seed {
  aliceId: number;
  hostId: number;
  relatedId: number;
  forwarderId: number;
  domainId: number;
  signedDomainId: number;
  rfc2136DomainId: number;
  tokenId: number;
  acmeId: number;
  setupToken: string;
  resetToken: string;
  verifyToken: string;
}
interface Visit {
  who: Who;
  path: string | ((s: Seed) => string);
  /** The status the page answers with (200 unless said). */
  status?: number;
  /** Saved as docs/screenshots/<name>-<width>.png when README screenshots are asked for. */
  readme?: { name: string; widths: number[] };
  /** Only shown while no staff account exists (the first-run setup link): visited before staff is made. */
  beforeStaff?: true;
}
type Entry = Visit[] | { notAPage: string };

/**
 * Every GET route of the web app, with the visits that show its page(s). Routes with ids get explicit
 * values from the seeded world; error pages are visits with their status.
 */
const ROUTES: Record<string, Entry> = {
  "/healthz": { notAPage: "JSON for monitors" },
  "/robots.txt": { notAPage: "text for crawlers" },
  "/myip": { notAPage: "the caller's address as plain text" },
  "/nic/checkip.html": { notAPage: "the dyndns2 checkip answer for routers" },
  "/detectip/:token": { notAPage: "the address detection answer (204) the home page script asks" },
  "/detectip/:token/": { notAPage: "the address detection answer (204) the home page script asks" },
  "/ajax_get_ips/": { notAPage: "JSON for the old nsupdate.info page script" },
  "/ajax_get_ips": { notAPage: "JSON for the old nsupdate.info page script" },
  "/updater.js": { notAPage: "the browser updater script" },
  "/static/:name": { notAPage: "stylesheet, scripts and icon" },
  "/ips": { notAPage: "an htmx fragment of the home page (checked there)" },
  "/host/:id/addresses": { notAPage: "an htmx fragment of the host page (checked there)" },
  "/domain/add/fields": { notAPage: "an htmx fragment of the domain form (checked there with ?backend=)" },
  "/.well-known/change-password": { notAPage: "a redirect to /account/settings (RFC 8615 well-known URL)" },
  "/account/oauth/:provider/start": { notAPage: "a redirect to the OAuth provider" },
  "/account/oauth/:provider/callback": [{ who: "anonymous", path: "/account/oauth/nope/callback?state=x&code=y", status: 404 }],

  "/": [{ who: "anonymous", path: "/" }, { who: "alice", path: "/" }],
  "/about/": [{ who: "anonymous", path: "/about/" }],
  "/setup/:token": [
    { who: "anonymous", path: (s) => `/setup/${s.setupToken}`, beforeStaff: true },
    { who: "anonymous", path: (s) => `/setup/${s.setupToken}`, status: 404 },
  ],
  "/account/login": [{ who: "anonymous", path: "/account/login" }],
  "/account/register": [{ who: "anonymous", path: "/account/register" }],
  "/account/verify/:token": [
    { who: "anonymous", path: (s) => `/account/verify/${s.verifyToken}` },
    { who: "anonymous", path: "/account/verify/not-a-token", status: 404 },
  ],
  "/account/password-reset": [{ who: "anonymous", path: "/account/password-reset" }],
  "/account/password-reset/:token": [
    { who: "anonymous", path: (s) => `/account/password-reset/${s.resetToken}` },
    { who: "anonymous", path: "/account/password-reset/not-a-token", status: 404 },
  ],
  "/account/settings": [{ who: "alice", path: "/account/settings" }],
  "/account/profile": [{ who: "alice", path: "/account/profile" }],
  "/account/delete": [{ who: "alice", path: "/account/delete" }],
  "/account/tokens": [{ who: "alice", path: "/account/tokens" }],
  "/account/tokens/:id/revoke": [{ who: "alice", path: (s) => `/account/tokens/${s.tokenId}/revoke` }],

  "/overview/": [{ who: "alice", path: "/overview/", readme: { name: "overview", widths: [1280] } }],
  "/host/add/": [{ who: "alice", path: "/host/add/" }],
  "/host/:id/": [
    { who: "alice", path: (s) => `/host/${s.hostId}/`, readme: { name: "host", widths: [1280, 360] } },
    { who: "alice", path: "/host/9999/", status: 404 },
  ],
  "/generate_secret/:id/": [{ who: "alice", path: (s) => `/generate_secret/${s.hostId}/` }],
  "/host/:id/delete/": [{ who: "alice", path: (s) => `/host/${s.hostId}/delete/` }],
  "/host/:id/related/": [{ who: "alice", path: (s) => `/host/${s.hostId}/related/` }],
  "/host/:id/related/add/": [{ who: "alice", path: (s) => `/host/${s.hostId}/related/add/` }],
  "/host/:id/related/:rid/": [{ who: "alice", path: (s) => `/host/${s.hostId}/related/${s.relatedId}/` }],
  "/host/:id/related/:rid/delete/": [{ who: "alice", path: (s) => `/host/${s.hostId}/related/${s.relatedId}/delete/` }],
  "/updater_hostconfig_overview/:id/": [{ who: "alice", path: (s) => `/updater_hostconfig_overview/${s.hostId}/` }],
  "/updater_hostconfig/:id/": [{ who: "alice", path: (s) => `/updater_hostconfig/${s.forwarderId}/` }],
  "/updater_hostconfig/:id/delete/": [{ who: "alice", path: (s) => `/updater_hostconfig/${s.forwarderId}/delete/` }],
  "/domain/add/": [
    { who: "alice", path: "/domain/add/" },
    { who: "alice", path: "/domain/add/?backend=rfc2136" },
  ],
  "/domain/:id/": [
    { who: "alice", path: (s) => `/domain/${s.domainId}/`, readme: { name: "domain", widths: [1280] } },
    { who: "alice", path: (s) => `/domain/${s.signedDomainId}/` },
    { who: "alice", path: (s) => `/domain/${s.rfc2136DomainId}/` },
  ],
  "/generate_ns_secret/:id/": [
    { who: "alice", path: (s) => `/generate_ns_secret/${s.domainId}/` },
    { who: "alice", path: (s) => `/generate_ns_secret/${s.rfc2136DomainId}/` },
  ],
  "/domain/:id/delete/": [{ who: "alice", path: (s) => `/domain/${s.domainId}/delete/` }],
  "/acme/": [{ who: "alice", path: "/acme/" }],
  "/acme/:id/revoke": [{ who: "alice", path: (s) => `/acme/${s.acmeId}/revoke` }],

  "/status/": [{ who: "boss", path: "/status/", readme: { name: "status", widths: [1280] } }],
  "/admin/users": [{ who: "boss", path: "/admin/users" }, { who: "boss", path: "/admin/users?q=alice" }],
  "/admin/users/:id/delete": [{ who: "boss", path: (s) => `/admin/users/${s.aliceId}/delete` }],
  "/admin/hosts": [{ who: "boss", path: "/admin/hosts" }],
  "/admin/domains": [{ who: "boss", path: "/admin/domains" }],
  "/admin/services": [{ who: "boss", path: "/admin/services" }],
  "/admin/blacklist": [{ who: "boss", path: "/admin/blacklist" }],
};

/** The app's GET routes (the web UI with the dyndns2 side, as serve mounts them). */
async function getRoutes(): Promise<string[]> {
  const w = await makeDnsWebWorld({ api: true });
  const routes = (w.app as unknown as { routes: { method: string; path: string }[] }).routes;
  return [...new Set(routes.filter((r) => r.method === "GET").map((r) => r.path))];
}

let server: InProcess;
let seed: Seed;
let browser: Awaited<ReturnType<typeof launchChromium>>;
/** Two tabs of one browser: while one waits for the server or the screenshot, the other works. */
let tabs: Page[] = [];
let page: Page;
let signedInAs: Who = "anonymous";
const consoleErrors: string[] = [];
/** Problems of the pages visited before the staff account existed (reported with the anonymous pages). */
let beforeStaffProblems: string[] = [];

beforeAll(async () => {
  if (!run) return;
  server = await startInProcess({
    UPDNS_REGISTRATION_MODE: "open",
    UPDNS_ACME_DNS_ZONE: "acme.example.org",
    UPDNS_ACME_DNS_REGISTRATION: "open",
  });
  seed = await seedWorld(server);
  browser = await launchChromium({ viewport: { width: 1280, height: 800 } });
  tabs = [await browser.context.newPage(), await browser.context.newPage()];
  page = tabs[0];
  for (const tab of tabs) {
    tab.on("console", (m) => {
      // A page answering 404 on purpose is logged as a failed load of the page itself: not a problem.
      if (m.location().url === tab.url() && /Failed to load resource/.test(m.text())) return;
      if (m.type() === "error" || /Content Security Policy/i.test(m.text())) consoleErrors.push(`${tab.url()}: ${m.text()}`);
    });
    tab.on("pageerror", (e) => consoleErrors.push(`${tab.url()}: ${e.message}`));
  }
  mkdirSync(SHOTS, { recursive: true });
  if (README_SHOTS) mkdirSync(README_SHOTS, { recursive: true });
  beforeStaffProblems = await visitAll(allVisits().filter((v) => v.beforeStaff));
  await createUser(server.db, { username: "boss", email: "boss@example.test", password: PASSWORD, staff: true });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (run) console.log(`screenshots: ${SHOTS}`);
});

/**
 * alice owns an embedded domain with a host (addresses, update results good/nochg/badauth, a related host, a
 * forwarder), a DNSSEC-signed domain, an rfc2136 domain, an API token and an acme-dns account; boss is staff.
 * Names are long enough that a phone must wrap them.
 */
async function seedWorld(s: InProcess): Promise<Seed> {
  const setupToken = new URL(s.setupUrl ?? "http://x/setup/none").pathname.split("/").pop()!;
  const alice = await createUser(s.db, { username: "alice", email: "alice@example.test", password: PASSWORD });
  const b = httpBrowser(s);
  expect((await b.login("alice", PASSWORD)).status).toBe(303);
  const zone = "dynamic.home.example.org";
  expect((await b.submit("/domain/add/", { name: zone, backend: "embedded", secondaries: "192.0.2.53" }, "/domain/add/")).status).toBe(303);
  expect((await b.submit("/domain/add/", { name: "signed.example.net", backend: "embedded" }, "/domain/add/")).status).toBe(303);
  expect((await b.submit("/domain/add/", { name: "office.example.com", backend: "rfc2136", primary: "192.0.2.1:5353", algorithm: "hmac-sha256" }, "/domain/add/")).status).toBe(303);
  // The acme-dns accounts' zone (staff's, as an operator would set it up).
  expect((await b.submit("/domain/add/", { name: "acme.example.org", backend: "embedded" }, "/domain/add/")).status).toBe(303);
  const domainIds = [...(await b.get("/overview/")).body.matchAll(/href="\/domain\/(\d+)\/"/g)].map((m) => Number(m[1]));
  const [domainId, signedDomainId, rfc2136DomainId] = [...new Set(domainIds)].sort((x, y) => x - y);
  // Static records besides the hosts: mail, a long TXT (SPF), an alias.
  for (const [name, type, data] of [["@", "MX", "10 mail.example.net."], ["@", "TXT", '"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8:1234::/48 include:_spf.mail.example.net -all"'], ["www", "CNAME", "living-room-router"]])
    expect((await b.submit(`/domain/${domainId}/records`, { name, type, ttl: "3600", data }, `/domain/${domainId}/`)).status).toBe(303);
  expect((await b.submit(`/domain/${signedDomainId}/dnssec/on`, { dnssec_algorithm: "13", denial: "nsec3", keys: "split" }, `/domain/${signedDomainId}/`)).status).toBe(303);

  const added = await b.submit("/host/add/", { name: "living-room-router", domain: String(domainId) }, "/host/add/");
  expect(added.status).toBe(303);
  const hostId = Number(added.location!.match(/\/host\/(\d+)\//)![1]);
  const host = `living-room-router.${zone}`;
  const secretAt = await b.submit(`/host/${hostId}/secret`, {}, `/host/${hostId}/`);
  const secret = (await b.get(secretAt.location!)).body.match(/<pre id="secret"[^>]*>([A-Za-z0-9]+)<\/pre>/)![1];
  // A good update, a keep-alive (nochg) and a wrong password: the host page lists all three results.
  const nic = (myip: string, password = secret) =>
    fetch(`${s.url}/nic/update?hostname=${host}&myip=${myip}`, { headers: { authorization: `Basic ${btoa(`${host}:${password}`)}` } }).then((r) => r.text());
  expect(await nic("192.0.2.44")).toStartWith("good");
  expect(await nic("192.0.2.44")).toStartWith("nochg");
  expect(await nic("2001:db8:1234:5678:9abc:def0:1234:5678")).toStartWith("good");
  expect(await nic("192.0.2.45", "wrong")).toBe("badauth");

  expect((await b.submit(`/host/${hostId}/related/add/`, { name: "network-attached-storage", interface_id_ipv4: "0.0.0.5", interface_id_ipv6: "::1:2:3:4", available: "1" }, `/host/${hostId}/related/add/`)).status).toBe(303);
  const relatedId = Number((await b.get(`/host/${hostId}/related/`)).body.match(/\/related\/(\d+)\//)![1]);
  s.db.insert(serviceUpdaters).values({ name: "another dyndns service", server: "dyndns.example.com" }).run();
  expect((await b.submit(`/updater_hostconfig_overview/${hostId}/`, { service: "1", name: "router-at-the-other-service", password: "p", give_ipv4: "1" }, `/updater_hostconfig_overview/${hostId}/`)).status).toBe(303);
  const forwarderId = Number((await b.get(`/updater_hostconfig_overview/${hostId}/`)).body.match(/\/updater_hostconfig\/(\d+)\//)![1]);

  const token = createToken(s.db, alice.id, {
    name: "the router in the cellar of the holiday house by the lake",
    hosts: [host, `nas.${zone}`],
    subnets: ["2001:db8:1234:5678::/64", "198.51.100.0/24"],
    types: ["A", "AAAA", "TXT"],
    expiresAt: new Date(Date.now() + 30 * 86400_000),
  });
  const acme = await b.submit("/acme/", { allowfrom: "192.0.2.0/24" }, "/acme/");
  if (acme.status !== 200) throw new Error(acme.body.match(/<small[^>]*error[^>]*>[^<]*/)?.[0] ?? acme.body.slice(-3000));
  const acmeId = Number((await b.get("/acme/")).body.match(/\/acme\/(\d+)\/revoke/)![1]);
  await seedJobRuns(s);
  const now = new Date();
  return {
    aliceId: alice.id,
    hostId,
    relatedId,
    forwarderId,
    domainId,
    signedDomainId,
    rfc2136DomainId,
    tokenId: token.id,
    acmeId,
    setupToken,
    resetToken: issueToken(s.db, { purpose: "reset_password", userId: alice.id, email: "alice@example.test" }, now),
    verifyToken: issueToken(s.db, { purpose: "verify_email", userId: alice.id, email: "alice@example.test" }, now),
  };
}

/**
 * The status page's jobs table in each of its forms: runs said in words, a failure and a run recorded before
 * runs kept their counts (both quoted as they were stored: long lines a phone must wrap).
 */
async function seedJobRuns(s: InProcess): Promise<void> {
  const clock = { now: () => new Date() };
  const ctx = { db: s.db, log: memoryLogger("error"), clock, mailer: { send: async () => {} }, backendFor: () => { throw new Error("no DNS change expected"); }, site: "updns.test" } as unknown as JobContext;
  for (const name of ["hosts_stale_check", "cleanup"]) await runExclusive(s.db, name, "scheduler", clock.now, () => findJob(name)!.run(ctx, { flagAbuseThreshold: 0 }));
  const error = "SQLiteError: database is locked while removing the accounts of living-room-router.dynamic.home.example.org";
  await runExclusive(s.db, "users_stale_check", "scheduler", clock.now, async () => Promise.reject(new Error(error))).catch(() => {});
  const at = clock.now().toISOString();
  const old = { startedAt: at, finishedAt: at, ok: true, result: "removed 0 expired sessions, 0 expired tokens, 0 unconfirmed sign-ups, journals not trimmed (no zone store), 0 stale forwardings", by: "scheduler" };
  s.db.insert(settings).values({ key: "job:faults", value: JSON.stringify(old) }).run();
}

/** Signs the browser in as `who` through the login form (or out, for anonymous). */
async function becomes(who: Who): Promise<void> {
  if (who === signedInAs) return;
  await browser.context.clearCookies();
  signedInAs = "anonymous";
  if (who !== "anonymous") {
    await page.goto(`${server.url}/account/login`);
    await page.fill("#f-identifier", who);
    await page.fill("#f-password", PASSWORD);
    await page.click("button[type=submit]:has-text('Log in')");
    await page.waitForURL(`${server.url}/overview/`);
    signedInAs = who;
  }
  await speak(language);
}

/** The language pages are asked in from now on, by the language menu's cookie ("": English). */
let language = "";
async function speak(lang: string): Promise<void> {
  language = lang;
  await browser.context.clearCookies({ name: LANGUAGE_COOKIE });
  if (lang) await browser.context.addCookies([{ name: LANGUAGE_COOKIE, value: lang, url: server.url }]);
}

/** What is wrong with the page as shown now (empty: nothing); run in the page. */
function layoutProblems(): string[] {
  const out: string[] = [];
  const doc = document.documentElement;
  const vw = doc.clientWidth;
  const name = (el: Element) => {
    const id = el.id ? `#${el.id}` : "";
    const cls = typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
    const shown = el instanceof HTMLSelectElement ? el.selectedOptions[0]?.text : (el as HTMLElement).innerText;
    const text = (shown || (el as HTMLInputElement).value || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return `<${el.tagName.toLowerCase()}${id}${cls}>${text ? ` "${text}"` : ""}`;
  };
  // Inside a box that scrolls sideways on purpose (a wide table, a code block), sticking out is fine.
  const inScroller = (el: Element) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === "auto" || ox === "scroll") return true;
    }
    return false;
  };
  if (doc.scrollWidth > vw) {
    const wide = [...document.querySelectorAll("body *")].filter((el) => el.getBoundingClientRect().right > vw + 1 && !inScroller(el)).slice(-4);
    out.push(`the page is ${doc.scrollWidth} px wide on a ${vw} px screen (sticking out: ${wide.map(name).join(", ") || "?"})`);
  }
  // Code blocks (URLs, snippets, secrets) wrap their long lines: one that scrolls sideways hides its end.
  // Tables too at desktop width; on a phone a wide table may scroll in its own box.
  for (const el of document.querySelectorAll(vw >= 1000 ? "pre, .table-wrap" : "pre")) {
    if (el.scrollWidth > el.clientWidth + 1) out.push(`${name(el)} hides ${el.scrollWidth - el.clientWidth} px of its text sideways (let long lines wrap)`);
  }
  const canvas = document.createElement("canvas").getContext("2d")!;
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea, button, a, summary")) {
    const box = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || cs.visibility === "hidden") continue;
    if (box.right < 0) continue; // the skip link waits off-screen until it is focused
    if (box.right > vw + 1 && !inScroller(el)) out.push(`${name(el)} sticks out ${Math.round(box.right - vw)} px past the right edge`);
    if (el instanceof HTMLSelectElement) {
      // A select shows its chosen option in its own box, beside the arrow: the text must fit.
      canvas.font = cs.font;
      const text = el.selectedOptions[0]?.text ?? "";
      const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
      const need = canvas.measureText(text).width;
      if (need > room + 1) out.push(`${name(el)} cuts its text "${text.slice(0, 50)}" off (needs ${Math.ceil(need)} px, has ${Math.floor(room)} px)`);
      continue;
    }
    if (cs.display === "inline") continue; // an inline box wraps with its text: no own width to overflow
    const editable = el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && !["submit", "button", "reset", "checkbox", "radio"].includes(el.type));
    if (editable) continue; // what people type may be longer than the field: it scrolls inside it by design
    if (el.scrollWidth > el.clientWidth + 1) out.push(`${name(el)} is clipped (content ${el.scrollWidth} px in a ${el.clientWidth} px box)`);
  }
  return out;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's serious and critical violations on the page as shown now. */
async function axeViolations(page: Page, onlyColours: boolean): Promise<string[]> {
  // Injected through the DevTools protocol, which our CSP (script-src 'self') does not apply to.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const found = (await page.evaluate(async (onlyColours) => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ["violations"], ...(onlyColours ? { runOnly: { type: "rule", values: ["color-contrast", "link-in-text-block"] } } : {}) });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  }, onlyColours)) as AxeViolation[];
  if (process.env.AXE_DEBUG) console.log("axe", page.url(), found.map((v) => `${v.impact}:${v.id}`).join(" "));
  return found
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `axe ${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 4).map((n) => `${n.target.join(" ")} (${(n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 160)})`).join("; ")}${v.nodes.length > 4 ? ` …and ${v.nodes.length - 4} more` : ""}`);
}

const fileName = (label: string) => label.replace(/^\//, "").replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "home";

/**
 * Checks the page now in the browser at both widths and in both schemes; returns the problems, each
 * naming the page, who looked, the width and the scheme.
 */
async function checkShown(page: Page, label: string, who: Who, readme?: Visit["readme"], only?: Only): Promise<string[]> {
  const problems: string[] = [];
  for (const width of only?.widths ?? WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    for (const scheme of only?.schemes ?? SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      const where = `${label} (${who}, ${language ? `${language}, ` : ""}${width} px, ${scheme})`;
      for (const p of await page.evaluate(layoutProblems)) problems.push(`${where}: ${p}`);
      if (only) continue;
      // Names, labels and landmarks do not change with the width or the scheme, colours only with the
      // scheme: axe runs all its rules once (desktop, light) and its colour rules once more in dark.
      if (width === WIDTHS[0]) for (const p of await axeViolations(page, scheme !== SCHEMES[0])) problems.push(`${where}: ${p}`);
      // A picture per width for people to look at (the dark scheme is checked, not photographed: time).
      if (scheme === SCHEMES[0]) await page.screenshot({ path: join(SHOTS, `${fileName(label)}-${who}-${width}.jpeg`), fullPage: true, quality: 80 });
      if (README_SHOTS && readme?.widths.includes(width) && scheme === "light") await page.screenshot({ path: join(README_SHOTS, `${readme.name}-${width}.png`), fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: WIDTHS[0], height: 800 });
  return problems;
}

/** A lighter pass: these widths and schemes, layout checks only (no axe, no screenshots). */
interface Only {
  widths: readonly number[];
  schemes: readonly (typeof SCHEMES)[number][];
}

/** Opens one page and checks it. */
async function visit(page: Page, v: Visit, only?: Only): Promise<string[]> {
  const problems: string[] = [];
  const path = typeof v.path === "string" ? v.path : v.path(seed);
  const res = await page.goto(server.url + path);
  const status = res?.status() ?? 0;
  // (A lighter pass comes after the main one, when the single-use links are used up.)
  if (!only && status !== (v.status ?? 200)) problems.push(`${path} (${v.who}): answered ${status}, expected ${v.status ?? 200}`);
  await settled(page);
  problems.push(...(await checkShown(page, path, v.who, v.readme, only)));
  return problems;
}

/** Visits the pages (signed in as each one's visitor), two tabs at a time; the problems in the visits' order. */
async function visitAll(visits: Visit[], only?: Only): Promise<string[]> {
  const found: string[][] = visits.map(() => []);
  for (const who of [...new Set(visits.map((v) => v.who))]) {
    await becomes(who);
    const queue = visits.flatMap((v, i) => (v.who === who ? [i] : []));
    await Promise.all(
      tabs.map(async (tab) => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) found[i] = await visit(tab, visits[i], only);
      }),
    );
  }
  return found.flat();
}

const allVisits = () => Object.values(ROUTES).flatMap((e) => (Array.isArray(e) ? e : []));
const visitsOf = (who: Who) => allVisits().filter((v) => v.who === who && !v.beforeStaff);

/** Waits for the page's own requests after load (htmx's first swaps, such as the home page's addresses). */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.readyState === "complete" && !document.querySelector(".htmx-request"));
}

/** Fails with every problem on its own line (the default diff would print one long array). */
function noProblems(problems: string[]) {
  if (problems.length) console.error(`\n${problems.length} problem(s):\n  ${problems.join("\n  ")}\n`);
  expect(problems).toEqual([]);
}

describe.if(run)("every page in Chromium at 1280 and 360 px, light and dark", () => {
  test("every GET route of the app is listed here, as pages to visit or as not a page", async () => {
    const unknown = (await getRoutes()).filter((r) => !(r in ROUTES));
    expect(unknown.map((r) => `${r}: add it to ROUTES in every-page.test.ts with parameter values (or { notAPage: why })`)).toEqual([]);
  });

  test("the checks see what they look for: a wide element, a cut select, a clipped button, grey on grey", async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto("about:blank"); // away from our pages, whose CSP would drop these inline styles
    await page.setContent(`<!doctype html><html lang="en"><head><title>bad</title></head><body><main>
      <div style="width:500px">wide</div>
      <label for="s">Choice</label><select id="s" style="width:120px"><option>A rather long option text that cannot fit</option></select>
      <button style="width:60px;white-space:nowrap;overflow:hidden">A button with a long label</button>
      <p style="color:#aaa;background:#bbb">hard to read</p></main></body></html>`);
    const layout = (await page.evaluate(layoutProblems)).join("\n");
    expect(layout).toContain("the page is 5");
    expect(layout).toContain('cuts its text "A rather long option text that cannot fit" off');
    expect(layout).toContain('<button> "A button with a long label" is clipped');
    expect((await axeViolations(page, false)).join("\n")).toContain("axe serious color-contrast");
    await page.setViewportSize({ width: WIDTHS[0], height: 800 });
  });

  test("anonymous pages", async () => noProblems([...beforeStaffProblems, ...(await visitAll(visitsOf("anonymous")))]), 120_000);

  test("a signed-in user's pages", async () => noProblems(await visitAll(visitsOf("alice"))), 180_000);

  test("staff pages", async () => noProblems(await visitAll(visitsOf("boss"))), 120_000);

  test("pages that answer a form: one-time secrets, the created token and acme-dns account, the CSRF refusal", async () => {
    const problems: string[] = [];
    await becomes("alice");
    // A new host secret: shown once, after the 303 of the form.
    await page.goto(`${server.url}/host/${seed.hostId}/`);
    await page.click("button:has-text('Generate new secret')");
    await page.waitForSelector("#secret");
    problems.push(...(await checkShown(page, "host secret created", "alice")));
    // A new rfc2136 domain with the TSIG secret updns made: shown once.
    await page.goto(`${server.url}/domain/add/?backend=rfc2136`);
    await page.fill("#f-name", "another-office-with-a-long-name.example.com");
    await page.fill("#f-primary", "192.0.2.2");
    await page.click("button:has-text('Add domain')");
    await page.waitForSelector("text=Domain added.");
    problems.push(...(await checkShown(page, "domain added", "alice")));
    // A new API token.
    await page.goto(`${server.url}/account/tokens`);
    await page.fill("#f-name", "phone");
    await page.fill("#f-hosts", `living-room-router.dynamic.home.example.org`);
    await page.click("button[type=submit]:has-text('Create token')");
    await page.waitForSelector("pre#token");
    problems.push(...(await checkShown(page, "API token created", "alice")));
    // A new acme-dns account.
    await page.goto(`${server.url}/acme/`);
    await page.click("main button[type=submit]");
    await page.waitForSelector("text=acme-dns account registered");
    problems.push(...(await checkShown(page, "acme-dns account registered", "alice")));
    // A form without its CSRF token (an old tab, another site): the refusal page.
    await page.goto(`${server.url}/overview/`);
    const refused = page.waitForResponse((r) => r.request().method() === "POST");
    await page.evaluate(() => {
      const f = document.createElement("form");
      f.method = "post";
      f.action = "/host/add/";
      document.body.append(f);
      f.submit();
    });
    expect((await refused).status()).toBe(403);
    await page.waitForLoadState("load");
    await settled(page);
    problems.push(...(await checkShown(page, "CSRF refusal", "alice")));
    noProblems(problems);
  }, 120_000);

  // German has the longest words of the six languages: on a phone they must wrap, never widen the page.
  test("every page in German at 360 px: nothing sticks out sideways, no control is clipped", async () => {
    await speak("de");
    const visits = (["anonymous", "alice", "boss"] as const).flatMap((who) => visitsOf(who));
    const problems = await visitAll(visits, { widths: [360], schemes: ["light"] });
    // The pass was in German (the cookie survived each change of visitor).
    await page.goto(`${server.url}/overview/`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("de");
    await speak("");
    noProblems(problems);
  }, 180_000);

  test("no console error and no CSP violation on any page", () => {
    expect(consoleErrors).toEqual([]);
  });
});
