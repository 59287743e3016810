// `updns users [--stale-check]` (spec §6.4): core's stale-account rules (core/stale-accounts.ts) weekly, the
// notices mailed, the account removed through auth's deletion with its hosts' names taken out of DNS.
import { deleteAccount } from "../auth/index.ts";
import { accountTotals, removeUserDns, sweepStaleAccounts, type AccountSeen, type StaleAccountRules } from "../core/index.ts";
import { staleAccountMail } from "../mail/index.ts";
import { formatDate } from "../i18n/index.ts";
import { day, mailContext, mailsFailedNote, newReport, note, outcome, sendMail, type JobContext, type JobReport } from "./context.ts";

export { UNUSED_AFTER_DAYS, ACCOUNT_GRACE_DAYS } from "../core/index.ts";

export interface UsersOptions extends StaleAccountRules {
  staleCheck?: boolean;
}

export interface UsersReport extends JobReport {
  notified: string[];
  deleted: string[];
}

export async function runUsers(ctx: JobContext, o: UsersOptions): Promise<UsersReport> {
  const report: UsersReport = { ...newReport(), notified: [], deleted: [] };
  note(ctx, report, `before: ${accountTotals(ctx.db)}`);
  if (o.staleCheck) await staleCheck(ctx, o, report);
  note(ctx, report, `after: ${accountTotals(ctx.db)}`);
  report.outcome = o.staleCheck ? outcome("users", { notified: report.notified.length, deleted: report.deleted.length }, report) : outcome("users-counted", {}, report);
  report.summary = o.staleCheck ? `${report.notified.length} notified, ${report.deleted.length} deleted${mailsFailedNote(report)}` : "counted";
  return report;
}

async function staleCheck(ctx: JobContext, o: UsersOptions, report: UsersReport): Promise<void> {
  const removeAccount = async (userId: number) => {
    const errors: string[] = [];
    await deleteAccount(ctx.db, userId, async (id) => void errors.push(...(await removeUserDns(ctx.db, ctx.backendFor, id))));
    return errors;
  };
  const whoOf = (u: AccountSeen) => `${u.username} <${u.email}>`;
  const years = (u: AccountSeen) => (u.age / (365.25 * 86400_000)).toFixed(2);
  // "kept" lines go to the report only: one log line per account every week would drown the log.
  for await (const x of sweepStaleAccounts(ctx.db, ctx.clock, removeAccount, o)) {
    const who = whoOf(x);
    switch (x.kind) {
      case "kept":
        if (x.why === "used") report.lines.push(`${who} kept, was used recently.`);
        else if (x.why === "hosts" || x.why === "domains") report.lines.push(`${who} kept, has ${x.why}. age: ${years(x)}y, ${x.why}: ${x.count}`);
        else if (x.why === "staff") report.lines.push(`${who} kept, is staff. age: ${years(x)}y`);
        else report.lines.push(`${who} kept, notified on ${day(new Date(x.notifiedAt))}, deletion after ${day(new Date(x.deleteAfter))}.`);
        break;
      case "notified": {
        report.notified.push(x.username);
        note(ctx, report, `${who} hasn't logged in for ${years(x)}y, has no hosts and no domains -> notified, deletion after ${day(new Date(x.deleteAfter))}.`);
        const loginUrl = ctx.publicUrl ? `${ctx.publicUrl.replace(/\/$/, "")}/account/login` : "";
        await sendMail(ctx, report, staleAccountMail(mailContext(ctx, x.language), x.email, { username: x.username, lastUsed: formatDate(x.language || "en", new Date(x.lastUsed)), days: x.graceDays, loginUrl }));
        break;
      }
      case "deleted":
        for (const e of x.dnsErrors) note(ctx, report, `could not remove ${e}`);
        report.deleted.push(x.username);
        note(ctx, report, `${who} hasn't logged in for ${years(x)}y, has no hosts and no domains -> deleted user.`);
        break;
      case "error":
        note(ctx, report, `error on user ${who}: ${x.message}`);
        ctx.log.error("users: an account failed", { user: x.username, error: x.message });
        break;
    }
  }
}
