// DNS answers and AXFR: updns (dist/updns) beside NSD, Knot and BIND serving the very same zone, one
// server at a time, in the same run. For each: q/s from dnsperf (-c 10 -q 100, EDNS on, 10% NXDOMAIN
// questions) in two rounds that alternate between the servers (each server's better round counts), server
// CPU per query from /proc of its process tree (the client shares the cores, so q/s alone would flatter
// whichever server leaves the client more CPU), latency percentiles, memory, then the time of a whole AXFR:
// the first one after start-up (nothing prepared, code not yet warm) and the best of five after the load.
//
//   npx bun bench/dns.ts [--hosts 10000] [--seconds 20] [--servers updns,nsd,knot,bind] [--axfr-only]
import { parseArgs } from "node:util";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addZone, dumpMasterFile, queryFile } from "./lib/zone.ts";
import { benchDir, PEER_LABEL, startPeer, startUpdns, type PeerKind, type Server } from "./lib/servers.ts";
import { cpuSeconds, memoryBytes } from "./lib/proc.ts";
import { dnsperf } from "./lib/dnsperf.ts";
import { axfr, type AxfrResult } from "./lib/axfr.ts";

export interface ServingRow {
  server: string;
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
  /** Best of the repeated transfers. */
  axfrSeconds: number;
  /** The first transfer after start-up. */
  axfrFirstSeconds: number;
  axfrMessages: number;
}

export interface ServingOptions {
  zone?: string;
  hosts: number;
  seconds: number;
  servers: (PeerKind | "updns")[];
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
}

/** Serve one zone of `hosts` hosts (A + AAAA each) from each server in turn and measure it. */
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
  const transfer = async (kind: string, server: Server) => {
    const a = await axfr(server.port, zone, rrs);
    if (a.records !== rrs + 1) throw new Error(`${kind} AXFR gave ${a.records} records, expected ${rrs + 1}`);
    return a;
  };
  const rows: ServingRow[] = [];
  const servers: { kind: (typeof o.servers)[number]; server: Server; first: AxfrResult | null }[] = [];
  try {
    // All servers run side by side (idle ones cost nothing) so the rounds below can alternate between them:
    // a shift in the shared machine's load then touches every server alike, not the one measured just then.
    for (const kind of o.servers) {
      const server = kind === "updns" ? await startUpdns({ dataDir: data, zone, logLevel: "warn" }) : await startPeer(kind, { zone, zoneFile });
      // Listed before its first transfer, so the finally below stops it even if that transfer fails.
      const entry: (typeof servers)[number] = { kind, server, first: null };
      servers.push(entry);
      // The first transfer right after start-up: nothing prepared yet, code not yet warm.
      entry.first = await transfer(kind, server);
    }
    type Run = { qps: number; completed: number; latencyMs: number; lost: number; sent: number; rcodes: string; cpu: number };
    const best = new Map<string, Run>();
    if (!o.axfrOnly) {
      for (const { server } of servers) await dnsperf({ port: server.port, queryFile: queries, seconds: 1 }); // warm-up: caches, lazily built answers, the JIT
      for (let round = 0; round < (o.rounds ?? 2); round++) {
        for (const { kind, server } of servers) {
          const cpu0 = cpuSeconds(server.pid);
          const r = await dnsperf({ port: server.port, queryFile: queries, seconds: o.seconds });
          const run = { ...r, cpu: cpuSeconds(server.pid) - cpu0 };
          log(`${PEER_LABEL[kind]} round ${round + 1}: ${r.qps.toFixed(0)} q/s, ${((run.cpu / Math.max(1, r.completed)) * 1e6).toFixed(1)} µs CPU/query`);
          const prev = best.get(kind);
          if (!prev || r.qps > prev.qps) best.set(kind, run);
        }
      }
    }
    for (const { kind, server, first } of servers) {
      const r = best.get(kind) ?? { qps: NaN, completed: 0, latencyMs: NaN, lost: 0, sent: 0, rcodes: "", cpu: NaN };
      const latency: { p50Ms?: number; p99Ms?: number } = o.axfrOnly ? {} : await dnsperf({ port: server.port, queryFile: queries, seconds: Math.min(3, o.seconds), latencies: true });
      const mem = memoryBytes(server.pid);
      // Let the tail of the query load drain before timing transfers.
      await Bun.sleep(200);
      let bestAxfr = first!;
      for (let i = 0; i < (o.axfrRuns ?? 5); i++) {
        const a = await transfer(kind, server);
        if (a.seconds < bestAxfr.seconds) bestAxfr = a;
      }
      const row: ServingRow = {
        server: PEER_LABEL[kind],
        qps: r.qps,
        cpuUsPerQuery: (r.cpu / Math.max(1, r.completed)) * 1e6,
        latencyMs: r.latencyMs,
        p50Ms: latency.p50Ms ?? NaN,
        p99Ms: latency.p99Ms ?? NaN,
        lostShare: r.lost / Math.max(1, r.sent),
        rcodes: r.rcodes,
        memoryBytes: mem,
        startup: server.startup,
        axfrSeconds: bestAxfr.seconds,
        axfrFirstSeconds: first!.seconds,
        axfrMessages: bestAxfr.messages,
      };
      rows.push(row);
      log(`${row.server}: ${row.qps.toFixed(0)} q/s, ${row.cpuUsPerQuery.toFixed(1)} µs CPU/query, AXFR ${row.axfrSeconds.toFixed(4)} s, first ${row.axfrFirstSeconds.toFixed(4)} s (${r.rcodes})`);
    }
  } finally {
    for (const { server } of servers) await server.stop();
    if (!process.env.BENCH_KEEP) rmSync(data, { recursive: true, force: true });
  }
  return { zone, rrs, rows };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { hosts: { type: "string", default: "10000" }, seconds: { type: "string", default: "20" }, servers: { type: "string", default: "updns,nsd,knot,bind" }, "axfr-only": { type: "boolean" } } });
  const res = await benchServing({ hosts: Number(values.hosts), seconds: Number(values.seconds), servers: values.servers!.split(",") as ServingOptions["servers"], axfrOnly: values["axfr-only"], log: console.log });
  console.table(res.rows);
}
