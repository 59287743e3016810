// `updns hosts --stale-check [--notify-user]` (spec §6.3). A host with no address update for 325 days gets its
// staleness raised, at most once per 8-day reaction window, with a notice each time; at staleness 3 it is made
// unavailable, at 5 it is deleted. Daily by default with --notify-user.
// Two deliberate changes from the baseline: a host made unavailable also leaves DNS (an unavailable name
// must not keep resolving to an address nobody maintains), and a host never updated counts from its creation
// rather than from 1970 (a host made yesterday is not stale).
import { asc, eq } from "drizzle-orm";
import { removeHostDns } from "../core/index.ts";
import { domains, hosts, users } from "../db/index.ts";
import { staleHostMail, type StaleHostStage } from "../mail/index.ts";
import { mailContext, newReport, note, sendMail, type JobContext, type JobReport } from "./context.ts";

const DAY = 86400_000;

export const STALE_AFTER_DAYS = 325;
export const REACTION_DAYS = 8;
export const UNAVAILABLE_AT = 3;
export const DELETE_AT = 5;

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
    return report;
  }
  const staleMs = (o.staleAfterDays ?? STALE_AFTER_DAYS) * DAY;
  const reactionMs = (o.reactionDays ?? REACTION_DAYS) * DAY;
  const rows = ctx.db
    .select({ h: hosts, zone: domains.name, owner: users })
    .from(hosts)
    .innerJoin(domains, eq(hosts.domainId, domains.id))
    .innerJoin(users, eq(hosts.ownerId, users.id))
    .orderBy(asc(hosts.id))
    .all();
  for (const { h, zone, owner } of rows) {
    const fqdn = `${h.name}.${zone}`;
    const now = ctx.clock.now();
    const lastSeen = Math.max(h.lastUpdateIpv4?.getTime() ?? 0, h.lastUpdateIpv6?.getTime() ?? 0, h.created.getTime());
    try {
      if (now.getTime() - lastSeen < staleMs) {
        if (h.staleness !== 0) {
          ctx.db.update(hosts).set({ staleness: 0, stalenessNotificationTimestamp: null }).where(eq(hosts.id, h.id)).run();
          report.recovered++;
        }
        continue;
      }
      if (h.stalenessNotificationTimestamp && now.getTime() - h.stalenessNotificationTimestamp.getTime() < reactionMs) continue;
      const staleness = h.staleness + 1;
      let stage: StaleHostStage;
      let issue: string;
      if (staleness >= DELETE_AT) {
        stage = "deleted";
        issue = `${fqdn} IP has still not been updated, staleness: ${staleness} -> deleted host.`;
        // Records first: once the row is gone nobody knows which names were the host's.
        for (const e of await removeHostDns(ctx.db, ctx.backendFor, h.id)) note(ctx, report, `could not remove ${e}`);
        ctx.db.delete(hosts).where(eq(hosts.id, h.id)).run();
      } else if (staleness >= UNAVAILABLE_AT) {
        stage = "unavailable";
        issue = `${fqdn} IP has still not been updated, staleness: ${staleness} -> made host unavailable.`;
        ctx.db.update(hosts).set({ staleness, available: false, stalenessNotificationTimestamp: now }).where(eq(hosts.id, h.id)).run();
        for (const e of await removeHostDns(ctx.db, ctx.backendFor, h.id)) note(ctx, report, `could not remove ${e}`);
      } else {
        stage = "fix";
        issue = `${fqdn} has not seen IP updates for a long time; staleness: ${staleness} -> please fix!`;
        ctx.db.update(hosts).set({ staleness, stalenessNotificationTimestamp: now }).where(eq(hosts.id, h.id)).run();
      }
      note(ctx, report, issue);
      report.events.push({ fqdn, staleness, stage });
      if (o.notifyUser) await sendMail(ctx, report, staleHostMail(mailContext(ctx, owner.language), owner.email, { username: owner.username, fqdn, comment: h.comment, issue, stage }));
    } catch (e) {
      note(ctx, report, `error on host ${fqdn}: ${(e as Error).message}`);
      ctx.log.error("hosts: a host failed", { host: fqdn, error: (e as Error).message });
    }
  }
  const by = (s: StaleHostStage) => report.events.filter((e) => e.stage === s).length;
  report.summary = `${rows.length} hosts, ${by("fix")} reminded, ${by("unavailable")} made unavailable, ${by("deleted")} deleted, ${report.recovered} recovered${report.mailsFailed ? `, ${report.mailsFailed} mails failed` : ""}`;
  return report;
}
