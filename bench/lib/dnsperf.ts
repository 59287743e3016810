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
}

export interface DnsperfOptions {
  port: number;
  queryFile: string;
  seconds: number;
  clients?: number;
  outstanding?: number;
  /** EDNS0 on every query (default on: the answering rules must hold with it). */
  edns?: boolean;
}

export async function dnsperf(o: DnsperfOptions): Promise<DnsperfResult> {
  const bin = which("dnsperf");
  if (!bin) throw new Error("dnsperf is not installed (bench/setup.sh installs it)");
  const args = [bin, "-s", "127.0.0.1", "-p", String(o.port), "-d", o.queryFile, "-l", String(o.seconds), "-c", String(o.clients ?? 10), "-q", String(o.outstanding ?? 100), "-t", "2"];
  if (o.edns !== false) args.push("-e");
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
  return r;
}
