// The clean-up job (spec §6.7: Django's clearsessions and cleanupregistration, plus what updns keeps besides):
// expired sessions, expired or used e-mail tokens, sign-ups never confirmed, the IXFR journals of embedded
// zones beyond their configured length and age, and forwarding jobs too old to matter. Hourly by default.
import { deleteExpiredSessions, deleteExpiredTokens, deleteUnverifiedAccounts } from "../auth/index.ts";
import { dropStaleForwards } from "../core/index.ts";
import { counted, newReport, note, outcome, type JobContext, type JobReport } from "./context.ts";

export { FORWARD_MAX_AGE_MS } from "../core/index.ts";

export interface CleanupReport extends JobReport {
  sessions: number;
  tokens: number;
  unverifiedAccounts: number;
  journalEntries: number | null;
  forwards: number;
}

export async function runCleanup(ctx: JobContext): Promise<CleanupReport> {
  const now = ctx.clock.now();
  const report: CleanupReport = {
    ...newReport(),
    sessions: deleteExpiredSessions(ctx.db, now),
    tokens: deleteExpiredTokens(ctx.db, now),
    unverifiedAccounts: deleteUnverifiedAccounts(ctx.db, now),
    journalEntries: null,
    forwards: dropStaleForwards(ctx.db, now),
  };
  if (ctx.trimJournals) report.journalEntries = await ctx.trimJournals();
  const parts = [
    counted(report.sessions, "expired session", "expired sessions"),
    counted(report.tokens, "expired token", "expired tokens"),
    counted(report.unverifiedAccounts, "unconfirmed sign-up", "unconfirmed sign-ups"),
    report.journalEntries === null ? "journals not trimmed (no zone store)" : counted(report.journalEntries, "journal entry", "journal entries"),
    counted(report.forwards, "stale forwarding", "stale forwardings"),
  ];
  report.summary = `removed ${parts.join(", ")}`;
  // Journal entries only when journals were trimmed: their absence says "not trimmed".
  const journals: Record<string, number> = report.journalEntries === null ? {} : { journalEntries: report.journalEntries };
  report.outcome = outcome("cleanup", { sessions: report.sessions, tokens: report.tokens, signups: report.unverifiedAccounts, ...journals, forwards: report.forwards }, report);
  note(ctx, report, report.summary);
  return report;
}
