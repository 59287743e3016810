// Hostile HTTP input against dist/updns: every API and form route gets random and boundary values
// (overlong, NUL, invalid UTF-8, markup, numbers out of range), broken auth headers, huge headers and
// bodies, malformed request lines and smuggling attempts over a raw socket, and slow (slowloris) clients.
// A user sees: a clear 4xx (or the protocol's own answer such as `notfqdn`), never a 5xx, never a stack
// trace or a file path; nothing stored changes; the server keeps serving everybody else.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { havePeers, waitFor } from "../support/net.ts";
import { nicUpdate, startWorld, type World } from "../support/world.ts";
import { WebClient } from "../support/web-client.ts";
import { cli } from "../support/updns.ts";
import { rawStatus, rawTcp, slowClient } from "../support/raw.ts";
import { rng } from "../support/rng.ts";

const ok = havePeers("dig");

// Seeded (tests/support/rng.ts): a failure names its seed and replays.
const SEED = Number(process.env.UPDNS_FUZZ_SEED ?? 20261126);

/** Values for query strings and form fields. `raw` ones go into a URL as they are (already %-encoded). */
const VALUES: { v: string; raw?: true }[] = [
  { v: "" },
  { v: " " },
  { v: "a".repeat(256) },
  { v: "b".repeat(8000) },
  { v: "a\0b" },
  { v: "%00", raw: true },
  { v: "%FF%FE%FD", raw: true },
  { v: "%C0%AF", raw: true },
  { v: "%ED%A0%80", raw: true }, // a lone UTF-16 surrogate in UTF-8: invalid
  { v: "%", raw: true },
  { v: "%zz", raw: true },
  { v: "../../../../etc/passwd" },
  { v: "<script>alert(1)</script>" },
  { v: '"><img src=x onerror=alert(1)>' },
  { v: "' OR '1'='1" },
  { v: "1; DROP TABLE hosts" },
  { v: "${7*7}{{7*7}}" },
  { v: "-1" },
  { v: "0" },
  { v: "99999999999999999999999" },
  { v: "1e309" },
  { v: "NaN" },
  { v: "256.256.256.256" },
  { v: "1.2.3" },
  { v: "1.2.3.4.5" },
  { v: "1.2.3.4/24" },
  { v: "fe80::1%eth0" },
  { v: "::::" },
  { v: "1.2.3.4,".repeat(200) },
  { v: ",,,," },
  { v: "\u202eevil\u202c" },
  { v: "🙂".repeat(100) },
  { v: "a\r\nSet-Cookie: x=1" },
  { v: "%0d%0aSet-Cookie:%20x=1", raw: true },
  { v: "[]" },
  { v: "{}" },
  { v: "null" },
  { v: "true" },
  { v: "-.example.test" },
  { v: "a..b.example.test" },
  { v: "*.example.test" },
  { v: ("x".repeat(63) + ".").repeat(5) + "example.test" },
];

const enc = (x: { v: string; raw?: true }) => (x.raw ? x.v : encodeURIComponent(x.v));

// Fields that never select anything valid but must be refused cleanly. Value-free fields only: fuzzing an
// address with a real host's own secret could legitimately change it, which is not what this test is about.
const API_ROUTES = ["/nic/update", "/nic/update/", "//nic//update", "/v2/update", "/v3/update", "/update", "/nic/delete", "/myip", "/nic/checkip.html", "/ajax_get_ips", "/ajax_get_ips/"];
const API_FIELDS = ["hostname", "myip", "myipv6", "system", "wildcard", "mx", "backmx", "offline", "token"];
const API_V1 = ["/api/v1/", "/api/v1/hosts", "/api/v1/hosts/1", "/api/v1/hosts/999999", "/api/v1/zones", "/api/v1/domains", "/api/v1/domains/1", "/api/v1/tokens", "/api/v1/me", "/register", "/acme/update"];
const ANON_FORMS: [string, string[]][] = [
  ["/account/login", ["identifier", "password", "remember", "next"]],
  ["/account/register", ["username", "email", "password", "password2", "next"]],
  ["/account/password-reset", ["email"]],
  ["/account/password-reset/0123456789abcdef", ["password", "password2"]],
  ["/setup/0123456789abcdef", ["username", "email", "password", "password2"]],
];
const USER_FORMS: [string, string[]][] = [
  ["/account/profile", ["email", "language", "timezone", "theme", "username", "staff", "is_staff", "id"]],
  ["/account/password", ["old_password", "password", "password2", "current_password", "new_password"]],
  ["/account/delete", ["password", "confirm"]],
  ["/admin/users", ["username", "email", "staff", "q", "page"]],
  ["/admin/invitations", ["email", "staff"]],
  ["/admin/users/999999/active", ["active"]],
  ["/admin/users/-1/staff", ["staff"]],
  ["/host/999999/", ["comment", "ttl", "wildcard", "owner_id"]],
  ["/host/abc/", ["comment"]],
];
const GET_PAGES = ["/", "/overview/", "/account/login", "/account/register", "/account/password-reset", "/account/settings", "/account/profile", "/account/delete", "/admin/users", "/host/1/", "/host/-1/", "/host/99999999999999999999/", "/host/%00/", "/account/verify/%FF", "/account/password-reset/" + "z".repeat(5000), "/setup/%00", "/.well-known/change-password", "/metrics", "/healthz", "/robots.txt", "/static/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/detectip/" + "a".repeat(100), "/detectip/%00"];

