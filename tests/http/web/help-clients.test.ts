// The configuration help is what real clients run: the ddclient, inadyn and curl snippets of the secret
// page, taken from the page as a person copies them, pass the client's own syntax check and are run against
// our server on loopback, once with a name per address family ([server] ipv4_url / ipv6_url) and once with
// one name for both, and the zone then holds the addresses they detected.
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync, chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { listenHttp, type HttpListeners } from "../../../src/http/index.ts";
import { havePeers, tempDir, which } from "../../support/net.ts";
import { makeDnsWebWorld, type DnsWebWorld } from "./world.ts";
import { preBlock as snippet } from "./harness.ts";

const run = havePeers("ddclient", "inadyn", "curl");
const dir = tempDir("updns-help-");
const listeners: HttpListeners[] = [];
afterAll(async () => {
  for (const l of listeners) await l.stop(false);
  dir.cleanup();
});

async function spawn(argv: string[], timeoutMs = 20_000): Promise<{ code: number; out: string }> {
  const p = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  clearTimeout(timer);
  return { code, out: out + err };
}

/** inadyn's own syntax check of a config file: exit 0 and no complaint. */
async function inadynCheck(conf: string): Promise<{ code: number; out: string }> {
  return spawn([which("inadyn")!, "--check-config", "-f", conf]);
}

/** ddclient's own check of its config file: what it says about a line it cannot read ("file F, line N: …"). */
const ddclientConfigProblems = (out: string) => out.split("\n").filter((l) => /file .*, line \d+:/.test(l));

/** A server with a fresh host; returns its secret page and a reader of the zone's A/AAAA. */
async function setUp(w: DnsWebWorld, name: string) {
  const { b } = await w.signedIn(`u-${name}`);
  if (!w.store.zone("dyn.example.org")) await b.submit("/domain/add/", { name: "dyn.example.org", backend: "embedded" }, "/domain/add/");
  const domainId = String((w.db.$client.query("SELECT id FROM domains WHERE name = 'dyn.example.org'").get() as { id: number }).id);
  // The zone belongs to the first user; later ones get it public.
  w.db.$client.run("UPDATE domains SET public = 1, available = 1");
  const r = await b.submit("/host/add/", { name, domain: domainId }, "/host/add/");
  const page = await b.get((await b.submit(`${r.location}secret`, {}, r.location!)).location!);
  const values = (type: "A" | "AAAA") =>
    (w.db.$client.query("SELECT data FROM zone_records WHERE name = ? AND type = ?").all(`${name}.dyn.example.org`, type) as { data: string }[]).map((x) => x.data);
  return { html: page.body, values };
}

