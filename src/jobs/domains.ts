// `updns domains --check [--notify-user]` and `--stale-check` (spec §6.2). Daily by default with --notify-user.
// A zone whose nameserver does not answer for it (rfc2136), or that does not load (embedded), becomes
// unavailable and not public and its owner is told; a secondary of an embedded zone that is unreachable or
// behind is reported per secondary and told to the owner once when it starts, but the zone stays available.
import { and, asc, count, eq, sql } from "drizzle-orm";
import { domains, hosts, users } from "../db/index.ts";
import { domainUnavailableMail, secondariesBehindMail } from "../mail/index.ts";
import { mailContext, newReport, note, sendMail, type JobContext, type JobReport } from "./context.ts";
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

/** The text kept in domains.last_check_result: "ok" or the failed steps. */
function resultText(steps: CheckStep[]): string {
  const failed = steps.filter((s) => !s.ok);
  return (failed.length ? `FAILED: ${failed.map((s) => `${s.step}: ${s.message}`).join("; ")}` : `ok: ${steps.map((s) => `${s.step}: ${s.message}`).join("; ")}`).slice(0, 1000);
}

export async function runDomains(ctx: JobContext, o: DomainsOptions): Promise<DomainsReport> {
  const report: DomainsReport = { ...newReport(), checked: [], deleted: [] };
  if (o.check) await check(ctx, o, report);
  if (o.staleCheck) staleCheck(ctx, report);
  const unavailable = report.checked.filter((c) => c.madeUnavailable).length;
  const warned = report.checked.filter((c) => !c.ok && !c.madeUnavailable).length;
  report.summary = [
    o.check ? `${report.checked.length} checked, ${unavailable} made unavailable, ${warned} with secondaries behind` : "",
    o.staleCheck ? `${report.deleted.length} deleted` : "",
    report.mailsFailed ? `${report.mailsFailed} mails failed` : "",
  ]
    .filter(Boolean)
    .join(", ");
  return report;
}

async function check(ctx: JobContext, o: DomainsOptions, report: DomainsReport): Promise<void> {
  const checker = ctx.checkZone ?? zoneChecker();
  const rows = ctx.db.select().from(domains).where(eq(domains.available, true)).orderBy(asc(domains.name)).all();
  for (const d of rows) {
    let result;
    try {
      result = await checker(ctx.db, d);
    } catch (e) {
      result = { ok: false, broken: true, steps: [{ step: "check", ok: false, message: (e as Error).message }] };
    }
    const now = ctx.clock.now();
    const text = resultText(result.steps);
    const wasOk = d.lastCheckResult === "" || d.lastCheckResult.startsWith("ok");
    // The row is re-read and changed in one statement: the owner may have edited it during a slow check.
    const patch = result.broken ? { available: false, public: false, lastCheckAt: now, lastCheckResult: text } : { lastCheckAt: now, lastCheckResult: text };
    ctx.db.update(domains).set(patch).where(eq(domains.id, d.id)).run();
    report.checked.push({ domain: d.name, backend: d.backend, ok: result.ok, madeUnavailable: result.broken, steps: result.steps });
    const owner = d.ownerId === null ? undefined : ctx.db.select().from(users).where(eq(users.id, d.ownerId)).get();
    const failed = result.steps.filter((s) => !s.ok);
    if (result.broken) {
      note(ctx, report, `Setting unavailable flag for domain ${d.name} (created by ${owner?.username ?? "nobody"}): ${failed.map((s) => s.message).join("; ")}`);
      if (o.notifyUser && owner)
        await sendMail(ctx, report, domainUnavailableMail(mailContext(ctx, owner.language), owner.email, { username: owner.username, domain: d.name, comment: d.comment, problem: failed.map((s) => s.message).join("; ") }));
    } else if (!result.ok) {
      note(ctx, report, `Domain ${d.name}: ${failed.map((s) => `${s.step} ${s.message}`).join("; ")}`);
      // Told once when the trouble starts, not every day it lasts.
      if (o.notifyUser && owner && wasOk)
        await sendMail(ctx, report, secondariesBehindMail(mailContext(ctx, owner.language), owner.email, { username: owner.username, domain: d.name, comment: d.comment, problems: failed.map((s) => `${s.step}: ${s.message}`) }));
    }
  }
}

function staleCheck(ctx: JobContext, report: DomainsReport): void {
  const rows = ctx.db
    .select({ id: domains.id, name: domains.name, available: domains.available, hosts: count(hosts.id) })
    .from(domains)
    .leftJoin(hosts, eq(hosts.domainId, domains.id))
    .groupBy(domains.id)
    .orderBy(asc(domains.name))
    .all();
  for (const d of rows) {
    if (d.available) {
      note(ctx, report, `Domain ${d.name} is available.`);
    } else if (d.hosts > 0) {
      note(ctx, report, `Domain ${d.name} is not available, but has ${d.hosts} hosts.`);
    } else {
      // Deleting the row drops an embedded zone's records and journal (ON DELETE CASCADE); a running server
      // sees the commit and stops serving the zone.
      const gone = ctx.db.delete(domains).where(and(eq(domains.id, d.id), eq(domains.available, false), sql`NOT EXISTS (SELECT 1 FROM ${hosts} WHERE ${hosts.domainId} = ${d.id})`)).returning({ id: domains.id }).all();
      if (gone.length) {
        report.deleted.push(d.name);
        note(ctx, report, `Domain ${d.name} is not available and has no hosts -> deleted domain.`);
      }
    }
  }
}
