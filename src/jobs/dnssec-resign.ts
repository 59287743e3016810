// Re-signing DNSSEC zones before their signatures expire. The DNSSEC side provides the function (JobContext
// resignZones); until it is wired, this job does nothing and says so. It has no [jobs] key yet, so the scheduler
// does not run it; `updns jobs run dnssec_resign` shows whether it is wired.
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
