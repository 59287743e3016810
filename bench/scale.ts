// The million-host case: one embedded zone with N hosts (A + AAAA each, and a dyndns2 account each).
// Figures: the bulk load into SQLite, start-up of `dist/updns serve` until the zone answers, its memory,
// update latency at that size (wrk, changes spread over the whole zone), and q/s against NSD on the same
// zone in the same run, and a whole AXFR of the zone against Knot. N is an argument so CI-sized runs stay quick.
//
//   npx bun bench/scale.ts [--hosts 1000000] [--seconds 10] [--no-peer]
import { parseArgs } from "node:util";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addZone, dumpMasterFile, hostA, queryFile, UPDATE_SECRET } from "./lib/zone.ts";
import { benchDir, startPeer, startUpdns, type Server } from "./lib/servers.ts";
import { cpuSeconds, memoryBytes, peakRss } from "./lib/proc.ts";
import { dnsperf } from "./lib/dnsperf.ts";
import { wrkUpdates } from "./lib/wrk.ts";
import { axfr } from "./lib/axfr.ts";

export interface ScaleResult {
  hosts: number;
  rrs: number;
  loadSeconds: number;
  startupSeconds: number;
  memoryBytes: number;
  peakRssBytes: number;
  update: { concurrency: number; perSecond: number; p50: number; p99: number; unexpected: number }[];
  dns: { server: string; qps: number; cpuUsPerQuery: number; startupSeconds: number; memoryBytes: number }[];
  /** Best of three whole transfers of the zone, seconds: updns and Knot (absent without peers). */
  axfr?: { updns: number; knot: number };
}

export interface ScaleOptions {
  hosts: number;
  seconds: number;
  peer?: boolean;
  /** Query rounds alternating between updns and NSD; each one's best counts. Default 2. */
  rounds?: number;
  log?: (line: string) => void;
}

const ZONE = "big.bench.test";

export async function benchScale(o: ScaleOptions): Promise<ScaleResult> {
  const log = o.log ?? (() => {});
  const data = benchDir("scale");
  let updns: Server | undefined;
  let nsd: Server | undefined;
  let knot: Server | undefined;
  try {
    const t0 = performance.now();
    const rrs = await addZone(data, { zone: ZONE, hosts: o.hosts, hostRows: true, transferAcl: "127.0.0.0/8" });
    const loadSeconds = (performance.now() - t0) / 1000;
    log(`scale: ${o.hosts} hosts (${rrs} RRs) loaded into SQLite in ${loadSeconds.toFixed(1)} s`);
    const queries = join(data, "queries.txt");
    writeFileSync(queries, queryFile(ZONE, o.hosts, 50_000));

    updns = await startUpdns({ dataDir: data, zone: ZONE, logLevel: "warn", timeoutMs: 300_000 });
    const startupSeconds = updns.startup;
    const memory = memoryBytes(updns.pid);
    log(`scale: updns up in ${startupSeconds.toFixed(2)} s, ${(memory / 2 ** 20).toFixed(0)} MiB`);

    // NSD beside it on the same zone, both running, so the query rounds can alternate between them (a shift
    // in the shared machine's load then touches both alike); each server's better round counts.
    if (o.peer !== false) {
      const zoneFile = join(data, "zone.db");
      await dumpMasterFile(data, ZONE, zoneFile);
      nsd = await startPeer("nsd", { zone: ZONE, zoneFile, timeoutMs: 600_000 });
    }
    const servers = [{ s: updns, label: "updns" }, ...(nsd ? [{ s: nsd, label: "NSD" }] : [])];
    const best = new Map<string, ScaleResult["dns"][number]>();
    for (const { s } of servers) await dnsperf({ port: s.port, queryFile: queries, seconds: 1 }); // warm-up
    for (let round = 0; round < (o.rounds ?? 2); round++) {
      for (const { s, label } of servers) {
        const c0 = cpuSeconds(s.pid);
        const r = await dnsperf({ port: s.port, queryFile: queries, seconds: o.seconds });
        const cpu = cpuSeconds(s.pid) - c0;
        const row = { server: label, qps: r.qps, cpuUsPerQuery: (cpu / Math.max(1, r.completed)) * 1e6, startupSeconds: s.startup, memoryBytes: memoryBytes(s.pid) };
        log(`scale: ${label} round ${round + 1}: ${r.qps.toFixed(0)} q/s, ${row.cpuUsPerQuery.toFixed(1)} µs CPU/query`);
        const prev = best.get(label);
        if (!prev || row.qps > prev.qps) best.set(label, row);
      }
    }
    const dns = [...best.values()];
    await nsd?.stop();
    nsd = undefined;

    // The whole zone by AXFR, updns beside Knot (the fastest transferring peer) on the same zone.
    let transfers: ScaleResult["axfr"];
    if (o.peer !== false) {
      knot = await startPeer("knot", { zone: ZONE, zoneFile: join(data, "zone.db"), workers: 1, timeoutMs: 600_000 });
      const bestOf3 = async (s: Server) => {
        let t = Infinity;
        for (let i = 0; i < 3; i++) {
          const a = await axfr(s.port, ZONE, rrs, 300_000);
          if (a.records !== rrs + 1) throw new Error(`AXFR gave ${a.records} records, expected ${rrs + 1}`);
          t = Math.min(t, a.seconds);
        }
        return t;
      };
      transfers = { updns: await bestOf3(updns), knot: await bestOf3(knot) };
      log(`scale: AXFR updns ${transfers.updns.toFixed(2)} s, Knot ${transfers.knot.toFixed(2)} s`);
      await knot.stop();
      knot = undefined;
    }

    // Updates spread over the whole zone: 1,000 hosts from one end to the other.
    const step = Math.max(1, Math.floor(o.hosts / 1000));
    const hosts: { fqdn: string; address: string }[] = [];
    for (let i = 1; i <= o.hosts && hosts.length < 1000; i += step) hosts.push({ fqdn: `h${i}.${ZONE}`, address: hostA(i) });
    const update: ScaleResult["update"] = [];
    for (const c of [1, 16]) {
      const r = await wrkUpdates({ url: `http://${updns.http}`, hosts, secret: UPDATE_SECRET, mode: "change", connections: c, seconds: o.seconds, dir: data });
      const unexpected = r.requests - (r.answers["200 good"] ?? 0) + r.errors;
      update.push({ concurrency: c, perSecond: r.perSecond, p50: r.p50, p99: r.p99, unexpected });
      log(`scale: updates c${c} ${r.perSecond.toFixed(0)}/s p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms, unexpected ${unexpected} ${unexpected ? JSON.stringify(r.answers) : ""}`);
    }
    const peak = peakRss(updns.pid);
    await updns.stop();
    updns = undefined;
    return { hosts: o.hosts, rrs, loadSeconds, startupSeconds, memoryBytes: memory, peakRssBytes: peak, update, dns, axfr: transfers };
  } finally {
    await updns?.stop();
    await nsd?.stop();
    await knot?.stop();
    if (!process.env.BENCH_KEEP) rmSync(data, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { hosts: { type: "string", default: "1000000" }, seconds: { type: "string", default: "10" }, "no-peer": { type: "boolean" } } });
  const r = await benchScale({ hosts: Number(values.hosts), seconds: Number(values.seconds), peer: !values["no-peer"], log: console.log });
  console.log(JSON.stringify(r, null, 2));
}
