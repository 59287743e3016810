// Stale hosts (spec §6.3): a host with no address update for 325 days gets its staleness raised, at most once
// per 8-day reaction window, with a notice each time; at staleness 3 it is made unavailable, at 5 it is deleted.
// Two deliberate changes from the baseline: a host made unavailable also leaves DNS (an unavailable name
// must not keep resolving to an address nobody maintains), and a host never updated counts from its creation
// rather than from 1970 (a host made yesterday is not stale).
// The rules live here; jobs/hosts.ts runs them on a schedule, mails the owners and keeps the report.
import { asc, eq } from "drizzle-orm";
import { domains, hosts, users, type Db } from "../db/index.ts";
import { removeHostDns, type BackendFor } from "./dns-cleanup.ts";
import { removeHost } from "./hosts-edit.ts";
import type { Clock } from "./ports.ts";

const DAY = 86400_000;

export const STALE_AFTER_DAYS = 325;
export const REACTION_DAYS = 8;
export const UNAVAILABLE_AT = 3;
export const DELETE_AT = 5;

export type StaleHostStage = "fix" | "unavailable" | "deleted";

export interface StaleHostRules {
  /** Days without an address update before a host is stale (default 325). */
  staleAfterDays?: number;
  /** Days the owner has to react to a notice before the next step (default 8). */
  reactionDays?: number;
}

/** What became of one host, in the order the sweep met them. */
export type StaleHostOutcome =
  /** Updated again: its staleness went back to 0. */
  | { kind: "recovered"; fqdn: string }
  /** One step further; `dnsErrors` are the names that could not be taken out of DNS. */
  | { kind: "stale"; fqdn: string; staleness: number; stage: StaleHostStage; issue: string; comment: string; owner: { username: string; email: string; language: string }; dnsErrors: string[] }
  | { kind: "error"; fqdn: string; message: string };

export interface StaleHostSweep {
  /** Hosts looked at. */
  total: number;
  outcomes: AsyncGenerator<StaleHostOutcome>;
}

/** Walk every host once; each one's step is stored before it is yielded (the caller may mail about it). */
export function sweepStaleHosts(db: Db, backendFor: BackendFor, clock: Clock, rules: StaleHostRules = {}): StaleHostSweep {
  const staleMs = (rules.staleAfterDays ?? STALE_AFTER_DAYS) * DAY;
  const reactionMs = (rules.reactionDays ?? REACTION_DAYS) * DAY;
  const rows = db.select({ h: hosts, zone: domains.name, owner: users }).from(hosts).innerJoin(domains, eq(hosts.domainId, domains.id)).innerJoin(users, eq(hosts.ownerId, users.id)).orderBy(asc(hosts.id)).all();
  async function* outcomes(): AsyncGenerator<StaleHostOutcome> {
    for (const { h, zone, owner } of rows) {
      const fqdn = `${h.name}.${zone}`;
      const now = clock.now();
      const lastSeen = Math.max(h.lastUpdateIpv4?.getTime() ?? 0, h.lastUpdateIpv6?.getTime() ?? 0, h.created.getTime());
      let outcome: StaleHostOutcome | null;
      try {
        if (now.getTime() - lastSeen < staleMs) {
          if (h.staleness === 0) continue;
          db.update(hosts).set({ staleness: 0, stalenessNotificationTimestamp: null }).where(eq(hosts.id, h.id)).run();
          outcome = { kind: "recovered", fqdn };
        } else if (h.stalenessNotificationTimestamp && now.getTime() - h.stalenessNotificationTimestamp.getTime() < reactionMs) {
          continue;
        } else {
          const step = await raiseStaleness(db, backendFor, h, fqdn, now);
          outcome = { kind: "stale", fqdn, ...step, comment: h.comment, owner: { username: owner.username, email: owner.email, language: owner.language } };
        }
      } catch (e) {
        outcome = { kind: "error", fqdn, message: (e as Error).message };
      }
      yield outcome;
    }
  }
  return { total: rows.length, outcomes: outcomes() };
}

interface StaleStep {
  staleness: number;
  stage: StaleHostStage;
  issue: string;
  dnsErrors: string[];
}

/** One step up the staleness ladder: a notice, then unavailable (and out of DNS), then deleted. */
async function raiseStaleness(db: Db, backendFor: BackendFor, h: typeof hosts.$inferSelect, fqdn: string, now: Date): Promise<StaleStep> {
  const staleness = h.staleness + 1;
  const step = (stage: StaleHostStage, issue: string, dnsErrors: string[] = []): StaleStep => ({ staleness, stage, issue, dnsErrors });
  if (staleness >= DELETE_AT) {
    // No owner's rule to heed here (a blocked host goes too): the host is abandoned.
    const errors = await removeHost(db, backendFor, h.id);
    return step("deleted", `${fqdn} IP has still not been updated, staleness: ${staleness} -> deleted host.`, errors);
  }
  if (staleness >= UNAVAILABLE_AT) {
    db.update(hosts).set({ staleness, available: false, stalenessNotificationTimestamp: now }).where(eq(hosts.id, h.id)).run();
    const errors = await removeHostDns(db, backendFor, h.id);
    return step("unavailable", `${fqdn} IP has still not been updated, staleness: ${staleness} -> made host unavailable.`, errors);
  }
  db.update(hosts).set({ staleness, stalenessNotificationTimestamp: now }).where(eq(hosts.id, h.id)).run();
  return step("fix", `${fqdn} has not seen IP updates for a long time; staleness: ${staleness} -> please fix!`);
}
