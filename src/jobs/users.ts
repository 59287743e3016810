// `updns users [--stale-check]` (spec §6.4): accounts unused for a year, with no hosts and no domains, go.
// Changes from the baseline, each on purpose: the owner is mailed a notice first and the account goes only
// after a grace period without a sign-in (an account is removed only after its owner was told); a session in use counts as use
// (a "keep me logged in" browser does not sign in again); staff accounts are never removed by the job.
import { asc, count, eq, max } from "drizzle-orm";
import { deleteAccount } from "../auth/index.ts";
import { removeUserDns } from "../core/index.ts";
import { domains, hosts, sessions, users } from "../db/index.ts";
import { staleAccountMail } from "../mail/index.ts";
import { formatDate } from "../i18n/index.ts";
import { day, mailContext, newReport, note, sendMail, type JobContext, type JobReport } from "./context.ts";

const DAY = 86400_000;
export const UNUSED_AFTER_DAYS = 365;
export const ACCOUNT_GRACE_DAYS = 30;

export interface UsersOptions {
  staleCheck?: boolean;
  /** Days without use before an account without hosts and domains is stale (default 365). */
  unusedAfterDays?: number;
  /** Days between the notice and the deletion (default 30). */
  graceDays?: number;
}

export interface UsersReport extends JobReport {
  notified: string[];
  deleted: string[];
}

function totals(ctx: JobContext): string {
  const n = (t: typeof users | typeof hosts | typeof domains) => ctx.db.select({ n: count() }).from(t).get()!.n;
  return `users: ${n(users)}, hosts: ${n(hosts)}, domains: ${n(domains)}`;
}

export async function runUsers(ctx: JobContext, o: UsersOptions): Promise<UsersReport> {
  const report: UsersReport = { ...newReport(), notified: [], deleted: [] };
  note(ctx, report, `before: ${totals(ctx)}`);
  if (o.staleCheck) await staleCheck(ctx, o, report);
  note(ctx, report, `after: ${totals(ctx)}`);
  report.summary = o.staleCheck ? `${report.notified.length} notified, ${report.deleted.length} deleted${report.mailsFailed ? `, ${report.mailsFailed} mails failed` : ""}` : "counted";
  return report;
}

async function staleCheck(ctx: JobContext, o: UsersOptions, report: UsersReport): Promise<void> {
  const unusedMs = (o.unusedAfterDays ?? UNUSED_AFTER_DAYS) * DAY;
  const graceMs = (o.graceDays ?? ACCOUNT_GRACE_DAYS) * DAY;
  const hostCount = new Map(ctx.db.select({ id: hosts.ownerId, n: count() }).from(hosts).groupBy(hosts.ownerId).all().map((r) => [r.id, r.n]));
  const domainCount = new Map(ctx.db.select({ id: domains.ownerId, n: count() }).from(domains).groupBy(domains.ownerId).all().map((r) => [r.id, r.n]));
  const seen = new Map(ctx.db.select({ id: sessions.userId, t: max(sessions.lastSeenAt) }).from(sessions).groupBy(sessions.userId).all().map((r) => [r.id, r.t]));
  // "kept" lines go to the report only: one log line per account every week would drown the log.
  for (const u of ctx.db.select().from(users).orderBy(asc(users.id)).all()) {
    const who = `${u.username} <${u.email}>`;
    const now = ctx.clock.now();
    const lastUsed = Math.max(u.lastLogin?.getTime() ?? 0, u.dateJoined.getTime(), seen.get(u.id)?.getTime() ?? 0);
    const age = now.getTime() - lastUsed;
    const years = (age / (365.25 * DAY)).toFixed(2);
    try {
      if (age < unusedMs) {
        if (u.stalenessNotifiedAt) ctx.db.update(users).set({ stalenessNotifiedAt: null }).where(eq(users.id, u.id)).run();
        report.lines.push(`${who} kept, was used recently.`);
        continue;
      }
      const nHosts = hostCount.get(u.id) ?? 0;
      const nDomains = domainCount.get(u.id) ?? 0;
      if (nHosts) {
        report.lines.push(`${who} kept, has hosts. age: ${years}y, hosts: ${nHosts}`);
        continue;
      }
      if (nDomains) {
        report.lines.push(`${who} kept, has domains. age: ${years}y, domains: ${nDomains}`);
        continue;
      }
      if (u.isStaff || u.isSuperuser) {
        report.lines.push(`${who} kept, is staff. age: ${years}y`);
        continue;
      }
      const notifiedAt = u.stalenessNotifiedAt?.getTime();
      // A notice older than the last use belongs to an earlier idle spell: start again.
      if (notifiedAt === undefined || notifiedAt < lastUsed) {
        ctx.db.update(users).set({ stalenessNotifiedAt: now }).where(eq(users.id, u.id)).run();
        report.notified.push(u.username);
        note(ctx, report, `${who} hasn't logged in for ${years}y, has no hosts and no domains -> notified, deletion after ${day(new Date(now.getTime() + graceMs))}.`);
        const loginUrl = ctx.publicUrl ? `${ctx.publicUrl.replace(/\/$/, "")}/account/login` : "";
        await sendMail(ctx, report, staleAccountMail(mailContext(ctx, u.language), u.email, { username: u.username, lastUsed: formatDate(u.language || "en", new Date(lastUsed)), days: o.graceDays ?? ACCOUNT_GRACE_DAYS, loginUrl }));
      } else if (now.getTime() - notifiedAt >= graceMs) {
        await deleteAccount(ctx.db, u.id, async (id) => {
          for (const e of await removeUserDns(ctx.db, ctx.backendFor, id)) note(ctx, report, `could not remove ${e}`);
        });
        report.deleted.push(u.username);
        note(ctx, report, `${who} hasn't logged in for ${years}y, has no hosts and no domains -> deleted user.`);
      } else {
        report.lines.push(`${who} kept, notified on ${day(new Date(notifiedAt))}, deletion after ${day(new Date(notifiedAt + graceMs))}.`);
      }
    } catch (e) {
      note(ctx, report, `error on user ${who}: ${(e as Error).message}`);
      ctx.log.error("users: an account failed", { user: u.username, error: (e as Error).message });
    }
  }
}
