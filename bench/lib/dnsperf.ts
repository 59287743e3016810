// dnsperf (DNS-OARC) against one server on loopback, and the figures read from its report.
import { which } from "../../tests/support/net.ts";

export interface DnsperfResult {
  sent: number;
  completed: number;
  lost: number;
  qps: number;
  /** Mean and standard deviation of the latency, ms (dnsperf 2.10 prints no percentiles). */
  latencyMs: number;
  latencySdMs: number;
  rcodes: string;
  seconds: number;
  /** Latency percentiles, ms: only with `latencies` (read from dnsperf -v, one line per answer). */
  p50Ms?: number;
  p99Ms?: number;
}

export interface DnsperfOptions {
  port: number;
  queryFile: string;
  seconds: number;
  clients?: number;
  outstanding?: number;
  /** EDNS0 on every query (default on: the answering rules must hold with it). */
  edns?: boolean;
  /**
   * Percentiles of the latency: dnsperf 2.10 prints none, so -v has it print every answer with its
   * latency. That costs the client time, so a run with this on is for latency, not for q/s.
   */
  latencies?: boolean;
  /** Send at most this many queries a second (dnsperf -Q): latency at a load the server can carry. */
  maxQps?: number;
  /** Run dnsperf on these CPUs only (taskset -c), for the pinned run. */
  cpu?: string;
}

export async function dnsperf(o: DnsperfOptions): Promise<DnsperfResult> {
  const bin = which("dnsperf");
  if (!bin) throw new Error("dnsperf is not installed (bench/setup.sh installs it)");
  const args = [bin, "-s", "127.0.0.1", "-p", String(o.port), "-d", o.queryFile, "-l", String(o.seconds), "-c", String(o.clients ?? 10), "-q", String(o.outstanding ?? 100), "-t", "2"];
  if (o.edns !== false) args.push("-e");
  if (o.latencies) args.push("-v");
  if (o.maxQps) args.push("-Q", String(Math.round(o.maxQps)));
  if (o.cpu !== undefined) args.unshift(which("taskset") ?? "taskset", "-c", o.cpu);
  const proc = Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
  // dnsperf stops itself after -l seconds; the kill is a bound in case it does not.
  const guard = setTimeout(() => proc.kill("SIGKILL"), (o.seconds + 15) * 1000);
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  clearTimeout(guard);
  await proc.exited;
  const num = (re: RegExp) => Number(out.match(re)?.[1] ?? NaN);
  const r: DnsperfResult = {
    sent: num(/Queries sent:\s+(\d+)/),
    completed: num(/Queries completed:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    qps: num(/Queries per second:\s+([\d.]+)/),
    latencyMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    latencySdMs: num(/Latency StdDev \(s\):\s+([\d.]+)/) * 1000,
    rcodes: out.match(/Response codes:\s+(.*)/)?.[1]?.trim() ?? "",
    seconds: num(/Run time \(s\):\s+([\d.]+)/),
  };
  if (!Number.isFinite(r.qps)) throw new Error(`dnsperf gave no figures: ${out.slice(-1000)} ${err.slice(-1000)}`);
  if (o.latencies) {
    // "> NOERROR h1.bench.test A 0.000151": the last field is the latency in seconds.
    const seconds: number[] = [];
    for (const line of out.split("\n")) if (line.startsWith("> ")) seconds.push(Number(line.slice(line.lastIndexOf(" ") + 1)));
    seconds.sort((a, b) => a - b);
    const at = (q: number) => (seconds.length ? seconds[Math.min(seconds.length - 1, Math.floor(q * seconds.length))] * 1000 : NaN);
    r.p50Ms = at(0.5);
    r.p99Ms = at(0.99);
  }
  return r;
}
