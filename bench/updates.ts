// dyndns2 updates through HTTP against the built server (dist/updns serve, SQLite synchronous=FULL by
// default, the per-update log line on, as an operator runs it), driven by wrk on loopback:
//   change — every request carries a new address, so every request is a real DNS change (a zone commit
//            for an embedded zone, an RFC 2136 UPDATE to BIND for an rfc2136 zone);
//   nochg  — the address is already in DNS (the cheap path most router traffic takes);
//   signed — the change path on a second embedded zone with DNSSEC on (ECDSA P-256, NSEC3, a CSK): each
//            commit also signs the changed A set and the SOA (issue 10), so signed vs unsigned is the cost;
// at concurrency 1 and 16, with latency percentiles and the server's CPU per update from /proc. Also BIND's
// own ceiling for the same kind of change sent by nsupdate (16 processes in parallel), and the figures
// issue 6 measured for nsupdate.info on this machine, for the ratios.
//
//   npx bun bench/updates.ts [--seconds 5] [--hosts 64] [--synchronous FULL|NORMAL] [--no-rfc2136] [--no-signed]
import { parseArgs } from "node:util";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addRfc2136, addZone, hostA, signZone, UPDATE_SECRET } from "./lib/zone.ts";
import { benchDir, startPeer, startUpdns, type Server } from "./lib/servers.ts";
import { cpuSeconds } from "./lib/proc.ts";
import { wrkUpdates } from "./lib/wrk.ts";
import { which } from "../tests/support/net.ts";
import { dig } from "../tests/support/dig.ts";

/** Measured on this 2-core machine for issue 6 (Django, 4 gunicorn workers, SQLite, BIND primary). */
export const NSUPDATE_INFO = { change1: 100, change8: 118, change8p99: 260, nochg: 145, change1p50: 10 };

