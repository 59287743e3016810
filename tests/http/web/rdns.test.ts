// The visitor's addresses with their reverse names on the home page and in /ajax_get_ips/ (issue 12, spec
// §2.3–§2.4): updns serves 2.0.192.in-addr.arpa and 8.b.d.0.1.0.0.2.ip6.arpa itself and is its own
// [dns] resolver; a reverse proxy (trusted_proxies + X-Forwarded-For) presents documentation addresses.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startInProcess, type InProcess } from "../../support/updns.ts";
import { freePort } from "../../support/net.ts";
import { textOf } from "./harness.ts";
import { addEmbeddedZone } from "../../../src/core/admin/domains.ts";

const V4 = "192.0.2.5";
const V6 = "2001:db8::5";
const V6_PTR = `5.${"0.".repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa.`;

/** A tiny browser behind the proxy: keeps cookies, says which address it comes from. */
function visitor(base: string) {
  const cookies = new Map<string, string>();
  return async (path: string, from: string, headers: Record<string, string> = {}) => {
    const r = await fetch(base + path, {
      headers: { "x-forwarded-for": from, accept: "text/html", cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; "), ...headers },
      redirect: "manual",
    });
    for (const c of r.headers.getSetCookie()) {
      const [kv] = c.split(";");
      const i = kv.indexOf("=");
      cookies.set(kv.slice(0, i), kv.slice(i + 1));
    }
    return { status: r.status, body: await r.text() };
  };
}

let updns: InProcess;
beforeAll(async () => {
  const port = await freePort();
  updns = await startInProcess({ UPDNS_DNS_LISTEN: `127.0.0.1:${port}`, UPDNS_DNS_RESOLVER: `127.0.0.1:${port}`, UPDNS_HTTP_TRUSTED_PROXIES: "127.0.0.1" });
  // Domains as the CLI's `domain add` makes them (a domain row, then the zone), then the PTR records.
  for (const [zone, owner, name] of [["2.0.192.in-addr.arpa", "5.2.0.192.in-addr.arpa.", "gw.example.test."], ["8.b.d.0.1.0.0.2.ip6.arpa", V6_PTR, "six.example.test."]]) {
    await addEmbeddedZone(updns.db, { name: zone, ns: ["ns.example.test"] }, async (z) => void (await updns.zones.store.createZone({ name: z.name, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) })));
    await updns.zones.store.transaction(zone, (tx) => tx.replaceRRset(owner, "PTR", 300, [name]));
  }
});
afterAll(async () => {
  await updns?.close();
});

describe("reverse names of the visitor's addresses", () => {
  test("the home page renders at once; htmx then loads the addresses with their names, IPv4 and IPv6", async () => {
    const get = visitor(updns.url);
    const home = await get("/", V4);
    expect(home.status).toBe(200);
    expect(textOf(home.body)).toContain(`IPv4 ${V4}`);
    // The page itself holds no name (no DNS on its way); the box asks /ips as soon as it is loaded.
    expect(home.body).not.toContain("gw.example.test");
    expect(home.body).toContain('hx-get="/ips" hx-trigger="load, detected"');
    const detect = [...(await get("/", V4)).body.matchAll(/data-detect="([^"]+)"/g)].map((m) => m[1]);
    expect(detect.length).toBe(1);
    // The browser asks the detect URL over each family (here: the proxy says which).
    expect((await get(detect[0], V4)).status).toBe(204);
    expect((await get(detect[0], V6)).status).toBe(204);
    const ips = textOf((await get("/ips", V4, { "hx-request": "true" })).body);
    expect(ips).toContain(`IPv4 ${V4} (gw.example.test)`);
    expect(ips).toContain(`IPv6 ${V6} (six.example.test)`);
    const json = JSON.parse((await get("/ajax_get_ips/", V4)).body);
    expect(json).toEqual({ ipv4: V4, ipv4_rdns: "gw.example.test", ipv6: V6, ipv6_rdns: "six.example.test" });
  });

  test("an address without a PTR shows alone, and its name is '' in the JSON", async () => {
    const get = visitor(updns.url);
    await get("/", "192.0.2.77");
    const ips = textOf((await get("/ips", "192.0.2.77")).body);
    expect(ips).toContain("IPv4 192.0.2.77 IPv6");
    expect(ips).not.toContain("(");
    const detect = [...(await get("/", "192.0.2.77")).body.matchAll(/data-detect="([^"]+)"/g)].map((m) => m[1]);
    await get(detect[0], "192.0.2.77");
    await get(detect[0], "2001:db8::77");
    expect(JSON.parse((await get("/ajax_get_ips/", "192.0.2.77")).body)).toEqual({ ipv4: "192.0.2.77", ipv4_rdns: "", ipv6: "2001:db8::77", ipv6_rdns: "" });
  });

  test("a resolver that does not answer: the page is as quick as ever and the names give up within their deadline", async () => {
    // A UDP socket that takes queries and never answers.
    const silent = await Bun.udpSocket({ hostname: "127.0.0.1", socket: { data() {} } });
    const mute = await startInProcess({ UPDNS_DNS_RESOLVER: `127.0.0.1:${silent.port}`, UPDNS_HTTP_TRUSTED_PROXIES: "127.0.0.1" });
    try {
      const get = visitor(mute.url);
      let t0 = performance.now();
      const home = await get("/", V4);
      expect(home.status).toBe(200);
      expect(performance.now() - t0).toBeLessThan(500);
      t0 = performance.now();
      const ips = textOf((await get("/ips", V4)).body);
      const took = performance.now() - t0;
      expect(ips).toContain(`IPv4 ${V4} IPv6`);
      expect(took).toBeLessThan(2500); // the lookup's deadline is 1.5 s
      // The failure is remembered for a while: the next page does not wait again.
      await Bun.sleep(800);
      t0 = performance.now();
      await get("/ips", V4);
      expect(performance.now() - t0).toBeLessThan(300);
    } finally {
      await mute.close();
      silent.close();
    }
  });
});
