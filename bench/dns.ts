// DNS answers and AXFR: updns (dist/updns) beside NSD, Knot and BIND serving the very same zone, each in
// every configuration an operator might choose on the machine (1 and 2 workers: NSD server-count, Knot
// udp-workers, BIND -n, updns dns.threads), all in the same run. For each: q/s from dnsperf (-c 10 -q 100,
// EDNS on, 10% NXDOMAIN questions) in rounds that alternate between the servers (each one's better round
// counts), server CPU per query from /proc of its process tree (the client shares the cores, so q/s alone
// would flatter whichever server leaves the client more CPU), latency percentiles, memory, then the time of
// a whole AXFR: the first one after start-up (nothing prepared, code not yet warm) and the best of five
// after the load. The pinned run puts the server on CPU 0 and dnsperf on CPU 1 (taskset), one worker each:
// per-core efficiency with nothing shared. Last, the latency of updns and of NSD's best configuration at
// half of NSD's best q/s (dnsperf -Q), a load both can carry.
//
//   npx bun bench/dns.ts [--hosts 10000] [--seconds 20] [--servers updns,nsd,knot,bind] [--workers 1,2] [--axfr-only] [--no-pinned]
import { parseArgs } from "node:util";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addZone, dumpMasterFile, queryFile } from "./lib/zone.ts";
import { benchDir, PEER_LABEL, startPeer, startUpdns, type PeerKind, type Server } from "./lib/servers.ts";
import { cpuSeconds, memoryBytes } from "./lib/proc.ts";
import { dnsperf } from "./lib/dnsperf.ts";
import { axfr, warmAxfrClient, type AxfrResult } from "./lib/axfr.ts";
import { which } from "../tests/support/net.ts";

/** One way an operator may run a server on this machine: its program and how many workers it answers with. */
export interface ServerConfig {
  kind: PeerKind | "updns";
  /** NSD server-count, Knot udp-workers, BIND -n, updns dns.threads. */
  workers: number;
  /** Pinned run: the server on CPU 0, dnsperf on CPU 1 (per-core efficiency, nothing shared). */
  pinned?: boolean;
}

/** How each server's worker count is spelled in its own configuration. */
export const WORKERS_SETTING: Record<PeerKind | "updns", string> = { updns: "dns.threads", nsd: "server-count", knot: "udp-workers", bind: "-n" };

export const configLabel = (c: ServerConfig) => `${WORKERS_SETTING[c.kind]} ${c.workers}`;

export interface ServingRow {
  server: string;
  kind: PeerKind | "updns";
  workers: number;
  pinned: boolean;
  /** "server-count 2", "dns.threads 1", ... */
  config: string;
  qps: number;
  cpuUsPerQuery: number;
  latencyMs: number;
  /** Latency percentiles at the same load, from a short run of their own (dnsperf -v). */
  p50Ms: number;
  p99Ms: number;
  lostShare: number;
  rcodes: string;
  memoryBytes: number;
  startup: number;
  /** Best of the repeated transfers (NaN in the pinned run, which measures queries only). */
  axfrSeconds: number;
  /** The first transfer after start-up. */
  axfrFirstSeconds: number;
  axfrMessages: number;
}

/** p99 latency of updns and of NSD's best configuration, both at half the q/s NSD reached at its best. */
export interface HalfRateLatency {
  qps: number;
  nsd: { config: string; p50Ms: number; p99Ms: number };
  updns: { config: string; p50Ms: number; p99Ms: number };
}

export interface ServingOptions {
  zone?: string;
  hosts: number;
  seconds: number;
  servers: (PeerKind | "updns")[];
  /** Worker counts every peer runs with, one configuration each (default 1 and 2: this machine's cores). */
  workers?: number[];
  /** updns dns.threads values (absent: one row with updns's default). */
  updnsThreads?: number[];
  /** Also the pinned run: server on one core, dnsperf on the other, one worker each (needs 2 CPUs and taskset). */
  pinned?: boolean;
  /** AXFR repetitions (the best is kept: the transfer is short and the machine is shared). */
  axfrRuns?: number;
  /** Skip dnsperf: transfers only. */
  axfrOnly?: boolean;
  /** Query rounds over all servers in turn; each server's best round counts. Default 2. */
  rounds?: number;
  log?: (line: string) => void;
}

export interface ServingResult {
  zone: string;
  rrs: number;
  rows: ServingRow[];
  /** The pinned run's rows (empty when it was not asked for). */
  pinned: ServingRow[];
  halfRate?: HalfRateLatency;
}

