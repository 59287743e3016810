// A whole updns installation for the robustness suites and bench/soak.ts: the built binary on fixed
// loopback ports (so it can be killed and restarted and secondaries keep finding it), set up with the CLI
// the way an operator would: one owner, a transfer key, an update key, an embedded zone and some hosts.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { cli, startBinary, type BinaryServer } from "./updns.ts";
import { freePort, tempDir, waitFor } from "./net.ts";
import { tsigKeyFromBase64, type TsigKey } from "../../src/dns/rfc2136/index.ts";

export interface WorldHost {
  fqdn: string;
  secret: string;
}

export interface World {
  dir: string;
  zone: string;
  httpPort: number;
  dnsPort: number;
  url: string;
  server: BinaryServer;
  hosts: WorldHost[];
  /** Transfer key (secondaries use it) and update key (RFC 2136 UPDATE is granted the whole zone). */
  xfer: { name: string; algorithm: string; secret: string };
  updateKey: TsigKey;
  /** The update key's secret as the operator got it (base64). */
  updateKeySecret: string;
  run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Start the binary again on the same ports and data (after kill()). */
  restart(): Promise<BinaryServer>;
  /** SIGKILL: no clean-up at all, as a power cut or the OOM killer would do it. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  zone?: string;
  hosts?: number;
  env?: Record<string, string>;
  /** Run in this folder (e.g. a small tmpfs) instead of a fresh temporary one; it is left in place. */
  cwd?: string;
}

