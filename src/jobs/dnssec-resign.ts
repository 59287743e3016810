// Slot for re-signing DNSSEC zones before their signatures expire. The DNSSEC helper exports the re-sign
// function later; until someone wires it in (JobContext is the place: a `resign` function), this job does
// nothing and says so. It has no [jobs] key yet, so the scheduler never runs it; `updns jobs run dnssec_resign`
// shows that it is not wired.
import { newReport, type JobContext, type JobReport } from "./context.ts";

export async function runDnssecResign(_ctx: JobContext): Promise<JobReport> {
  const report = newReport();
  report.summary = "not wired yet: DNSSEC re-signing is not available in this build";
  report.lines.push(report.summary);
  return report;
}
