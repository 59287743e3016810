// Soak: dist/updns under a steady mixed load for a long time, as it lives on the internet — dyndns2
// updates (each a real zone change), DNS queries from dnsperf, a signed-in person browsing the web UI,
// and a secondary's AXFR every 10 s. Every few seconds the server's RSS and open file descriptors are
// read from /proc. Printed as a table; the verdict: RSS flat within 10% after the warm-up, no error
// rcode or failed update/page/transfer, no descriptor left behind once the load stops.
//
//   npx bun bench/soak.ts [--seconds 600] [--updates 200] [--qps 20000] [--warmup 60] [--sample 5]
//
// tests/robustness/soak.test.ts runs the same thing for 60 s in CI.
import { parseArgs } from "node:util";
import { join } from "node:path";
import { axfrLines, nicUpdate, processUsage, startWorld, type World } from "../tests/support/world.ts";
import { WebClient } from "../tests/support/web-client.ts";
import { cli } from "../tests/support/updns.ts";
import { which } from "../tests/support/net.ts";

export interface SoakOptions {
  seconds: number;
  updatesPerSecond: number;
  queriesPerSecond: number;
  warmupSeconds: number;
  sampleSeconds: number;
  hosts?: number;
  /** Largest growth of the mean RSS between the halves after warm-up that counts as flat (default 10%). */
  maxRssGrowthPct?: number;
  /** Progress lines while it runs (the table rows as they come). */
  progress?: (line: string) => void;
}

export interface SoakSample {
  t: number;
  rssMb: number;
  fds: number;
  updatesOk: number;
  updateErrors: number;
  queries: number;
  pages: number;
  axfrs: number;
}

export interface SoakReport {
  samples: SoakSample[];
  updates: { sent: number; ok: number; errors: string[]; p50Ms: number; p99Ms: number };
  queries: { sent: number; completed: number; lost: number; qps: number; rcodes: Record<string, number> };
  pages: { ok: number; errors: string[] };
  axfrs: { ok: number; errors: string[]; records: number; lastMs: number };
  /** afterWarmupMb/lateMb: mean RSS of the first and second half of the samples after the warm-up. */
  rss: { afterWarmupMb: number; lateMb: number; maxMb: number; endMb: number; growthPct: number };
  /** idleBefore/idleAfter leave out established TCP connections to our ports (clients' keep-alives). */
  fds: { idleBefore: number; max: number; idleAfter: number };
  serverErrors: string[];
  /** What failed the verdict; [] when the soak passed. */
  problems: string[];
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] : 0);

