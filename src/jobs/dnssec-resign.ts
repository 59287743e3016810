// Re-signing DNSSEC zones before their signatures expire, and rolling ZSKs that are due. The zone store does
// the work (JobContext resignZones: serve passes its store's dnssecTick, the CLI opens the signed zones);
// config [jobs] dnssec_resign schedules it (hourly by default).
import { newReport, note, type JobContext, type JobReport } from "./context.ts";

export async function runDnssecResign(ctx: JobContext): Promise<JobReport> {
  const report = newReport();
  if (!ctx.resignZones) {
    report.summary = "not wired yet: DNSSEC re-signing is not available in this build";
    report.lines.push(report.summary);
    return report;
  }
  report.summary = await ctx.resignZones();
  note(ctx, report, report.summary);
  return report;
}
