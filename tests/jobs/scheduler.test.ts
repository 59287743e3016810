// The scheduler with a moved clock: a job runs at its time and only then, never when "" (off), never twice at
// once (in one process, or against a CLI run holding the lease), a failure is retried at the next tick, and
// the last run is recorded for `updns jobs list`.
import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/index.ts";
import { openDatabase } from "../../src/db/index.ts";
import { memoryLogger } from "../../src/log/index.ts";
import { createJobScheduler, CronError, JobBusyError, lastRun, newReport, runExclusive, Scheduler, type JobReport } from "../../src/jobs/index.ts";
import { TestClock } from "../core/fixture.ts";
import { makeJobWorld } from "./fixture.ts";
import { waitFor } from "../support/net.ts";

const MIN = 60_000;

function world() {
  const db = openDatabase(":memory:");
  // 2026-11-26T12:00:00Z
  const clock = new TestClock();
  const log = memoryLogger();
  return { db, clock, log };
}

const ok = (summary = "done"): JobReport => ({ ...newReport(), summary });

describe("timing", () => {
  test("a job runs when its minute comes, not before, and once per occurrence", async () => {
    const { db, clock, log } = world();
    let runs = 0;
    const s = new Scheduler({ db, log, clock, jobs: [{ name: "j", schedule: "15 * * * *", run: async () => (runs++, ok()) }] });
    expect(s.state()[0].next?.toISOString()).toBe("2026-11-26T12:15:00.000Z");
    clock.advance(14 * MIN);
    await s.tick();
    expect(runs).toBe(0);
    clock.advance(MIN);
    await s.tick();
    expect(runs).toBe(1);
    await s.tick(); // same minute again
    expect(runs).toBe(1);
    expect(s.state()[0].next?.toISOString()).toBe("2026-11-26T13:15:00.000Z");
    clock.advance(60 * MIN);
    await s.tick();
    expect(runs).toBe(2);
  });

  test("ticks missed while the process slept run the job once, not once per missed time", async () => {
    const { db, clock, log } = world();
    let runs = 0;
    const s = new Scheduler({ db, log, clock, jobs: [{ name: "j", schedule: "* * * * *", run: async () => (runs++, ok()) }] });
    clock.advance(30 * MIN);
    await s.tick();
    expect(runs).toBe(1);
  });

  test('"" is off: never runs, whatever the time', async () => {
    const { db, clock, log } = world();
    let runs = 0;
    const s = new Scheduler({ db, log, clock, jobs: [{ name: "j", schedule: "", run: async () => (runs++, ok()) }] });
    expect(s.state()[0].next).toBeNull();
    for (let i = 0; i < 5; i++) {
      clock.advance(400 * 24 * 60 * MIN);
      await s.tick();
    }
    expect(runs).toBe(0);
  });

  test("an invalid expression stops start-up with an error naming the setting", () => {
    const { db, clock, log } = world();
    expect(() => new Scheduler({ db, log, clock, jobs: [{ name: "faults", schedule: "0 25 * * *", run: async () => ok() }] })).toThrow(CronError);
    expect(() => new Scheduler({ db, log, clock, jobs: [{ name: "faults", schedule: "0 25 * * *", run: async () => ok() }] })).toThrow('[jobs] faults = "0 25 * * *": hour: 25 is outside 0-23');
  });

  test("the timer ticks on its own at the minute boundary (real time)", async () => {
    const { db, log } = world();
    // A clock one second before a minute boundary, then moving with real time.
    const t0 = Date.now();
    const base = Math.floor(t0 / MIN) * MIN + MIN - 1000;
    const clock = { now: () => new Date(base + (Date.now() - t0)) };
    let runs = 0;
    const s = new Scheduler({ db, log, clock, jobs: [{ name: "j", schedule: "* * * * *", run: async () => (runs++, ok()) }] });
    s.start();
    await Bun.sleep(1500);
    await s.stop();
    expect(runs).toBe(1);
  });
});

describe("no overlap", () => {
  test("a run still going at the next time is not started again", async () => {
    const { db, clock, log } = world();
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const s = new Scheduler({ db, log, clock, jobs: [{ name: "slow", schedule: "* * * * *", run: async () => (runs++, await gate, ok()) }] });
    clock.advance(MIN);
    const first = s.tick();
    await Bun.sleep(5);
    clock.advance(MIN);
    await s.tick();
    expect(runs).toBe(1);
    expect(log.lines.some((l) => l.includes("still running"))).toBe(true);
    release();
    await first;
    clock.advance(MIN);
    await s.tick();
    expect(runs).toBe(2);
  });

  test("a run held by another process (the CLI) is not started; the job waits for its next time", async () => {
    const { db, clock, log } = world();
    let runs = 0;
    const s = new Scheduler({ db, log, clock, jobs: [{ name: "j", schedule: "* * * * *", run: async () => (runs++, ok()) }] });
    let release!: () => void;
    const held = runExclusive(db, "j", "cli", () => clock.now(), () => new Promise<JobReport>((r) => (release = () => r(ok("cli")))));
    clock.advance(MIN);
    await s.tick();
    expect(runs).toBe(0);
    expect(log.lines.some((l) => l.includes("another run holds it"))).toBe(true);
    release();
    await held;
    clock.advance(MIN);
    await s.tick();
    expect(runs).toBe(1);
  });

  test("two runs of one job through the lease: the second is refused while the first runs", async () => {
    const { db, clock } = world();
    let release!: () => void;
    const first = runExclusive(db, "j", "cli", () => clock.now(), () => new Promise<JobReport>((r) => (release = () => r(ok()))));
    await expect(runExclusive(db, "j", "cli", () => clock.now(), async () => ok())).rejects.toThrow(JobBusyError);
    release();
    await first;
    await runExclusive(db, "j", "cli", () => clock.now(), async () => ok("again"));
    expect(lastRun(db, "j")?.result).toBe("again");
  });
});