describe.if(run)("configuration help snippets, run by the real clients", () => {
  let w: DnsWebWorld;
  test("set up a server on 127.0.0.1 and ::1", async () => {
    w = await makeDnsWebWorld({ api: true });
    const v4 = listenHttp((req) => w.app.handle(req), { listen: ["127.0.0.1:0"], maxBodyBytes: 65536 });
    const v6 = listenHttp((req) => w.app.handle(req), { listen: ["[::1]:0"], maxBodyBytes: 65536 });
    listeners.push(v4, v6);
    const p4 = v4.addresses[0].split(":").pop();
    const p6 = v6.addresses[0].split(":").pop();
    w.config.server.public_url = `http://127.0.0.1:${p4}`;
    w.config.server.ipv4_url = `http://127.0.0.1:${p4}`;
    // inadyn cannot parse "[::1]:port" and this machine has no name for ::1 alone: the IPv6 name is
    // "localhost" on the v4 listener here, so the v6 sections run against the server, over IPv4.
    w.config.server.ipv6_url = `http://localhost:${p4}`;
    void p6;
  });

  test("ddclient 3.10 snippet: detects 127.0.0.1 through /myip and sets the A record", async () => {
    const { html, values } = await setUp(w, "dd310");
    const conf = join(dir.path, "dd310.conf");
    writeFileSync(conf, snippet(html, "snippet-ddclient-1"));
    chmodSync(conf, 0o600);
    const r = await spawn([which("ddclient")!, "-foreground", "-daemon=0", "-file", conf, "-cache", join(dir.path, "dd310.cache"), "-verbose"]);
    expect(ddclientConfigProblems(r.out)).toEqual([]);
    expect(values("A")).toEqual(["127.0.0.1"]);
    expect(r.out).toContain("good");
  }, 30_000);

  test("ddclient 3.11 snippet: the running ddclient (3.10) reads it and updates", async () => {
    const { html, values } = await setUp(w, "dd311");
    const conf = join(dir.path, "dd311.conf");
    writeFileSync(conf, snippet(html, "snippet-ddclient-0"));
    chmodSync(conf, 0o600);
    const r = await spawn([which("ddclient")!, "-foreground", "-daemon=0", "-file", conf, "-cache", join(dir.path, "dd311.cache"), "-verbose"]);
    expect(ddclientConfigProblems(r.out)).toEqual([]);
    const got = [...values("A"), ...values("AAAA")];
    if (got.length === 0) console.log(r.out.slice(-2000));
    expect(got.length).toBeGreaterThan(0);
  }, 30_000);

  test("inadyn 2.x snippet: both sections are read and sent, the IPv4 one sets A 127.0.0.1", async () => {
    const { html, values } = await setUp(w, "inadyn");
    const conf = join(dir.path, "inadyn.conf");
    // Loopback is not "an Internet address" to inadyn: its check is turned off for the test only.
    writeFileSync(conf, snippet(html, "snippet-inadyn-0"));
    expect(await inadynCheck(conf)).toMatchObject({ code: 0 });
    writeFileSync(conf, "verify-address = false\n" + snippet(html, "snippet-inadyn-0"));
    mkdirSync(join(dir.path, "inadyn-cache"), { recursive: true });
    const r = await spawn([which("inadyn")!, "-1", "--foreground", "-f", conf, "--cache-dir", join(dir.path, "inadyn-cache"), "--no-pidfile", "-l", "info"]);
    if (values("A").length === 0) console.log(r.out.slice(-3000));
    expect(values("A")).toEqual(["127.0.0.1"]);
    // Both sections asked their checkip server and sent an update.
    expect(r.out.match(/Successful alias table update for inadyn\.dyn\.example\.org => new IP# 127\.0\.0\.1/g)?.length).toBe(2);
    expect(r.out).toContain("Sending IP# update to DDNS server, connecting to localhost");
    expect(r.out).not.toContain("checkip server");
  }, 30_000);

  test("curl one-liner: good 127.0.0.1", async () => {
    const { html, values } = await setUp(w, "curl");
    const r = await spawn(["sh", "-c", snippet(html, "snippet-curl-0")]);
    expect(r.out.trim()).toBe("good 127.0.0.1");
    expect(values("A")).toEqual(["127.0.0.1"]);
  });
});

describe.if(run)("configuration help snippets with one name for IPv4 and IPv6, run by the real clients", () => {
  let w: DnsWebWorld;
  test("set up a server on 127.0.0.1 with no ipv4_url and ipv6_url", async () => {
    w = await makeDnsWebWorld({ api: true });
    const v4 = listenHttp((req) => w.app.handle(req), { listen: ["127.0.0.1:0"], maxBodyBytes: 65536 });
    listeners.push(v4);
    w.config.server.public_url = `http://127.0.0.1:${v4.addresses[0].split(":").pop()}`;
    w.config.server.ipv4_url = "";
    w.config.server.ipv6_url = "";
  });

  test("inadyn 2.x snippet: one section, accepted by --check-config, sends the address it connects from", async () => {
    const { html, values } = await setUp(w, "inadyn1");
    const conf = join(dir.path, "inadyn1.conf");
    writeFileSync(conf, snippet(html, "snippet-inadyn-0"));
    expect(await inadynCheck(conf)).toMatchObject({ code: 0 });
    writeFileSync(conf, "verify-address = false\n" + snippet(html, "snippet-inadyn-0"));
    mkdirSync(join(dir.path, "inadyn1-cache"), { recursive: true });
    const r = await spawn([which("inadyn")!, "-1", "--foreground", "-f", conf, "--cache-dir", join(dir.path, "inadyn1-cache"), "--no-pidfile", "-l", "info"]);
    if (values("A").length === 0) console.log(r.out.slice(-3000));
    expect(values("A")).toEqual(["127.0.0.1"]);
    expect(r.out.match(/Successful alias table update for inadyn1\.dyn\.example\.org => new IP# 127\.0\.0\.1/g)?.length).toBe(1);
  }, 30_000);

  test("ddclient 3.11 snippet: webv4 on the shared name finds 127.0.0.1 and updates A", async () => {
    const { html, values } = await setUp(w, "dd311one");
    const conf = join(dir.path, "dd311one.conf");
    writeFileSync(conf, snippet(html, "snippet-ddclient-0"));
    chmodSync(conf, 0o600);
    const r = await spawn([which("ddclient")!, "-foreground", "-daemon=0", "-file", conf, "-cache", join(dir.path, "dd311one.cache"), "-verbose"]);
    expect(ddclientConfigProblems(r.out)).toEqual([]);
    if (values("A").length === 0) console.log(r.out.slice(-2000));
    expect(values("A")).toEqual(["127.0.0.1"]);
  }, 30_000);

  test("ddclient 3.10 snippet: updates the address it connects from", async () => {
    const { html, values } = await setUp(w, "dd310one");
    const conf = join(dir.path, "dd310one.conf");
    writeFileSync(conf, snippet(html, "snippet-ddclient-1"));
    chmodSync(conf, 0o600);
    const r = await spawn([which("ddclient")!, "-foreground", "-daemon=0", "-file", conf, "-cache", join(dir.path, "dd310one.cache"), "-verbose"]);
    expect(ddclientConfigProblems(r.out)).toEqual([]);
    expect(values("A")).toEqual(["127.0.0.1"]);
    expect(r.out).toContain("good");
  }, 30_000);

  test("curl one-liner on the shared name: good 127.0.0.1", async () => {
    const { html, values } = await setUp(w, "curlone");
    const r = await spawn(["sh", "-c", snippet(html, "snippet-curl-0")]);
    expect(r.out.trim()).toBe("good 127.0.0.1");
    expect(values("A")).toEqual(["127.0.0.1"]);
  });
});
