// Stale accounts (spec §6.4): accounts unused for a year, with no hosts and no domains, go.
// Changes from the baseline, each on purpose: the owner is mailed a notice first and the account goes only
// after a grace period without a sign-in ("removed after notice"); a session in use counts as use (a "keep me
// logged in" browser does not sign in again); staff accounts are never removed.
// The rules live here; jobs/users.ts runs them weekly and mails the notices.
import { asc, count, eq, max } from "drizzle-orm";
import { domains, hosts, sessions, users, type Db } from "../db/index.ts";
import type { Clock } from "./ports.ts";

const DAY = 86400_000;
export const UNUSED_AFTER_DAYS = 365;
export const ACCOUNT_GRACE_DAYS = 30;

export interface StaleAccountRules {
  /** Days without use before an account without hosts and domains is stale (default 365). */
  unusedAfterDays?: number;
  /** Days between the notice and the deletion (default 30). */
  graceDays?: number;
}

export interface AccountSeen {
  username: string;
  email: string;
  language: string;
  /** Milliseconds since the epoch of the last sign-in, session use or, failing those, the sign-up. */
  lastUsed: number;
  /** Milliseconds since the last use. */
  age: number;
}

/** Why an account stays, or what was done to it. */
export type StaleAccountOutcome =
  | ({ kind: "kept"; why: "used" } & AccountSeen)
  | ({ kind: "kept"; why: "hosts"; count: number } & AccountSeen)
  | ({ kind: "kept"; why: "domains"; count: number } & AccountSeen)
  | ({ kind: "kept"; why: "staff" } & AccountSeen)
  /** Notified before, still within the grace period, which ends at `deleteAfter`. */
  | ({ kind: "kept"; why: "grace"; notifiedAt: number; deleteAfter: number } & AccountSeen)
  /** Notified now; goes at `deleteAfter` unless used before. */
  | ({ kind: "notified"; deleteAfter: number; graceDays: number } & AccountSeen)
  /** Gone; `dnsErrors` are the names that could not be taken out of DNS. */
  | ({ kind: "deleted"; dnsErrors: string[] } & AccountSeen)
  | ({ kind: "error"; message: string } & AccountSeen);

/** How an account goes (auth's deletion, its hosts' names taken out of DNS first); returns the DNS errors. */
export type RemoveAccount = (userId: number) => Promise<string[]>;

/** The totals the job prints before and after. */
export function accountTotals(db: Db): string {
  const n = (t: typeof users | typeof hosts | typeof domains) => db.select({ n: count() }).from(t).get()!.n;
  return `users: ${n(users)}, hosts: ${n(hosts)}, domains: ${n(domains)}`;
}

export async function* sweepStaleAccounts(db: Db, clock: Clock, removeAccount: RemoveAccount, rules: StaleAccountRules = {}): AsyncGenerator<StaleAccountOutcome> {
  const graceDays = rules.graceDays ?? ACCOUNT_GRACE_DAYS;
  const unusedMs = (rules.unusedAfterDays ?? UNUSED_AFTER_DAYS) * DAY;
  const graceMs = graceDays * DAY;
  const hostCount = new Map(db.select({ id: hosts.ownerId, n: count() }).from(hosts).groupBy(hosts.ownerId).all().map((r) => [r.id, r.n]));
  const domainCount = new Map(db.select({ id: domains.ownerId, n: count() }).from(domains).groupBy(domains.ownerId).all().map((r) => [r.id, r.n]));
  const seen = new Map(db.select({ id: sessions.userId, t: max(sessions.lastSeenAt) }).from(sessions).groupBy(sessions.userId).all().map((r) => [r.id, r.t]));
  for (const u of db.select().from(users).orderBy(asc(users.id)).all()) {
    const now = clock.now();
    const lastUsed = Math.max(u.lastLogin?.getTime() ?? 0, u.dateJoined.getTime(), seen.get(u.id)?.getTime() ?? 0);
    const who: AccountSeen = { username: u.username, email: u.email, language: u.language, lastUsed, age: now.getTime() - lastUsed };
    let outcome: StaleAccountOutcome;
    try {
      const nHosts = hostCount.get(u.id) ?? 0;
      const nDomains = domainCount.get(u.id) ?? 0;
      const notifiedAt = u.stalenessNotifiedAt?.getTime();
      if (who.age < unusedMs) {
        if (u.stalenessNotifiedAt) db.update(users).set({ stalenessNotifiedAt: null }).where(eq(users.id, u.id)).run();
        outcome = { kind: "kept", why: "used", ...who };
      } else if (nHosts) {
        outcome = { kind: "kept", why: "hosts", count: nHosts, ...who };
      } else if (nDomains) {
        outcome = { kind: "kept", why: "domains", count: nDomains, ...who };
      } else if (u.isStaff || u.isSuperuser) {
        outcome = { kind: "kept", why: "staff", ...who };
      } else if (notifiedAt === undefined || notifiedAt < lastUsed) {
        // A notice older than the last use belongs to an earlier idle spell: start again.
        db.update(users).set({ stalenessNotifiedAt: now }).where(eq(users.id, u.id)).run();
        outcome = { kind: "notified", deleteAfter: now.getTime() + graceMs, graceDays, ...who };
      } else if (now.getTime() - notifiedAt >= graceMs) {
        outcome = { kind: "deleted", dnsErrors: await removeAccount(u.id), ...who };
      } else {
        outcome = { kind: "kept", why: "grace", notifiedAt, deleteAfter: notifiedAt + graceMs, ...who };
      }
    } catch (e) {
      outcome = { kind: "error", message: (e as Error).message, ...who };
    }
    yield outcome;
  }
}
