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

describe.skipIf(!ok)("web UI sweep: GET is safe, every form needs its token and our Origin", () => {
  let world: World;
  let staff: WebClient;
  const actions = new Map<string, string>(); // "POST /path" → page it was found on

  function stored(): string {
    const db = new Database(join(world.server.dataDir, "updns.sqlite3"), { readonly: true });
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
