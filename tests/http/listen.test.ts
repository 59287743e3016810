// HTTP listeners: each address is this server's alone (no SO_REUSEPORT: a second updns must not receive half
// of the routers' updates), and a TLS reload keeps the address while it swaps the certificate.
import { afterEach, describe, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "node:tls";
import { listenHttp, ListenError, type HttpListeners } from "../../src/http/index.ts";
import { freePort, havePeers, tempDir } from "../support/net.ts";

const open: HttpListeners[] = [];
afterEach(async () => {
  for (const l of open.splice(0)) await l.stop(false);
});

function listen(addresses: string[], name = "first", tls?: { cert: string; key: string }): HttpListeners {
  const l = listenHttp(() => new Response(name), { listen: addresses, maxBodyBytes: 65536, tlsCert: tls?.cert, tlsKey: tls?.key });
  open.push(l);
  return l;
}

function makeCert(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  const r = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", `/CN=${name}.example.test`, "-keyout", key, "-out", cert], { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  return { cert, key };
}

function peerCn(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      resolve(String(s.getPeerCertificate().subject.CN));
      s.end();
    });
    s.once("error", reject);
  });
}

describe("HTTP listeners", () => {
  test("a second listener on the same address fails naming it and http.listen; the first gets every request", async () => {
    const port = await freePort();
    listen([`127.0.0.1:${port}`], "first");
    expect(() => listen([`127.0.0.1:${port}`], "second")).toThrow(new ListenError(`cannot listen on 127.0.0.1:${port} (http.listen): address already in use`));
    for (let i = 0; i < 20; i++) expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("first");
  });

  test("a failure on the second address gives back the first", async () => {
    const taken = await freePort();
    listen([`127.0.0.1:${taken}`]);
    const free = await freePort();
    expect(() => listen([`127.0.0.1:${free}`, `127.0.0.1:${taken}`])).toThrow(`cannot listen on 127.0.0.1:${taken} (http.listen)`);
    expect(listen([`127.0.0.1:${free}`]).addresses).toEqual([`127.0.0.1:${free}`]);
  });

  test("127.0.0.1 and ::1 on one port both answer, each bound on its own", async () => {
    const port = await freePort();
    const l = listenHttp((req) => new Response(new URL(req.url).hostname), { listen: [`127.0.0.1:${port}`, `[::1]:${port}`], maxBodyBytes: 65536 });
    open.push(l);
    expect(l.addresses).toEqual([`127.0.0.1:${port}`, `[::1]:${port}`]);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("127.0.0.1");
    expect(await (await fetch(`http://[::1]:${port}/`)).text()).toBe("[::1]");
  });

  test.skipIf(!havePeers("openssl"))("a TLS reload keeps the port (0 asked, the OS's kept) and presents the new certificate", async () => {
    const d = tempDir();
    const first = makeCert(d.path, "first");
    const second = makeCert(d.path, "second");
    const live = { cert: join(d.path, "live.pem"), key: join(d.path, "live.key") };
    copyFileSync(first.cert, live.cert);
    copyFileSync(first.key, live.key);
    const l = listen(["127.0.0.1:0"], "tls", live);
    const port = Number(l.addresses[0].split(":")[1]);
    expect(await peerCn(port)).toBe("first.example.test");
    copyFileSync(second.cert, live.cert);
    copyFileSync(second.key, live.key);
    l.reloadTls();
    expect(l.addresses).toEqual([`127.0.0.1:${port}`]);
    expect(await peerCn(port)).toBe("second.example.test");
    d.cleanup();
  });
});
