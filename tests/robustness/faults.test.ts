// Faults an appliance meets, against dist/updns: the disk fills up (a real, tiny tmpfs: SQLITE_FULL),
// a secondary is down for a while, a primary of an rfc2136 zone hangs. What a user must see: a clear
// 503/911 or SERVFAIL and a log line that says why, the zone in memory never ahead of the database,
// recovery without a restart once space returns; NOTIFY retried until the secondary is back; other
// updates never wait for a hung primary.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openSync, writeSync, closeSync, rmSync, readdirSync, readFileSync } from "node:fs";
import { createSocket, type Socket } from "node:dgram";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { freePort, havePeers, tempDir, waitFor } from "../support/net.ts";
import { dig, rdata } from "../support/dig.ts";
import { startSecondary, type Secondary } from "../support/secondaries.ts";
import { nicUpdate, startWorld, type World } from "../support/world.ts";
import { sendUpdate, DnsError } from "../../src/dns/rfc2136/index.ts";

const ok = havePeers("dig", "nsd", "mount");
const isRoot = process.getuid?.() === 0;

/** Fill the file system under `dir` up to the last byte; returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, "filler");
  const fd = openSync(path, "w");
  try {
    for (const size of [1 << 20, 64 << 10, 4 << 10, 512, 1]) {
      const chunk = new Uint8Array(size);
      for (let i = 0; i < 100_000; i++) {
        try {
          writeSync(fd, chunk);
        } catch {
          break; // ENOSPC at this size: go on with a smaller one
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

describe.skipIf(!ok || !isRoot)("the disk fills up (SQLITE_FULL on a 6 MB tmpfs)", () => {
  const mnt = tempDir("updns-full-");
  let world: World;
  let mounted = false;

  beforeAll(async () => {
    const r = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mnt.path]);
    if (r.exitCode !== 0) throw new Error(`cannot mount a tmpfs: ${r.stderr.toString()}`);
    mounted = true;
    world = await startWorld({ hosts: 2, cwd: mnt.path });
  }, 30_000);

  afterAll(async () => {
    await world?.close();
    if (mounted) Bun.spawnSync(["umount", "-l", mnt.path]);
    mnt.cleanup();
  });

  test("updates answer 503/911 and SERVFAIL with a clear log line, DNS keeps serving the last committed data, and it recovers when space returns", async () => {
    const h = world.hosts[0];
    expect((await nicUpdate(world.url, h, "192.0.2.1")).body).toBe("good 192.0.2.1");
    const filler = fill(mnt.path);
    // SQLite may still have room in pages it owns; the first update that needs a new page fails.
    let failed: { status: number; body: string } | null = null;
    let lastGood = "192.0.2.1";
    for (let i = 2; i < 250 && !failed; i++) {
      const ip = `192.0.2.${i}`;
      const r = await nicUpdate(world.url, h, ip);
      if (r.body === `good ${ip}`) lastGood = ip;
      else failed = r;
    }
    expect(failed).toEqual({ status: 503, body: "911" });
    await waitFor("a log line naming the full disk", () => /disk is full|SQLITE_FULL|no space/i.test(world.server.output()), 2000);
    const line = world.server.output().split("\n").find((l) => /disk is full|SQLITE_FULL|no space/i.test(l))!;
    console.log(`disk full: update answered ${failed!.status} ${failed!.body}; log: ${line.slice(0, 220)}`);
    // The zone in memory is not ahead of the database: DNS still answers the last committed address.
    expect(rdata(await dig("127.0.0.1", world.dnsPort, h.fqdn, "A"), "A")).toEqual([lastGood]);
    // RFC 2136 through the same store: SERVFAIL, not a silent success.
    const upd = await sendUpdate({ host: "127.0.0.1", port: world.dnsPort }, world.zone, [{ op: "add", name: `full.${world.zone}`, type: "TXT", ttl: 60, value: "x" }], { key: world.updateKey, timeoutMs: 2000 }).then(
      () => "NOERROR",
      (e: DnsError) => e.rcode ?? e.message,
    );
    expect(upd).toBe("SERVFAIL");
    expect((await dig("127.0.0.1", world.dnsPort, `full.${world.zone}`, "TXT")).status).toBe("NXDOMAIN");

    // Space returns: the next update works, without a restart.
    rmSync(filler);
    const back = await nicUpdate(world.url, h, "192.0.2.250");
    expect(back).toEqual({ status: 200, body: "good 192.0.2.250" });
    expect(rdata(await dig("127.0.0.1", world.dnsPort, h.fqdn, "A"), "A")).toEqual(["192.0.2.250"]);
    // And what DNS serves is what the database holds.
    const db = new Database(join(world.server.dataDir, "updns.sqlite3"), { readonly: true });
    const rows = db.query("SELECT data FROM zone_records WHERE name = ? AND type = 'A'").all(h.fqdn) as { data: string }[];
    db.close();
    expect(rows.map((r) => r.data)).toEqual(["192.0.2.250"]);
    expect(world.server.proc.exitCode).toBeNull();
  }, 60_000);
});

describe.skipIf(!ok)("a secondary that is down, and a primary that hangs", () => {
  let world: World;
  let nsd: Secondary;
  let blackhole: Socket;
  let blackholePort = 0;
  let hungHost = { fqdn: "", secret: "" };

  beforeAll(async () => {
    // A short query timeout keeps the hung-primary case short: 1 s and one retry.
    world = await startWorld({ hosts: 1, env: { UPDNS_DNS_QUERY_TIMEOUT: "1" } });
    nsd = await startSecondary("nsd", world.zone, world.dnsPort, world.xfer);
    expect((await world.run("domain", "secondary", "add", world.zone, `127.0.0.1:${nsd.port}`)).code).toBe(0);
    // A "primary" that takes every UPDATE and query and never answers.
    blackholePort = await freePort();
    blackhole = createSocket("udp4");
    blackhole.on("message", () => {});
    await new Promise<void>((r) => blackhole.bind(blackholePort, "127.0.0.1", () => r()));
    const secret = Buffer.from("0123456789abcdef0123456789abcdef").toString("base64");
    const add = await world.run("domain", "add", "hung.example.test", "--rfc2136", "--primary", `127.0.0.1:${blackholePort}`, "--key-name", "hung.example.test", "--algorithm", "hmac-sha256", "--secret", secret, "--owner", "ops");
    expect(add.stderr).toBe("");
    const host = await world.run("host", "add", "x.hung.example.test", "--owner", "ops", "--json");
    hungHost = { fqdn: "x.hung.example.test", secret: JSON.parse(host.stdout).update_secret };
  }, 30_000);

  afterAll(async () => {
    blackhole?.close();
    await nsd?.stop();
    await world?.close();
  });

  const notifies = async () => Number((await (await fetch(`${world.url}/metrics`)).text()).match(/updns_dns_notifies_total\{outcome="sent"\} (\d+)/)?.[1] ?? 0);

  test("NOTIFY is retried while the secondary does not answer, and it catches up when it is back", async () => {
    const h = world.hosts[0];
    expect((await nicUpdate(world.url, h, "192.0.2.10")).body).toBe("good 192.0.2.10");
    await waitFor("NSD to have 192.0.2.10", async () => (await nsd.addresses(h.fqdn))[0] === "192.0.2.10", 5000);
    // SIGSTOP: the daemon is there but answers nothing, as a host that went away.
    const nsdPids = nsdProcesses(nsd.port);
    expect(nsdPids.length).toBeGreaterThan(0);
    for (const p of nsdPids) process.kill(p, "SIGSTOP");
    const before = await notifies();
    try {
      expect((await nicUpdate(world.url, h, "192.0.2.11")).body).toBe("good 192.0.2.11");
      // Attempts at 0, 1 and 3 s (doubling back-off): at least three for one commit.
      await waitFor("NOTIFY retries", async () => (await notifies()) - before >= 3, 6000, 200);
    } finally {
      for (const p of nsdPids) process.kill(p, "SIGCONT");
    }
    await waitFor("NSD to catch up to 192.0.2.11", async () => (await nsd.addresses(h.fqdn))[0] === "192.0.2.11", 20_000, 100);
    console.log(`secondary down: ${(await notifies()) - before} NOTIFYs sent for one change while NSD was stopped; it caught up after SIGCONT`);
  }, 40_000);

  test("an rfc2136 primary that never answers does not hold up updates of other zones", async () => {
    const h = world.hosts[0];
    const t0 = performance.now();
    const hung = nicUpdate(world.url, hungHost, "192.0.2.99").then((r) => ({ ...r, ms: performance.now() - t0 }));
    await Bun.sleep(100);
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      expect((await nicUpdate(world.url, h, `192.0.2.${100 + i}`)).body).toBe(`good 192.0.2.${100 + i}`);
      times.push(performance.now() - s);
    }
    const r = await hung;
    console.log(`hung primary: its update answered ${r.status} ${r.body} after ${r.ms.toFixed(0)} ms; 20 other updates meanwhile, slowest ${Math.max(...times).toFixed(0)} ms`);
    expect(r.status).toBe(503); // a transient nameserver failure: dnserr with Retry-After, so clients retry
    expect(r.body).toBe("dnserr");
    expect(Math.max(...times)).toBeLessThan(1000);
    expect(r.ms).toBeGreaterThan(Math.max(...times));
  }, 40_000);
});

/** The NSD processes (it forks) of the secondary listening on `port`, found by their config file. */
function nsdProcesses(port: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (!cmd[0].endsWith("nsd") || cmd.indexOf("-c") < 0) continue;
      if (new RegExp(`^\\s*port: ${port}$`, "m").test(readFileSync(cmd[cmd.indexOf("-c") + 1], "utf8"))) out.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}
