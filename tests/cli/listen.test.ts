// One updns per address, and every listen example of the README started as written: port 53 and the
// wildcard addresses in a network namespace of the test's own (tests/support/netns.ts), so nothing on the
// machine is met; "0.0.0.0" and "[::]" on one port together (IPv6 sockets are IPv6-only).
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cli, startBinary } from "../support/updns.ts";
import { freePort, havePeers, tempDir } from "../support/net.ts";
import { haveNetns, probeServe } from "../support/netns.ts";

const README = readFileSync(join(import.meta.dir, "../../README.md"), "utf8");

interface Example {
  where: string;
  config?: string;
  env?: Record<string, string>;
  http: string[];
  dns: string[];
}

const DEFAULT = { http: ["127.0.0.1:8080"], dns: ["127.0.0.1:5353"] };

/** Every listen setting the README shows: `x.listen = [...]` in the text, TOML blocks, UPDNS_*_LISTEN=. */
function readmeExamples(certs: { cert: string; key: string }): Example[] {
  const out: Example[] = [];
  for (const m of README.matchAll(/`(http|dns)\.listen = (\[[^`]*\])`/g)) {
    const listen = (Bun.TOML.parse(`v = ${m[2]}`) as { v: string[] }).v;
    out.push({ where: m[0], config: `[${m[1]}]\nlisten = ${m[2]}\n`, ...DEFAULT, [m[1]]: listen });
  }
  for (const m of README.matchAll(/```toml\n([\s\S]*?)```/g)) {
    if (!/^listen = /m.test(m[1])) continue;
    const doc = Bun.TOML.parse(m[1]) as { http?: { listen?: string[] }; dns?: { listen?: string[] } };
    // The certificate files of a TLS example are made here; everything else is the README's text.
    const config = m[1].replace(/^tls_cert = .*$/m, `tls_cert = ${JSON.stringify(certs.cert)}`).replace(/^tls_key = .*$/m, `tls_key = ${JSON.stringify(certs.key)}`);
    out.push({ where: m[1].trim(), config, http: doc.http?.listen ?? DEFAULT.http, dns: doc.dns?.listen ?? DEFAULT.dns });
  }
  for (const m of README.matchAll(/UPDNS_(HTTP|DNS)_LISTEN=([^`\s]+)/g)) {
    out.push({ where: m[0], env: { [`UPDNS_${m[1]}_LISTEN`]: m[2] }, ...DEFAULT, [m[1].toLowerCase()]: m[2].split(",") });
  }
  // An example shown twice is started once.
  return out.filter((e, i) => out.findIndex((o) => o.where === e.where) === i);
}

function makeCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  const r = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=updns.example.test", "-keyout", key, "-out", cert], { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  return { cert, key };
}

/** GET /myip through 127.0.0.1 answers 127.0.0.1, through ::1 answers ::1 (not ::ffff:127.0.0.1). */
const family = (addr: string) => (addr.startsWith("[") ? "::1" : "127.0.0.1");

describe("one updns per address", () => {
  test("a second updns serve on the same HTTP port exits non-zero naming the address, and the first keeps answering", async () => {
    const port = await freePort();
    const first = await startBinary({ UPDNS_HTTP_LISTEN: `127.0.0.1:${port}` });
    try {
      const d = tempDir();
      const second = await cli(["serve"], { cwd: d.path, env: { UPDNS_HTTP_LISTEN: `127.0.0.1:${port}`, UPDNS_DNS_LISTEN: "127.0.0.1:0" } });
      expect(second.code).toBe(1);
      expect(second.stderr.trim()).toBe(`updns: cannot listen on 127.0.0.1:${port} (http.listen): address already in use`);
      // Every request reaches the first server (nothing was shared with the second, which is gone).
      for (let i = 0; i < 20; i++) expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      d.cleanup();
    } finally {
      expect(await first.stop()).toBe(0);
    }
  }, 30_000);

  test("a second updns serve on the same DNS address exits non-zero naming that address", async () => {
    const port = await freePort();
    const first = await startBinary({ UPDNS_DNS_LISTEN: `127.0.0.1:${port}` });
    try {
      const d = tempDir();
      const second = await cli(["serve"], { cwd: d.path, env: { UPDNS_HTTP_LISTEN: "127.0.0.1:0", UPDNS_DNS_LISTEN: `127.0.0.1:${port}` } });
      expect(second.code).toBe(1);
      expect(second.stderr.trim()).toBe(`updns: cannot listen on 127.0.0.1:${port} (dns.listen): address already in use`);
      d.cleanup();
    } finally {
      expect(await first.stop()).toBe(0);
    }
  }, 30_000);
});

describe("the README's listen examples, each started as written in a network namespace", () => {
  const ok = haveNetns() && havePeers("openssl");
  const certDir = tempDir();
  const certs = ok ? makeCert(certDir.path) : { cert: "", key: "" };
  const examples = readmeExamples(certs);
  afterAll(() => certDir.cleanup());

  test("the README shows the dual-stack port-53 example, a TLS one and environment ones", () => {
    expect(examples.map((e) => e.where)).toContain('`dns.listen = ["0.0.0.0:53", "[::]:53"]`');
    expect(examples.some((e) => e.config?.includes("tls_cert"))).toBe(true);
    expect(examples.some((e) => e.env)).toBe(true);
  });

  test.skipIf(!ok)("with no config: web on 127.0.0.1:8080, DNS on 127.0.0.1:5353 (the quick start)", async () => {
    const p = await probeServe({ second: true });
    expect(p.http).toEqual({ "127.0.0.1:8080": "127.0.0.1" });
    expect(p.dns).toEqual({ "127.0.0.1:5353": { udp: "REFUSED", tcp: "REFUSED" } });
    expect(p.second?.code).toBe(1);
    expect(p.second?.stderr).toContain("address already in use");
  }, 30_000);

  for (const e of examples) {
    test.skipIf(!ok)(`${e.where.replaceAll("\n", " ")}: every address answers in its own family, a second server is refused`, async () => {
      const p = await probeServe({ config: e.config, env: e.env, second: true });
      expect(p.http).toEqual(Object.fromEntries(e.http.map((a) => [a, family(a)])));
      expect(p.dns).toEqual(Object.fromEntries(e.dns.map((a) => [a, { udp: "REFUSED", tcp: "REFUSED" }])));
      expect(p.second?.code).toBe(1);
      expect(p.second?.stderr).toMatch(/^updns: cannot listen on \S+ \((dns|http)\.listen\): address already in use$/);
    }, 30_000);
  }
});
