// README's "Reverse proxy with TLS", run as written: Debian's nginx with the README's server block (only the
// ports, certificate paths and upstream changed to the test's own) in front of updns configured with the
// README's trusted_proxies. Clients on other loopback addresses (127.0.0.2, 127.0.0.3) update through it
// over HTTPS, and the zone records their addresses — from X-Forwarded-For, not the proxy's 127.0.0.1.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { createHost, type CreatedHost } from "../../src/core/admin/hosts.ts";
import { hosts } from "../../src/db/index.ts";
import { startAcmeWorld, type AcmeWorld } from "../support/acme.ts";
import { dig, rdata } from "../support/dig.ts";
import { freePort, havePeers, tempDir } from "../support/net.ts";
import { selfSignedCert, startNginx, type RunningNginx } from "../support/nginx.ts";

const README = readFileSync(join(import.meta.dir, "../../README.md"), "utf8");
const ZONE = "dyn.example.org";

/** The first fenced block of `lang` after `heading` in the README. */
function readmeBlock(heading: string, lang: string): string {
  const section = README.slice(README.indexOf(heading));
  const m = section.match(new RegExp("```" + lang + "\\n([\\s\\S]*?)```"));
  if (!m) throw new Error(`README: no ${lang} block after "${heading}"`);
  return m[1];
}

/** curl from a chosen loopback address through the proxy (Bun's fetch cannot pick its source address). */
async function curl(from: string, url: string, args: string[] = []): Promise<{ status: number; body: string }> {
  const p = Bun.spawn(["curl", "-sS", "-k", "--interface", from, "--max-time", "10", "-w", "\n%{http_code}", ...args, url], { stdout: "pipe", stderr: "pipe" });
  const out = await new Response(p.stdout).text();
  if ((await p.exited) !== 0) throw new Error(`curl failed: ${await new Response(p.stderr).text()}`);
  const cut = out.lastIndexOf("\n");
  return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
}

describe.skipIf(!havePeers("nginx", "curl", "openssl", "dig"))("README's nginx reverse proxy in front of updns", () => {
  let w: AcmeWorld;
  let nginx: RunningNginx;
  let host: CreatedHost;
  let base: string;

  beforeAll(async () => {
    const toml = Bun.TOML.parse(readmeBlock("## Reverse proxy with TLS", "toml")) as { http: { trusted_proxies: string[] } };
    expect(toml.http.trusted_proxies).toContain("127.0.0.1");
    w = await startAcmeWorld({ zones: [ZONE], users: [{ username: "alice", password: "correct horse battery" }], env: { UPDNS_HTTP_TRUSTED_PROXIES: toml.http.trusted_proxies.join(",") } });
    host = await createHost(w.server.db, { fqdn: `home.${ZONE}`, owner: "alice" });

    const port = await freePort();
    const dir = tempDir("updns-nginx-");
    const cert = await selfSignedCert(dir.path, ZONE);
    const block = readmeBlock("## Reverse proxy with TLS", "nginx");
    const server = block
      .replace("listen 443 ssl;", `listen 127.0.0.1:${port} ssl;`)
      .replace(/^\s*listen \[::\]:443 ssl;\n/m, "")
      .replace(/ssl_certificate \S+;/, `ssl_certificate ${cert.cert};`)
      .replace(/ssl_certificate_key \S+;/, `ssl_certificate_key ${cert.key};`)
      .replace("proxy_pass http://127.0.0.1:8080;", `proxy_pass ${w.server.url};`);
    // Everything else is the README's text: a change there that breaks the proxy breaks this test.
    expect(server).toContain("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;");
    nginx = await startNginx(server, port, dir);
    base = `https://${ZONE}:${port}`;
  }, 60_000);

  afterAll(async () => {
    await nginx?.stop();
    await w?.close();
  });

  const resolve = () => ["--resolve", `${new URL(base).host}:127.0.0.1`];
  const update = (from: string, extra: string[] = []) => curl(from, `${base}/nic/update?hostname=${host.fqdn}`, ["-u", `${host.fqdn}:${host.updateSecret}`, ...resolve(), ...extra]);
  const published = async () => rdata(await dig("127.0.0.1", w.server.dnsPort, host.fqdn, "A"), "A");

  test("an update without myip through nginx records the client's address, not the proxy's, and as TLS", async () => {
    expect(await update("127.0.0.2")).toEqual({ status: 200, body: "good 127.0.0.2" });
    expect(await published()).toEqual(["127.0.0.2"]);
    const row = w.server.db.select().from(hosts).where(eq(hosts.id, host.id)).get()!;
    expect(row.tlsUpdateIpv4).toBe(true);
  });

  test("what the client puts in X-Forwarded-For itself is not believed: nginx appends the real peer", async () => {
    expect(await update("127.0.0.3", ["-H", "X-Forwarded-For: 198.51.100.66"])).toEqual({ status: 200, body: "good 127.0.0.3" });
    expect(await update("127.0.0.3", ["-H", "X-Forwarded-For: _hidden"])).toEqual({ status: 200, body: "nochg 127.0.0.3" });
    expect(await published()).toEqual(["127.0.0.3"]);
  });

  test("/myip through nginx answers the client's address", async () => {
    expect(await curl("127.0.0.4", `${base}/myip`, resolve())).toEqual({ status: 200, body: "127.0.0.4" });
  });
});
