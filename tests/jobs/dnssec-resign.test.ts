// The DNSSEC re-sign slot: says it is not wired until a re-sign function is given, then runs it.
import { describe, expect, test } from "bun:test";
import { runDnssecResign } from "../../src/jobs/index.ts";
import { makeJobWorld } from "./fixture.ts";

describe("dnssec_resign", () => {
  test("not wired: does nothing and says so", async () => {
    const w = makeJobWorld();
    expect((await runDnssecResign(w.ctx)).summary).toBe("not wired yet: DNSSEC re-signing is not available in this build");
  });

  test("wired: runs the re-sign function and reports what it did, in a line and as counts", async () => {
    const w = makeJobWorld();
    let calls = 0;
    w.ctx.resignZones = async () => (calls++, [{ zone: "a.example", renewed: true, steps: ["zsk-published"] }, { zone: "b.example", renewed: false, steps: [] }]);
    const r = await runDnssecResign(w.ctx);
    const line = "2 signed zone(s), signatures renewed in a.example; a.example: zsk-published";
    expect([calls, r.summary, r.lines]).toEqual([1, line, [line]]);
    expect(r.outcome).toEqual({ kind: "dnssec", counts: { zones: 2, renewed: 1, steps: 1 } });
  });
});
