// What the benchmarks read about a server: CPU time and memory of its whole process tree (NSD forks its
// workers, BIND and Knot run threads, updns is one process), straight from /proc, so the figures are the
// server's own and not the load generator's (both share the machine's cores).
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/PID/stat times (USER_HZ; 100 on Linux, asked once). */
export const CLK_TCK = Number(new TextDecoder().decode(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout).trim()) || 100;

function statFields(pid: number): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: split after its closing one.
    return s.slice(s.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** `pid` and every live descendant of it. */
export function processTree(pid: number): number[] {
  const parent = new Map<number, number[]>();
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    const f = statFields(Number(e));
    if (!f) continue;
    const ppid = Number(f[1]);
    let kids = parent.get(ppid);
    if (!kids) parent.set(ppid, (kids = []));
    kids.push(Number(e));
  }
  const out: number[] = [];
  const todo = [pid];
  // Bounded: each pid is visited once (the map is a tree, as /proc says at one instant).
  while (todo.length > 0 && out.length < 100_000) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...(parent.get(p) ?? []));
  }
  return out;
}

/** User + system CPU seconds spent so far by the process tree of `pid` (threads included). */
export function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    const f = statFields(p);
    // Fields 14 and 15 of stat (utime, stime), counted from field 3 after the name.
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / CLK_TCK;
}

/**
 * Memory of the process tree in bytes: proportional set size (shared pages split among the processes that
 * share them, so NSD's forked workers are not counted twice), falling back to RSS.
 */
export function memoryBytes(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      const s = readFileSync(`/proc/${p}/smaps_rollup`, "utf8");
      kb += Number(s.match(/^Pss:\s+(\d+)/m)?.[1] ?? s.match(/^Rss:\s+(\d+)/m)?.[1] ?? 0);
    } catch {
      try {
        kb += Number(readFileSync(`/proc/${p}/status`, "utf8").match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0);
      } catch {
        // gone
      }
    }
  }
  return kb * 1024;
}

/** Peak resident set of one process (VmHWM), bytes. */
export function peakRss(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmHWM:\s+(\d+)/m)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}