/** Updates at a fixed rate: every 50 ms a batch, each to the next host with a new address. */
async function updateLoad(world: World, perSecond: number, until: () => boolean, stats: { sent: number; ok: number; errors: string[]; ms: number[] }) {
  let n = 0;
  const inFlight = new Set<Promise<void>>();
  const tick = 50;
  const start = performance.now();
  for (let i = 0; !until() && i < 1e7; i++) {
    const due = Math.floor(((performance.now() - start) / 1000) * perSecond);
    while (stats.sent < due && inFlight.size < 256) {
      const host = world.hosts[n % world.hosts.length];
      const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      n++;
      stats.sent++;
      const t0 = performance.now();
      const p = nicUpdate(world.url, host, ip, AbortSignal.timeout(10_000))
        .then((r) => {
          stats.ms.push(performance.now() - t0);
          if (r.body === `good ${ip}`) stats.ok++;
          else if (stats.errors.length < 20) stats.errors.push(`${r.status} ${r.body}`);
        })
        .catch((e: Error) => {
          if (stats.errors.length < 20) stats.errors.push(e.message);
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Bun.sleep(tick);
  }
  await Promise.all(inFlight);
}

/** A signed-in staff member clicking through the pages, one a second. */
async function webLoad(world: World, until: () => boolean, stats: { ok: number; errors: string[] }) {
  const web = new WebClient(world.url);
  const login = await web.login("soak", "soak test password 1");
  if (login.status !== 303) stats.errors.push(`login: ${login.status}`);
  const pages = ["/", "/overview/", "/account/profile", "/admin/users", "/account/settings"];
  for (let i = 0; !until() && i < 1e6; i++) {
    const p = pages[i % pages.length];
    try {
      const r = await web.get(p);
      if (r.status === 200) stats.ok++;
      else if (stats.errors.length < 20) stats.errors.push(`${p}: ${r.status}`);
    } catch (e) {
      if (stats.errors.length < 20) stats.errors.push(`${p}: ${(e as Error).message}`);
    }
    await Bun.sleep(1000);
  }
}

/** dnsperf at a fixed rate over names that exist (so any rcode but NOERROR is an error). */
async function queryLoad(world: World, seconds: number, qps: number) {
  const file = join(world.dir, "queries.txt");
  await Bun.write(file, [...world.hosts.map((h) => `${h.fqdn} A`), `${world.zone} SOA`, `${world.zone} NS`].join("\n") + "\n");
  const proc = Bun.spawn(["dnsperf", "-s", "127.0.0.1", "-p", String(world.dnsPort), "-d", file, "-l", String(seconds), "-Q", String(qps), "-c", "4", "-q", "200", "-t", "2"], { stdout: "pipe", stderr: "pipe" });
  const guard = setTimeout(() => proc.kill("SIGKILL"), (seconds + 20) * 1000);
  const out = await new Response(proc.stdout).text();
  clearTimeout(guard);
  await proc.exited;
  const num = (re: RegExp) => Number(out.match(re)?.[1] ?? NaN);
  const rcodes: Record<string, number> = {};
  for (const m of (out.match(/Response codes:\s+(.*)/)?.[1] ?? "").matchAll(/(\w+) (\d+)/g)) rcodes[m[1]] = Number(m[2]);
  return { sent: num(/Queries sent:\s+(\d+)/), completed: num(/Queries completed:\s+(\d+)/), lost: num(/Queries lost:\s+(\d+)/), qps: num(/Queries per second:\s+([\d.]+)/), rcodes };
}

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  if (!which("dnsperf") || !which("dig")) throw new Error("the soak needs dnsperf and dig");
  const say = o.progress ?? (() => {});
  const world = await startWorld({ hosts: o.hosts ?? 200 });
  try {
    const staff = await cli(["user", "add", "soak", "--email", "soak@example.test", "--staff", "--password-stdin"], { cwd: world.dir, stdin: "soak test password 1\n" });
    if (staff.code !== 0) throw new Error(staff.stderr);
    // Every host has an address first, so every query of the mix has an answer.
    for (let i = 0; i < world.hosts.length; i += 20) await Promise.all(world.hosts.slice(i, i + 20).map((h, j) => nicUpdate(world.url, h, `192.0.2.${(i + j) % 250}`)));
    const pid = world.server.proc.pid;
    await Bun.sleep(500);
    // Descriptors that are not open connections to our own listeners (those a client may keep alive).
    const unexplained = () => {
      const u = processUsage(pid, [world.httpPort, world.dnsPort]);
      return u.fds - u.established;
    };
    const idleBefore = unexplained();

    const t0 = performance.now();
    const elapsed = () => (performance.now() - t0) / 1000;
    const done = () => elapsed() >= o.seconds;
    const upd = { sent: 0, ok: 0, errors: [] as string[], ms: [] as number[] };
    const pages = { ok: 0, errors: [] as string[] };
    const axfrs = { ok: 0, errors: [] as string[], records: 0, lastMs: 0 };
    const samples: SoakSample[] = [];
    let queriesSoFar = 0;

    const queries = queryLoad(world, o.seconds, o.queriesPerSecond);
    const updates = updateLoad(world, o.updatesPerSecond, done, upd);
    const web = webLoad(world, done, pages);
    const transfers = (async () => {
      for (let i = 0; !done() && i < 1e5; i++) {
        const a0 = performance.now();
        try {
          axfrs.records = (await axfrLines("127.0.0.1", world.dnsPort, world.zone, world.xfer)).length;
          axfrs.lastMs = performance.now() - a0;
          axfrs.ok++;
        } catch (e) {
          if (axfrs.errors.length < 20) axfrs.errors.push((e as Error).message.slice(0, 200));
        }
        for (let w = 0; w < 100 && !done(); w++) await Bun.sleep(100);
      }
    })();
    say("    t  rss MB  fds  updates ok  errors  pages  axfrs");
    const sampler = (async () => {
      for (let i = 1; i < 1e5; i++) {
        const next = i * o.sampleSeconds;
        if (next > o.seconds) break;
        await Bun.sleep(Math.max(0, next * 1000 - (performance.now() - t0)));
        const u = processUsage(pid);
        queriesSoFar = Math.round(o.queriesPerSecond * next);
        const s: SoakSample = { t: next, rssMb: u.rssKb / 1024, fds: u.fds, updatesOk: upd.ok, updateErrors: upd.errors.length, queries: queriesSoFar, pages: pages.ok, axfrs: axfrs.ok };
        samples.push(s);
        say(`${String(s.t).padStart(5)}  ${s.rssMb.toFixed(1).padStart(6)}  ${String(s.fds).padStart(3)}  ${String(s.updatesOk).padStart(10)}  ${String(s.updateErrors).padStart(6)}  ${String(s.pages).padStart(5)}  ${String(s.axfrs).padStart(5)}`);
      }
    })();
    const [q] = await Promise.all([queries, updates, web, transfers, sampler]);
    // Load over: connections close, and the descriptor count must come back to where it was.
    await Bun.sleep(2000);
    const idleAfter = unexplained();
    const endRss = processUsage(pid).rssKb / 1024;

    // A garbage-collected heap saws up and down; "flat" is about its level, so the mean RSS of the second
    // half after the warm-up is compared with the mean of the first half (and the peak is shown too).
    const after = samples.filter((s) => s.t > o.warmupSeconds);
    const half = Math.max(1, Math.floor(after.length / 2));
    const mean = (xs: SoakSample[]) => xs.reduce((a, s) => a + s.rssMb, 0) / Math.max(1, xs.length);
    const base = after.length ? mean(after.slice(0, half)) : endRss;
    const late = after.length > 1 ? mean(after.slice(half)) : endRss;
    const maxRss = Math.max(...after.map((s) => s.rssMb), endRss);
    const growthPct = ((late - base) / base) * 100;
    const sorted = upd.ms.sort((a, b) => a - b);
    const serverErrors = world.server.output().split("\n").filter((l) => /level=error/.test(l)).slice(0, 20);
    const report: SoakReport = {
      samples,
      updates: { sent: upd.sent, ok: upd.ok, errors: upd.errors, p50Ms: pct(sorted, 50), p99Ms: pct(sorted, 99) },
      queries: q,
      pages,
      axfrs,
      rss: { afterWarmupMb: base, lateMb: late, maxMb: maxRss, endMb: endRss, growthPct },
      fds: { idleBefore, max: Math.max(...samples.map((s) => s.fds)), idleAfter },
      serverErrors,
      problems: [],
    };
    const p = report.problems;
    const maxGrowth = o.maxRssGrowthPct ?? 10;
    if (growthPct > maxGrowth) p.push(`RSS grew ${growthPct.toFixed(1)}% after the warm-up, more than ${maxGrowth}% (mean ${base.toFixed(1)} → ${late.toFixed(1)} MB)`);
    if (q.lost > q.sent / 1000) p.push(`${q.lost} of ${q.sent} queries lost`);
    const badRcodes = Object.entries(q.rcodes).filter(([k, n]) => k !== "NOERROR" && n > 0);
    if (badRcodes.length) p.push(`error rcodes: ${badRcodes.map(([k, n]) => `${k} ${n}`).join(", ")}`);
    if (upd.errors.length || upd.ok !== upd.sent) p.push(`updates: ${upd.sent - upd.ok} of ${upd.sent} not good (${upd.errors.slice(0, 3).join("; ")})`);
    if (pages.errors.length) p.push(`pages: ${pages.errors.slice(0, 3).join("; ")}`);
    if (axfrs.errors.length || axfrs.ok === 0) p.push(`AXFR: ${axfrs.ok} ok, ${axfrs.errors.slice(0, 3).join("; ")}`);
    if (idleAfter > idleBefore + 2) p.push(`file descriptors: ${idleBefore} before the load, ${idleAfter} after it`);
    if (serverErrors.length) p.push(`server logged errors: ${serverErrors.slice(0, 3).join(" | ")}`);
    return report;
  } finally {
    await world.close();
  }
}

export function formatReport(r: SoakReport, o: SoakOptions): string {
  const rows: [string, string][] = [
    ["duration", `${o.seconds} s (warm-up ${o.warmupSeconds} s)`],
    ["updates (dyndns2, each a zone change)", `${r.updates.ok}/${r.updates.sent} good, target ${o.updatesPerSecond}/s, got ${(r.updates.sent / o.seconds).toFixed(0)}/s, p50 ${r.updates.p50Ms.toFixed(1)} ms, p99 ${r.updates.p99Ms.toFixed(1)} ms`],
    ["queries (dnsperf)", `${r.queries.completed}/${r.queries.sent} answered, lost ${r.queries.lost}, target ${o.queriesPerSecond}/s, got ${r.queries.qps.toFixed(0)}/s`],
    ["rcodes", Object.entries(r.queries.rcodes).map(([k, n]) => `${k} ${n}`).join(", ") || "none"],
    ["web pages (signed in)", `${r.pages.ok} ok, ${r.pages.errors.length} failed`],
    ["AXFR every 10 s", `${r.axfrs.ok} ok, ${r.axfrs.errors.length} failed, ${r.axfrs.records} records, last ${r.axfrs.lastMs.toFixed(0)} ms`],
    ["RSS (mean, 1st → 2nd half after warm-up)", `${r.rss.afterWarmupMb.toFixed(1)} → ${r.rss.lateMb.toFixed(1)} MB (${r.rss.growthPct >= 0 ? "+" : ""}${r.rss.growthPct.toFixed(1)}%), peak ${r.rss.maxMb.toFixed(1)} MB, end ${r.rss.endMb.toFixed(1)} MB`],
    ["file descriptors", `${r.fds.idleBefore} idle before, max ${r.fds.max} under load, ${r.fds.idleAfter} idle after (open client connections left out)`],
    ["server error log lines", String(r.serverErrors.length)],
    ["verdict", r.problems.length ? `FAIL: ${r.problems.join("; ")}` : "PASS"],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: {
      seconds: { type: "string", default: "600" },
      updates: { type: "string", default: "200" },
      qps: { type: "string", default: "20000" },
      warmup: { type: "string", default: "60" },
      sample: { type: "string", default: "5" },
    },
  });
  const o: SoakOptions = {
    seconds: Number(values.seconds),
    updatesPerSecond: Number(values.updates),
    queriesPerSecond: Number(values.qps),
    warmupSeconds: Number(values.warmup),
    sampleSeconds: Number(values.sample),
    progress: (l) => console.log(l),
  };
  const r = await runSoak(o);
  console.log("\n" + formatReport(r, o));
  process.exit(r.problems.length ? 1 : 0);
}
