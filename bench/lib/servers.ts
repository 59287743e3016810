// The servers a benchmark runs, each in the foreground on its own free loopback port with a temp config:
// updns (the built binary dist/updns, exactly what an operator runs), NSD, Knot and BIND as primaries of a
// master file, with response rate limiting off (Debian's NSD limits to 200 q/s per /24 by default, which
// would measure the limiter, not the server). Output goes to a log file in the server's folder.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, which } from "../../tests/support/net.ts";
import { nsdServerClause, stopProcess, waitForZone } from "../../tests/support/daemon.ts";

/** UPDNS_BENCH_BINARY runs another build (a base for an A/B comparison) with the same bench code. */
export const UPDNS_BINARY = process.env.UPDNS_BENCH_BINARY || join(import.meta.dir, "../../dist/updns");

export type PeerKind = "nsd" | "knot" | "bind";
export const PEER_PROGRAMS: Record<PeerKind, string> = { nsd: "nsd", knot: "knotd", bind: "named" };
export const PEER_LABEL: Record<PeerKind | "updns", string> = { updns: "updns", nsd: "NSD", knot: "Knot", bind: "BIND" };

export interface Server {
  kind: PeerKind | "updns";
  pid: number;
  port: number;
  /** updns only: the HTTP address ("127.0.0.1:PORT"). */
  http?: string;
  /** Seconds from spawn until the zone answered with AA. */
  startup: number;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

export function benchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `updns-bench-${prefix}-`));
}

export function programVersion(kind: PeerKind | "updns"): string {
  const cmd: Record<PeerKind | "updns", string[]> = { updns: [UPDNS_BINARY, "--version"], nsd: ["nsd", "-v"], knot: ["knotd", "-V"], bind: ["named", "-v"] };
  try {
    const r = Bun.spawnSync(cmd[kind].map((c, i) => (i === 0 ? (which(c) ?? c) : c)), { stdout: "pipe", stderr: "pipe" });
    const text = new TextDecoder().decode(r.stdout) + new TextDecoder().decode(r.stderr);
    const v = text.match(/\d+\.\d+\.\d+/)?.[0] ?? "?";
    return `${PEER_LABEL[kind]} ${v}`;
  } catch {
    return "?";
  }
}

async function launch(kind: Server["kind"], cmd: string[], dir: string, port: number, zone: string, env?: Record<string, string>, timeoutMs = 120_000, http?: string, ownsDir = true): Promise<Server> {
  const logPath = join(dir, "server.log");
  const t0 = performance.now();
  const proc = Bun.spawn(cmd, { cwd: dir, stdout: Bun.file(logPath), stderr: Bun.file(join(dir, "server.err")), env: env ?? (process.env as Record<string, string>) });
  const log = () => ["server.log", "server.err"].map((f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : "")).join("");
  const stop = async () => {
    await stopProcess(proc, 5000);
    if (ownsDir && !process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForZone(kind, proc, log, port, zone, timeoutMs, 25);
  } catch (e) {
    const text = log();
    await stop();
    throw new Error(`${(e as Error).message}\n--- ${kind} output ---\n${text.slice(-3000)}`);
  }
  return { kind, pid: proc.pid, port, http, startup: (performance.now() - t0) / 1000, dir, log, stop };
}

export interface UpdnsOptions {
  /** The data dir holding updns.sqlite3 (prepared with lib/zone.ts). */
  dataDir: string;
  /** A zone to wait for. */
  zone: string;
  synchronous?: "FULL" | "NORMAL";
  logLevel?: string;
  timeoutMs?: number;
  /** dns.threads (absent: updns's default, the number of cores). */
  threads?: number;
  /** Run on these CPUs only (taskset -c), for the pinned run. */
  cpu?: string;
}

/** `cmd` run on the CPUs `cpu` (taskset execs it, so the pid is the server's own). */
export function pinned(cmd: string[], cpu: string | undefined): string[] {
  return cpu === undefined ? cmd : [which("taskset") ?? "taskset", "-c", cpu, ...cmd];
}

/** `dist/updns serve` on free loopback ports for DNS and HTTP. */
export async function startUpdns(o: UpdnsOptions): Promise<Server> {
  if (!existsSync(UPDNS_BINARY)) throw new Error(`${UPDNS_BINARY} is missing: run "npm run build" first`);
  const port = await freePort();
  const hport = await freePort();
  const http = `127.0.0.1:${hport}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    UPDNS_SERVER_DATA_DIR: o.dataDir,
    UPDNS_DNS_LISTEN: `127.0.0.1:${port}`,
    UPDNS_HTTP_LISTEN: http,
    UPDNS_SERVER_SYNCHRONOUS: o.synchronous ?? "FULL",
    UPDNS_LOG_LEVEL: o.logLevel ?? "info",
  };
  if (o.threads !== undefined) env.UPDNS_DNS_THREADS = String(o.threads);
  // The data dir is the caller's (it may serve several runs): stop() leaves it.
  const server = await launch("updns", pinned([UPDNS_BINARY, "serve"], o.cpu), o.dataDir, port, o.zone, env, o.timeoutMs, http, false);
  // DNS answers before the DNS threads and the HTTP listener are up: the caller may start with either.
  const deadline = performance.now() + (o.timeoutMs ?? 120_000);
  for (;;) {
    try {
      await fetch(`http://${http}/healthz`);
      break;
    } catch (e) {
      if (performance.now() > deadline) {
        await server.stop();
        throw new Error(`updns HTTP on ${http} did not come up: ${(e as Error).message}`);
      }
      await Bun.sleep(25);
    }
  }
  return server;
}

