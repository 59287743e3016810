// Limits and security defaults of dist/updns as a client sees them: the headers on every kind of answer
// (pages, API, errors), cookie flags over HTTP and HTTPS, the session id changing at login and dying at
// logout, the dyndns2 badauth limit per client address (429 + Retry-After, the victim's own router from
// another address unaffected), the login throttle, and the DNS TCP connection limit.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "node:net";
import { havePeers, tempDir } from "../support/net.ts";
import { dig } from "../support/dig.ts";
import { nicUpdate, startWorld, type World } from "../support/world.ts";
import { WebClient } from "../support/web-client.ts";
import { cli, startBinary, type BinaryServer } from "../support/updns.ts";
import { udpBlast } from "../support/raw.ts";
import { buildQuery } from "../../src/dns/rfc2136/index.ts";

const ok = havePeers("dig", "openssl");
const PASSWORD = "correct horse battery staple";

/** Headers every answer of ours carries (Django's SecurityMiddleware and Miniflux's defaults). */
const ALWAYS: Record<string, RegExp> = {
  "x-content-type-options": /^nosniff$/,
  "x-frame-options": /^DENY$/,
  "referrer-policy": /^(same-origin|strict-origin-when-cross-origin|no-referrer)$/,
  "cross-origin-opener-policy": /^same-origin$/,
};

