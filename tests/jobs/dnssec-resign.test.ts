// The DNSSEC re-sign slot: says it is not wired until a re-sign function is given, then runs it.
import { describe, expect, test } from "bun:test";
import { runDnssecResign } from "../../src/jobs/index.ts";
import { makeJobWorld } from "./fixture.ts";

describe("dnssec_resign", () => {
  test("not wired: does nothing and says so", async () => {
    const w = makeJobWorld();
    expect((await runDnssecResign(w.ctx)).summary).toBe("not wired yet: DNSSEC re-signing is not available in this build");
  });

  test("wired: runs the re-sign function and reports its summary", async () => {
    const w = makeJobWorld();
    let calls = 0;
    w.ctx.resignZones = async () => (calls++, "2 zones re-signed");
    const r = await runDnssecResign(w.ctx);
    expect([calls, r.summary, r.lines]).toEqual([1, "2 zones re-signed", ["2 zones re-signed"]]);
  });
});
