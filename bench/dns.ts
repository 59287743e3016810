// DNS answers and AXFR: updns (dist/updns) beside NSD, Knot and BIND serving the very same zone, one
// server at a time, in the same run. For each: q/s from dnsperf (-c 10 -q 100, EDNS on, 10% NXDOMAIN
// questions), server CPU per query from /proc of its process tree (the client shares the cores, so q/s
// alone would flatter whichever server leaves the client more CPU), memory, then the time of a whole AXFR:
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
import { axfr } from "./lib/axfr.ts";

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
  const rows: ServingRow[] = [];
  try {
    for (const kind of o.servers) {
      let server: Server | undefined;
      try {
        server = kind === "updns" ? await startUpdns({ dataDir: data, zone, logLevel: "warn" }) : await startPeer(kind, { zone, zoneFile });
        const transfer = async () => {
          const a = await axfr(server!.port, zone, rrs);
          if (a.records !== rrs + 1) throw new Error(`${kind} AXFR gave ${a.records} records, expected ${rrs + 1}`);
          return a;
        };
        const first = await transfer();
        let r = { qps: NaN, completed: 0, latencyMs: NaN, lost: 0, sent: 0, rcodes: "" };
        let cpu = NaN;
        let latency: { p50Ms?: number; p99Ms?: number } = {};
        if (!o.axfrOnly) {
          // Warm-up: caches, lazily built answers, the JIT.
          await dnsperf({ port: server.port, queryFile: queries, seconds: 1 });
          const cpu0 = cpuSeconds(server.pid);
          r = await dnsperf({ port: server.port, queryFile: queries, seconds: o.seconds });
          cpu = cpuSeconds(server.pid) - cpu0;
          latency = await dnsperf({ port: server.port, queryFile: queries, seconds: Math.min(3, o.seconds), latencies: true });
        }
        const mem = memoryBytes(server.pid);
        // Let the tail of the query load drain before timing transfers.
        await Bun.sleep(200);
        let best = first;
        for (let i = 0; i < (o.axfrRuns ?? 5); i++) {
          const a = await transfer();
          if (a.seconds < best.seconds) best = a;
        }
        const row: ServingRow = {
          server: PEER_LABEL[kind],
          qps: r.qps,
          cpuUsPerQuery: (cpu / Math.max(1, r.completed)) * 1e6,
          latencyMs: r.latencyMs,
          p50Ms: latency.p50Ms ?? NaN,
          p99Ms: latency.p99Ms ?? NaN,
          lostShare: r.lost / Math.max(1, r.sent),
          rcodes: r.rcodes,
          memoryBytes: mem,
          startup: server.startup,
          axfrSeconds: best.seconds,
          axfrFirstSeconds: first.seconds,
          axfrMessages: best.messages,
        };
        rows.push(row);
        log(`${row.server}: ${row.qps.toFixed(0)} q/s, ${row.cpuUsPerQuery.toFixed(1)} µs CPU/query, AXFR ${row.axfrSeconds.toFixed(4)} s, first ${row.axfrFirstSeconds.toFixed(4)} s (${r.rcodes})`);
      } finally {
        await server?.stop();
      }
    }
  } finally {
    if (!process.env.BENCH_KEEP) rmSync(data, { recursive: true, force: true });
  }
  return { zone, rrs, rows };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { hosts: { type: "string", default: "10000" }, seconds: { type: "string", default: "20" }, servers: { type: "string", default: "updns,nsd,knot,bind" }, "axfr-only": { type: "boolean" } } });
  const res = await benchServing({ hosts: Number(values.hosts), seconds: Number(values.seconds), servers: values.servers!.split(",") as ServingOptions["servers"], axfrOnly: values["axfr-only"], log: console.log });
  console.table(res.rows);
}
