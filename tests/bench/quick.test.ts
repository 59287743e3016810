// The benchmark runner works end to end: `bun bench/run.ts --quick` (at its smallest sizes) starts updns,
// NSD, Knot and BIND, loads them with dnsperf and wrk, and prints its markdown tables. No figure is
// asserted: timing belongs to the benchmarks, not to the tests.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { havePeers } from "../support/net.ts";
import { requireBinary } from "../support/updns.ts";

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
    for (const server of ["updns", "NSD", "Knot", "BIND"]) expect(out).toMatch(new RegExp(`^\\| ${server} \\| [\\d,]+ \\| [\\d.]+ \\|`, "m"));
    for (const zone of ["embedded", "rfc2136"]) for (const path of ["change", "nochg"]) for (const c of [1, 16]) expect(out).toMatch(new RegExp(`^\\| ${zone} \\| ${path} \\| ${c} \\| [\\d,]+ \\|`, "m"));
    // The change path on a DNSSEC-signed zone, and its cost beside the unsigned one (issue 10).
    for (const c of [1, 16]) expect(out).toMatch(new RegExp(`^\\| embedded, DNSSEC \\| change \\| ${c} \\| [\\d,]+ \\|`, "m"));
    expect(out).toMatch(/^Signed vs unsigned embedded zone \(the cost of DNSSEC per change\): 1 client: [\d,]+ vs [\d,]+ changes\/s .*µs server CPU per update/m);
    // Every update the runner sent got the answer its path expects (good for a change, nochg otherwise).
    expect(out).not.toMatch(/^\| (embedded|embedded, DNSSEC|rfc2136) \| \w+ \| \d+ \|( [^|]+ \|){5} [1-9]\d* \|/m);
    expect(out).toMatch(/^50 changes one after another .* p99 [\d.]+ ms, max [\d.]+ ms\.$/m);
    expect(out).toContain("### 5,000 hosts in one embedded zone (A + AAAA each: 10,006 RRs)");
    expect(out).toContain("### Against the targets of issue 6");
  }, 150_000);
});
