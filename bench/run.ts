// Runs every benchmark in one go and prints the figures, the ratios against the peers measured in the
// same run, and the targets of issue 6, as markdown the README can carry. Load goes to loopback only;
// every run is bounded in time. Peers come from Debian (bench/setup.sh).
//
//   npm run bench                       full run (~10 min: 20 s per DNS server, 1,000,000 hosts)
//   npm run bench -- --quick            everything small (< 2 min)
//   npm run bench -- --only dns,axfr,updates,propagation,scale  --seconds N  --hosts N  --zone-hosts N  --out FILE
//   (dns includes the AXFR figures; axfr alone skips the query load)
import { parseArgs } from "node:util";
import { cpus, loadavg, release } from "node:os";
import { writeFileSync } from "node:fs";
import { benchServing, type ServingResult } from "./dns.ts";
import { benchUpdates, NSUPDATE_INFO, type UpdatesResult } from "./updates.ts";
import { benchScale, type ScaleResult } from "./scale.ts";
import { benchPropagation, type PropagationResult } from "./propagation.ts";
import { programVersion } from "./lib/servers.ts";

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
const table = (head: string[], rows: string[][]) => [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

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
  serving = await step(only.has("dns") ? "DNS answers and AXFR" : "AXFR", () => benchServing({ hosts: zoneHosts, seconds: dnsSeconds, servers: ["updns", "nsd", "knot", "bind"], axfrOnly: !only.has("dns"), rounds: quick ? 1 : 2, log: progress }));
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

const nsd = serving?.rows.find((r) => r.server === "NSD");
const knot = serving?.rows.find((r) => r.server === "Knot");
const us = serving?.rows.find((r) => r.server === "updns");
if (serving) {
  out.push("");
  const axfrOnly = !only.has("dns");
  out.push(`### ${axfrOnly ? "AXFR" : "DNS answers and AXFR"} — zone of ${f0(serving.rrs)} RRs`);
  out.push("");
  if (!axfrOnly)
    out.push(
      `dnsperf -c 10 -q 100 -e, ${dnsSeconds} s per server and round, questions: A and AAAA of random hosts and 10% names that do not exist (NXDOMAIN with SOA). RRL off on every peer. ` +
        `All four servers run side by side; ${quick ? "one round" : "two rounds alternate between them and each server's better round counts (q/s, and the CPU per query of that round)"}. ` +
        `Latency percentiles come from a ${Math.min(3, dnsSeconds)} s run of their own at the same load with dnsperf -v (every answer listed, which slows the client: its q/s are not counted).`,
    );
  out.push(
    `AXFR: whole transfers with a minimal client (it counts records from the headers and decodes only the last message); "first" is the first transfer after start-up (updns builds the transfer's messages then and keeps them for that version of the zone), "best" the best of five after ${axfrOnly ? "it" : "the query load"}.`,
  );
  out.push("");
  const ms = (s: number) => (Number.isFinite(s) ? (s * 1000).toFixed(1) : "—");
  out.push(
    axfrOnly
      ? table(
          ["server", "AXFR ms, first", "AXFR ms, best", "first vs Knot", "best vs Knot"],
          serving.rows.map((r) => [r.server, ms(r.axfrFirstSeconds), ms(r.axfrSeconds), ratio(r.axfrFirstSeconds, knot?.axfrFirstSeconds), ratio(r.axfrSeconds, knot?.axfrSeconds)]),
        )
      : table(
          ["server", "q/s", "server CPU µs/query", "latency ms: mean / p50 / p99", "memory MiB", "start-up s", "AXFR ms, first", "AXFR ms, best", "q/s vs NSD", "CPU/query vs NSD", "AXFR best vs Knot"],
          serving.rows.map((r) => [r.server, f0(r.qps), f1(r.cpuUsPerQuery), `${f2(r.latencyMs)} / ${f2(r.p50Ms)} / ${f2(r.p99Ms)}`, mib(r.memoryBytes), f2(r.startup), ms(r.axfrFirstSeconds), ms(r.axfrSeconds), ratio(r.qps, nsd?.qps), ratio(r.cpuUsPerQuery, nsd?.cpuUsPerQuery), ratio(r.axfrSeconds, knot?.axfrSeconds)]),
        ),
  );
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
        ...scale.update.map((u) => [`changes/s, ${u.concurrency} client${u.concurrency > 1 ? "s" : ""} (p50 / p99 ms)`, `${f0(u.perSecond)} (${f2(u.p50)} / ${f2(u.p99)})${u.unexpected ? `, ${u.unexpected} unexpected` : ""}`, "", ""]),
      ],
    ),
  );
}

