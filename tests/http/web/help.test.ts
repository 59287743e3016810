// The configuration help as its reader sees it, for the two ways a service can be set up: one name for IPv4
// and IPv6 (no [server] ipv4_url / ipv6_url), and a name per family. Nothing is said twice, a family gets a
// section of its own only where it has a name of its own, and the router URLs carry every parameter the
// router fills in: filled in the way the router does, each one updates the host.
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeDnsWebWorld, type DnsWebWorld } from "./world.ts";
import { preBlock, textOf } from "./harness.ts";

interface Block {
  id: string;
  label: string;
  text: string;
}

interface Help {
  html: string;
  /** Every step of every tab, as text. */
  steps: string[];
  blocks: Block[];
  block(id: string): string;
  fqdn: string;
  secret: string;
  values(type: "A" | "AAAA"): string[];
  world: DnsWebWorld;
}

const SPLIT = { public_url: "https://dyn.updns.test", ipv4_url: "https://ipv4.updns.test", ipv6_url: "https://ipv6.updns.test" };
const SHARED = { public_url: "https://dyn.updns.test", ipv4_url: "", ipv6_url: "" };

/** A fresh host's secret page (the help filled with the secret) under the given [server] names. */
async function helpPage(server: { public_url: string; ipv4_url: string; ipv6_url: string }): Promise<Help> {
  const w = await makeDnsWebWorld({ api: true, configure: (c) => Object.assign(c.server, server) });
  const { b } = await w.signedIn("owner");
  await b.submit("/domain/add/", { name: "dyn.example.org", backend: "embedded" }, "/domain/add/");
  const r = await b.submit("/host/add/", { name: "home", domain: "1" }, "/host/add/");
  const html = (await b.get((await b.submit(`${r.location}secret`, {}, r.location!)).location!)).body;
  const help = html.slice(html.indexOf('<section class="help"'));
  const steps = [...help.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => textOf(m[1]).trim());
  const blocks = [...help.matchAll(/<strong id="(snippet-[\w-]+)-label">([\s\S]*?)<\/strong>/g)].map((m) => ({ id: m[1], label: textOf(m[2]).trim(), text: preBlock(html, m[1]) }));
  const fqdn = "home.dyn.example.org";
  const values = (type: "A" | "AAAA") => (w.db.$client.query("SELECT data FROM zone_records WHERE name = ? AND type = ?").all(fqdn, type) as { data: string }[]).map((x) => x.data);
  return { html, steps, blocks, block: (id) => preBlock(html, id), fqdn, secret: preBlock(html, "secret"), values, world: w };
}

/** Config sections of a block (split at blank lines), each without its first line (the section's name). */
const sectionBodies = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((s) => s.trim().split("\n").slice(1).join("\n"))
    .filter(Boolean);

const duplicates = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);

