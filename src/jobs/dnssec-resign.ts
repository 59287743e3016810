// Re-signing DNSSEC zones before their signatures expire, and rolling ZSKs that are due. The zone store does
// the work (JobContext resignZones: serve passes its store's dnssecTick, the CLI opens the signed zones);
// config [jobs] dnssec_resign schedules it (hourly by default).
import { newReport, note, outcome, type JobContext, type JobReport, type ResignResult } from "./context.ts";

/** What one re-signing tick did, in one line for the job report. */
export function describeTick(results: ResignResult[]): string {
  const renewed = results.filter((r) => r.renewed).map((r) => r.zone);
  const steps = results.flatMap((r) => r.steps.map((s) => `${r.zone}: ${s}`));
  return `${results.length} signed zone(s), signatures renewed in ${renewed.length ? renewed.join(", ") : "none"}${steps.length ? `; ${steps.join("; ")}` : ""}`;
}

export async function runDnssecResign(ctx: JobContext): Promise<JobReport> {
  const report = newReport();
  if (!ctx.resignZones) {
    report.summary = "not wired yet: DNSSEC re-signing is not available in this build";
    report.outcome = outcome("dnssec-not-wired", {}, report);
    report.lines.push(report.summary);
    return report;
  }
  const results = await ctx.resignZones();
  report.summary = describeTick(results);
  report.outcome = outcome("dnssec", { zones: results.length, renewed: results.filter((r) => r.renewed).length, steps: results.reduce((n, r) => n + r.steps.length, 0) }, report);
  note(ctx, report, report.summary);
  return report;
}
