import { describe, expect, test } from "bun:test";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "node:net";
import { BINARY, cli, startBinary } from "../support/updns.ts";
import { dig } from "../support/dig.ts";
import { havePeers, tempDir } from "../support/net.ts";
import { WebClient } from "../support/web-client.ts";

describe("updns serve (the built binary)", () => {
  test("copied alone into an empty folder it creates its database and serves", async () => {
    const d = tempDir();
    copyFileSync(BINARY, join(d.path, "updns"));
    const proc = Bun.spawn(["./updns", "serve"], { cwd: d.path, env: { UPDNS_HTTP_LISTEN: "127.0.0.1:0", UPDNS_DNS_LISTEN: "127.0.0.1:0" }, stderr: "pipe" });
    let text = "";
    const dec = new TextDecoder();
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) {
      text += dec.decode(chunk);
      if (/setup_url=/.test(text)) break;
    }
    const http = text.match(/http=(\S+)/)![1];
    expect(await (await fetch(`http://${http}/healthz`)).json()).toMatchObject({ status: "ok" });
    expect(existsSync(join(d.path, "data", "updns.sqlite3"))).toBe(true);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    d.cleanup();
  });

  test("SIGTERM stops it cleanly and quickly", async () => {
    const s = await startBinary();
    const t0 = Date.now();
    expect(await s.stop()).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(s.output()).toContain("msg=stopped");
  });

  test("DNS listens on UDP and TCP (REFUSED until a zone is served)", async () => {
    if (!havePeers("dig")) return;
    const s = await startBinary();
    try {
      expect((await dig("127.0.0.1", s.dnsPort, "nothing.example", "A")).status).toBe("REFUSED");
      expect((await dig("127.0.0.1", s.dnsPort, "nothing.example", "A", ["+tcp"])).status).toBe("REFUSED");
    } finally {
      await s.stop();
    }
  });

  test("a port already in use gives one clear error line naming the address", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    const d = tempDir();
    const r = await cli(["serve"], { cwd: d.path, env: { UPDNS_HTTP_LISTEN: `127.0.0.1:${port}`, UPDNS_DNS_LISTEN: "127.0.0.1:0" } });
    blocker.close();
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`updns: cannot listen on 127.0.0.1:${port} (http.listen): address already in use`);
  });

  test("a bad config value stops start-up naming the key", async () => {
    const d = tempDir();
    const r = await cli(["serve"], { cwd: d.path, env: { UPDNS_DNS_LISTEN: "nope" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("dns.listen");
  });

  test("the first-run setup link creates the first staff account once and only once", async () => {
    const s = await startBinary();
    try {
      expect(s.setupUrl).toMatch(/\/setup\/[A-Za-z0-9_-]{20,}$/);
      const url = s.setupUrl!.replace(/^http:\/\/[^/]+/, s.url);
      const form = await fetch(url);
      expect(form.status).toBe(200);
      expect(await form.text()).toContain("Create staff account");
      const body = new URLSearchParams({ username: "root", email: "root@example.test", password: "correct horse battery" });
      const ok = await fetch(url, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain("Staff account root created");
      const again = await fetch(url, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(again.status).toBe(404);
      expect((await fetch(url)).status).toBe(404);
      const users = await cli(["user", "list", "--json"], { cwd: join(s.dataDir, "..") });
      expect(JSON.parse(users.stdout)).toEqual([{ username: "root", email: "root@example.test", staff: true, active: true }]);
    } finally {
      await s.stop();
    }
  });

  test("the browser that used the setup link is signed in as the new staff account", async () => {
    const s = await startBinary();
    try {
      const web = new WebClient(s.url);
      const path = new URL(s.setupUrl!).pathname;
      expect((await web.get("/overview/")).status).not.toBe(200);
      const done = await web.request("POST", path, { body: new URLSearchParams({ username: "root", email: "root@example.test", password: "correct horse battery" }) });
      expect(done.status).toBe(200);
      const overview = await web.get("/overview/");
      expect(overview.status).toBe(200);
      expect(overview.body).toContain("Signed in as root.");
    } finally {
      await s.stop();
    }
  });

  test("a short password keeps the setup link usable and says why", async () => {
    const s = await startBinary();
    try {
      const url = s.setupUrl!.replace(/^http:\/\/[^/]+/, s.url);
      const bad = await fetch(url, { method: "POST", body: new URLSearchParams({ username: "root", email: "r@example.test", password: "short" }) });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain("at least 10 characters");
      expect((await fetch(url)).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  test("with a staff account no setup link is printed", async () => {
    const d = tempDir();
    await cli(["user", "add", "admin", "--email", "a@example.test", "--staff"], { cwd: d.path });
    const s = await startBinary({}, d.path);
    try {
      expect(s.setupUrl).toBeNull();
    } finally {
      await s.stop();
    }
  });
});