/** The best row of one server program: the most q/s (NaN-free); undefined when it has none. */
export function bestRow(rows: ServingRow[], kind: ServingRow["kind"]): ServingRow | undefined {
  let best: ServingRow | undefined;
  for (const r of rows) if (r.kind === kind && Number.isFinite(r.qps) && (!best || r.qps > best.qps)) best = r;
  return best ?? rows.find((r) => r.kind === kind);
}

/** The least server CPU per query among one program's rows. */
export function leastCpu(rows: ServingRow[], kind: ServingRow["kind"]): number {
  return Math.min(...rows.filter((r) => r.kind === kind && Number.isFinite(r.cpuUsPerQuery)).map((r) => r.cpuUsPerQuery));
}

/** CPU 0 for the server, CPU 1 for the load generator: only with two CPUs and taskset. */
export function canPin(): boolean {
  return (navigator.hardwareConcurrency ?? 1) >= 2 && which("taskset") !== null;
}

type Entry = { cfg: ServerConfig; server: Server; first: AxfrResult | null };
type Run = { qps: number; completed: number; latencyMs: number; lost: number; sent: number; rcodes: string; cpu: number };

/** Serve one zone of `hosts` hosts (A + AAAA each) from each server configuration in turn and measure it. */
export async function benchServing(o: ServingOptions): Promise<ServingResult> {
  const zone = o.zone ?? "bench.test";
  const log = o.log ?? (() => {});
  const data = benchDir("data");
  const rrs = await addZone(data, { zone, hosts: o.hosts, transferAcl: "127.0.0.0/8" });
  const zoneFile = join(data, "zone.db");
  const dumped = await dumpMasterFile(data, zone, zoneFile);
  if (dumped !== rrs) throw new Error(`master file has ${dumped} RRs, expected ${rrs}`);
  const queries = join(data, "queries.txt");
  writeFileSync(queries, queryFile(zone, o.hosts));
  log(`zone ${zone}: ${rrs} RRs`);
  const transfer = async (label: string, server: Server) => {
    const a = await axfr(server.port, zone, rrs);
    if (a.records !== rrs + 1) throw new Error(`${label} AXFR gave ${a.records} records, expected ${rrs + 1}`);
    return a;
  };
  const workers = o.workers ?? [1, 2];
  const configs: ServerConfig[] = o.servers.flatMap((kind) => (kind === "updns" ? (o.updnsThreads ?? [1]) : workers).map((w) => ({ kind, workers: w })));
  const pinning = o.pinned && !o.axfrOnly && canPin();
  if (o.pinned && !o.axfrOnly && !pinning) log("pinned run skipped: it needs 2 CPUs and taskset");
  const pinnedConfigs: ServerConfig[] = pinning ? o.servers.filter((k) => k !== "bind").map((kind) => ({ kind, workers: 1, pinned: true })) : [];
  const name = (c: ServerConfig) => `${PEER_LABEL[c.kind]} ${configLabel(c)}${c.pinned ? " pinned" : ""}`;
  const entries: Entry[] = [];
  const start = (cfg: ServerConfig) => {
    const cpu = cfg.pinned ? "0" : undefined;
    return cfg.kind === "updns" ? startUpdns({ dataDir: data, zone, logLevel: "warn", threads: o.updnsThreads ? cfg.workers : undefined, cpu }) : startPeer(cfg.kind, { zone, zoneFile, workers: cfg.workers, cpu });
  };
  // The first server measured must not pay for the client's own first run.
  await warmAxfrClient();
  try {
    // All servers run side by side (idle ones cost nothing) so the rounds below can alternate between them:
    // a shift in the shared machine's load then touches every server alike, not the one measured just then.
    for (const cfg of [...configs, ...pinnedConfigs]) {
      const server = await start(cfg);
      // Listed before its first transfer, so the finally below stops it even if that transfer fails.
      const entry: Entry = { cfg, server, first: null };
      entries.push(entry);
      // The first transfer right after start-up: nothing prepared yet, code not yet warm.
      if (!cfg.pinned) entry.first = await transfer(name(cfg), server);
    }
    const best = new Map<Entry, Run>();
    const perf = (e: Entry, seconds: number, extra: Partial<Parameters<typeof dnsperf>[0]> = {}) =>
      dnsperf({ port: e.server.port, queryFile: queries, seconds, cpu: e.cfg.pinned ? "1" : undefined, ...extra });
    if (!o.axfrOnly) {
      for (const e of entries) await perf(e, 1); // warm-up: caches, lazily built answers, the JIT
      for (let round = 0; round < (o.rounds ?? 2); round++) {
        for (const e of entries) {
          const cpu0 = cpuSeconds(e.server.pid);
          const r = await perf(e, o.seconds);
          const run = { ...r, cpu: cpuSeconds(e.server.pid) - cpu0 };
          log(`${name(e.cfg)} round ${round + 1}: ${r.qps.toFixed(0)} q/s, ${((run.cpu / Math.max(1, r.completed)) * 1e6).toFixed(1)} µs CPU/query`);
          const prev = best.get(e);
          if (!prev || r.qps > prev.qps) best.set(e, run);
        }
      }
    }
    const rows: ServingRow[] = [];
    const pinned: ServingRow[] = [];
    for (const e of entries) {
      const { cfg, server, first } = e;
      const r = best.get(e) ?? { qps: NaN, completed: 0, latencyMs: NaN, lost: 0, sent: 0, rcodes: "", cpu: NaN };
      const latency: { p50Ms?: number; p99Ms?: number } = o.axfrOnly ? {} : await perf(e, Math.min(3, o.seconds), { latencies: true });
      const mem = memoryBytes(server.pid);
      let bestAxfr: AxfrResult | null = first;
      if (!cfg.pinned) {
        // Let the tail of the query load drain before timing transfers.
        await Bun.sleep(200);
        for (let i = 0; i < (o.axfrRuns ?? 5); i++) {
          const a = await transfer(name(cfg), server);
          if (!bestAxfr || a.seconds < bestAxfr.seconds) bestAxfr = a;
        }
      }
      const row: ServingRow = {
        server: PEER_LABEL[cfg.kind],
        kind: cfg.kind,
        workers: cfg.workers,
        pinned: !!cfg.pinned,
        config: configLabel(cfg),
        qps: r.qps,
        cpuUsPerQuery: (r.cpu / Math.max(1, r.completed)) * 1e6,
        latencyMs: r.latencyMs,
        p50Ms: latency.p50Ms ?? NaN,
        p99Ms: latency.p99Ms ?? NaN,
        lostShare: r.lost / Math.max(1, r.sent),
        rcodes: r.rcodes,
        memoryBytes: mem,
        startup: server.startup,
        axfrSeconds: bestAxfr?.seconds ?? NaN,
        axfrFirstSeconds: first?.seconds ?? NaN,
        axfrMessages: bestAxfr?.messages ?? 0,
      };
      (cfg.pinned ? pinned : rows).push(row);
      log(`${name(cfg)}: ${row.qps.toFixed(0)} q/s, ${row.cpuUsPerQuery.toFixed(1)} µs CPU/query, AXFR ${row.axfrSeconds.toFixed(4)} s, first ${row.axfrFirstSeconds.toFixed(4)} s (${r.rcodes})`);
    }
    // Latency under a load both can carry: half of what NSD answered at its best, updns's best beside it.
    let halfRate: HalfRateLatency | undefined;
    const nsdBest = bestRow(rows, "nsd");
    const usBest = bestRow(rows, "updns");
    if (!o.axfrOnly && nsdBest && usBest && Number.isFinite(nsdBest.qps)) {
      const qps = Math.max(100, Math.round(nsdBest.qps / 2));
      const at = async (row: ServingRow) => {
        const e = entries.find((x) => !x.cfg.pinned && x.cfg.kind === row.kind && x.cfg.workers === row.workers)!;
        const l = await perf(e, Math.min(3, o.seconds), { latencies: true, maxQps: qps });
        return { config: row.config, p50Ms: l.p50Ms ?? NaN, p99Ms: l.p99Ms ?? NaN };
      };
      halfRate = { qps, nsd: await at(nsdBest), updns: await at(usBest) };
      log(`at ${qps} q/s: NSD p99 ${halfRate.nsd.p99Ms.toFixed(2)} ms, updns p99 ${halfRate.updns.p99Ms.toFixed(2)} ms`);
    }
    return { zone, rrs, rows, pinned, halfRate };
  } finally {
    for (const { server } of entries) await server.stop();
    if (!process.env.BENCH_KEEP) rmSync(data, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { hosts: { type: "string", default: "10000" }, seconds: { type: "string", default: "20" }, servers: { type: "string", default: "updns,nsd,knot,bind" }, workers: { type: "string", default: "1,2" }, "axfr-only": { type: "boolean" }, "no-pinned": { type: "boolean" } } });
  const res = await benchServing({ hosts: Number(values.hosts), seconds: Number(values.seconds), servers: values.servers!.split(",") as ServingOptions["servers"], workers: values.workers!.split(",").map(Number), axfrOnly: values["axfr-only"], pinned: !values["no-pinned"], log: console.log });
  console.table([...res.rows, ...res.pinned]);
  if (res.halfRate) console.log(res.halfRate);
}
