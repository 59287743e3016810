// `updns domains --check [--notify-user]` and `--stale-check` (spec §6.2). Daily by default with --notify-user.
// The rules (what makes a zone unavailable, when its owner is told, which zones go) are core's
// (core/domain-checks.ts); this job probes the zones over DNS (zone-check.ts), mails and reports.
import { checkDomains, sweepStaleDomains } from "../core/index.ts";
import { domainUnavailableMail, secondariesBehindMail } from "../mail/index.ts";
import { counted, mailContext, newReport, note, outcome, sendMail, type JobContext, type JobReport } from "./context.ts";
import { zoneChecker, type CheckStep } from "./zone-check.ts";

export interface DomainsOptions {
  check?: boolean;
  notifyUser?: boolean;
  staleCheck?: boolean;
}

export interface DomainCheckResult {
  domain: string;
  backend: string;
  ok: boolean;
  /** Set unavailable and not public by this run. */
  madeUnavailable: boolean;
  steps: CheckStep[];
}

export interface DomainsReport extends JobReport {
  checked: DomainCheckResult[];
  deleted: string[];
}

export async function runDomains(ctx: JobContext, o: DomainsOptions): Promise<DomainsReport> {
  const report: DomainsReport = { ...newReport(), checked: [], deleted: [] };
  if (o.check) await check(ctx, o, report);
  if (o.staleCheck) staleCheck(ctx, report);
  const unavailable = report.checked.filter((c) => c.madeUnavailable).length;
  const warned = report.checked.filter((c) => !c.ok && !c.madeUnavailable).length;
  const counts: Record<string, number> = {};
  if (o.check) Object.assign(counts, { checked: report.checked.length, unavailable, behind: warned });
  if (o.staleCheck) counts.deleted = report.deleted.length;
  report.outcome = outcome("domains", counts, report);
  report.summary = [
    o.check ? `${report.checked.length} checked, ${unavailable} made unavailable, ${warned} with secondaries behind` : "",
    o.staleCheck ? `${report.deleted.length} deleted` : "",
    report.mailsFailed ? counted(report.mailsFailed, "mail failed", "mails failed") : "",
  ]
    .filter(Boolean)
    .join(", ");
  return report;
}

async function check(ctx: JobContext, o: DomainsOptions, report: DomainsReport): Promise<void> {
  const checker = ctx.checkZone ?? zoneChecker();
  for await (const x of checkDomains(ctx.db, ctx.clock, (d) => checker(ctx.db, d))) {
    const d = x.domain;
    report.checked.push({ domain: d.name, backend: d.backend, ok: x.probe.ok, madeUnavailable: x.madeUnavailable, steps: x.probe.steps });
    const owner = x.owner;
    const failed = x.probe.steps.filter((s) => !s.ok);
    if (x.madeUnavailable) {
      note(ctx, report, `Setting unavailable flag for domain ${d.name} (created by ${owner?.username ?? "nobody"}): ${failed.map((s) => s.message).join("; ")}`);
      if (o.notifyUser && owner && x.tellOwner)
        await sendMail(ctx, report, domainUnavailableMail(mailContext(ctx, owner.language), owner.email, { username: owner.username, domain: d.name, comment: d.comment, problem: failed.map((s) => s.message).join("; ") }));
    } else if (!x.probe.ok) {
      note(ctx, report, `Domain ${d.name}: ${failed.map((s) => `${s.step} ${s.message}`).join("; ")}`);
      if (o.notifyUser && owner && x.tellOwner)
        await sendMail(ctx, report, secondariesBehindMail(mailContext(ctx, owner.language), owner.email, { username: owner.username, domain: d.name, comment: d.comment, problems: failed.map((s) => `${s.step}: ${s.message}`) }));
    }
  }
}

function staleCheck(ctx: JobContext, report: DomainsReport): void {
  for (const d of sweepStaleDomains(ctx.db)) {
    if (d.kind === "available") note(ctx, report, `Domain ${d.name} is available.`);
    else if (d.kind === "has-hosts") note(ctx, report, `Domain ${d.name} is not available, but has ${d.hosts} ${d.hosts === 1 ? "host" : "hosts"}.`);
    else {
      report.deleted.push(d.name);
      note(ctx, report, `Domain ${d.name} is not available and has no hosts -> deleted domain.`);
    }
  }
}