describe("failures", () => {
  test("a failed run is logged and retried at the next tick, then waits for its next time after three retries", async () => {
    const { db, clock, log } = world();
    let runs = 0;
    const s = new Scheduler({ db, log, clock, jobs: [{ name: "bad", schedule: "0 3 * * *", run: async () => (runs++, Promise.reject(new Error("database is locked"))) }] });
    clock.t = new Date("2026-11-27T03:00:10Z").getTime();
    await s.tick();
    expect(runs).toBe(1);
    expect(s.state()[0].next?.toISOString()).toBe("2026-11-27T03:01:00.000Z");
    expect(log.lines.some((l) => l.includes("retrying at the next tick") && l.includes("database is locked"))).toBe(true);
    for (let i = 0; i < 3; i++) {
      clock.advance(MIN);
      await s.tick();
    }
    expect(runs).toBe(4);
    expect(s.state()[0].next?.toISOString()).toBe("2026-11-28T03:00:00.000Z");
    expect(lastRun(db, "bad")).toMatchObject({ ok: false, result: "database is locked", by: "scheduler" });
  });

  test("a retry that succeeds returns the job to its schedule", async () => {
    const { db, clock, log } = world();
    let runs = 0;
    const s = new Scheduler({ db, log, clock, jobs: [{ name: "flaky", schedule: "0 3 * * *", run: async () => (++runs === 1 ? Promise.reject(new Error("once")) : ok("fine")) }] });
    clock.t = new Date("2026-11-27T03:00:00Z").getTime();
    await s.tick();
    clock.advance(MIN);
    await s.tick();
    expect(runs).toBe(2);
    expect(s.state()[0].next?.toISOString()).toBe("2026-11-28T03:00:00.000Z");
    expect(lastRun(db, "flaky")).toMatchObject({ ok: true, result: "fine" });
  });
});

describe("the jobs of config [jobs]", () => {
  test("each job is scheduled at its configured time; the last run shows in lastRun()", async () => {
    const w = makeJobWorld();
    const cfg = loadConfig({ env: {} });
    const s = createJobScheduler({ db: w.db, log: w.log, clock: w.clock, schedules: { ...cfg.jobs, cleanup: "30 12 * * *", faults: "" }, context: w.ctx, settings: { flagAbuseThreshold: 150 } });
    const names = s.state().map((j) => j.name);
    expect(names).toEqual(["faults", "domains_check", "hosts_stale_check", "users_stale_check", "cleanup", "dnssec_resign"]);
    expect(s.state().find((j) => j.name === "faults")!.next).toBeNull();
    w.clock.advance(30 * MIN);
    await s.tick();
    const run = lastRun(w.db, "cleanup")!;
    expect(run.ok).toBe(true);
    expect(run.startedAt).toBe("2026-11-26T12:30:00.000Z");
    expect(run.result).toMatch(/^removed 0 expired sessions/);
    expect(lastRun(w.db, "faults")).toBeNull();
  });

  test("the faults job flags with the configured threshold and resets client counters", async () => {
    const w = makeJobWorld();
    const hot = w.host("hot", { clientFaults: 151 });
    const cool = w.host("cool", { clientFaults: 100 });
    const s = createJobScheduler({ db: w.db, log: w.log, clock: w.clock, schedules: { faults: "0 3 * * 0" }, context: w.ctx, settings: { flagAbuseThreshold: 150 } });
    w.clock.t = new Date("2026-11-29T03:00:00Z").getTime();
    await s.tick();
    expect([w.row(hot)!.abuse, w.row(hot)!.clientFaults]).toEqual([true, 0]);
    expect([w.row(cool)!.abuse, w.row(cool)!.clientFaults]).toEqual([false, 0]);
    expect(w.mails.map((m) => m.to)).toEqual(["ann@example.test"]);
  });
});

describe("one slow job does not hold back the others", () => {
  test("while a run is going, the timer keeps ticking and starts the other job at each of its times (real time)", async () => {
    const { db, log } = world();
    const t0 = Date.now();
    // A clock that runs 600 times faster than real time (a minute every 100 ms), ticking every 20 ms.
    const clock = { now: () => new Date(t0 + (Date.now() - t0) * 600) };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let slow = 0;
    let quick = 0;
    const s = new Scheduler({
      db,
      log,
      clock,
      maxWaitMs: 20,
      jobs: [
        { name: "slow", schedule: "* * * * *", run: async () => (slow++, await gate, ok()) },
        { name: "quick", schedule: "* * * * *", run: async () => (quick++, ok()) },
      ],
    });
    s.start();
    await waitFor("the quick job to run three times while the slow one is held", () => quick >= 3, 3000, 10);
    expect(slow).toBe(1);
    release();
    await s.stop();
  });
});

describe("runs counted for /metrics", () => {
  test("each run's end is told with its result: ok, then failed", async () => {
    const { db, clock, log } = world();
    const seen: string[] = [];
    let fail = false;
    const s = new Scheduler({
      db,
      log,
      clock,
      jobs: [{ name: "j", schedule: "* * * * *", run: async () => (fail ? Promise.reject(new Error("boom")) : ok()) }],
      onRun: (job, result) => void seen.push(`${job}:${result}`),
    });
    clock.advance(MIN);
    await s.tick();
    fail = true;
    clock.advance(MIN);
    await s.tick();
    expect(seen).toEqual(["j:ok", "j:failed"]);
  });
});