/** Sends a router's filled-in URL to the server: user info in the URL becomes Basic authentication. */
async function routerGet(h: Help, filled: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const u = new URL(filled);
  const auth: Record<string, string> = u.username ? { authorization: `Basic ${btoa(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`)}` } : {};
  const r = await h.world.browser({ address: "198.51.100.9" }).get(u.pathname + u.search, { "user-agent": "router/1.0", ...auth, ...headers });
  return { status: r.status, body: r.body.trim() };
}

function noRepetition(get: () => Help) {
  test("no step and no block is shown twice, no block repeats a line or a whole section", () => {
    const h = get();
    expect(duplicates(h.steps)).toEqual([]);
    expect(duplicates(h.blocks.map((b) => `${b.id.split("-")[1]}|${b.text}`))).toEqual([]);
    for (const b of h.blocks) {
      for (const section of b.text.split(/\n\s*\n/)) expect({ block: b.id, repeated: duplicates(section.split("\n").filter((l) => l.trim())) }).toEqual({ block: b.id, repeated: [] });
      expect({ block: b.id, repeated: duplicates(sectionBodies(b.text)) }).toEqual({ block: b.id, repeated: [] });
    }
  });

  test("the OpenWrt block is UCI: config lines and quoted options only, and ddns-scripts' placeholders", () => {
    const h = get();
    const text = h.block("snippet-openwrt-0");
    for (const line of text.split("\n").filter(Boolean)) expect(line).toMatch(/^(config service '[\w]+'|\toption [a-z_0-9]+ '[^']*')$/);
    for (const m of text.matchAll(/option update_url '([^']*)'/g)) for (const p of ["[USERNAME]", "[PASSWORD]", "[DOMAIN]", "[IP]"]) expect(m[1]).toContain(p);
  });

  test("the FRITZ!Box URL carries every field the box fills in, and updates both families as the box sends it", async () => {
    const h = get();
    const fritz = h.block("snippet-fritzbox-0");
    for (const p of ["hostname=<domain>", "<ipaddr>", "<ip6addr>", "<username>", "<pass>"]) expect(fritz).toContain(p);
    const fill = (v4: string, v6: string) =>
      fritz.replace("<domain>", h.fqdn).replace("<username>", h.fqdn).replace("<pass>", encodeURIComponent(h.secret)).replace("<ipaddr>", v4).replace("<ip6addr>", v6);
    expect((await routerGet(h, fill("192.0.2.7", "2001:db8::7"))).body).toStartWith("good");
    expect(h.values("A")).toEqual(["192.0.2.7"]);
    expect(h.values("AAAA")).toEqual(["2001:db8::7"]);
    // A box without IPv6 leaves <ip6addr> empty: still an update of IPv4 that leaves AAAA alone.
    expect((await routerGet(h, fill("192.0.2.8", ""))).body).toStartWith("good");
    expect(h.values("A")).toEqual(["192.0.2.8"]);
    expect(h.values("AAAA")).toEqual(["2001:db8::7"]);
    // The second URL sends the LAN prefix with its length: taken as the prefix for related hosts, not
    // published as the box's own address.
    const prefix = h.block("snippet-fritzbox-1");
    for (const p of ["hostname=<domain>", "<ipaddr>", "<ip6lanprefix>", "<username>", "<pass>"]) expect(prefix).toContain(p);
    const filled = prefix.replace("<domain>", h.fqdn).replace("<username>", h.fqdn).replace("<pass>", encodeURIComponent(h.secret)).replace("<ipaddr>", "192.0.2.8").replace("<ip6lanprefix>", "2001:db8:1:100::/56");
    const answer = await routerGet(h, filled);
    expect(answer.body.split("\n").every((l) => /^(good|nochg) /.test(l))).toBe(true);
    expect(h.values("A")).toEqual(["192.0.2.8"]);
    expect(h.values("AAAA")).not.toContain("2001:db8:1:100::");
  });

  test("the OpenWrt update URLs, filled in as ddns-scripts does, update the family of their section", async () => {
    const h = get();
    const text = h.block("snippet-openwrt-0");
    for (const section of text.split(/\n\s*\n/).filter((s) => s.trim())) {
      const v6 = section.includes("option use_ipv6 '1'");
      const address = v6 ? "2001:db8::20" : "192.0.2.20";
      const filled = section
        .match(/option update_url '([^']*)'/)![1]
        .replace("[USERNAME]", encodeURIComponent(h.fqdn))
        .replace("[PASSWORD]", encodeURIComponent(h.secret))
        .replace("[DOMAIN]", h.fqdn)
        .replace("[IP]", address);
      expect((await routerGet(h, filled)).body).toBe(`good ${address}`);
      expect(h.values(v6 ? "AAAA" : "A")).toEqual([address]);
    }
  });

  test("the pfSense URL, filled in as pfSense does (%IP%, Basic credentials), updates the host and matches its result pattern", async () => {
    const h = get();
    const url = h.block("snippet-pfsense-2");
    expect(url).toContain(`hostname=${h.fqdn}`);
    expect(url).toContain("myip=%IP%");
    const auth = { authorization: `Basic ${btoa(`${h.block("snippet-pfsense-0")}:${h.block("snippet-pfsense-1")}`)}` };
    const r = await routerGet(h, url.replace("%IP%", "192.0.2.30"), auth);
    const match = new RegExp(`^(${h.block("snippet-pfsense-3").replace(/%IP%/g, "192\\.0\\.2\\.30")})$`);
    expect(r.body).toMatch(match);
  });
}

describe("configuration help with one name for IPv4 and IPv6", () => {
  let page: Help;
  beforeAll(async () => {
    page = await helpPage(SHARED);
  });
  noRepetition(() => page);

  test("one update URL and one address check, no IPv6 section that would update the same family", () => {
    const labels = page.blocks.map((b) => b.label);
    expect(labels).not.toContain("IPv6 update URL");
    expect(page.block("snippet-general-0")).toBe(`https://${page.fqdn}:${page.secret}@dyn.updns.test/nic/update`);
    expect(page.block("snippet-general-1")).toBe("https://dyn.updns.test/myip");
    expect(page.steps).toContain("One name serves IPv4 and IPv6 here: a client that knows both addresses sends them in one request (myip=IPv4,IPv6); otherwise the address the request comes from is updated.");
    expect(page.block("snippet-browser-0")).toBe(`https://${page.fqdn}:${page.secret}@dyn.updns.test/update`);
    expect(page.blocks.filter((b) => b.id.startsWith("snippet-browser-")).map((b) => b.label)).toEqual(["Browser updater", "Update with an explicit address"]);
  });

  test("inadyn, OpenWrt and dyndnsc get one section each", () => {
    expect(page.block("snippet-inadyn-0").match(/^custom /gm)).toHaveLength(1);
    expect(page.block("snippet-openwrt-0").match(/^config service/gm)).toHaveLength(1);
    expect(page.block("snippet-dyndnsc-0").match(/^\[updns/gm)).toHaveLength(1);
    expect(page.html).not.toContain("The first section updates IPv4, the second IPv6.");
  });
});

