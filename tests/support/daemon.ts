// Running a DNS daemon (ours or a peer) in the foreground for a test or a benchmark: collect what it
// prints, wait until it serves its zone, and stop it for sure (SIGTERM, then SIGKILL after a grace time).
import type { Subprocess } from "bun";
import { dig } from "./dig.ts";
import { waitFor } from "./net.ts";

/**
 * Collects the process's stdout and stderr (both must be "pipe") as text, for error messages and log
 * assertions; with `keep` only the last `keep` characters are kept (a chatty daemon in a long test).
 */
export function collectOutput(proc: Subprocess<"ignore" | "pipe" | "inherit", "pipe", "pipe">, keep = Infinity): () => string {
  let out = "";
  const drain = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of s) {
      out += dec.decode(chunk);
      if (out.length > keep) out = out.slice(-keep);
    }
  };
  void drain(proc.stdout);
  void drain(proc.stderr);
  return () => out;
}

/** SIGTERM, and SIGKILL when the process has not exited after `graceMs`; resolves once it is gone. */
export async function stopProcess(proc: Subprocess, graceMs = 3000): Promise<void> {
  if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
  const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(graceMs).then(() => false)]);
  if (!exited) {
    proc.kill("SIGKILL");
    await proc.exited;
  }
}

/**
 * Waits until the daemon answers `zone`'s SOA authoritatively (NOERROR with AA) on 127.0.0.1@port; when
 * the process exited instead, the timeout message says so with the end of its output.
 */
export async function waitForZone(kind: string, proc: Subprocess, output: () => string, port: number, zone: string, timeoutMs: number, intervalMs: number): Promise<void> {
  await waitFor(
    `${kind} to serve ${zone} on port ${port}`,
    async () => {
      if (proc.exitCode !== null) throw new Error(`${kind} exited with ${proc.exitCode}: ${output().slice(-2000)}`);
      const r = await dig("127.0.0.1", port, zone, "SOA", ["+time=1", "+tries=1"]);
      return r.status === "NOERROR" && r.flags.includes("aa");
    },
    timeoutMs,
    intervalMs,
  );
}

/**
 * The start of an NSD `server:` clause that runs it in the foreground from a temp folder on 127.0.0.1@port:
 * no user switch, no chroot, no zone database, every state file (pid, xfrd state, zone list, transfers)
 * inside `dir`. The caller appends its own server options (indented two spaces) and the other clauses.
 */
export function nsdServerClause(dir: string, port: number): string {
  return `server:
  ip-address: 127.0.0.1
  port: ${port}
  username: ""
  chroot: ""
  zonesdir: "${dir}"
  database: ""
  pidfile: "${dir}/nsd.pid"
  xfrdfile: "${dir}/xfrd.state"
  zonelistfile: "${dir}/zone.list"
  xfrdir: "${dir}"
`;
}
