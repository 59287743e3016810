// The client address behind a trusted reverse proxy (src/http/client.ts), as /myip shows it: RFC 7239
// Forwarded and X-Forwarded-For are read from the right, trusted proxies skipped, and anything that is not
// a canonical address is a 400 naming the header, never the proxy's own address.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startInProcess, type InProcess } from "../support/updns.ts";

let proxied: InProcess;
let direct: InProcess;
beforeAll(async () => {
  // The test's own connection comes from 127.0.0.1: the "proxy". 10.0.0.0/8 plays further proxies in a chain.
  proxied = await startInProcess({ UPDNS_HTTP_TRUSTED_PROXIES: "127.0.0.1/32,10.0.0.0/8,2001:db8:ffff::/48" });
  direct = await startInProcess();
});
afterAll(async () => {
  await Promise.all([proxied?.close(), direct?.close()]);
});

const myip = async (server: InProcess, headers: Record<string, string>) => {
  const r = await fetch(`${server.url}/myip`, { headers });
  return { status: r.status, body: await r.text() };
};

/** [what the proxy sends, what /myip answers: 200 with the address, or 400 with the message]. */
const CASES: [Record<string, string>, number, string][] = [
  // Forwarded (RFC 7239): quotes, ports, IPv6 brackets, several elements and fields.
  [{ forwarded: "for=198.51.100.7" }, 200, "198.51.100.7"],
  [{ forwarded: 'for="198.51.100.7:4711"' }, 200, "198.51.100.7"],
  [{ forwarded: 'for="[2001:db8::1]:4711"' }, 200, "2001:db8::1"],
  [{ forwarded: 'for="[2001:DB8:0::1]"' }, 200, "2001:db8::1"],
  [{ forwarded: 'for="198.51.100.7:_port1"' }, 200, "198.51.100.7"],
  [{ forwarded: 'For="198.51.100.7";proto=https;by=10.0.0.1' }, 200, "198.51.100.7"],
  [{ forwarded: "for=192.0.2.60, for=198.51.100.7" }, 200, "198.51.100.7"],
  [{ forwarded: "for=198.51.100.7;proto=http, for=10.0.0.2" }, 200, "198.51.100.7"],
  [{ forwarded: 'for="[2001:db8::9]", for="[2001:db8:ffff::1]:80"' }, 200, "2001:db8::9"],
  [{ forwarded: 'for="[::ffff:198.51.100.7]"' }, 200, "198.51.100.7"],
  [{ forwarded: "proto=https" }, 200, "127.0.0.1"],
  // X-Forwarded-For, with or without a port.
  [{ "x-forwarded-for": "198.51.100.7" }, 200, "198.51.100.7"],
  [{ "x-forwarded-for": "198.51.100.7:4711" }, 200, "198.51.100.7"],
  [{ "x-forwarded-for": "2001:db8::1" }, 200, "2001:db8::1"],
  [{ "x-forwarded-for": "[2001:db8::1]:4711" }, 200, "2001:db8::1"],
  [{ "x-forwarded-for": "garbage, 198.51.100.7" }, 200, "198.51.100.7"],
  [{ "x-forwarded-for": "203.0.113.9, 198.51.100.7, 10.1.2.3" }, 200, "198.51.100.7"],
  [{ "x-forwarded-for": "10.0.0.3, 10.0.0.4" }, 200, "10.0.0.3"],
  // Nothing that is not an address passes, and nothing falls back to the proxy's address.
  [{ forwarded: "for=unknown" }, 400, "Forwarded: for=unknown is not an IP address"],
  [{ forwarded: 'for="_hidden"' }, 400, 'Forwarded: for="_hidden" is not an IP address'],
  [{ forwarded: "for=_hidden" }, 400, "Forwarded: for=_hidden is not an IP address"],
  [{ forwarded: "for=198.51.100.7, for=garbage" }, 400, "Forwarded: for=garbage is not an IP address"],
  [{ forwarded: 'for="198.51.100.7:99999x"' }, 400, 'Forwarded: for="198.51.100.7:99999x" is not an IP address'],
  [{ forwarded: "for=" }, 400, "Forwarded: for= is not an IP address"],
  [{ forwarded: 'for="fe80::1%eth0"' }, 400, 'Forwarded: for="fe80::1%eth0" is not an IP address'],
  [{ "x-forwarded-for": "garbage" }, 400, "X-Forwarded-For: garbage is not an IP address"],
  [{ "x-forwarded-for": "unknown" }, 400, "X-Forwarded-For: unknown is not an IP address"],
  [{ "x-forwarded-for": "0xc6.0x33.0x64.7" }, 400, "X-Forwarded-For: 0xc6.0x33.0x64.7 is not an IP address"],
  [{ "x-forwarded-for": "3232235777" }, 400, "X-Forwarded-For: 3232235777 is not an IP address"],
  [{ "x-forwarded-for": "010.1.1.1" }, 400, "X-Forwarded-For: 010.1.1.1 is not an IP address"],
  [{ "x-forwarded-for": "1.2.3" }, 400, "X-Forwarded-For: 1.2.3 is not an IP address"],
  [{ "x-forwarded-for": "198.51.100.7, " }, 400, "X-Forwarded-For:  is not an IP address"],
  [{ forwarded: "for=0xc6.0x33.0x64.7" }, 400, "Forwarded: for=0xc6.0x33.0x64.7 is not an IP address"],
];

describe("client address from a trusted proxy", () => {
  test.each(CASES)("%o → %d %s", async (headers, status, body) => {
    const r = await myip(proxied, headers);
    expect(r).toEqual({ status, body: status === 200 ? body : `${body}\n` });
  });

  test("Forwarded wins over X-Forwarded-For when both are sent", async () => {
    expect(await myip(proxied, { forwarded: "for=198.51.100.7", "x-forwarded-for": "203.0.113.9" })).toEqual({ status: 200, body: "198.51.100.7" });
  });

  test("the 400 goes for every path, pages and the dyndns2 API alike, with the security headers", async () => {
    for (const path of ["/nic/update?myip=192.0.2.1", "/account/login", "/acme-dns/register", "/healthz"]) {
      const r = await fetch(`${proxied.url}${path}`, { headers: { "x-forwarded-for": "_hidden" } });
      expect({ path, status: r.status, body: await r.text(), type: r.headers.get("content-type"), nosniff: r.headers.get("x-content-type-options") }).toEqual({
        path,
        status: 400,
        body: "X-Forwarded-For: _hidden is not an IP address\n",
        type: "text/plain; charset=utf-8",
        nosniff: "nosniff",
      });
    }
  });

  test("the operator reads in the log which header the proxy got wrong", async () => {
    await myip(proxied, { forwarded: 'for="_secret-proxy-name"' });
    const line = proxied.logLines.find((l) => l.includes("_secret-proxy-name"));
    expect(line).toContain("a trusted proxy forwarded a client address that is not an IP address");
    expect(line).toContain("Forwarded");
  });
});

describe("client address from an untrusted peer", () => {
  test("forwarding headers, good or bad, are not read at all", async () => {
    expect(await myip(direct, { "x-forwarded-for": "198.51.100.7" })).toEqual({ status: 200, body: "127.0.0.1" });
    expect(await myip(direct, { "x-forwarded-for": "garbage" })).toEqual({ status: 200, body: "127.0.0.1" });
    expect(await myip(direct, { forwarded: 'for="_hidden"' })).toEqual({ status: 200, body: "127.0.0.1" });
  });
});
