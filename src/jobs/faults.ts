// `updns faults` (spec §6.1): core's fault rules (core/fault-sweep.ts) over every host, the owners of hosts
// flagged as abuse told how to fix their client. Weekly by default:
// `--flag-abuse <[abuse] flag_abuse_threshold> --reset-client --notify-user`.
import { faultsModify, sweepFaults, type FaultRules } from "../core/index.ts";
import { abuseMail } from "../mail/index.ts";
import { counted, mailContext, mailsFailedNote, newReport, note, outcome, sendMail, type JobContext, type JobReport } from "./context.ts";

export { faultsModify };

export interface FaultsOptions extends FaultRules {
  /** Mail the owner of each host flagged by flagAbuse. */
  notifyUser?: boolean;
}

export interface FaultsReport extends JobReport {
  /** FQDNs flagged as abuse by this run. */
  flagged: string[];
  /** Hosts whose row was changed. */
  changed: number;
}

export async function runFaults(ctx: JobContext, o: FaultsOptions): Promise<FaultsReport> {
  const report: FaultsReport = { ...newReport(), flagged: [], changed: 0 };
  const show = o.showClient || o.showServer || o.showApiAuth;
  const modify = faultsModify(o);
  const sweep = sweepFaults(ctx.db, ctx.backendFor, o);
  for await (const x of sweep.outcomes) {
    if (x.kind === "error") {
      note(ctx, report, `error on host ${x.fqdn}: ${x.message}`);
      ctx.log.error("faults: a host failed", { host: x.fqdn, error: x.message });
      continue;
    }
    if (show) report.lines.push(`${x.shown.map((n) => `${String(n).padEnd(6)} `).join("")}${x.username} ${x.fqdn}`);
    if (x.changed) report.changed++;
    if (!x.flagged) continue;
    report.flagged.push(x.fqdn);
    note(ctx, report, `Setting abuse flag for host ${x.fqdn} (created by ${x.username}, client faults: ${x.flagged.faults})`);
    for (const e of x.flagged.dnsErrors) note(ctx, report, `could not remove ${e}`);
    const owner = x.flagged.owner;
    if (o.notifyUser && owner) await sendMail(ctx, report, abuseMail(mailContext(ctx, owner.language), owner.email, { username: owner.username, fqdn: x.fqdn, comment: x.flagged.comment, faults: x.flagged.faults }));
  }
  report.outcome = modify ? outcome("faults", { hosts: sweep.total, changed: report.changed, flagged: report.flagged.length }, report) : outcome("faults-shown", { hosts: sweep.total }, report);
  report.summary = modify
    ? `${counted(sweep.total, "host", "hosts")}, ${report.changed} changed, ${report.flagged.length} flagged as abuse${mailsFailedNote(report)}`
    : counted(sweep.total, "host", "hosts");
  return report;
}