/** Start the binary and set up a zone with `hosts` hosts (each with its update secret). */
export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const zone = opts.zone ?? "storm.example.test";
  const d = opts.cwd ? { path: opts.cwd, cleanup: () => {} } : tempDir("updns-world-");
  const httpPort = await freePort();
  const dnsPort = await freePort();
  const env = {
    UPDNS_HTTP_LISTEN: `127.0.0.1:${httpPort}`,
    UPDNS_DNS_LISTEN: `127.0.0.1:${dnsPort}`,
    ...opts.env,
  };
  const run = (...args: string[]) => cli(args, { cwd: d.path, env: opts.env });
  const must = async (...args: string[]) => {
    const r = await run(...args);
    if (r.code !== 0) throw new Error(`updns ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  let server = await startBinary(env, d.path);
  try {
    await must("user", "add", "ops", "--email", "ops@example.test");
    const xfer = JSON.parse(await must("tsig", "add", "xfer", "--json"));
    const upd = JSON.parse(await must("tsig", "add", "upd", "--json"));
    // Public, as a dyndns service's shared zone is: tests add hosts in it for other accounts too (hosts are
    // only made in their owner's zone or a public one).
    await must("domain", "add", zone, "--embedded", "--owner", "ops", "--public", "--ns", "ns1.example.test", "--transfer-key", "xfer", "--update-key", "upd");
    const hosts: WorldHost[] = [];
    const count = opts.hosts ?? 4;
    // A few CLI processes at a time (each one is a binary start plus a password hash).
    for (let i = 0; i < count; i += 4) {
      const batch = Array.from({ length: Math.min(4, count - i) }, (_, j) => `h${i + j}.${zone}`);
      const secrets = await Promise.all(batch.map(async (fqdn) => JSON.parse(await must("host", "add", fqdn, "--owner", "ops", "--json")).update_secret as string));
      batch.forEach((fqdn, j) => hosts.push({ fqdn, secret: secrets[j] }));
    }
    // Ready when the zone is served with its transfer key: the server takes the CLI's changes on its next
    // look at the database (every 250 ms), the zone and its ACL together.
    const xferKey = { name: xfer.name as string, algorithm: xfer.algorithm as string, secret: xfer.secret as string };
    await waitFor("the new zone to be served and transferable", () => axfrLines("127.0.0.1", dnsPort, zone, xferKey), 5000, 50);
    const world: World = {
      dir: d.path,
      zone,
      httpPort,
      dnsPort,
      url: `http://127.0.0.1:${httpPort}`,
      server,
      hosts,
      xfer: { name: xfer.name, algorithm: xfer.algorithm, secret: xfer.secret },
      updateKey: tsigKeyFromBase64(upd.name, upd.algorithm, upd.secret),
      updateKeySecret: upd.secret,
      run,
      async restart() {
        server = await startBinary(env, d.path);
        world.server = server;
        return server;
      },
      async kill() {
        if (server.proc.exitCode === null) server.proc.kill("SIGKILL");
        await server.proc.exited;
      },
      async close() {
        if (server.proc.exitCode === null) {
          server.proc.kill("SIGTERM");
          const done = await Promise.race([server.proc.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
          if (!done) await world.kill();
        }
        d.cleanup();
      },
    };
    return world;
  } catch (e) {
    server.proc.kill("SIGKILL");
    d.cleanup();
    throw e;
  }
}

/** dyndns2 update of one host; returns the answer body (or throws when the connection fails). */
export async function nicUpdate(url: string, host: WorldHost, ip: string, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  const res = await fetch(`${url}/nic/update?hostname=${host.fqdn}&myip=${ip}`, {
    headers: { authorization: "Basic " + btoa(`${host.fqdn}:${host.secret}`) },
    signal,
  });
  return { status: res.status, body: await res.text() };
}

/**
 * Resident set size (kB) and open file descriptors of a process, from /proc; with `ports`, also how many
 * of those descriptors are established TCP connections to these local ports (a client's keep-alive
 * connections are in use, not leaked, so a leak check subtracts them).
 */
export function processUsage(pid: number, ports: number[] = []): { rssKb: number; fds: number; established: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  let established = 0;
  const hex = new Set(ports.map((p) => p.toString(16).toUpperCase().padStart(4, "0")));
  for (const f of ["tcp", "tcp6"]) {
    let text = "";
    try {
      text = readFileSync(`/proc/${pid}/net/${f}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is "ADDR:PORT" in hex; state 01 is ESTABLISHED.
      if (cols.length > 3 && cols[3] === "01" && hex.has(cols[1].split(":")[1])) established++;
    }
  }
  return { rssKb, fds: readdirSync(`/proc/${pid}/fd`).length, established };
}

/** "name TTL IN TYPE data" lines of a dig AXFR (SOA and all), whitespace-collapsed, without duplicates. */
export async function axfrLines(server: string, port: number, zone: string, key: { name: string; algorithm: string; secret: string }): Promise<string[]> {
  const proc = Bun.spawn(["dig", `@${server}`, "-p", String(port), zone, "AXFR", "-y", `${key.algorithm}:${key.name}:${key.secret}`, "+time=5", "+tries=1", "+nocmd", "+nostats"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const raw = await new Response(proc.stdout).text();
  await proc.exited;
  if (/Transfer failed|connection refused|timed out/i.test(raw)) throw new Error(`AXFR of ${zone} failed: ${raw.slice(0, 300)}`);
  const lines = raw
    .split("\n")
    .filter((l) => l && !l.startsWith(";"))
    .map((l) => l.split(/\s+/).join(" "))
    .filter((l) => l.split(" ")[3] !== "TSIG");
  return [...new Set(lines)];
}

/**
 * Many queries in one dig process (dig -f), for comparing a secondary name by name; returns, per
 * "name type", the sorted rdata of the answer ("NXDOMAIN" when there is none).
 */
export async function digBatch(server: string, port: number, questions: [string, string][]): Promise<Map<string, string>> {
  const dir = tempDir("updns-dig-");
  try {
    const file = join(dir.path, "batch");
    await Bun.write(file, questions.map(([n, t]) => `${n} ${t}`).join("\n") + "\n");
    const proc = Bun.spawn(["dig", `@${server}`, "-p", String(port), "+norecurse", "+time=2", "+tries=2", "+noall", "+answer", "+comments", "-f", file], { stdout: "pipe", stderr: "pipe" });
    const raw = await new Response(proc.stdout).text();
    await proc.exited;
    const out = new Map<string, string>();
    // Each answer starts with a "->>HEADER<<-" comment; the answer lines follow.
    const blocks = raw.split(/;; ->>HEADER<<-/).slice(1);
    blocks.forEach((b, i) => {
      const [n, t] = questions[i] ?? ["?", "?"];
      const status = b.match(/status: (\w+)/)?.[1] ?? "?";
      const data = b
        .split("\n")
        .filter((l) => l && !l.startsWith(";"))
        .map((l) => l.split(/\s+/))
        .filter((f) => f[3] === t)
        .map((f) => f.slice(4).join(" "))
        .sort();
      out.set(`${n} ${t}`, status === "NOERROR" ? data.join(",") : status);
    });
    return out;
  } finally {
    dir.cleanup();
  }
}
