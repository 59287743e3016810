// TLS from certificate files, reloaded on SIGHUP; logs as one line per event (logfmt or JSON) with no
// secret in them.
import { describe, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "node:tls";
import { cli, startBinary } from "../support/updns.ts";
import { havePeers, tempDir, waitFor } from "../support/net.ts";

function makeCert(dir: string, name: string, cn: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  const r = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", `/CN=${cn}`, "-keyout", key, "-out", cert], { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  return { cert, key };
}

/** The CN of the certificate the server presents. */
function peerCn(hostPort: string): Promise<string> {
  const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(":")), Number(hostPort.slice(hostPort.lastIndexOf(":") + 1))];
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, rejectUnauthorized: false }, () => {
      const cn = s.getPeerCertificate().subject.CN;
      s.end();
      resolve(String(Array.isArray(cn) ? cn[0] : cn));
    });
    s.once("error", reject);
  });
}

describe("TLS and logs", () => {
  test.skipIf(!havePeers("openssl"))("serves HTTPS from the configured files and reloads them on SIGHUP", async () => {
    const d = tempDir();
    const first = makeCert(d.path, "first", "first.example.test");
    const second = makeCert(d.path, "second", "second.example.test");
    const live = { cert: join(d.path, "live.pem"), key: join(d.path, "live.key") };
    copyFileSync(first.cert, live.cert);
    copyFileSync(first.key, live.key);
    const s = await startBinary({ UPDNS_HTTP_TLS_CERT: live.cert, UPDNS_HTTP_TLS_KEY: live.key }, d.path);
    try {
      expect(await peerCn(s.httpAddress)).toBe("first.example.test");
      const r = await fetch(`https://${s.httpAddress}/myip`, { tls: { rejectUnauthorized: false } } as RequestInit);
      expect(await r.text()).toBe("127.0.0.1");
      copyFileSync(second.cert, live.cert);
      copyFileSync(second.key, live.key);
      s.proc.kill("SIGHUP");
      await waitFor("the new certificate", async () => (await peerCn(s.httpAddress)) === "second.example.test");
      expect(s.output()).toContain("reloaded TLS certificate");
      expect(await (await fetch(`https://${s.httpAddress}/myip`, { tls: { rejectUnauthorized: false } } as RequestInit)).text()).toBe("127.0.0.1");
    } finally {
      await s.stop();
    }
  }, 20_000);

  test("with log.format = json every line is a JSON object, and update secrets in a query never reach the log", async () => {
    const d = tempDir();
    await cli(["user", "add", "ops", "--email", "ops@example.test"], { cwd: d.path });
    await cli(["domain", "add", "dyn.example.test", "--embedded"], { cwd: d.path });
    const secret = JSON.parse((await cli(["host", "add", "h.dyn.example.test", "--owner", "ops", "--json"], { cwd: d.path })).stdout).update_secret;
    const s = await startBinary({ UPDNS_LOG_FORMAT: "json", UPDNS_LOG_LEVEL: "debug" }, d.path);
    try {
      const r = await fetch(`${s.url}/nic/update?hostname=h.dyn.example.test&myip=192.0.2.1&username=h.dyn.example.test&password=${secret}`);
      expect(await r.text()).toBe("good 192.0.2.1");
      await fetch(`${s.url}/nic/update?username=h.dyn.example.test&password=wrong-${secret}`);
    } finally {
      await s.stop();
    }
    const lines = s.output().trim().split("\n");
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(lines.map((l) => JSON.parse(l).msg)).toContain("listening");
    expect(s.output()).not.toContain(secret);
  }, 30_000);

  test("logfmt is the default: time, level, msg, then fields", async () => {
    const s = await startBinary();
    await s.stop();
    expect(s.output().split("\n")[0]).toMatch(/^time=\S+ level=info msg=listening http=127\.0\.0\.1:\d+ dns=127\.0\.0\.1:\d+/);
  });
});
