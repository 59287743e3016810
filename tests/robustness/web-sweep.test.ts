// A sweep of the web UI of dist/updns as it is, whatever pages it has today: a staff member crawls every
// link; every GET must leave the stored data alone (state changes only by POST), every form and htmx
// action found on the way is then sent without its CSRF token and, with the token, from a foreign Origin:
// both must be refused (403) and change nothing. `next=` after login never leads off-site.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { havePeers } from "../support/net.ts";
import { nicUpdate, startWorld, type World } from "../support/world.ts";
import { WebClient } from "../support/web-client.ts";
import { cli } from "../support/updns.ts";

const ok = havePeers("dig");
const PASSWORD = "sweep staff password 1";

// Everything but sessions (a crawl refreshes its own session) and host fault counters.
const FROZEN = ["users", "hosts", "domains", "zone_records", "zone_journal", "tsig_keys", "update_policies", "related_hosts", "api_tokens", "user_tokens", "zone_secondaries", "oauth_identities"];

/** The FROZEN tables' rows as text, read from the server's database file, to prove a sweep changed nothing. */
function frozenTables(dataDir: string): string {
  const db = new Database(join(dataDir, "updns.sqlite3"), { readonly: true });
  try {
    return FROZEN.map((t) => {
      try {
        return `${t}:${JSON.stringify(db.query(`SELECT * FROM ${t}`).all())}`;
      } catch {
        return `${t}:absent`;
      }
    }).join("\n");
  } finally {
    db.close();
  }
}

