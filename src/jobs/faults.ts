// `updns faults` (spec §6.1): show and reset the fault counters of every host, flag hosts whose update
// client misbehaves as abuse, and tell their owners how to fix it. Weekly by default:
// `--flag-abuse <[abuse] flag_abuse_threshold> --reset-client --notify-user`.
import { asc, eq } from "drizzle-orm";
import { removeHostDns } from "../core/index.ts";
import { domains, hosts, users } from "../db/index.ts";
import { abuseMail } from "../mail/index.ts";
import { mailContext, newReport, note, sendMail, type JobContext, type JobReport } from "./context.ts";

export interface FaultsOptions {
  showClient?: boolean;
  showServer?: boolean;
  showApiAuth?: boolean;
  resetClient?: boolean;
  resetServer?: boolean;
  resetApiAuth?: boolean;
  /** available := true */
  resetAvailable?: boolean;
  /** abuse := false */
  resetAbuse?: boolean;
  /** abuse_blocked := false */
  resetAbuseBlocked?: boolean;
  /** Flag hosts with more than N client faults as abuse and reset their counter. */
  flagAbuse?: number;
  /** Mail the owner of each host flagged by flagAbuse. */
  notifyUser?: boolean;
}

export interface FaultsReport extends JobReport {
  /** FQDNs flagged as abuse by this run. */
  flagged: string[];
  /** Hosts whose row was changed. */
  changed: number;
}

/** Whether the options change anything (a show-only run changes nothing and is not a job run). */
export function faultsModify(o: FaultsOptions): boolean {
  return Boolean(o.resetClient || o.resetServer || o.resetApiAuth || o.resetAvailable || o.resetAbuse || o.resetAbuseBlocked || o.flagAbuse !== undefined);
}

export async function runFaults(ctx: JobContext, o: FaultsOptions): Promise<FaultsReport> {
  const report: FaultsReport = { ...newReport(), flagged: [], changed: 0 };
  if (o.flagAbuse !== undefined && (!Number.isInteger(o.flagAbuse) || o.flagAbuse < 0)) throw new Error(`--flag-abuse must be a whole number from 0, got ${o.flagAbuse}`);
  const show = o.showClient || o.showServer || o.showApiAuth;
  const modify = faultsModify(o);
  const rows = ctx.db
    .select({ id: hosts.id, name: hosts.name, zone: domains.name, username: users.username })
    .from(hosts)
    .innerJoin(domains, eq(hosts.domainId, domains.id))
    .innerJoin(users, eq(hosts.ownerId, users.id))
    .orderBy(asc(hosts.id))
    .all();
  for (const r of rows) {
    const fqdn = `${r.name}.${r.zone}`;
    try {
      // Each host in its own transaction: one broken row does not stop the run (as the baseline).
      const result = ctx.db.transaction((tx) => {
        const h = tx.select().from(hosts).where(eq(hosts.id, r.id)).get();
        if (!h) return null;
        if (show) {
          const cells = [o.showClient && h.clientFaults, o.showServer && h.serverFaults, o.showApiAuth && h.apiAuthFaults].filter((v): v is number => v !== false && v !== undefined);
          report.lines.push(`${cells.map((n) => `${String(n).padEnd(6)} `).join("")}${r.username} ${fqdn}`);
        }
        if (!modify) return null;
        const patch: Partial<typeof hosts.$inferInsert> = {};
        let flaggedWith: number | null = null;
        if (o.flagAbuse !== undefined && h.clientFaults > o.flagAbuse) {
          flaggedWith = h.clientFaults;
          patch.abuse = true;
          patch.clientFaults = 0;
        }
        if (o.resetClient) patch.clientFaults = 0;
        // The no-change updates are a part of the client faults: they start again with them.
        if (patch.clientFaults === 0) patch.nochgFaults = 0;
        if (o.resetServer) patch.serverFaults = 0;
        if (o.resetApiAuth) patch.apiAuthFaults = 0;
        if (o.resetAbuse) patch.abuse = false;
        if (o.resetAbuseBlocked) patch.abuseBlocked = false;
        if (o.resetAvailable) patch.available = true;
        const changes = Object.entries(patch).filter(([k, v]) => h[k as keyof typeof h] !== v);
        if (changes.length) tx.update(hosts).set(Object.fromEntries(changes)).where(eq(hosts.id, h.id)).run();
        return { host: h, flaggedWith, changed: changes.length > 0, abuseNow: patch.abuse ?? h.abuse };
      });
      if (!result) continue;
      if (result.changed) report.changed++;
      if (result.flaggedWith === null) continue;
      report.flagged.push(fqdn);
      note(ctx, report, `Setting abuse flag for host ${fqdn} (created by ${r.username}, client faults: ${result.flaggedWith})`);
      // A host flagged as abuse resolves no more (spec §11.9); only when this run set the flag, since the
      // records of hosts flagged earlier went then.
      if (result.abuseNow && !result.host.abuse) {
        const errors = await removeHostDns(ctx.db, ctx.backendFor, result.host.id);
        for (const e of errors) note(ctx, report, `could not remove ${e}`);
      }
      if (o.notifyUser) {
        const owner = ctx.db.select().from(users).where(eq(users.id, result.host.ownerId)).get();
        if (owner) await sendMail(ctx, report, abuseMail(mailContext(ctx, owner.language), owner.email, { username: owner.username, fqdn, comment: result.host.comment, faults: result.flaggedWith }));
      }
    } catch (e) {
      note(ctx, report, `error on host ${fqdn}: ${(e as Error).message}`);
      ctx.log.error("faults: a host failed", { host: fqdn, error: (e as Error).message });
    }
  }
  report.summary = modify
    ? `${rows.length} hosts, ${report.changed} changed, ${report.flagged.length} flagged as abuse${report.mailsFailed ? `, ${report.mailsFailed} mails failed` : ""}`
    : `${rows.length} hosts`;
  return report;
}
