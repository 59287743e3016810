// The in-process scheduler of `updns serve`: each job of config `[jobs]` runs when its cron expression
// matches (UTC), under the job's lease (core/job-runs.ts), so a run never overlaps another of the same job. A failed
// run is logged and retried at the next tick (the next minute), at most MAX_RETRIES times, then waits for its
// next time. "" turns a job off. Time comes from a Clock, so tests drive tick() with a moved clock.
import type { Clock } from "../core/index.ts";
import type { Db } from "../db/index.ts";
import type { Logger } from "../log/index.ts";
import type { JobReport } from "./context.ts";
import { CronError, nextRun, parseCron, type CronSchedule } from "./cron.ts";
import { JobBusyError, runExclusive } from "../core/index.ts";

export const MAX_RETRIES = 3;

export interface SchedulerJob {
  name: string;
  /** Five-field cron expression; "" = off. */
  schedule: string;
  run: () => Promise<JobReport>;
}

export interface SchedulerOptions {
  db: Db;
  log: Logger;
  clock: Clock;
  jobs: SchedulerJob[];
  /** Longest real wait between ticks (default: until the next minute boundary). Tests with a fast clock shorten it. */
  maxWaitMs?: number;
  /** Told of every run's end: done ("ok"), failed, or not started because another run held the job ("busy"). */
  onRun?: (job: string, result: "ok" | "failed" | "busy") => void;
}

export interface ScheduledState {
  name: string;
  schedule: string;
  /** null when off (or the expression never matches). */
  next: Date | null;
  running: boolean;
}

interface Entry {
  job: SchedulerJob;
  cron: CronSchedule | null;
  next: Date | null;
  retries: number;
  running: Promise<void> | null;
}

/** Parse every schedule; an invalid one is an error naming the setting, before anything starts. */
function entries(jobs: SchedulerJob[], now: Date): Entry[] {
  return jobs.map((job) => {
    let cron: CronSchedule | null = null;
    if (job.schedule.trim() !== "") {
      try {
        cron = parseCron(job.schedule);
      } catch (e) {
        throw new CronError(`[jobs] ${job.name} = "${job.schedule}": ${(e as Error).message}`);
      }
    }
    return { job, cron, next: cron ? nextRun(cron, now) : null, retries: 0, running: null };
  });
}

export class Scheduler {
  private readonly entries: Entry[];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.entries = entries(opts.jobs, opts.clock.now());
  }

  /** Tick at every minute boundary until stop(). */
  start(): void {
    this.stopped = false;
    const log = this.opts.log;
    for (const e of this.entries) log.info(e.cron ? "job scheduled" : "job off", { job: e.job.name, schedule: e.job.schedule, next: e.next?.toISOString() ?? "" });
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    const now = this.opts.clock.now().getTime();
    // A little past the boundary, so the clock reads the new minute when we look.
    const delay = Math.min(60_000 - (now % 60_000) + 50, this.opts.maxWaitMs ?? Infinity);
    this.timer = setTimeout(() => {
      // Not awaited: a long run (a slow domain check) must not hold back the ticks of the other jobs.
      void this.tick();
      this.arm();
    }, delay);
  }

  /**
   * Start every job that is due and not running; resolves when the runs started by this tick have ended
   * (the timer does not wait for that; tests do).
   */
  tick(): Promise<void> {
    const now = this.opts.clock.now();
    const started: Promise<void>[] = [];
    for (const e of this.entries) {
      if (!e.next || e.next.getTime() > now.getTime()) continue;
      if (e.running) {
        this.opts.log.warn("job still running at its next time; this time is skipped", { job: e.job.name });
        e.next = nextRun(e.cron!, now);
        continue;
      }
      e.running = this.runEntry(e).finally(() => (e.running = null));
      started.push(e.running);
    }
    return Promise.all(started).then(() => undefined);
  }

  private async runEntry(e: Entry): Promise<void> {
    const { db, log, clock } = this.opts;
    const name = e.job.name;
    const t0 = Date.now();
    try {
      const report = await runExclusive(db, name, "scheduler", () => clock.now(), e.job.run);
      e.retries = 0;
      e.next = nextRun(e.cron!, clock.now());
      log.info("job done", { job: name, result: report.summary, ms: Date.now() - t0, mails: report.mailsSent, mails_failed: report.mailsFailed });
      this.opts.onRun?.(name, "ok");
    } catch (err) {
      const busy = err instanceof JobBusyError;
      this.opts.onRun?.(name, busy ? "busy" : "failed");
      if (!busy && e.retries < MAX_RETRIES) {
        e.retries++;
        // Retried at the next tick: the start of the next minute.
        e.next = new Date(Math.floor(clock.now().getTime() / 60_000) * 60_000 + 60_000);
        log.error("job failed; retrying at the next tick", { job: name, error: (err as Error).message, retry: e.retries });
      } else {
        e.retries = 0;
        e.next = nextRun(e.cron!, clock.now());
        if (busy) log.warn("job not started: another run holds it", { job: name, holder: err.holder });
        else log.error("job failed; giving up until its next time", { job: name, error: (err as Error).message, next: e.next?.toISOString() ?? "" });
      }
    }
  }

  state(): ScheduledState[] {
    return this.entries.map((e) => ({ name: e.job.name, schedule: e.job.schedule, next: e.next, running: e.running !== null }));
  }

  /** No new runs; resolves when the running ones have ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all(this.entries.map((e) => e.running));
  }
}
