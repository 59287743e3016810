// A network namespace of the test's own (`unshare -rn`, loopback up): there updns may listen on port 53 and
// on the wildcard addresses without meeting anything else on the machine, and nothing outside can reach it.
import { join } from "node:path";
import { havePeers } from "./net.ts";

export const NETNS_SERVE = join(import.meta.dir, "netns-serve.ts");

/** Whether this machine can make namespaces (in CI a missing program fails, see havePeers). */
export function haveNetns(): boolean {
  if (!havePeers("unshare", "ip", "dig")) return false;
  const r = Bun.spawnSync(["unshare", "-rn", "true"], { stderr: "pipe" });
  if (r.exitCode === 0) return true;
  if (process.env.CI === "true") throw new Error(`unshare -rn failed in CI: ${r.stderr.toString()}`);
  console.warn(`skipping: unshare -rn failed: ${r.stderr.toString().trim()}`);
  return false;
}

/** Run `argv` in a fresh network namespace with `lo` up; bounded by `timeoutMs`. */
export async function inNetns(argv: string[], timeoutMs = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", ...argv], {
    env: { PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export interface ServeProbe {
  /** Listen address as updns logged it → what GET /myip answered through the loopback of its family. */
  http: Record<string, string>;
  /** Listen address → the dig status over UDP and over TCP. */
  dns: Record<string, { udp: string; tcp: string }>;
  /** A second `updns serve` with the same settings: its exit code and error line. */
  second?: { code: number; stderr: string };
}

/**
 * `updns serve` (dist/updns) in a namespace of its own with this config text and environment; each address
 * it listens on is asked through 127.0.0.1 or ::1. With `second`, a second server with the same settings is
 * started too and must fail.
 */
export async function probeServe(spec: { config?: string; env?: Record<string, string>; second?: boolean }): Promise<ServeProbe> {
  const r = await inNetns([process.execPath, NETNS_SERVE, JSON.stringify(spec)]);
  if (r.code !== 0) throw new Error(`netns-serve exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