export interface PeerOptions {
  zone: string;
  /** The master file (absolute names). */
  zoneFile: string;
  /** Worker processes/threads (default 2, one per core of the reference machine). */
  workers?: number;
  /** Run on these CPUs only (taskset -c), for the pinned run. */
  cpu?: string;
  /** BIND only: a TSIG key allowed to UPDATE the zone. */
  updateKey?: { name: string; algorithm: string; secret: string };
  timeoutMs?: number;
}

/** NSD, Knot or BIND as the primary of `zoneFile`, AXFR open to loopback, no RRL, no NOTIFY. */
export async function startPeer(kind: PeerKind, o: PeerOptions): Promise<Server> {
  const bin = which(PEER_PROGRAMS[kind]);
  if (!bin) throw new Error(`${PEER_PROGRAMS[kind]} is not installed (bench/setup.sh installs it)`);
  const dir = benchDir(kind);
  const port = await freePort();
  const workers = o.workers ?? 2;
  const conf = join(dir, `${kind}.conf`);
  let cmd: string[];
  if (kind === "nsd") {
    writeFileSync(
      conf,
      `${nsdServerClause(dir, port)}  verbosity: 1
  server-count: ${workers}
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: "${o.zone}"
  zonefile: "${o.zoneFile}"
  provide-xfr: 127.0.0.0/8 NOKEY
`,
    );
    cmd = [bin, "-d", "-c", conf];
  } else if (kind === "knot") {
    writeFileSync(
      conf,
      `server:
  listen: 127.0.0.1@${port}
  rundir: "${dir}"
  user: root:root
  udp-workers: ${workers}
  tcp-workers: ${workers}
  background-workers: 1
control:
  listen: "${dir}/knot.sock"
log:
  - target: stderr
    any: warning
database:
  storage: "${dir}"
acl:
  - id: xfr
    address: 127.0.0.0/8
    action: transfer
zone:
  - domain: ${o.zone}
    storage: "${dir}"
    file: "${o.zoneFile}"
    zonefile-sync: -1
    journal-content: none
    acl: [xfr]
`,
    );
    cmd = [bin, "-c", conf];
  } else {
    const k = o.updateKey;
    // An updatable zone gets its journal beside the zone file: give BIND its own copy in its folder.
    const file = k ? join(dir, "zone.db") : o.zoneFile;
    if (k) writeFileSync(file, readFileSync(o.zoneFile));
    writeFileSync(
      conf,
      `options {
  directory "${dir}";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  managed-keys-directory "${dir}";
  recursion no;
  notify no;
  dnssec-validation no;
  allow-transfer { 127.0.0.0/8; };
};
controls { };
${k ? `key "${k.name}" { algorithm ${k.algorithm}; secret "${k.secret}"; };` : ""}
zone "${o.zone}" {
  type primary;
  file "${file}";
  ${k ? `update-policy { grant "${k.name}" subdomain ${o.zone}. ANY; };` : ""}
};
`,
    );
    // BIND writes its journal beside the zone file: keep both in its folder.
    cmd = [bin, "-g", "-c", conf, "-p", String(port), "-n", String(workers)];
  }
  return launch(kind, pinned(cmd, o.cpu), dir, port, o.zone, undefined, o.timeoutMs);
}

/**
 * NSD as a secondary of `zone` pulling from updns at 127.0.0.1@primaryPort (NOTIFY accepted from loopback),
 * on `port`. It reloads as soon as a transfer lands (xfrd-reload-timeout 0; NSD's default waits a second).
 */
export async function startNsdSecondary(zone: string, port: number, primaryPort: number): Promise<Server> {
  const bin = which("nsd");
  if (!bin) throw new Error("nsd is not installed (bench/setup.sh installs it)");
  const dir = benchDir("nsd-secondary");
  const conf = join(dir, "nsd.conf");
  writeFileSync(
    conf,
    `${nsdServerClause(dir, port)}  verbosity: 1
  server-count: 1
  rrl-ratelimit: 0
  xfrd-reload-timeout: 0
remote-control:
  control-enable: no
zone:
  name: "${zone}"
  zonefile: "${zone}.zone"
  request-xfr: 127.0.0.1@${primaryPort} NOKEY
  allow-notify: 127.0.0.1 NOKEY
`,
  );
  return launch("nsd", [bin, "-d", "-c", conf], dir, port, zone, undefined, 30_000);
}
