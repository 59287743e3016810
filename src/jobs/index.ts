// Public face of jobs/: the maintenance jobs (one file each), the scheduler that runs them inside
// `updns serve`, and the record of their last runs. The CLI (src/cli/jobs.ts) calls the same functions.
import type { Clock } from "../core/index.ts";
import type { Db } from "../db/index.ts";
import type { Logger } from "../log/index.ts";
import type { JobContext } from "./context.ts";
import { JOBS, type JobSettings } from "./registry.ts";
import { Scheduler, type SchedulerOptions } from "./scheduler.ts";

export { newReport, sendMail, mailContext, type JobContext, type JobReport, type ResignResult } from "./context.ts";
export { runFaults, faultsModify, type FaultsOptions, type FaultsReport } from "./faults.ts";
export { runDomains, type DomainsOptions, type DomainsReport, type DomainCheckResult } from "./domains.ts";
export { runHosts, type HostsOptions, type HostsReport, type HostEvent } from "./hosts.ts";
export { STALE_AFTER_DAYS, REACTION_DAYS, UNAVAILABLE_AT, DELETE_AT } from "../core/index.ts";
export { runUsers, UNUSED_AFTER_DAYS, ACCOUNT_GRACE_DAYS, type UsersOptions, type UsersReport } from "./users.ts";
export { runCleanup, FORWARD_MAX_AGE_MS, type CleanupReport } from "./cleanup.ts";
export { runDnssecResign, describeTick } from "./dnssec-resign.ts";
export { checkSecondaries, zoneChecker, type CheckStep, type ZoneCheck, type ZoneChecker, type CheckOptions } from "./zone-check.ts";
export { parseCron, cronMatches, nextRun, CronError, type CronSchedule } from "./cron.ts";
export { runExclusive, lastRun, leaseHolder, JobBusyError, LEASE_MS, type JobRun, type JobOutcome } from "../core/index.ts";
export { JOBS, findJob, type JobDefinition, type JobSettings } from "./registry.ts";
export { jobsStatus, type JobStatus } from "./status.ts";
export { Scheduler, MAX_RETRIES, type SchedulerJob, type SchedulerOptions, type ScheduledState } from "./scheduler.ts";

/**
 * The scheduler of `updns serve` for config `[jobs]` (job name = key; a job without a key, like
 * dnssec_resign, is not scheduled). Throws CronError naming the setting when an expression is invalid.
 */
export function createJobScheduler(o: { db: Db; log: Logger; clock: Clock; schedules: Record<string, string>; context: JobContext; settings: JobSettings; onRun?: SchedulerOptions["onRun"] }): Scheduler {
  return new Scheduler({
    db: o.db,
    log: o.log,
    clock: o.clock,
    onRun: o.onRun,
    jobs: JOBS.filter((j) => j.name in o.schedules).map((j) => ({ name: j.name, schedule: o.schedules[j.name], run: () => j.run(o.context, o.settings) })),
  });
}