describe.skipIf(!ok)("web UI sweep: GET is safe, every form needs its token and our Origin", () => {
  let world: World;
  let staff: WebClient;
  const actions = new Map<string, string>(); // "POST /path" → page it was found on

  const stored = () => frozenTables(world.server.dataDir);

  beforeAll(async () => {
    world = await startWorld({ hosts: 2 });
    expect((await cli(["user", "add", "sweep", "--email", "sweep@example.test", "--staff", "--password-stdin"], { cwd: world.dir, stdin: PASSWORD + "\n" })).code).toBe(0);
    expect((await cli(["host", "add", `mine.${world.zone}`, "--owner", "sweep"], { cwd: world.dir })).code).toBe(0);
    expect((await nicUpdate(world.url, world.hosts[0], "192.0.2.1")).body).toBe("good 192.0.2.1");
    staff = new WebClient(world.url);
    expect((await staff.login("sweep", PASSWORD)).status).toBe(303);
  }, 30_000);

  afterAll(async () => {
    await world?.close();
  });

  test("crawling every link as staff changes nothing stored", async () => {
    const before = stored();
    const queue = ["/", "/overview/", "/account/profile", "/account/settings", "/admin/users"];
    const visited = new Set<string>();
    for (let i = 0; i < queue.length && visited.size < 150; i++) {
      const path = queue[i];
      if (visited.has(path)) continue;
      visited.add(path);
      const r = await staff.get(path);
      expect({ path, status: r.status < 500 }).toEqual({ path, status: true });
      if (!r.headers.get("content-type")?.startsWith("text/html")) continue;
      for (const m of r.body.matchAll(/href="(\/[^"#]*)"/g)) {
        const link = m[1].replace(/&amp;/g, "&");
        // Static files and the sign-out link are not pages; OAuth starts leave the site.
        if (/^\/(static|assets|favicon|updater\.js)|logout|oauth\/[^/]+\/start/.test(link)) continue;
        if (!visited.has(link)) queue.push(link);
      }
      for (const m of r.body.matchAll(/<form[^>]*method="post"[^>]*action="([^"]+)"|<form[^>]*action="([^"]+)"[^>]*method="post"/gi)) actions.set(`POST ${(m[1] ?? m[2]).replace(/&amp;/g, "&")}`, path);
      for (const m of r.body.matchAll(/hx-(post|put|patch|delete)="([^"]+)"/g)) actions.set(`${m[1].toUpperCase()} ${m[2].replace(/&amp;/g, "&")}`, path);
    }
    console.log(`web sweep: ${visited.size} pages crawled, ${actions.size} state-changing actions found: ${[...actions.keys()].join(", ")}`);
    expect(visited.size).toBeGreaterThan(4);
    expect(stored()).toBe(before);
  }, 60_000);

  test("every action found is refused without the CSRF token, and from a foreign Origin with it", async () => {
    expect(actions.size).toBeGreaterThan(2);
    const before = stored();
    const accepted: string[] = [];
    for (const [action, page] of actions) {
      const [method, path] = action.split(" ");
      if (/logout/.test(path)) continue; // signing out by CSRF is harmless and would end this session
      await staff.get(page);
      const token = staff.csrf();
      const form = { confirm: "sweep", password: PASSWORD, active: "0", staff: "0", email: "x@evil.example", comment: "csrf" };
      const noToken = await staff.request(method, path, { body: new URLSearchParams(form).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
      if (noToken.status !== 403) accepted.push(`${action} without token: ${noToken.status}`);
      const foreign = await staff.request(method, path, { body: new URLSearchParams({ _csrf: token, ...form }).toString(), headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" } });
      if (foreign.status !== 403) accepted.push(`${action} from evil.example: ${foreign.status}`);
      const sameSiteNo = await staff.request(method, path, { body: new URLSearchParams({ _csrf: token, ...form }).toString(), headers: { "content-type": "application/x-www-form-urlencoded", origin: "null", "sec-fetch-site": "cross-site" } });
      if (sameSiteNo.status !== 403) accepted.push(`${action} with Sec-Fetch-Site cross-site: ${sameSiteNo.status}`);
    }
    expect(accepted).toEqual([]);
    expect(stored()).toBe(before);
    // Still signed in: the refusals did not end the session.
    expect((await staff.get("/account/profile")).status).toBe(200);
  }, 60_000);

  test("next= after login never leads off-site", async () => {
    const targets = ["https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "https:evil.example", "/%2F%2Fevil.example", "javascript:alert(1)", "/account/profile"];
    for (const next of targets) {
      const web = new WebClient(world.url);
      await web.get(`/account/login?next=${encodeURIComponent(next)}`);
      const r = await web.request("POST", `/account/login?next=${encodeURIComponent(next)}`, {
        body: new URLSearchParams({ _csrf: web.csrf(), identifier: "sweep", password: PASSWORD, next }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      const location = r.headers.get("location") ?? r.headers.get("hx-redirect") ?? "";
      expect({ next, status: r.status }).toEqual({ next, status: 303 });
      // Resolved the way a browser does (the WHATWG URL parser reads "\\" as "/"), it stays on our origin.
      expect({ next, origin: new URL(location, world.url).origin }).toEqual({ next, origin: new URL(world.url).origin });
    }
  }, 30_000);
});

/** A form's fields as the page fills them in: inputs, checked boxes, textareas, the selected option. */
function formsOf(html: string): { action: string; fields: Record<string, string> }[] {
  const out: { action: string; fields: Record<string, string> }[] = [];
  for (const m of html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = m[1];
    if (!/method="post"/i.test(attrs)) continue;
    const action = attrs.match(/action="([^"]+)"/)?.[1]?.replace(/&amp;/g, "&");
    if (!action) continue;
    const fields: Record<string, string> = {};
    for (const i of m[2].matchAll(/<input([^>]*)>/gi)) {
      const name = i[1].match(/name="([^"]+)"/)?.[1];
      if (!name) continue;
      const type = i[1].match(/type="([^"]+)"/)?.[1] ?? "text";
      if ((type === "checkbox" || type === "radio") && !/\schecked/.test(i[1])) continue;
      fields[name] = (i[1].match(/value="([^"]*)"/)?.[1] ?? (type === "checkbox" ? "on" : "")).replace(/&amp;/g, "&").replace(/&quot;/g, '"');
    }
    for (const t of m[2].matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/gi)) fields[t[1]] = t[2];
    for (const sel of m[2].matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/gi)) fields[sel[1]] = sel[2].match(/<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected/)?.slice(1).find(Boolean) ?? sel[2].match(/value="([^"]*)"/)?.[1] ?? "";
    out.push({ action, fields });
  }
  return out;
}

/** Every page reachable from the start pages and every POST action on them, for one signed-in person. */
async function crawl(web: WebClient, start: string[], limit = 120): Promise<{ pages: string[]; forms: { page: string; action: string; fields: Record<string, string> }[] }> {
  const queue = [...start];
  const seen = new Set<string>();
  const forms: { page: string; action: string; fields: Record<string, string> }[] = [];
  for (let i = 0; i < queue.length && seen.size < limit; i++) {
    const path = queue[i];
    if (seen.has(path)) continue;
    seen.add(path);
    const r = await web.get(path);
    if (r.status !== 200 || !r.headers.get("content-type")?.startsWith("text/html")) continue;
    for (const m of r.body.matchAll(/href="(\/[^"#]*)"/g)) {
      const link = m[1].replace(/&amp;/g, "&");
      if (/^\/(static|assets|favicon|updater\.js)|logout|oauth\/[^/]+\/start/.test(link)) continue;
      if (!seen.has(link)) queue.push(link);
    }
    for (const f of formsOf(r.body)) forms.push({ page: path, ...f });
  }
  return { pages: [...seen], forms };
}

describe.skipIf(!ok)("web UI sweep between two accounts: IDOR and mass assignment", () => {
  let world: World;
  let alice: WebClient;
  let mallory: WebClient;
  let aliceCrawl: Awaited<ReturnType<typeof crawl>>;

  const snapshot = () => frozenTables(world.server.dataDir);

  beforeAll(async () => {
    world = await startWorld({ hosts: 1 });
    for (const u of ["alice", "mallory"]) {
      expect((await cli(["user", "add", u, "--email", `${u}@example.test`, "--password-stdin"], { cwd: world.dir, stdin: PASSWORD + "\n" })).code).toBe(0);
      expect((await cli(["host", "add", `${u}.${world.zone}`, "--owner", u], { cwd: world.dir })).code).toBe(0);
    }
    alice = new WebClient(world.url);
    mallory = new WebClient(world.url);
    expect((await alice.login("alice", PASSWORD)).status).toBe(303);
    expect((await mallory.login("mallory", PASSWORD)).status).toBe(303);
    aliceCrawl = await crawl(alice, ["/", "/overview/", "/account/profile"]);
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  test("another account's object pages and actions are 404 (never 403: nothing to learn) and change nothing", async () => {
    // Pages with an id or a name in them that are not Mallory's own.
    const own = await crawl(mallory, ["/", "/overview/", "/account/profile"]);
    const foreignPages = aliceCrawl.pages.filter((p) => /\d|alice/.test(p) && !own.pages.includes(p));
    const foreignActions = aliceCrawl.forms.filter((f) => /\d|alice/.test(f.action) && !own.forms.some((o) => o.action === f.action) && !/logout/.test(f.action));
    console.log(`web sweep (IDOR): ${foreignPages.length} of Alice's object pages and ${foreignActions.length} of her actions tried as Mallory: ${[...foreignPages, ...foreignActions.map((f) => "POST " + f.action)].join(", ")}`);
    expect(foreignPages.length + foreignActions.length).toBeGreaterThan(0);
    const before = snapshot();
    const wrong: string[] = [];
    for (const p of foreignPages) {
      const r = await mallory.get(p);
      if (r.status !== 404) wrong.push(`GET ${p}: ${r.status}`);
    }
    for (const f of foreignActions) {
      await mallory.get("/account/profile");
      const r = await mallory.request("POST", f.action, { body: new URLSearchParams({ ...f.fields, _csrf: mallory.csrf() }).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
      if (r.status !== 404) wrong.push(`POST ${f.action}: ${r.status}`);
    }
    expect(wrong).toEqual([]);
    expect(snapshot()).toBe(before);
  }, 60_000);

  test("fields a form does not show cannot be set (staff flag, owner, ids)", async () => {
    const own = await crawl(mallory, ["/", "/overview/", "/account/profile"]);
    const extra = { is_staff: "1", staff: "1", is_superuser: "1", is_active: "1", owner_id: "1", owner: "alice", user_id: "1", domain_id: "999", email_verified: "1", abuse: "0", abuse_blocked: "0", available: "1", secret: "chosen-by-mallory", update_secret: "chosen-by-mallory" };
    let posted = 0;
    for (const f of own.forms) {
      if (/delete|logout|secret|password/.test(f.action)) continue; // these do what they say; not about extra fields
      await mallory.get(f.page);
      const fields = { ...extra, ...f.fields, _csrf: mallory.csrf() };
      for (const k of Object.keys(extra)) if (!(k in f.fields)) fields[k as keyof typeof fields] = extra[k as keyof typeof extra];
      const r = await mallory.request("POST", f.action, { body: new URLSearchParams(fields).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(r.status).toBeLessThan(500);
      posted++;
    }
    console.log(`web sweep (mass assignment): ${posted} of Mallory's own forms posted with ${Object.keys(extra).length} extra fields`);
    expect(posted).toBeGreaterThan(0);
    const db = new Database(join(world.server.dataDir, "updns.sqlite3"), { readonly: true });
    try {
      const m = db.query("SELECT id, is_staff, is_superuser FROM users WHERE username = 'mallory'").get() as { id: number; is_staff: number; is_superuser: number };
      expect([m.is_staff, m.is_superuser]).toEqual([0, 0]);
      const hosts = db.query("SELECT name, owner_id, update_secret FROM hosts WHERE owner_id = ?").all(m.id) as { name: string; owner_id: number; update_secret: string }[];
      expect(hosts.map((h) => h.name)).toEqual(["mallory"]);
      const alices = db.query("SELECT h.name FROM hosts h JOIN users u ON u.id = h.owner_id WHERE u.username = 'alice'").all() as { name: string }[];
      expect(alices.map((h) => h.name)).toEqual(["alice"]);
    } finally {
      db.close();
    }
    // The secret was not set to the chosen one: it does not authenticate.
    expect((await nicUpdate(world.url, { fqdn: `mallory.${world.zone}`, secret: "chosen-by-mallory" }, "192.0.2.9")).status).toBe(401);
  }, 60_000);
});