describe("configuration help with a name per address family", () => {
  let page: Help;
  beforeAll(async () => {
    page = await helpPage(SPLIT);
  });
  noRepetition(() => page);

  test("an update URL per family, each family's check and the dual-stack one", () => {
    expect(page.blocks.slice(0, 3).map((b) => [b.label, b.text])).toEqual([
      ["IPv4 update URL (address detected from the connection)", `https://${page.fqdn}:${page.secret}@ipv4.updns.test/nic/update`],
      ["IPv6 update URL", `https://${page.fqdn}:${page.secret}@ipv6.updns.test/nic/update`],
      ["Check your address", "https://ipv4.updns.test/myip\nhttps://ipv6.updns.test/myip\nhttps://dyn.updns.test/myip"],
    ]);
  });

  test("inadyn, OpenWrt and dyndnsc get a section per family, each on its family's name", () => {
    const inadyn = page.block("snippet-inadyn-0");
    expect(inadyn.match(/ddns-server = .*/g)).toEqual(["ddns-server = ipv4.updns.test", "ddns-server = ipv6.updns.test"]);
    expect(inadyn.match(/checkip-server = .*/g)).toEqual(["checkip-server = ipv4.updns.test", "checkip-server = ipv6.updns.test"]);
    expect(page.block("snippet-openwrt-0").match(/ip_url '.*'/g)).toEqual(["ip_url 'https://ipv4.updns.test/myip'", "ip_url 'https://ipv6.updns.test/myip'"]);
    expect(page.block("snippet-dyndnsc-0").match(/detector = .*/g)).toEqual(["detector = webcheck4", "detector = webcheck6"]);
  });
});

describe("the README's router and client settings", () => {
  const readme = readFileSync(join(import.meta.dir, "../../../README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Router and client settings"), readme.indexOf("- **Any HTTP client**"));
  let generated: string[];
  beforeAll(async () => {
    const h = await helpPage({ public_url: "http://updns.example.org:8080", ipv4_url: "", ipv6_url: "" });
    generated = h.blocks.map((b) => b.text.replaceAll(h.secret, "SECRET").trimEnd());
  });

  test("every configuration block of the README is a block the page generates for its example server", () => {
    const fenced = [...section.matchAll(/```\n([\s\S]*?)\n *```/g)].map((m) => m[1].replace(/^ {2}/gm, "").trimEnd());
    expect(fenced.length).toBe(3);
    for (const block of fenced) expect(generated).toContain(block);
  });

  test("every URL and client line the README quotes inline is a line the page generates", () => {
    const lines = new Set(generated.flatMap((b) => b.split("\n")));
    const prose = section.replace(/```[\s\S]*?```/g, "");
    const quoted = [...prose.matchAll(/`([^`\n]*(?:\n[^`\n]*)?)`/g)].map((m) => m[1].replace(/\s+/g, " ")).filter((q) => (q.includes("://") || q.includes("%IP%")) && !q.startsWith("server."));
    expect(quoted.length).toBeGreaterThanOrEqual(4);
    for (const q of quoted) expect({ quoted: q, generated: lines.has(q) }).toEqual({ quoted: q, generated: true });
  });
});
