import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startInProcess, type InProcess } from "../support/updns.ts";

describe("health and /myip", () => {
  let s: InProcess;
  let v6: InProcess;
  let proxied: InProcess;
  beforeAll(async () => {
    s = await startInProcess();
    v6 = await startInProcess({ UPDNS_HTTP_LISTEN: "[::1]:0", UPDNS_DNS_LISTEN: "[::1]:0" });
    proxied = await startInProcess({ UPDNS_HTTP_TRUSTED_PROXIES: "127.0.0.1/32" });
  });
  afterAll(async () => {
    await Promise.all([s?.close(), v6?.close(), proxied?.close()]);
  });

  test("/healthz reports the database and the listeners", async () => {
    const r = await fetch(`${s.url}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: "ok", checks: { database: "ok", http: "ok", dns: "ok" } });
  });

  test("/myip answers the IPv4 loopback address as plain text", async () => {
    const r = await fetch(`${s.url}/myip`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/plain");
    expect(await r.text()).toBe("127.0.0.1");
  });

  test("/myip over IPv6 answers ::1 (not 0.0.0.1 as the baseline did)", async () => {
    const r = await fetch(`${v6.url}/myip`);
    expect(await r.text()).toBe("::1");
  });

  test("X-Forwarded-For is ignored when the peer is not a trusted proxy", async () => {
    const r = await fetch(`${s.url}/myip`, { headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(await r.text()).toBe("127.0.0.1");
  });

  test("X-Forwarded-For and Forwarded are honoured from a trusted proxy", async () => {
    expect(await (await fetch(`${proxied.url}/myip`, { headers: { "x-forwarded-for": "203.0.113.9" } })).text()).toBe("203.0.113.9");
    expect(await (await fetch(`${proxied.url}/myip`, { headers: { forwarded: 'for="[2001:db8::7]:4711";proto=https' } })).text()).toBe("2001:db8::7");
    // A client-supplied entry before the proxy's own is not believed beyond the first untrusted hop.
    expect(await (await fetch(`${proxied.url}/myip`, { headers: { "x-forwarded-for": "198.51.100.1, 203.0.113.9" } })).text()).toBe("203.0.113.9");
  });

  test("every answer carries the security headers", async () => {
    // /nic/update answers before the router (http/app.ts directFirst): the same headers all the same.
    for (const path of ["/myip", "/healthz", "/no-such-page", "/nic/update?myip=192.0.2.1", "//nic/update/"]) {
      const r = await fetch(`${s.url}${path}`);
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
      expect(r.headers.get("referrer-policy")).toBe("same-origin");
      expect(r.headers.get("permissions-policy")).toBe("camera=(), microphone=(), geolocation=()");
      expect(r.headers.get("strict-transport-security")).toBeNull();
    }
  });

  test("behind a trusted proxy that says HTTPS, the dyndns2 answer carries HSTS too", async () => {
    const r = await fetch(`${proxied.url}/nic/update?myip=192.0.2.1`, { headers: { "x-forwarded-proto": "https", forwarded: "proto=https" } });
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toContain("Basic");
    expect(r.headers.get("strict-transport-security")).toBe("max-age=31536000");
  });

  test("an unknown path is 404 without a stack trace", async () => {
    const r = await fetch(`${s.url}/no-such-page`);
    expect(r.status).toBe(404);
    expect(await r.text()).toBe("not found\n");
  });
});
