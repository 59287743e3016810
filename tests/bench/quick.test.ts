// The benchmark runner works end to end: `bun bench/run.ts --quick` (at its smallest sizes) starts updns,
// NSD, Knot and BIND, loads them with dnsperf and wrk, and prints its markdown tables. No figure is
// asserted: timing belongs to the benchmarks, not to the tests.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { havePeers } from "../support/net.ts";
import { requireBinary } from "../support/updns.ts";
import { canPin } from "../../bench/dns.ts";

const ROOT = join(import.meta.dir, "../..");

describe.if(havePeers("dnsperf", "wrk", "nsd", "knotd", "named", "nsupdate", "dig"))("bench/run.ts --quick", () => {
  test("runs every benchmark and prints the tables with every server and update path", async () => {
    requireBinary();
    const proc = Bun.spawn([process.execPath, "bench/run.ts", "--quick", "--quiet", "--seconds", "1", "--zone-hosts", "2000", "--hosts", "5000"], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    const code = await proc.exited;
    if (code !== 0) console.error(out, err);
    expect(code).toBe(0);
    expect(out).toContain("### DNS answers and AXFR — zone of 4,006 RRs");
    // Every peer in each configuration an operator might choose on a 2-core machine, every row shown.
    for (const [server, setting] of [["updns", "dns.threads"], ["NSD", "server-count"], ["Knot", "udp-workers"], ["BIND", "-n"]])
      for (const n of [1, 2]) expect(out).toMatch(new RegExp(`^\\| ${server} \\| ${setting} ${n} \\| [\\d,]+ \\| [\\d.]+ \\|`, "m"));
    // The pinned run (server on one core, dnsperf on the other): updns, NSD and Knot with one worker.
    if (canPin()) {
      const pinned = out.slice(out.indexOf("#### Pinned"));
      for (const [server, setting] of [["updns", "dns.threads"], ["NSD", "server-count"], ["Knot", "udp-workers"]]) expect(pinned).toMatch(new RegExp(`^\\| ${server} \\| ${setting} 1 \\| [\\d,]+ \\| [\\d.]+ \\|`, "m"));
    }
    expect(out).toMatch(/^Latency at half of NSD's best rate \(dnsperf -Q [\d,]+/m);
    for (const zone of ["embedded", "rfc2136"]) for (const path of ["change", "nochg"]) for (const c of [1, 16]) expect(out).toMatch(new RegExp(`^\\| ${zone} \\| ${path} \\| ${c} \\| [\\d,]+ \\|`, "m"));
    // The change path on a DNSSEC-signed zone, and its cost beside the unsigned one (issue 10).
    for (const c of [1, 16]) expect(out).toMatch(new RegExp(`^\\| embedded, DNSSEC \\| change \\| ${c} \\| [\\d,]+ \\|`, "m"));
    expect(out).toMatch(/^Signed vs unsigned embedded zone \(the cost of DNSSEC per change\): 1 client: [\d,]+ vs [\d,]+ changes\/s .*µs server CPU per update/m);
    // Every update the runner sent got the answer its path expects (good for a change, nochg otherwise).
    expect(out).not.toMatch(/^\| (embedded|embedded, DNSSEC|rfc2136) \| \w+ \| \d+ \|( [^|]+ \|){5} [1-9]\d* \|/m);
    expect(out).toMatch(/^50 changes one after another .* p99 [\d.]+ ms, max [\d.]+ ms\.$/m);
    expect(out).toContain("### 5,000 hosts in one embedded zone (A + AAAA each: 10,006 RRs)");
    expect(out).toContain("### Against the targets");
    // Each target says whether this run met it.
    for (const figure of ["DNS q/s vs the best of NSD and Knot", "server CPU per query vs the best peer", "p99 latency at half of NSD's best rate", "first AXFR after start-up vs Knot", "DNSSEC-signed changes/s vs unsigned, 16 clients", "hosts: AXFR vs Knot"])
      expect(out).toMatch(new RegExp(`^\\| [^|]*${figure.replace(/[()]/g, "\\$&")}[^|]* \\| [^|]+ \\| [^|]+ \\| (met|not met|— \\(smaller run\\)) \\|$`, "m"));
  }, 300_000);
});
