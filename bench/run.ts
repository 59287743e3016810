// Runs every benchmark in one go and prints the figures, the ratios against each peer's best configuration
// measured in the same run, and the targets with met / not met, as markdown the README can carry. Load goes to loopback only;
// every run is bounded in time. Peers come from Debian (bench/setup.sh).
//
//   npm run bench                       full run (~20 min: 20 s per DNS server configuration and round, 1,000,000 hosts)
//   npm run bench -- --quick            everything small (< 2 min)
//   npm run bench -- --only dns,axfr,updates,propagation,scale  --seconds N  --hosts N  --zone-hosts N  --out FILE
//   npm run bench -- --runs 3          three full runs one after another, then the spread of every target
//   (dns includes the AXFR figures; axfr alone skips the query load)
import { parseArgs } from "node:util";
import { cpus, loadavg, release } from "node:os";
import { appendFileSync, writeFileSync } from "node:fs";
import { benchServing, type ServingResult } from "./dns.ts";
import { benchUpdates, NSUPDATE_INFO, type UpdatesResult } from "./updates.ts";
import { benchScale, type ScaleResult } from "./scale.ts";
import { benchPropagation, type PropagationResult } from "./propagation.ts";
import { programVersion } from "./lib/servers.ts";
import { spread, table, type RunResult, type Target } from "./lib/targets.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean" },
    only: { type: "string" },
    seconds: { type: "string" },
    hosts: { type: "string" },
    "zone-hosts": { type: "string" },
    out: { type: "string" },
    synchronous: { type: "string", default: "FULL" },
    quiet: { type: "boolean" },
    runs: { type: "string", default: "1" },
  },
});
const quick = Boolean(values.quick);
const only = new Set((values.only ?? "dns,updates,propagation,scale").split(",").map((s) => s.trim()));
const dnsSeconds = Number(values.seconds ?? (quick ? 3 : 20));
const updSeconds = Number(values.seconds ?? (quick ? 2 : 10));
const scaleHosts = Number(values.hosts ?? (quick ? 20_000 : 1_000_000));
// 10,000 hosts = 20,006 RRs, the zone issue 6's anchors were measured on.
const zoneHosts = Number(values["zone-hosts"] ?? 10_000);
const progress = (line: string) => {
  if (!values.quiet) console.error(`  ${line}`);
};

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "—");
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "—");
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "—");
const f3 = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : "—");
const mib = (b: number) => f0(b / 2 ** 20);
const ratio = (a: number, b: number | undefined) => (b && Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}×` : "—");
const zoneLabel = (b: string) => (b === "signed" ? "embedded, DNSSEC" : b);
const mark = (ok: boolean | undefined) => (ok === undefined ? "—" : ok ? "met" : "not met");

/** One full pass over the benchmarks: the markdown, and each target with its figure for the spread. */
async function benchOnce(): Promise<RunResult> {
  const started = new Date();
  const load = loadavg()[0];
  let serving: ServingResult | undefined;
  let updates: UpdatesResult | undefined;
  let scale: ScaleResult | undefined;
  let propagation: PropagationResult | undefined;
  const failures: string[] = [];

  async function step<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
    progress(`${name}…`);
    try {
      return await fn();
    } catch (e) {
      // One benchmark failing (a missing peer, a port race) must not hide the others' figures.
      failures.push(`${name}: ${(e as Error).message.split("\n")[0]}`);
      progress(`${name} failed: ${(e as Error).message}`);
      return undefined;
    }
  }

  if (only.has("dns") || only.has("axfr"))
    serving = await step(only.has("dns") ? "DNS answers and AXFR" : "AXFR", () => benchServing({ hosts: zoneHosts, seconds: dnsSeconds, servers: ["updns", "nsd", "knot", "bind"], updnsThreads: [1, 2], axfrOnly: !only.has("dns"), pinned: true, rounds: quick ? 1 : 2, log: progress }));
  if (only.has("updates")) updates = await step("dyndns2 updates", () => benchUpdates({ seconds: updSeconds, synchronous: values.synchronous as "FULL" | "NORMAL", nsupdatePerProcess: quick ? 50 : 200, log: progress }));
  if (only.has("propagation")) propagation = await step("update → NSD secondary", () => benchPropagation({ samples: quick ? 50 : 1000, log: progress }));
  if (only.has("scale")) scale = await step(`${scaleHosts.toLocaleString("en-US")} hosts`, () => benchScale({ hosts: scaleHosts, seconds: Number(values.seconds ?? (quick ? 2 : 10)), rounds: quick ? 1 : 2, log: progress }));

  const out: string[] = [];
  const cpu = cpus()[0]?.model ?? "?";
  out.push(`## Performance${quick ? " (quick run: small sizes, short runs)" : ""}`);
  out.push("");
  out.push(
    `Measured ${started.toISOString().slice(0, 16).replace("T", " ")} UTC by \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\` on ${cpus().length} × ${cpu}, Linux ${release()}, ` +
      `load average ${load.toFixed(2)} at the start (the machine is shared: compare within a run, not across runs). ` +
      `Servers: ${programVersion("updns")}, ${programVersion("nsd")}, ${programVersion("knot")}, ${programVersion("bind")}, bun ${Bun.version}. ` +
      `All on loopback; the load generators (dnsperf, wrk) share the cores with the server, so CPU time per query or update ` +
      `is read from /proc for the server's process tree.`,
  );

  const rows = serving?.rows ?? [];
  const pinnedRows = serving?.pinned ?? [];
  // Every ratio is taken against the peer's best row of this run: the most q/s, the least CPU per query, the
  // fastest transfer, whichever of its configurations gave it.
  const maxOf = (xs: number[]) => (xs.filter(Number.isFinite).length ? Math.max(...xs.filter(Number.isFinite)) : NaN);
  const minOf = (xs: number[]) => (xs.filter(Number.isFinite).length ? Math.min(...xs.filter(Number.isFinite)) : NaN);
  const bestOf = (rs: typeof rows, kinds: string[], f: (r: (typeof rows)[number]) => number, pick: (xs: number[]) => number) => pick(rs.filter((r) => kinds.includes(r.kind)).map(f));
  const nsdQps = bestOf(rows, ["nsd"], (r) => r.qps, maxOf);
  const knotQps = bestOf(rows, ["knot"], (r) => r.qps, maxOf);
  const nsdCpu = bestOf(rows, ["nsd"], (r) => r.cpuUsPerQuery, minOf);
  const knotCpu = bestOf(rows, ["knot"], (r) => r.cpuUsPerQuery, minOf);
  const knotAxfr = bestOf(rows, ["knot"], (r) => r.axfrSeconds, minOf);
  const knotAxfrFirst = bestOf(rows, ["knot"], (r) => r.axfrFirstSeconds, minOf);
  const withWorkers = (r: (typeof rows)[number]) => r.config;
  if (serving) {
    out.push("");
    const axfrOnly = !only.has("dns");
    out.push(`### ${axfrOnly ? "AXFR" : "DNS answers and AXFR"} — zone of ${f0(serving.rrs)} RRs`);
    out.push("");
    if (!axfrOnly)
      out.push(
        `dnsperf -c 10 -q 100 -e, ${dnsSeconds} s per server and round, questions: A and AAAA of random hosts and 10% names that do not exist (NXDOMAIN with SOA). RRL off on every peer. ` +
          `Each server runs in every configuration an operator might choose on this ${cpus().length}-core machine: 1 and 2 workers (NSD server-count, Knot udp-workers, BIND -n, updns dns.threads); ` +
          `the load generator needs a core too, so more workers is not always faster. All run side by side; ${quick ? "one round" : "rounds alternate between them and each one's better round counts (q/s, and the CPU per query of that round)"}. ` +
          `Every ratio is against the peer's best row of this run (its most q/s, its least CPU per query, its fastest transfer). ` +
          `Latency percentiles come from a ${Math.min(3, dnsSeconds)} s run of their own at the same load with dnsperf -v (every answer listed, which slows the client: its q/s are not counted).`,
      );
    out.push(
      `AXFR: whole transfers with a minimal client (it counts records from the headers and decodes only the last message); "first" is the first transfer after start-up (the client has warmed up on a canned transfer of its own; updns builds the loaded version's messages in the background right after start-up and keeps them for that version), "best" the best of five after ${axfrOnly ? "it" : "the query load"}.`,
    );
    out.push("");
    const ms = (s: number) => (Number.isFinite(s) ? (s * 1000).toFixed(1) : "—");
    out.push(
      axfrOnly
        ? table(
            ["server", "configuration", "AXFR ms, first", "AXFR ms, best", "first vs Knot's best", "best vs Knot's best"],
            rows.map((r) => [r.server, withWorkers(r), ms(r.axfrFirstSeconds), ms(r.axfrSeconds), ratio(r.axfrFirstSeconds, knotAxfrFirst), ratio(r.axfrSeconds, knotAxfr)]),
          )
        : table(
            ["server", "configuration", "q/s", "server CPU µs/query", "latency ms: mean / p50 / p99", "memory MiB", "start-up s", "AXFR ms, first", "AXFR ms, best", "q/s vs NSD's best", "q/s vs Knot's best", "CPU/query vs NSD's best", "CPU/query vs Knot's best", "AXFR first / best vs Knot's best"],
            rows.map((r) => [
              r.server,
              withWorkers(r),
              f0(r.qps),
              f1(r.cpuUsPerQuery),
              `${f2(r.latencyMs)} / ${f2(r.p50Ms)} / ${f2(r.p99Ms)}`,
              mib(r.memoryBytes),
              f2(r.startup),
              ms(r.axfrFirstSeconds),
              ms(r.axfrSeconds),
              ratio(r.qps, nsdQps),
              ratio(r.qps, knotQps),
              ratio(r.cpuUsPerQuery, nsdCpu),
              ratio(r.cpuUsPerQuery, knotCpu),
              `${ratio(r.axfrFirstSeconds, knotAxfrFirst)} / ${ratio(r.axfrSeconds, knotAxfr)}`,
            ]),
          ),
    );
    if (pinnedRows.length) {
      const pNsd = bestOf(pinnedRows, ["nsd"], (r) => r.qps, maxOf);
      const pKnot = bestOf(pinnedRows, ["knot"], (r) => r.qps, maxOf);
      const pNsdCpu = bestOf(pinnedRows, ["nsd"], (r) => r.cpuUsPerQuery, minOf);
      const pKnotCpu = bestOf(pinnedRows, ["knot"], (r) => r.cpuUsPerQuery, minOf);
      out.push("");
      out.push(`#### Pinned: the server on CPU 0, dnsperf on CPU 1 (taskset), one worker each`);
      out.push("");
      out.push(`Per-core efficiency with nothing shared between server and load generator; same zone, questions and rounds as above.`);
      out.push("");
      out.push(
        table(
          ["server", "configuration", "q/s", "server CPU µs/query", "latency ms: mean / p50 / p99", "q/s vs NSD", "q/s vs Knot", "CPU/query vs NSD", "CPU/query vs Knot"],
          pinnedRows.map((r) => [r.server, withWorkers(r), f0(r.qps), f1(r.cpuUsPerQuery), `${f2(r.latencyMs)} / ${f2(r.p50Ms)} / ${f2(r.p99Ms)}`, ratio(r.qps, pNsd), ratio(r.qps, pKnot), ratio(r.cpuUsPerQuery, pNsdCpu), ratio(r.cpuUsPerQuery, pKnotCpu)]),
        ),
      );
    }
    const h = serving.halfRate;
    if (h) {
      out.push("");
      out.push(
        `Latency at half of NSD's best rate (dnsperf -Q ${f0(h.qps)}, ${Math.min(3, dnsSeconds)} s each): NSD (${h.nsd.config}) p50 ${f2(h.nsd.p50Ms)} ms, p99 ${f2(h.nsd.p99Ms)} ms; ` +
          `updns (${h.updns.config}) p50 ${f2(h.updns.p50Ms)} ms, p99 ${f2(h.updns.p99Ms)} ms (${ratio(h.updns.p99Ms, h.nsd.p99Ms)} NSD's p99).`,
      );
    }
  }

  if (updates) {
    out.push("");
    out.push(`### dyndns2 updates through HTTP — ${updates.hosts} hosts, SQLite synchronous=${updates.synchronous}`);
    out.push("");
    out.push(
      `wrk, ${updSeconds} s per row. change: every request sends a new address (a real DNS change: an embedded zone commit, or an RFC 2136 UPDATE to a local BIND); nochg: the address is already in DNS. ` +
        `"embedded, DNSSEC": the same change path on an embedded zone signed with ECDSA P-256, NSEC3 and one CSK (each commit re-signs the changed A set and the SOA). ` +
        `nsupdate.info on the same machine (issue 6): ${NSUPDATE_INFO.change1} changes/s with 1 client, ${NSUPDATE_INFO.change8}/s with 8 (p99 ${NSUPDATE_INFO.change8p99} ms), ${NSUPDATE_INFO.nochg} nochg/s.`,
    );
    out.push("");
    const base = (r: UpdatesResult["rows"][number]) => (r.path === "nochg" ? NSUPDATE_INFO.nochg : r.concurrency === 1 ? NSUPDATE_INFO.change1 : NSUPDATE_INFO.change8);
    out.push(
      table(
        ["zone", "path", "clients", "updates/s", "p50 ms", "p90 ms", "p99 ms", "server CPU µs/update", "unexpected answers", "vs nsupdate.info"],
        updates.rows.map((r) => [zoneLabel(r.backend), r.path, String(r.concurrency), f0(r.perSecond), f2(r.p50), f2(r.p90), f2(r.p99), f0(r.cpuUsPerUpdate), String(r.unexpected), ratio(r.perSecond, base(r))]),
      ),
    );
    const signingCost = [1, 16].flatMap((c) => {
      const plain = updates!.rows.find((r) => r.backend === "embedded" && r.path === "change" && r.concurrency === c);
      const signed = updates!.rows.find((r) => r.backend === "signed" && r.path === "change" && r.concurrency === c);
      return plain && signed
        ? [`${c} client${c > 1 ? "s" : ""}: ${f0(signed.perSecond)} vs ${f0(plain.perSecond)} changes/s (${ratio(signed.perSecond, plain.perSecond)}), ${f0(signed.cpuUsPerUpdate)} vs ${f0(plain.cpuUsPerUpdate)} µs server CPU per update (${ratio(signed.cpuUsPerUpdate, plain.cpuUsPerUpdate)})`]
        : [];
    });
    if (signingCost.length) {
      out.push("");
      out.push(`Signed vs unsigned embedded zone (the cost of DNSSEC per change): ${signingCost.join("; ")}.`);
    }
    if (updates.nsupdate) {
      const n = updates.nsupdate;
      out.push("");
      const failed = n.failed ? `; ${n.failed} of the ${n.processes} processes failed (${JSON.stringify(n.failure ?? "")}) and count for none of their UPDATEs` : "";
      out.push(`BIND's own ceiling for the same change (${n.processes} nsupdate processes in parallel, ${f0(n.updates)} UPDATEs answered): ${f0(n.perSecond)} updates/s${failed}.`);
    }
  }

  if (propagation) {
    const p = propagation;
    out.push("");
    out.push("### Update acknowledged → an NSD secondary answers it");
    out.push("");
    out.push(
      `${f0(p.samples)} changes one after another through dyndns2; from updns's \`good\` the secondary (NOTIFY, then IXFR) is asked every 2 ms until it serves the new address: ` +
        `p50 ${f1(p.p50)} ms, p90 ${f1(p.p90)} ms, p99 ${f1(p.p99)} ms, max ${f1(p.max)} ms${p.missed ? `; ${p.missed} not seen within 5 s` : ""}.`,
    );
  }

  if (scale) {
    const sNsd = scale.dns.find((d) => d.server === "NSD");
    const sUs = scale.dns.find((d) => d.server === "updns");
    out.push("");
    out.push(`### ${f0(scale.hosts)} hosts in one embedded zone (A + AAAA each: ${f0(scale.rrs)} RRs)`);
    out.push("");
    out.push(
      `q/s: dnsperf over 50,000 of the names, updns and NSD running side by side on the same zone, ${quick ? "one round" : "two rounds alternating between them, each one's better round counting"}. ` +
        `Changes: wrk against 1,000 hosts spread over the whole zone, every request a new address.`,
    );
    out.push("");
    out.push(
      table(
        ["figure", "updns", "NSD", "ratio"],
        [
          ["bulk load into SQLite (s)", f1(scale.loadSeconds), "", ""],
          ["start-up until the zone answers (s)", f2(scale.startupSeconds), sNsd ? f2(sNsd.startupSeconds) : "", ratio(scale.startupSeconds, sNsd?.startupSeconds)],
          ["memory after start-up (MiB)", mib(scale.memoryBytes), sNsd ? mib(sNsd.memoryBytes) : "", ratio(scale.memoryBytes, sNsd?.memoryBytes)],
          ["peak RSS (MiB)", mib(scale.peakRssBytes), "", ""],
          ["q/s (dnsperf)", sUs ? f0(sUs.qps) : "", sNsd ? f0(sNsd.qps) : "", ratio(sUs?.qps ?? NaN, sNsd?.qps)],
          ["server CPU µs/query", sUs ? f1(sUs.cpuUsPerQuery) : "", sNsd ? f1(sNsd.cpuUsPerQuery) : "", ratio(sUs?.cpuUsPerQuery ?? NaN, sNsd?.cpuUsPerQuery)],
          ...(scale.axfr ? [["AXFR of the whole zone, best of 3 (s; Knot, not NSD)", f2(scale.axfr.updns), `Knot ${f2(scale.axfr.knot)}`, ratio(scale.axfr.updns, scale.axfr.knot)]] : []),
          ...scale.update.map((u) => [`changes/s, ${u.concurrency} client${u.concurrency > 1 ? "s" : ""} (p50 / p99 ms)`, `${f0(u.perSecond)} (${f2(u.p50)} / ${f2(u.p99)})${u.unexpected ? `, ${u.unexpected} unexpected` : ""}`, "", ""]),
        ],
      ),
    );
  }

  // The targets (issue 6's, and issue 18's against every peer at its best) beside what this run measured.
  const targets: Target[] = [];
  const goal = (figure: string, shown: string, target: string, met: boolean | undefined, value: number, unit: Target["unit"]) => targets.push({ figure, shown, target, met, value, unit });
  const usQps = bestOf(rows, ["updns"], (r) => r.qps, maxOf);
  const usCpu = bestOf(rows, ["updns"], (r) => r.cpuUsPerQuery, minOf);
  const rel = (a: number, b: number) => a / b;
  if (only.has("dns") && rows.length) {
    const peerQps = maxOf([nsdQps, knotQps]);
    if (Number.isFinite(usQps) && Number.isFinite(peerQps)) goal("DNS q/s vs the best of NSD and Knot", ratio(usQps, peerQps), "≥ 1.0×", usQps >= peerQps, rel(usQps, peerQps), "×");
    const pUs = bestOf(pinnedRows, ["updns"], (r) => r.qps, maxOf);
    const pPeer = bestOf(pinnedRows, ["nsd", "knot"], (r) => r.qps, maxOf);
    if (Number.isFinite(pUs) && Number.isFinite(pPeer)) goal("DNS q/s vs the best of NSD and Knot, pinned", ratio(pUs, pPeer), "≥ 1.0×", pUs >= pPeer, rel(pUs, pPeer), "×");
    const peerCpu = bestOf(rows, ["nsd", "knot", "bind"], (r) => r.cpuUsPerQuery, minOf);
    if (Number.isFinite(usCpu) && Number.isFinite(peerCpu)) goal("server CPU per query vs the best peer", ratio(usCpu, peerCpu), "≤ 1.0×", usCpu <= peerCpu, rel(usCpu, peerCpu), "×");
    const pUsCpu = bestOf(pinnedRows, ["updns"], (r) => r.cpuUsPerQuery, minOf);
    const pPeerCpu = bestOf(pinnedRows, ["nsd", "knot"], (r) => r.cpuUsPerQuery, minOf);
    if (Number.isFinite(pUsCpu) && Number.isFinite(pPeerCpu)) goal("server CPU per query vs the best peer, pinned", ratio(pUsCpu, pPeerCpu), "≤ 1.0×", pUsCpu <= pPeerCpu, rel(pUsCpu, pPeerCpu), "×");
    if (Number.isFinite(usCpu) && Number.isFinite(nsdCpu)) goal("server CPU per query vs NSD's best (issue 6)", ratio(usCpu, nsdCpu), "≤ 1.2×", usCpu <= 1.2 * nsdCpu, rel(usCpu, nsdCpu), "×");
    const h = serving?.halfRate;
    if (h) goal(`p99 latency at half of NSD's best rate (${f0(h.qps)} q/s) vs NSD`, `${f2(h.updns.p99Ms)} vs ${f2(h.nsd.p99Ms)} ms (${ratio(h.updns.p99Ms, h.nsd.p99Ms)})`, "≤ 1.5×", h.updns.p99Ms <= 1.5 * h.nsd.p99Ms, rel(h.updns.p99Ms, h.nsd.p99Ms), "×");
  }
  if (rows.length) {
    const usFirst = bestOf(rows, ["updns"], (r) => r.axfrFirstSeconds, minOf);
    const usAxfr = bestOf(rows, ["updns"], (r) => r.axfrSeconds, minOf);
    if (Number.isFinite(usFirst) && Number.isFinite(knotAxfrFirst)) goal("first AXFR after start-up vs Knot", ratio(usFirst, knotAxfrFirst), "≤ 2×", usFirst <= 2 * knotAxfrFirst, rel(usFirst, knotAxfrFirst), "×");
    if (Number.isFinite(usAxfr) && Number.isFinite(knotAxfr)) goal("AXFR time vs Knot (best of five)", ratio(usAxfr, knotAxfr), "≤ 1.5×", usAxfr <= 1.5 * knotAxfr, rel(usAxfr, knotAxfr), "×");
  }
  const row = (b: string, p: string, c: number) => updates?.rows.find((r) => r.backend === b && r.path === p && r.concurrency === c);
  const ch16 = row("embedded", "change", 16);
  const no16 = row("embedded", "nochg", 16);
  const rf16 = row("rfc2136", "change", 16);
  const sg16 = row("signed", "change", 16);
  const sg1 = row("signed", "change", 1);
  const ch1 = row("embedded", "change", 1);
  if (ch16) goal("real updates/s, embedded, 16 clients", `${f0(ch16.perSecond)}/s, p99 ${f1(ch16.p99)} ms`, "≥ 5,000/s, p99 ≤ 20 ms", ch16.perSecond >= 5000 && ch16.p99 <= 20 && ch16.unexpected === 0, ch16.perSecond, "/s");
  if (no16) goal("nochg/s, 16 clients", `${f0(no16.perSecond)}/s`, "≥ 10,000/s", no16.perSecond >= 10000 && no16.unexpected === 0, no16.perSecond, "/s");
  if (rf16) goal("real updates/s, rfc2136 on BIND, 16 clients", `${f0(rf16.perSecond)}/s (${ratio(rf16.perSecond, NSUPDATE_INFO.change8)} nsupdate.info)`, "≥ 10× nsupdate.info", rf16.perSecond >= 10 * NSUPDATE_INFO.change8 && rf16.unexpected === 0, rf16.perSecond, "/s");
  for (const [c, plain, signed] of [[1, ch1, sg1], [16, ch16, sg16]] as const)
    if (plain && signed)
      goal(`DNSSEC-signed changes/s vs unsigned, ${c} client${c > 1 ? "s" : ""}`, `${f0(signed.perSecond)} vs ${f0(plain.perSecond)}/s (${ratio(signed.perSecond, plain.perSecond)})`, "≥ 0.8×", signed.perSecond >= 0.8 * plain.perSecond && signed.unexpected === 0, rel(signed.perSecond, plain.perSecond), "×");
  if (propagation) goal("update → NSD secondary answers (p99)", `${f0(propagation.p99)} ms`, "≤ 1,000 ms", propagation.p99 <= 1000 && propagation.missed === 0, propagation.p99, " ms");
  if (scale) {
    const sNsd = scale.dns.find((d) => d.server === "NSD");
    const sUs = scale.dns.find((d) => d.server === "updns");
    // A smaller run than the target's size says nothing about the target.
    const big = scale.hosts >= 1_000_000 ? true : undefined;
    goal(`${f0(scale.hosts)} hosts: start-up`, `${f2(scale.startupSeconds)} s`, "≤ 10 s", big && scale.startupSeconds <= 10, scale.startupSeconds, " s");
    // The peak over the whole run (start-up, queries, updates), not only the level after start-up.
    const rss = Math.max(scale.memoryBytes, scale.peakRssBytes);
    goal(`${f0(scale.hosts)} hosts: memory (peak RSS)`, `${mib(rss)} MiB`, "≤ 1 GiB", big && rss <= 2 ** 30, rss / 2 ** 20, " MiB");
    if (sUs && sNsd) goal(`${f0(scale.hosts)} hosts: q/s vs NSD`, ratio(sUs.qps, sNsd.qps), "≥ 1.0×", sUs.qps >= sNsd.qps, rel(sUs.qps, sNsd.qps), "×");
    if (scale.axfr) goal(`${f0(scale.hosts)} hosts: AXFR vs Knot`, `${f2(scale.axfr.updns)} vs ${f2(scale.axfr.knot)} s (${ratio(scale.axfr.updns, scale.axfr.knot)})`, "≤ 1.5×", big && scale.axfr.updns <= 1.5 * scale.axfr.knot, rel(scale.axfr.updns, scale.axfr.knot), "×");
  }
  if (targets.length) {
    out.push("");
    out.push("### Against the targets");
    out.push("");
    out.push("Issue 6's targets stay; issue 18's compare with every peer at its best (q/s, CPU per query, latency, transfers).");
    out.push("");
    const smaller = scale && scale.hosts < 1_000_000;
    out.push(table(["figure", "this run", "target", ""], targets.map((t) => [t.figure, t.shown, t.target, t.met === undefined && smaller ? "— (smaller run)" : mark(t.met)])));
  }
  if (failures.length) {
    out.push("");
    out.push("Benchmarks that failed in this run: " + failures.join("; "));
  }
  const text = out.join("\n") + "\n";
  return { text, targets, failures };
}


// Several runs one after another (`--runs N`): each run's tables as it ends, then the spread of the targets.
const runs = Math.max(1, Math.min(10, Number(values.runs) || 1));
const results: RunResult[] = [];
for (let i = 0; i < runs; i++) {
  if (runs > 1) progress(`run ${i + 1} of ${runs}`);
  const r = await benchOnce();
  results.push(r);
  const text = runs > 1 ? r.text.replace(/^## Performance/, `## Performance, run ${i + 1} of ${runs}`) : r.text;
  console.log(text);
  if (values.out) (i === 0 ? writeFileSync : appendFileSync)(values.out, text + "\n");
}
if (runs > 1) {
  const s = spread(results) + "\n";
  console.log(s);
  if (values.out) appendFileSync(values.out, s);
}
process.exit(results.some((r) => r.failures.length) ? 1 : 0);