// The targets of issue 6 beside what this run measured.
const targets: string[][] = [];
const mark = (ok: boolean | undefined) => (ok === undefined ? "—" : ok ? "met" : "not yet");
if (us && nsd && only.has("dns")) {
  targets.push(["DNS q/s vs NSD", ratio(us.qps, nsd.qps), "≥ 1.0×", mark(us.qps >= nsd.qps)]);
  targets.push(["server CPU per query vs NSD", ratio(us.cpuUsPerQuery, nsd.cpuUsPerQuery), "≤ 1.2×", mark(us.cpuUsPerQuery <= 1.2 * nsd.cpuUsPerQuery)]);
}
if (us && knot) targets.push(["AXFR time vs Knot (best of five)", ratio(us.axfrSeconds, knot.axfrSeconds), "≤ 1.5×", mark(us.axfrSeconds <= 1.5 * knot.axfrSeconds)]);
const row = (b: string, p: string, c: number) => updates?.rows.find((r) => r.backend === b && r.path === p && r.concurrency === c);
const ch16 = row("embedded", "change", 16);
const no16 = row("embedded", "nochg", 16);
const rf16 = row("rfc2136", "change", 16);
if (ch16) targets.push(["real updates/s, embedded, 16 clients", `${f0(ch16.perSecond)}/s, p99 ${f1(ch16.p99)} ms`, "≥ 5,000/s, p99 ≤ 20 ms", mark(ch16.perSecond >= 5000 && ch16.p99 <= 20 && ch16.unexpected === 0)]);
if (no16) targets.push(["nochg/s, 16 clients", `${f0(no16.perSecond)}/s`, "≥ 10,000/s", mark(no16.perSecond >= 10000 && no16.unexpected === 0)]);
if (rf16) targets.push(["real updates/s, rfc2136 on BIND, 16 clients", `${f0(rf16.perSecond)}/s (${ratio(rf16.perSecond, NSUPDATE_INFO.change8)} nsupdate.info)`, "≥ 10× nsupdate.info", mark(rf16.perSecond >= 10 * NSUPDATE_INFO.change8 && rf16.unexpected === 0)]);
if (propagation) targets.push(["update → NSD secondary answers (p99)", `${f0(propagation.p99)} ms`, "≤ 1,000 ms", mark(propagation.p99 <= 1000 && propagation.missed === 0)]);
if (scale) {
  const sNsd = scale.dns.find((d) => d.server === "NSD");
  const sUs = scale.dns.find((d) => d.server === "updns");
  targets.push([`${f0(scale.hosts)} hosts: start-up`, `${f2(scale.startupSeconds)} s`, "≤ 10 s", scale.hosts >= 1_000_000 ? mark(scale.startupSeconds <= 10) : "— (smaller run)"]);
  // The peak over the whole run (start-up, queries, updates), not only the level after start-up.
  const rss = Math.max(scale.memoryBytes, scale.peakRssBytes);
  targets.push([`${f0(scale.hosts)} hosts: memory (peak RSS)`, `${mib(rss)} MiB`, "≤ 1 GiB", scale.hosts >= 1_000_000 ? mark(rss <= 2 ** 30) : "— (smaller run)"]);
  if (sUs && sNsd) targets.push([`${f0(scale.hosts)} hosts: q/s vs NSD`, ratio(sUs.qps, sNsd.qps), "≥ 1.0×", mark(sUs.qps >= sNsd.qps)]);
}
if (targets.length) {
  out.push("");
  out.push("### Against the targets of issue 6");
  out.push("");
  out.push(table(["figure", "this run", "target", ""], targets));
}
if (failures.length) {
  out.push("");
  out.push("Benchmarks that failed in this run: " + failures.join("; "));
}
const text = out.join("\n") + "\n";
console.log(text);
if (values.out) writeFileSync(values.out, text);
process.exit(failures.length ? 1 : 0);