/** What must never be in an answer: a stack trace, a source location or a path on this machine. */
const LEAK = /\bat \S+ \(|\.tsx?:\d+|\/work\/|\/tmp\/|\/root\/|node_modules|\$bunfs|TypeError|ReferenceError|SyntaxError|SQLITE_|"stack"\s*:|\b[Ss]tack ?trace\b/;

// Tables whose content hostile input must never change (host fault counters and sessions may).
const FROZEN = [
  "SELECT * FROM users",
  "SELECT id, name, domain_id, owner_id, update_secret, comment, available, ttl, wildcard, abuse, abuse_blocked FROM hosts",
  "SELECT * FROM domains",
  "SELECT * FROM zone_records",
  "SELECT * FROM zone_journal",
  "SELECT * FROM tsig_keys",
  "SELECT * FROM update_policies",
  "SELECT * FROM related_hosts",
  "SELECT id, user_id, token_hash, scopes, expires_at FROM api_tokens", // last use is bookkeeping
  "SELECT * FROM oauth_identities",
  "SELECT * FROM zone_secondaries",
];

describe.skipIf(!ok)("HTTP fuzzing of every route of dist/updns", () => {
  let world: World;
  let staff: WebClient;
  let cases = 0;
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  const staffCreated = new Set<string>();

  /** The frozen tables, row by row (as JSON lines), so a failure shows the rows that changed. */
  function stored(): Set<string> {
    const db = new Database(join(world.server.dataDir, "updns.sqlite3"), { readonly: true });
    try {
      return new Set(FROZEN.flatMap((q) => db.query(q).all().map((row) => `${q.split(" FROM ")[1]} ${JSON.stringify(row)}`)));
    } finally {
      db.close();
    }
  }

  /** One case: it must get an answer below 500 without a leak. */
  function check(what: string, status: number, body: string): void {
    cases++;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status >= 500 || status === 0) failures.push(`${what}: status ${status} ${body.slice(0, 120)}`);
    const leak = body.match(LEAK);
    if (leak) failures.push(`${what}: leaks "${leak[0]}" in ${body.slice(Math.max(0, leak.index! - 60), leak.index! + 60)}`);
  }

  async function send(what: string, url: string, init: RequestInit = {}): Promise<number> {
    try {
      const res = await fetch(url, { redirect: "manual", ...init, signal: AbortSignal.timeout(5000) });
      const body = await res.text();
      check(what, res.status, body);
      for (const [k, v] of res.headers) if (LEAK.test(v)) failures.push(`${what}: header ${k} leaks: ${v}`);
      return res.status;
    } catch (e) {
      failures.push(`${what}: no answer (${(e as Error).message})`);
      cases++;
      return 0;
    }
  }

  let before = new Set<string>();
  let readOnly = "";
  let dripping: ReturnType<typeof slowClient> | undefined;
  let drippingSince = 0;
  let write = "";
  beforeAll(async () => {
    // The badauth throttle is proven in limits.test.ts; here it would only turn every later answer into 429.
    world = await startWorld({ hosts: 2, env: { UPDNS_ABUSE_BADAUTH_PER_MINUTE: "100000", UPDNS_ABUSE_API_REQUESTS_PER_MINUTE: "100000" } });
    const r = await cli(["user", "add", "boss", "--email", "boss@example.test", "--staff", "--password-stdin"], { cwd: world.dir, stdin: "correct horse battery staple\n" });
    expect(r.code).toBe(0);
    staff = new WebClient(world.url);
    const login = await staff.login("boss", "correct horse battery staple");
    expect(login.status).toBe(303);
    expect((await nicUpdate(world.url, world.hosts[0], "192.0.2.1")).body).toBe("good 192.0.2.1");
    const token = async (...extra: string[]) => {
      const r = await world.run("token", "add", "ops", "--json", ...extra);
      if (r.code !== 0) throw new Error(`token add: ${r.stderr}`);
      return JSON.parse(r.stdout).token as string;
    };
    // A slowloris client that drips a header line every 2 s and never ends its request: started now, and
    // checked at the end, by which time the server must have closed it (Bun's 10 s request timeout).
    dripping = slowClient("127.0.0.1", world.httpPort, ["GET /myip HTTP/1.1\r\n", "Host: x\r\n", ...Array.from({ length: 30 }, (_, i) => `X-Drip-${i}: y\r\n`)], 2000);
    drippingSince = Date.now();
    readOnly = await token("--read-only");
    write = await token("--hosts", world.hosts[0].fqdn);
    before = stored();
  }, 30_000);

  afterAll(async () => {
    dripping?.end();
    await world?.close();
  });

  test("API routes: every field with every boundary value, with good, bad and broken credentials", async () => {
    const h = world.hosts[1];
    const auths: Record<string, string>[] = [
      {},
      { authorization: "Basic " + btoa(`${h.fqdn}:wrong`) },
      { authorization: "Basic !!!not-base64!!!" },
      { authorization: "Basic " + btoa("\0:\0") },
      { authorization: "Basic " + "QUFB".repeat(3000) },
      { authorization: "Bearer " + "x".repeat(500) },
      { authorization: "Digest username=x" },
    ];
    for (const route of API_ROUTES)
      for (const f of API_FIELDS)
        for (const [i, val] of VALUES.entries()) {
          const auth = auths[i % auths.length];
          await send(`GET ${route}?${f}=${val.v.slice(0, 30)}`, `${world.url}${route}?${f}=${enc(val)}`, { headers: auth });
        }
    // The real host's own secret with a hostname that is not its own, or broken: never a change.
    // (A blank hostname means "the host I signed in as" in dyndns2, and updns reads ",,," as a list of
    // blanks, so those values are left out.)
    for (const val of VALUES.filter((x) => x.v.replace(/[,\s]/g, "") !== "")) {
      const url = `${world.url}/nic/update?hostname=${enc(val)}&myip=192.0.2.77`;
      const res = await fetch(url, { headers: { authorization: "Basic " + btoa(`${h.fqdn}:${h.secret}`) } });
      const body = await res.text();
      check(`GET /nic/update hostname=${val.v.slice(0, 30)} (good auth)`, res.status, body);
      if (body.startsWith("good")) failures.push(`hostname=${val.v.slice(0, 30)} with ${h.fqdn}'s secret changed something: ${body}`);
    }
    // POST bodies, urlencoded and not.
    for (const route of ["/nic/update", "/update", "/nic/delete"])
      for (const val of VALUES) {
        await send(`POST ${route} form ${val.v.slice(0, 30)}`, `${world.url}${route}`, { method: "POST", body: `hostname=${enc(val)}&myip=${enc(val)}`, headers: { "content-type": "application/x-www-form-urlencoded" } });
        await send(`POST ${route} json`, `${world.url}${route}`, { method: "POST", body: `{"hostname": ${JSON.stringify(val.v)}`, headers: { "content-type": "application/json" } });
      }
    for (const route of API_V1)
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"])
        for (const val of VALUES.slice(0, 12)) await send(`${method} ${route}`, `${world.url}${route}?id=${enc(val)}`, { method, body: method === "GET" ? undefined : JSON.stringify({ name: val.v, ttl: val.v, address: val.v }), headers: { "content-type": "application/json", authorization: "Bearer " + val.v.replace(/[^\x21-\x7e]/g, "x").slice(0, 200) } });
    expect(failures).toEqual([]);
  }, 60_000);

  test("/api/v1 with real tokens: hostile paths, queries and JSON bodies get 4xx and change nothing", async () => {
    const [h] = world.hosts;
    const segments = [h.fqdn, world.zone, ...VALUES.map(enc)];
    const paths = [
      "/api/v1/token",
      "/api/v1/hosts",
      ...segments.flatMap((x) => [`/api/v1/hosts/${x}`, `/api/v1/hosts/${x}/addresses`, `/api/v1/hosts/${x}/secret`, `/api/v1/hosts/${x}/related`, `/api/v1/hosts/${h.fqdn}/related/${x}`, `/api/v1/zones/${x}`, `/api/v1/zones/${x}/records`, `/api/v1/zones/${world.zone}/records/${x}/A`, `/api/v1/zones/${world.zone}/records/h0/${x}`]),
    ];
    const bodies = (v: string) => [JSON.stringify({ fqdn: v, comment: v, ipv4: v, ipv6: v, txt: v, ttl: v, data: [v], name: v }), `{"fqdn": ${JSON.stringify(v)}`, JSON.stringify([v]), JSON.stringify({ ttl: 1e309, data: v.repeat(10) }), v];
    const r = rng(SEED + 2);
    // The read-only token: everything reads or is refused; nothing changes.
    for (const path of paths)
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        const v = VALUES[Math.floor(r() * VALUES.length)].v;
        const q = `?limit=${enc(VALUES[Math.floor(r() * VALUES.length)])}&cursor=${enc(VALUES[Math.floor(r() * VALUES.length)])}`;
        await send(`${method} ${path.slice(0, 60)} (read-only token)`, `${world.url}${path}${q}`, { method, body: method === "GET" || method === "DELETE" ? undefined : bodies(v)[Math.floor(r() * 5)], headers: { authorization: `Bearer ${readOnly}`, "content-type": "application/json" } });
      }
    // A write token with bodies that do not fit the schema: 400 before anything is done.
    const malformed = ['{"ipv4": ', "[]", '"x"', '{"ipv4": 1}', '{"ipv4": ["192.0.2.9"]}', '{"ipv4": "256.0.0.1"}', '{"ipv4": "1.2.3"}', '{"ipv4": "192.0.2.9\u0000"}', '{"ipv6": "::ffff:zz"}', '{"txt": ' + JSON.stringify("t".repeat(70000)) + "}", '{"ipv4": "192.0.2.9", "owner_id": 1, "__proto__": {"admin": true}}', "\xff\xfe", '{"comment": {"$ne": 1}}', '{"ttl": -1}', '{"ttl": "60; DROP TABLE hosts"}'];
    for (const body of malformed)
      for (const [method, path] of [["PUT", `/api/v1/hosts/${h.fqdn}/addresses`], ["PATCH", `/api/v1/hosts/${h.fqdn}`], ["POST", "/api/v1/hosts"], ["POST", `/api/v1/hosts/${h.fqdn}/related`]]) {
        const status = await send(`${method} ${path} ${body.slice(0, 40)} (write token)`, `${world.url}${path}`, { method, body, headers: { authorization: `Bearer ${write}`, "content-type": "application/json" } });
        if (status < 400 && !(body.includes("owner_id") && method === "PUT")) failures.push(`${method} ${path} with ${body.slice(0, 60)}: accepted (${status})`);
      }
    // Broken Bearer tokens.
    for (const val of VALUES) await send(`GET /api/v1/hosts bearer ${val.v.slice(0, 20)}`, `${world.url}/api/v1/hosts`, { headers: { authorization: `Bearer ${val.v.replace(/[^\x21-\x7e]/g, "x").slice(0, 4000)}` } });
    expect(failures).toEqual([]);
  }, 60_000);

  test("GET pages with hostile paths and ids", async () => {
    for (const p of GET_PAGES) {
      await send(`GET ${p.slice(0, 60)} (anonymous)`, world.url + p);
      await send(`GET ${p.slice(0, 60)} (staff)`, world.url + p, { headers: { cookie: [...staff.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
    }
    expect(failures).toEqual([]);
  });

  test("forms, anonymous and signed in, with a valid CSRF token and every boundary value", async () => {
    const r = rng(SEED);
    const anon = new WebClient(world.url);
    await anon.get("/account/login");
    for (const [path, fields] of ANON_FORMS)
      for (const val of VALUES) {
        const form = Object.fromEntries(fields.map((f) => [f, r() < 0.7 ? val.v : VALUES[Math.floor(r() * VALUES.length)].v]));
        const res = await anon.request("POST", path, { body: new URLSearchParams({ _csrf: anon.csrf(), ...form }).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
        check(`POST ${path} ${val.v.slice(0, 30)}`, res.status, res.body);
      }
    for (const [path, fields] of USER_FORMS)
      for (const val of VALUES) {
        await staff.get("/account/profile");
        const form = Object.fromEntries(fields.map((f) => [f, r() < 0.7 ? val.v : VALUES[Math.floor(r() * VALUES.length)].v]));
        const res = await staff.request("POST", path, { body: new URLSearchParams({ _csrf: staff.csrf(), ...form }).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
        check(`POST ${path} (staff) ${val.v.slice(0, 30)}`, res.status, res.body);
        // Staff may create a user whose odd name is still a valid one ("1.2.3"): that one change is expected.
        if (path === "/admin/users" && res.status === 303) staffCreated.add(form.username);
      }
    // Bodies that are not what the form says: raw invalid UTF-8, a wrong content type, broken multipart.
    for (const [path] of [...ANON_FORMS, ...USER_FORMS]) {
      const bad: [string, BodyInit][] = [
        ["application/x-www-form-urlencoded", new Uint8Array([0x5f, 0x63, 0x73, 0x72, 0x66, 0x3d, 0xff, 0xfe, 0x00, 0x26, 0xc0, 0xaf])],
        ["application/json", '{"_csrf": 1, "password": [1,2]}'],
        ["multipart/form-data", "--x\r\ngarbage"],
        ["multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + "v".repeat(1000) + "\r\n--x--"],
        ["text/plain", "\0\0\0"],
      ];
      for (const [ct, body] of bad) {
        const res = await staff.request("POST", path, { body, headers: { "content-type": ct } });
        check(`POST ${path} as ${ct}`, res.status, res.body);
        if (res.status < 400 && res.status !== 303) failures.push(`POST ${path} as ${ct}: accepted with ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);

  test("size limits: 1 MB bodies get 413, huge headers 431, overlong URLs 414 or 431, all without a crash", async () => {
    const big = "a=" + "x".repeat(1024 * 1024);
    for (const path of ["/nic/update", "/account/login", "/account/register", "/admin/users", "/api/v1/hosts"]) {
      const status = await send(`POST ${path} 1 MB`, world.url + path, { method: "POST", body: big, headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(status).toBe(413);
    }
    const hugeHeader = await rawTcp("127.0.0.1", world.httpPort, `GET /myip HTTP/1.1\r\nHost: x\r\nX-Big: ${"h".repeat(256 * 1024)}\r\nConnection: close\r\n\r\n`, 3000);
    cases++;
    expect([431, 400, 413]).toContain(rawStatus(hugeHeader.text));
    const manyHeaders = await rawTcp("127.0.0.1", world.httpPort, `GET /myip HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 2000 }, (_, i) => `X-H${i}: v`).join("\r\n")}\r\nConnection: close\r\n\r\n`, 3000);
    cases++;
    expect([431, 400]).toContain(rawStatus(manyHeaders.text));
    const longUrl = await rawTcp("127.0.0.1", world.httpPort, `GET /nic/update?hostname=${"a".repeat(200 * 1024)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 3000);
    cases++;
    expect([414, 431, 400]).toContain(rawStatus(longUrl.text));
  });

  test("malformed and smuggling requests over a raw socket get 400 (or a clean close), never a 5xx", async () => {
    const h = world.hosts[0];
    const auth = btoa(`${h.fqdn}:${h.secret}`);
    const raw: string[] = [
      "GARBAGE\r\n\r\n",
      "GET\r\n\r\n",
      "GET /myip HTTP/1.1\r\n\r\n",
      "GET /myip HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      "GET http://evil.example/myip HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
      "GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /myip HTTP/1.1\r\nHost: x\r\nX-Nul: a\0b\r\n\r\n",
      "GET /myip HTTP/1.1\r\nHost: \xff\xfe\r\n\r\n",
      "GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /myip HTTP/1.1\r\nHost: x\r\nBad Header Name: v\r\n\r\n",
      "GET /myip HTTP/1.1\r\nHost: x\r\n : v\r\n\r\n",
      "GET /myip HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
      "POST /nic/update HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
      `POST /nic/update HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${auth}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /nic/update?myip=192.0.2.99 HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${auth}\r\n\r\n`,
      "POST /nic/update HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzzzz\r\nabc\r\n0\r\n\r\n",
      "POST /nic/update HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\nabc\r\n",
      "POST /nic/update HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
      "POST /nic/update HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\nabc",
      "GET /myip HTTP/1.1\r\nHost: x\r\n\tfolded: header\r\n\r\n",
      "GET /myip HTTP/1.1\nHost: x\n\n",
      "\r\n\r\n\r\n\r\n",
    ];
    for (const req of raw) {
      const res = await rawTcp("127.0.0.1", world.httpPort, req, 2000, (b) => /\r\n\r\n/.test(b.toString("latin1")));
      const status = rawStatus(res.text);
      cases++;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      // 505 is Bun's HTTP parser refusing a request line it cannot read (bad version, NUL, bare LF):
      // the parser's own clean refusal before any of our code runs, so it is accepted here.
      if (status >= 500 && status !== 505) failures.push(`raw ${JSON.stringify(req.slice(0, 50))}: ${status}`);
      if (LEAK.test(res.text)) failures.push(`raw ${JSON.stringify(req.slice(0, 50))}: leaks ${res.text.slice(0, 200)}`);
      if (status === 0 && !res.closed) failures.push(`raw ${JSON.stringify(req.slice(0, 50))}: neither answered nor closed`);
    }
    expect(failures).toEqual([]);
    // RFC 9112 §3.2: a Host that is not a valid host is a 400 (it used to reach the app and end in a 500).
    for (const host of ["\xff\xfe", "a b", "[::1", "x/y"])
      expect(rawStatus((await rawTcp("127.0.0.1", world.httpPort, `GET /account/login HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, 2000)).text)).toBe(400);
    // The smuggled second request must not have run.
    expect((await nicUpdate(world.url, h, "192.0.2.1")).body).toBe("nochg 192.0.2.1");
  });

  test("slow clients (slowloris) do not keep anybody else out", async () => {
    const slow = Array.from({ length: 200 }, () => slowClient("127.0.0.1", world.httpPort, ["GET /myip HTTP/1.1\r\n", "Host: x\r\n", ...Array.from({ length: 20 }, (_, i) => `X-${i}: ${"s".repeat(10)}\r\n`)], 200));
    try {
      await Bun.sleep(300);
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${world.url}/myip`, { signal: AbortSignal.timeout(2000) });
        expect(res.status).toBe(200);
        await res.text();
        cases++;
      }
      const ms = performance.now() - t0;
      console.log(`http fuzz: 20 requests served in ${ms.toFixed(0)} ms beside 200 slowloris connections`);
      expect(ms).toBeLessThan(2000);
      expect((await nicUpdate(world.url, world.hosts[0], "192.0.2.1")).body).toBe("nochg 192.0.2.1");
    } finally {
      for (const s of slow) s.end();
    }
  });

  test("afterwards: nothing stored changed, the server still runs and logged no failed request", async () => {
    const after = stored();
    const expected = (r: string) => r.startsWith("users ") && staffCreated.has(JSON.parse(r.slice(6)).username);
    expect({ gone: [...before].filter((r) => !after.has(r)), added: [...after].filter((r) => !before.has(r) && !expected(r)) }).toEqual({ gone: [], added: [] });
    expect(world.server.proc.exitCode).toBeNull();
    expect((await nicUpdate(world.url, world.hosts[0], "192.0.2.2")).body).toBe("good 192.0.2.2");
    expect(world.server.output()).not.toMatch(/request failed|uncaught|unhandled/i);
    await waitFor("the server to close the dripping slowloris connection", () => dripping!.closedByServer(), Math.max(1000, drippingSince + 20_000 - Date.now()), 100);
    console.log(`http fuzz: a client dripping one header line every 2 s had been cut off by the server when checked ${((Date.now() - drippingSince) / 1000).toFixed(1)} s after it started`);
    const byStatus = [...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}:${n}`).join(" ");
    console.log(`http fuzz: ${cases} cases tried (seed ${SEED}), answers by status ${byStatus}, failures ${failures.length}`);
  }, 30_000);
});
