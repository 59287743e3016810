// One run of a job: a lease so that no job runs twice at once — neither two ticks in one server nor the
// server and a CLI command on the same database — and the record of the last run (start, end, result) that
// staff see in `updns jobs list` and on the status page. Both live in the `settings` table, so a run needs no
// schema of its own: "job-lock:<name>" holds the lease, "job:<name>" the last run.
import { eq, sql } from "drizzle-orm";
import { settings, type Db } from "../db/index.ts";

/** A crashed process's lease expires after this; far longer than any job takes. */
export const LEASE_MS = 6 * 3600_000;

/**
 * What a run did, as data: a kind that says which job's counts these are, and the counts by name (e.g.
 * `{ kind: "hosts", counts: { hosts: 2, reminded: 0, unavailable: 0, deleted: 0, recovered: 0 } }`). The
 * summary line is English (the CLI prints it); pages say the outcome in the reader's language from this.
 */
export interface JobOutcome {
  kind: string;
  counts: Record<string, number>;
}

export interface JobRun {
  startedAt: string;
  finishedAt: string | null;
  ok: boolean | null;
  /** The report's summary, or the error. */
  result: string;
  /** The report's outcome as data; absent for a failed run and for runs recorded before outcomes were kept. */
  outcome?: JobOutcome;
  /** "scheduler" or "cli". */
  by: string;
}

export class JobBusyError extends Error {
  constructor(readonly job: string, readonly holder: string) {
    super(`job ${job} is already running (${holder})`);
    this.name = "JobBusyError";
  }
}

const lockKey = (name: string) => `job-lock:${name}`;
const runKey = (name: string) => `job:${name}`;

/** Take the lease atomically: insert it, or take over one that has expired. */
function acquire(db: Db, name: string, holder: string, now: Date): boolean {
  const value = JSON.stringify({ holder, until: now.getTime() + LEASE_MS });
  const rows = db.$client
    .query(
      `INSERT INTO settings (key, value) VALUES (?1, ?2)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE json_extract(settings.value, '$.until') < ?3
       RETURNING key`,
    )
    .all(lockKey(name), value, now.getTime());
  return rows.length === 1;
}

function release(db: Db, name: string, holder: string): void {
  db.delete(settings).where(sql`${settings.key} = ${lockKey(name)} AND json_extract(${settings.value}, '$.holder') = ${holder}`).run();
}

function record(db: Db, name: string, run: JobRun): void {
  db.insert(settings).values({ key: runKey(name), value: JSON.stringify(run) }).onConflictDoUpdate({ target: settings.key, set: { value: JSON.stringify(run) } }).run();
}

/** Who holds the lease of `name`, if anyone holds a valid one. */
export function leaseHolder(db: Db, name: string, now: Date): string | null {
  const row = db.select().from(settings).where(eq(settings.key, lockKey(name))).get();
  if (!row) return null;
  const v = JSON.parse(row.value) as { holder: string; until: number };
  return v.until >= now.getTime() ? v.holder : null;
}

/** The last run of a job, or null if it never ran. */
export function lastRun(db: Db, name: string): JobRun | null {
  const row = db.select().from(settings).where(eq(settings.key, runKey(name))).get();
  return row ? (JSON.parse(row.value) as JobRun) : null;
}

let serial = 0;

/**
 * Run `fn` as job `name` under the lease, recording start and result. Throws JobBusyError (and records
 * nothing) when another run holds the lease; rethrows the job's own error after recording it.
 */
export async function runExclusive<R extends { summary: string; outcome?: JobOutcome }>(db: Db, name: string, by: string, now: () => Date, fn: () => Promise<R>): Promise<R> {
  const holder = `${by} pid ${process.pid} #${++serial}`;
  if (!acquire(db, name, holder, now())) throw new JobBusyError(name, leaseHolder(db, name, now()) ?? "unknown");
  const startedAt = now().toISOString();
  record(db, name, { startedAt, finishedAt: null, ok: null, result: "running", by });
  try {
    const report = await fn();
    record(db, name, { startedAt, finishedAt: now().toISOString(), ok: true, result: report.summary, ...(report.outcome ? { outcome: report.outcome } : {}), by });
    return report;
  } catch (e) {
    record(db, name, { startedAt, finishedAt: now().toISOString(), ok: false, result: (e as Error).message, by });
    throw e;
  } finally {
    release(db, name, holder);
  }
}
