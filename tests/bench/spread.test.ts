// The spread over several bench runs (`npm run bench -- --runs 3`): each target's lowest and highest figure
// and in how many runs it was met, as the README shows it.
import { describe, expect, test } from "bun:test";
import { spread, type RunResult, type Target } from "../../bench/lib/targets.ts";

const target = (figure: string, value: number, met: boolean | undefined, unit: Target["unit"] = "×"): Target => ({ figure, shown: String(value), target: "≥ 1.0×", met, value, unit });
const run = (...targets: Target[]): RunResult => ({ text: "", targets, failures: [] });

describe("the spread of the targets over runs", () => {
  test("shows the lowest and highest figure of each target and how many runs met it", () => {
    const text = spread([run(target("DNS q/s vs the best of NSD and Knot", 0.96, false)), run(target("DNS q/s vs the best of NSD and Knot", 1.04, true)), run(target("DNS q/s vs the best of NSD and Knot", 1.01, true))]);
    expect(text).toContain("### The spread over 3 runs");
    expect(text).toContain("| DNS q/s vs the best of NSD and Knot | 0.96× – 1.04× | ≥ 1.0× | 2 of 3 |");
  });

  test("counts a target whose name carries the run's own rate as one target", () => {
    const text = spread([run(target("p99 latency at half of NSD's best rate (49,539 q/s) vs NSD", 1.69, false)), run(target("p99 latency at half of NSD's best rate (51,002 q/s) vs NSD", 1.2, true))]);
    expect(text).toContain("| p99 latency at half of NSD's best rate vs NSD | 1.20× – 1.69× | ≥ 1.0× | 1 of 2 |");
  });

  test("formats rates, times and sizes in their units, one figure when the runs agree", () => {
    const text = spread([run(target("nochg/s, 16 clients", 9435.2, false, "/s"), target("1,000,000 hosts: start-up", 3.771, true, " s")), run(target("nochg/s, 16 clients", 10120, true, "/s"), target("1,000,000 hosts: start-up", 3.771, true, " s"))]);
    expect(text).toContain("| nochg/s, 16 clients | 9,435/s – 10,120/s | ≥ 1.0× | 1 of 2 |");
    expect(text).toContain("| 1,000,000 hosts: start-up | 3.77 s | ≥ 1.0× | 2 of 2 |");
  });

  test("a target no run could judge (smaller runs) says so instead of a count", () => {
    const text = spread([run(target("5,000 hosts: AXFR vs Knot", 0.5, undefined))]);
    expect(text).toContain("| 5,000 hosts: AXFR vs Knot | 0.50× | ≥ 1.0× | — |");
  });
});