describe.skipIf(!ok)("limits and security defaults over HTTP", () => {
  let world: World;

  beforeAll(async () => {
    // 127.0.0.1 is a trusted proxy here, so X-Forwarded-For can play two different client addresses.
    world = await startWorld({ hosts: 1, env: { UPDNS_HTTP_TRUSTED_PROXIES: "127.0.0.1/32", UPDNS_ABUSE_BADAUTH_PER_MINUTE: "5", UPDNS_DNS_TCP_MAX_CONNECTIONS_PER_ADDRESS: "3" } });
    expect((await cli(["user", "add", "alice", "--email", "alice@example.test", "--password-stdin"], { cwd: world.dir, stdin: PASSWORD + "\n" })).code).toBe(0);
  }, 30_000);

  afterAll(async () => {
    await world?.close();
  });

  test("every kind of answer carries the security headers; pages also a strict CSP and no-store", async () => {
    const h = world.hosts[0];
    const answers: [string, Response][] = [
      ["login page", await fetch(`${world.url}/account/login`)],
      ["home", await fetch(`${world.url}/`)],
      ["404", await fetch(`${world.url}/no/such/page`)],
      ["dyndns2 badauth", await fetch(`${world.url}/nic/update?myip=192.0.2.1`)],
      ["dyndns2 good", await fetch(`${world.url}/nic/update?myip=192.0.2.1`, { headers: { authorization: "Basic " + btoa(`${h.fqdn}:${h.secret}`) } })],
      ["myip", await fetch(`${world.url}/myip`)],
      ["healthz", await fetch(`${world.url}/healthz`)],
      ["bad Host", await fetch(`${world.url}/account/login`, { headers: { host: "bad host" } })],
    ];
    for (const [what, res] of answers) {
      await res.text();
      for (const [name, re] of Object.entries(ALWAYS)) expect({ what, [name]: res.headers.get(name) ?? "" }).toEqual({ what, [name]: expect.stringMatching(re) });
      expect({ what, server: res.headers.get("server"), poweredBy: res.headers.get("x-powered-by") }).toEqual({ what, server: null, poweredBy: null });
    }
    const page = answers[0][1];
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/default-src 'self'|default-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/object-src 'none'|default-src 'none'/); // object-src falls back to default-src
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).not.toMatch(/'unsafe-eval'/);
    expect(page.headers.get("cache-control")).toMatch(/no-store/);
    // Plain HTTP: no HSTS (it would pin a name to HTTPS that may not have it).
    expect(page.headers.get("strict-transport-security")).toBeNull();
  });

  test("cookies: HttpOnly, SameSite, host-only, Path=/; the session id changes at login and is dead after logout", async () => {
    const web = new WebClient(world.url);
    const first = await fetch(`${world.url}/account/login`);
    await first.text();
    for (const c of first.headers.getSetCookie()) {
      expect(c).toMatch(/; HttpOnly/i);
      expect(c).toMatch(/; SameSite=(Lax|Strict)/i);
      expect(c).toMatch(/; Path=\//);
      expect(c).not.toMatch(/; Domain=/i);
      expect(c).not.toMatch(/; Secure/i); // plain HTTP here
    }
    // Fixation: a session id planted before login is not the one used after it.
    web.cookies.set("updns_session", "planted-by-an-attacker");
    const login = await web.login("alice", PASSWORD);
    expect(login.status).toBe(303);
    const session = [...web.cookies].find(([k]) => /session/i.test(k));
    expect(session).toBeDefined();
    expect(session![1]).not.toBe("planted-by-an-attacker");
    expect(session![1].length).toBeGreaterThanOrEqual(32);
    const stolen = new Map(web.cookies);
    expect((await web.get("/account/profile")).status).toBe(200);
    await web.get("/account/profile");
    const out = await web.submit("/account/logout", {});
    expect(out.status).toBe(303);
    const replay = await fetch(`${world.url}/account/profile`, { headers: { cookie: [...stolen].map(([k, v]) => `${k}=${v}`).join("; ") }, redirect: "manual" });
    expect(replay.status).toBe(303);
    expect(replay.headers.get("location")).toMatch(/^\/account\/login/);
  });

  test("dyndns2: badauth from one address is limited (429 + Retry-After); the host's router at another address still updates", async () => {
    const h = world.hosts[0];
    const attacker = { "x-forwarded-for": "198.51.100.66" };
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${world.url}/nic/update?hostname=${h.fqdn}&myip=192.0.2.66`, { headers: { ...attacker, authorization: "Basic " + btoa(`${h.fqdn}:guess-${i}`) } });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
      await res.text();
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Even the right secret waits, from that address: no more guessing by timing either.
    const right = await fetch(`${world.url}/nic/update?myip=192.0.2.67`, { headers: { ...attacker, authorization: "Basic " + btoa(`${h.fqdn}:${h.secret}`) } });
    expect(right.status).toBe(429);
    // The owner's router, elsewhere, is not locked out.
    const router = await fetch(`${world.url}/nic/update?myip=192.0.2.68`, { headers: { "x-forwarded-for": "203.0.113.9", authorization: "Basic " + btoa(`${h.fqdn}:${h.secret}`) } });
    expect(await router.text()).toBe("good 192.0.2.68");
  });

  test("login throttle: after the free attempts a wrong password gets 429 with Retry-After, without checking it", async () => {
    const web = new WebClient(world.url);
    const statuses: number[] = [];
    let retry: string | null = null;
    for (let i = 0; i < 8; i++) {
      const r = await web.submit("/account/login", { identifier: "alice", password: `wrong-${i}` }, "/account/login");
      statuses.push(r.status);
      if (r.status === 429) retry = r.headers.get("retry-after");
    }
    expect(statuses.slice(0, 5).every((s) => s === 400 || s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retry)).toBeGreaterThan(0);
  });

  test("DNS over TCP: one address gets dns.tcp_max_connections_per_address connections, another address still gets in", async () => {
    const open = (localAddress: string) => {
      const s = connect({ port: world.dnsPort, host: "127.0.0.1", localAddress });
      const state = { closed: false };
      s.on("close", () => (state.closed = true));
      s.on("error", () => (state.closed = true));
      return { s, state };
    };
    const socks = Array.from({ length: 8 }, () => open("127.0.0.1"));
    try {
      await Bun.sleep(500);
      expect(socks.filter((x) => x.state.closed).length).toBe(5);
      // 127.0.0.2 is another client: a query over TCP from it is answered.
      const other = open("127.0.0.2");
      socks.push(other);
      const answer = await new Promise<Buffer | null>((resolve) => {
        const q = buildQuery(0x4242, world.zone, "SOA");
        other.s.on("data", (d: Buffer) => resolve(d));
        other.s.write(Buffer.concat([Buffer.from([q.length >> 8, q.length & 255]), Buffer.from(q)]));
        setTimeout(() => resolve(null), 2000);
      });
      expect(answer?.[2]).toBe(0x42);
      expect((await dig("127.0.0.1", world.dnsPort, world.zone, "SOA")).status).toBe("NOERROR");
    } finally {
      for (const x of socks) x.s.destroy();
    }
  });

  test("DNS response rate limiting is off by default: every one of a burst of identical queries is answered", async () => {
    const q = buildQuery(7, world.zone, "NS");
    const answers = await udpBlast("127.0.0.1", world.dnsPort, Array.from({ length: 300 }, () => q), 500);
    expect(answers.length).toBeGreaterThan(290);
  });
});

describe.skipIf(!ok)("DNS response rate limiting turned on ([dns] rrl_responses_per_second)", () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ hosts: 1, env: { UPDNS_DNS_RRL_RESPONSES_PER_SECOND: "10" } });
  }, 30_000);

  afterAll(async () => {
    await world?.close();
  });

  test("a burst of one question from one network gets about the rate in full answers, every second one truncated, the rest nothing: no amplification", async () => {
    const q = buildQuery(7, world.zone, "NS");
    const burst = 400;
    const answers = await udpBlast("127.0.0.1", world.dnsPort, Array.from({ length: burst }, () => q), 500);
    const full = answers.filter((a) => !(a[2] & 0x02));
    const truncated = answers.filter((a) => a[2] & 0x02);
    const bytesOut = answers.reduce((n, a) => n + a.length, 0);
    console.log(`rrl: ${burst} queries (${burst * q.length} octets) → ${full.length} answers, ${truncated.length} truncated, ${burst - answers.length} dropped; ${bytesOut} octets out (x${(bytesOut / (burst * q.length)).toFixed(2)})`);
    expect(full.length).toBeGreaterThanOrEqual(10);
    expect(full.length).toBeLessThanOrEqual(20);
    expect(truncated.length).toBeGreaterThan(burst / 2 - 40);
    for (const t of truncated) expect([t[6], t[7], t[8], t[9], t[10], t[11]]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(bytesOut).toBeLessThan(burst * q.length * 1.5); // no amplification
    // The operator sees it in /metrics.
    const metrics = await (await fetch(`${world.url}/metrics`)).text();
    expect(Number(metrics.match(/updns_dns_rrl_total\{action="slipped"\} (\d+)/)?.[1])).toBe(truncated.length);
    expect(Number(metrics.match(/updns_dns_rrl_total\{action="dropped"\} (\d+)/)?.[1])).toBeGreaterThan(burst / 2 - 40);
    // TCP is never limited: a resolver told to retry there gets its answer.
    expect((await dig("127.0.0.1", world.dnsPort, world.zone, "NS", ["+tcp"])).status).toBe("NOERROR");
  });
});

describe.skipIf(!ok)("security defaults over HTTPS (updns terminating TLS itself)", () => {
  const d = tempDir("updns-tls-");
  let server: BinaryServer;

  beforeAll(async () => {
    const cert = join(d.path, "cert.pem");
    const key = join(d.path, "key.pem");
    const r = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]);
    if (r.exitCode !== 0) throw new Error(r.stderr.toString());
    writeFileSync(join(d.path, "ca.pem"), Bun.file(cert).toString());
    server = await startBinary({ UPDNS_HTTP_TLS_CERT: cert, UPDNS_HTTP_TLS_KEY: key }, d.path);
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
    d.cleanup();
  });

  test("cookies are Secure, and pages tell browsers to stay on HTTPS (HSTS)", async () => {
    const url = `https://${server.httpAddress}/account/login`;
    const res = await fetch(url, { tls: { rejectUnauthorized: false } } as RequestInit);
    await res.text();
    expect(res.status).toBe(200);
    const cookies = res.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) expect(c).toMatch(/; Secure/);
    expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
  });
});
