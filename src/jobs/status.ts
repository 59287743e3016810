// What staff see about the jobs (`updns jobs list`, the web status page): each job's schedule, next time,
// last run and whether one is running now. Read from the database, so any process can show it.
import type { Db } from "../db/index.ts";
import { nextRun, parseCron } from "./cron.ts";
import { JOBS, type JobSettings } from "./registry.ts";
import { lastRun, leaseHolder } from "../core/index.ts";

export interface JobStatus {
  name: string;
  description: string;
  /** The cron expression, or "off". */
  schedule: string;
  /** ISO time of the next run; "" when off, "never" when the expression never matches, "invalid: ..." */
  next: string;
  last_start: string;
  last_end: string;
  /** "never ran", "running (holder)", "ok: summary", "FAILED: error" or "did not finish" (its process died). */
  last_result: string;
  /** The equivalent command line. */
  command: string;
}

export function jobsStatus(db: Db, schedules: Record<string, string>, settings: JobSettings, now: Date): JobStatus[] {
  return JOBS.map((j) => {
    const schedule = schedules[j.name] ?? "";
    let next = "";
    if (schedule) {
      try {
        next = nextRun(parseCron(schedule), now)?.toISOString() ?? "never";
      } catch (e) {
        next = `invalid: ${(e as Error).message}`;
      }
    }
    const last = lastRun(db, j.name);
    const holder = leaseHolder(db, j.name, now);
    return {
      name: j.name,
      description: j.description,
      schedule: schedule || "off",
      next,
      last_start: last?.startedAt ?? "",
      last_end: last?.finishedAt ?? "",
      last_result: holder ? `running (${holder})` : !last ? "never ran" : last.ok === null ? "did not finish" : `${last.ok ? "ok: " : "FAILED: "}${last.result}`,
      command: j.command(settings),
    };
  });
}