export interface UpdateRow {
  /** "signed": an embedded zone with DNSSEC on. */
  backend: "embedded" | "signed" | "rfc2136";
  path: "change" | "nochg";
  concurrency: number;
  requests: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** updns CPU (and BIND's, for rfc2136) per request, µs. */
  cpuUsPerUpdate: number;
  /** Requests whose answer was not the expected `good`/`nochg` (errors included). */
  unexpected: number;
}

export interface NsupdateCeiling {
  processes: number;
  updates: number;
  seconds: number;
  perSecond: number;
  failed: number;
  /** The first line nsupdate printed on stderr in a failed process. */
  failure?: string;
}

export interface UpdatesResult {
  hosts: number;
  synchronous: string;
  rows: UpdateRow[];
  nsupdate?: NsupdateCeiling;
}

export interface UpdatesOptions {
  seconds: number;
  hosts?: number;
  synchronous?: "FULL" | "NORMAL";
  rfc2136?: boolean;
  /** The change path on a DNSSEC-signed embedded zone too (default true). */
  signed?: boolean;
  /** Updates per nsupdate process for BIND's ceiling. */
  nsupdatePerProcess?: number;
  log?: (line: string) => void;
}

const EMBEDDED = "dyn.bench.test";
const RFC = "rfc.bench.test";
const SIGNED = "signed.bench.test";

/** BIND's own ceiling: `processes` nsupdate runs in parallel, each sending `each` UPDATEs one after another. */
async function nsupdateCeiling(bind: Server, key: { name: string; algorithm: string; secret: string }, processes: number, each: number, dir: string): Promise<NsupdateCeiling> {
  const bin = which("nsupdate");
  if (!bin) throw new Error("nsupdate is not installed (bench/setup.sh installs it)");
  const files: string[] = [];
  for (let p = 0; p < processes; p++) {
    const lines = [`server 127.0.0.1 ${bind.port}`, `zone ${RFC}`];
    for (let k = 0; k < each; k++) {
      const owner = `n${p}.${RFC}`;
      lines.push(`update delete ${owner} A`, `update add ${owner} 60 A 10.200.${p}.${(k % 254) + 1}`, "send");
    }
    const f = join(dir, `nsupdate-${p}.txt`);
    writeFileSync(f, lines.join("\n") + "\nquit\n");
    files.push(f);
  }
  const t0 = performance.now();
  const procs = files.map((f) => Bun.spawn([bin, "-y", `${key.algorithm}:${key.name}:${key.secret}`, f], { stdout: "pipe", stderr: "pipe" }));
  const guard = setTimeout(() => procs.forEach((p) => p.kill("SIGKILL")), 120_000);
  const codes = await Promise.all(procs.map((p) => p.exited));
  clearTimeout(guard);
  const seconds = (performance.now() - t0) / 1000;
  // nsupdate stops at its first failed send, and says nothing of the ones before: a failed process counts
  // for none of its UPDATEs (a lower bound of BIND's rate).
  const failedAt = codes.flatMap((c, i) => (c !== 0 ? [i] : []));
  const failure = failedAt.length ? (await new Response(procs[failedAt[0]].stderr).text()).trim().split("\n")[0] : undefined;
  const updates = (processes - failedAt.length) * each;
  return { processes, updates, seconds, perSecond: updates / seconds, failed: failedAt.length, failure };
}

export async function benchUpdates(o: UpdatesOptions): Promise<UpdatesResult> {
  const log = o.log ?? (() => {});
  const hostCount = o.hosts ?? 64;
  const synchronous = o.synchronous ?? "FULL";
  const data = benchDir("updates");
  const key = { name: "bench-key.rfc.bench.test", algorithm: "hmac-sha256", secret: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64") };
  let bind: Server | undefined;
  let updns: Server | undefined;
  const rows: UpdateRow[] = [];
  let ceiling: NsupdateCeiling | undefined;
  try {
    await addZone(data, { zone: EMBEDDED, hosts: hostCount, hostRows: true });
    if (o.signed !== false) {
      await addZone(data, { zone: SIGNED, hosts: hostCount, hostRows: true });
      await signZone(data, SIGNED);
    }
    if (o.rfc2136 !== false) {
      const zf = join(data, "rfc.zone");
      const lines = [`${RFC}. 3600 IN SOA ns1.${RFC}. hostmaster.${RFC}. 1 3600 600 86400 60`, `${RFC}. 3600 IN NS ns1.${RFC}.`, `ns1.${RFC}. 3600 IN A 192.0.2.1`];
      for (let i = 1; i <= hostCount; i++) lines.push(`h${i}.${RFC}. 60 IN A ${hostA(i)}`);
      writeFileSync(zf, lines.join("\n") + "\n");
      bind = await startPeer("bind", { zone: RFC, zoneFile: zf, updateKey: key });
      await addRfc2136(data, RFC, `127.0.0.1:${bind.port}`, key, hostCount);
    }
    updns = await startUpdns({ dataDir: data, zone: EMBEDDED, synchronous });
    const backends: UpdateRow["backend"][] = ["embedded", ...(o.signed !== false ? (["signed"] as const) : []), ...(o.rfc2136 !== false ? (["rfc2136"] as const) : [])];
    for (const backend of backends) {
      const zone = backend === "embedded" ? EMBEDDED : backend === "signed" ? SIGNED : RFC;
      const hosts = Array.from({ length: hostCount }, (_, k) => ({ fqdn: `h${k + 1}.${zone}`, address: hostA(k + 1) }));
      // nochg first: the hosts still hold the addresses the zone was made with. A nochg never reaches the
      // signer, so the signed zone runs the change path only.
      for (const path of backend === "signed" ? (["change"] as const) : (["nochg", "change"] as const)) {
        for (const concurrency of [1, 16]) {
          const pids = [updns.pid, ...(backend === "rfc2136" && bind ? [bind.pid] : [])];
          const cpu0 = pids.reduce((s, p) => s + cpuSeconds(p), 0);
          const r = await wrkUpdates({ url: `http://${updns.http}`, hosts, secret: UPDATE_SECRET, mode: path, connections: concurrency, seconds: o.seconds, dir: data });
          const cpu = pids.reduce((s, p) => s + cpuSeconds(p), 0) - cpu0;
          const expected = `200 ${path === "change" ? "good" : "nochg"}`;
          const unexpected = r.requests - (r.answers[expected] ?? 0) + r.errors;
          const row: UpdateRow = { backend, path, concurrency, requests: r.requests, perSecond: r.perSecond, p50: r.p50, p90: r.p90, p99: r.p99, max: r.max, cpuUsPerUpdate: (cpu / Math.max(1, r.requests)) * 1e6, unexpected };
          rows.push(row);
          if (backend === "signed") {
            // The figures only count if the server really signed: the changed host's A comes with its RRSIG.
            const a = await dig("127.0.0.1", updns.port, hosts[0].fqdn, "A", ["+dnssec"]);
            if (!a.answer.some((l) => l.split(" ")[3] === "RRSIG")) throw new Error(`${SIGNED} answered without RRSIG after the signed run: ${a.raw}`);
          }
          log(`${backend} ${path} c${concurrency}: ${r.perSecond.toFixed(0)}/s p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms, ${row.cpuUsPerUpdate.toFixed(0)} µs CPU each, unexpected ${unexpected} ${unexpected ? JSON.stringify(r.answers) : ""}`);
        }
      }
    }
    if (bind) {
      ceiling = await nsupdateCeiling(bind, key, 16, o.nsupdatePerProcess ?? 200, data);
      log(`BIND via nsupdate x${ceiling.processes}: ${ceiling.perSecond.toFixed(0)} updates/s (${ceiling.failed} failed processes${ceiling.failure ? `: ${ceiling.failure}` : ""})`);
    }
  } finally {
    await updns?.stop();
    await bind?.stop();
    if (!process.env.BENCH_KEEP) rmSync(data, { recursive: true, force: true });
  }
  return { hosts: hostCount, synchronous, rows, nsupdate: ceiling };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { seconds: { type: "string", default: "5" }, hosts: { type: "string", default: "64" }, synchronous: { type: "string", default: "FULL" }, "no-rfc2136": { type: "boolean" }, "no-signed": { type: "boolean" } },
  });
  const r = await benchUpdates({ seconds: Number(values.seconds), hosts: Number(values.hosts), synchronous: values.synchronous as "FULL" | "NORMAL", rfc2136: !values["no-rfc2136"], signed: !values["no-signed"], log: console.log });
  console.table(r.rows);
}
