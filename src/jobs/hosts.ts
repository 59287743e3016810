// `updns hosts --stale-check [--notify-user]` (spec §6.3): core's stale-host rules (core/stale-hosts.ts) on a
// schedule, the owners told by mail. Daily by default with --notify-user.
import { sweepStaleHosts, type StaleHostStage } from "../core/index.ts";
import { staleHostMail } from "../mail/index.ts";
import { counted, mailContext, mailsFailedNote, newReport, note, outcome, sendMail, type JobContext, type JobReport } from "./context.ts";

export interface HostsOptions {
  staleCheck?: boolean;
  notifyUser?: boolean;
  /** Days without an address update before a host is stale (default 325). */
  staleAfterDays?: number;
  /** Days the owner has to react to a notice before the next step (default 8). */
  reactionDays?: number;
}

export interface HostEvent {
  fqdn: string;
  staleness: number;
  stage: StaleHostStage;
}

export interface HostsReport extends JobReport {
  events: HostEvent[];
  /** Hosts whose staleness went back to 0 because they were updated again. */
  recovered: number;
}

export async function runHosts(ctx: JobContext, o: HostsOptions): Promise<HostsReport> {
  const report: HostsReport = { ...newReport(), events: [], recovered: 0 };
  if (!o.staleCheck) {
    report.summary = "nothing to do (no --stale-check)";
    report.outcome = outcome("nothing", {}, report);
    return report;
  }
  const sweep = sweepStaleHosts(ctx.db, ctx.backendFor, ctx.clock, o);
  for await (const x of sweep.outcomes) {
    if (x.kind === "recovered") {
      report.recovered++;
    } else if (x.kind === "error") {
      note(ctx, report, `error on host ${x.fqdn}: ${x.message}`);
      ctx.log.error("hosts: a host failed", { host: x.fqdn, error: x.message });
    } else {
      for (const e of x.dnsErrors) note(ctx, report, `could not remove ${e}`);
      note(ctx, report, x.issue);
      report.events.push({ fqdn: x.fqdn, staleness: x.staleness, stage: x.stage });
      if (o.notifyUser) await sendMail(ctx, report, staleHostMail(mailContext(ctx, x.owner.language), x.owner.email, { username: x.owner.username, fqdn: x.fqdn, comment: x.comment, issue: x.issue, stage: x.stage }));
    }
  }
  const by = (s: StaleHostStage) => report.events.filter((e) => e.stage === s).length;
  report.outcome = outcome("hosts", { hosts: sweep.total, reminded: by("fix"), unavailable: by("unavailable"), deleted: by("deleted"), recovered: report.recovered }, report);
  report.summary = `${counted(sweep.total, "host", "hosts")}, ${by("fix")} reminded, ${by("unavailable")} made unavailable, ${by("deleted")} deleted, ${report.recovered} recovered${mailsFailedNote(report)}`;
  return report;
}
