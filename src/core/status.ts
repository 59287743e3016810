// The status page's use cases (spec §5.1 `/status/`, staff): the counts of domains, hosts, updates and users over
// four periods, and what the running server knows of itself (ServerStatus, fed by cli/serve.ts: no DNS or
// HTTP here).
import { and, asc, eq, gt, sql, type SQL } from "drizzle-orm";
import { domains, hosts, users, zoneSecondaries, type Db } from "../db/index.ts";
import type { JobOutcome } from "./job-runs.ts";

export const STATUS_PERIODS = [
  { key: "2d", days: 2 },
  { key: "2w", days: 14 },
  { key: "2m", days: 61 },
  { key: "2y", days: 730 },
] as const;

export interface StatusCounts {
  domains: { total: number; public: number; unavailable: number };
  hosts: { total: number; unavailable: number; abuse: number; abuseBlocked: number };
  /** Per period: hosts updated over IPv4 / IPv6 (and how many of those over TLS). */
  updates: { period: string; ipv4: number; ipv4Tls: number; ipv6: number; ipv6Tls: number }[];
  users: { total: number; active: number; periods: { period: string; loggedIn: number; joined: number }[] };
}

export function statusCounts(db: Db, now: Date): StatusCounts {
  const count = (table: typeof domains | typeof hosts | typeof users, where?: SQL) => db.select({ n: sql<number>`count(*)` }).from(table).where(where).get()!.n;
  return {
    domains: { total: count(domains), public: count(domains, eq(domains.public, true)), unavailable: count(domains, eq(domains.available, false)) },
    hosts: {
      total: count(hosts),
      unavailable: count(hosts, eq(hosts.available, false)),
      abuse: count(hosts, eq(hosts.abuse, true)),
      abuseBlocked: count(hosts, eq(hosts.abuseBlocked, true)),
    },
    updates: STATUS_PERIODS.map((p) => {
      const since = new Date(now.getTime() - p.days * 86400_000);
      return {
        period: p.key,
        ipv4: count(hosts, gt(hosts.lastUpdateIpv4, since)),
        ipv4Tls: count(hosts, and(gt(hosts.lastUpdateIpv4, since), eq(hosts.tlsUpdateIpv4, true))),
        ipv6: count(hosts, gt(hosts.lastUpdateIpv6, since)),
        ipv6Tls: count(hosts, and(gt(hosts.lastUpdateIpv6, since), eq(hosts.tlsUpdateIpv6, true))),
      };
    }),
    users: {
      total: count(users),
      active: count(users, eq(users.isActive, true)),
      periods: STATUS_PERIODS.map((p) => {
        const since = new Date(now.getTime() - p.days * 86400_000);
        return { period: p.key, loggedIn: count(users, gt(users.lastLogin, since)), joined: count(users, gt(users.dateJoined, since)) };
      }),
    },
  };
}

// ---- The running server, for the status page: rates over the last day, zones and their secondaries ----

/** The process's running totals the per-minute series are made of (cumulative since start). */
export interface StatusTotals {
  /** dyndns2 requests answered. */
  updates: number;
  /** Seconds those requests took, summed. */
  updateSeconds: number;
  /** DNS queries received. */
  queries: number;
}

const ZERO_TOTALS: StatusTotals = { updates: 0, updateSeconds: 0, queries: 0 };

/** One day of minutes. */
export const SERIES_MINUTES = 1440;

/** The last day, minute by minute, oldest first; null latency = no update in that minute. */
export interface StatusSeries {
  updatesPerMinute: number[];
  queriesPerSecond: number[];
  latencyMs: (number | null)[];
}

/**
 * A ring of per-minute counters over the last day, fed by sampling the running totals (once a minute, and
 * when the page is drawn): what each sample adds goes to the minute it is taken in. Fixed size (one slot
 * per minute of a day), in memory: a restart starts a new day, as the totals themselves do.
 */
export class MinuteSeries {
  private readonly stamp: number[];
  private readonly updates: number[];
  private readonly seconds: number[];
  private readonly queries: number[];
  private last: StatusTotals;

  constructor(readonly minutes = SERIES_MINUTES, start: StatusTotals = ZERO_TOTALS) {
    this.stamp = new Array(minutes).fill(-1);
    this.updates = new Array(minutes).fill(0);
    this.seconds = new Array(minutes).fill(0);
    this.queries = new Array(minutes).fill(0);
    this.last = { ...start };
  }

  /** Count what the totals grew by since the last sample into the minute of `at`. */
  sample(at: Date, totals: StatusTotals): void {
    const minute = Math.floor(at.getTime() / 60_000);
    const slot = ((minute % this.minutes) + this.minutes) % this.minutes;
    if (this.stamp[slot] !== minute) {
      this.stamp[slot] = minute;
      this.updates[slot] = this.seconds[slot] = this.queries[slot] = 0;
    }
    // A total that went down was reset (never in one process): count from the new value.
    const grew = (now: number, before: number) => (now >= before ? now - before : now);
    this.updates[slot] += grew(totals.updates, this.last.updates);
    this.seconds[slot] += grew(totals.updateSeconds, this.last.updateSeconds);
    this.queries[slot] += grew(totals.queries, this.last.queries);
    this.last = { ...totals };
  }

  /** The day up to the minute of `now`, oldest first (minutes without a sample are 0). */
  series(now: Date): StatusSeries {
    const current = Math.floor(now.getTime() / 60_000);
    const out: StatusSeries = { updatesPerMinute: [], queriesPerSecond: [], latencyMs: [] };
    for (let m = current - this.minutes + 1; m <= current; m++) {
      const slot = ((m % this.minutes) + this.minutes) % this.minutes;
      const here = this.stamp[slot] === m;
      const updates = here ? this.updates[slot] : 0;
      out.updatesPerMinute.push(updates);
      out.queriesPerSecond.push(here ? this.queries[slot] / 60 : 0);
      out.latencyMs.push(updates > 0 ? (this.seconds[slot] / updates) * 1000 : null);
    }
    return out;
  }
}

/** A scheduled job as the status page shows it. */
export interface JobLine {
  name: string;
  /** The cron expression, or "off". */
  schedule: string;
  lastRun: Date | null;
  /** null: never ran, or running now. */
  ok: boolean | null;
  /** The last run's summary or error, in English; "" when it never ran. */
  result: string;
  /** The last successful run's outcome as data; null when it failed, never ran, or was recorded without one. */
  outcome: JobOutcome | null;
  running: boolean;
  next: Date | null;
}

/** Outgoing mail as the status page shows it. */
export interface MailState {
  /** An SMTP server is configured (else mails go to the log). */
  configured: boolean;
  sent: number;
  failed: number;
  lastSent: Date | null;
  lastFailure: { at: Date; error: string } | null;
}

/** What the running server tells the status page about itself; cli/serve.ts builds it. */
export interface ServerStatus {
  version: string;
  startedAt: Date;
  listeners(): { dns: string[]; http: string[] };
  /** The serial a secondary serves for `zone` (an SOA query to `address`); rejects when it does not answer. */
  secondarySerial(zone: string, address: string): Promise<number>;
  jobs(now: Date): JobLine[];
  mail(): MailState;
  /** The per-minute series and the totals it samples (sampled once more when the page is drawn). */
  series: MinuteSeries;
  totals(): StatusTotals;
}

export type SecondaryState = "in-sync" | "behind" | "no-answer";

/**
 * Why a secondary gave no serial: it did not answer in the time we gave it, or the query failed with the DNS
 * client's own message (a diagnostic in its words, shown as it is).
 */
export type SecondaryProblem = { kind: "timeout"; ms: number } | { kind: "error"; message: string };

export interface ZoneSerials {
  name: string;
  serial: number;
  available: boolean;
  secondaries: { address: string; serial: number | null; state: SecondaryState; problem: SecondaryProblem | null }[];
}

/** Secondaries asked at the same time: a server with many zones opens the page without a burst of queries. */
export const SERIAL_QUERIES_AT_ONCE = 16;

/**
 * Every embedded zone with the serial it has here and the serial each of its secondaries serves, asked when
 * the page opens (SERIAL_QUERIES_AT_ONCE at a time, each given `timeoutMs`): in sync when equal, behind
 * otherwise (RFC 1982 serials only move forward, so a different serial is an older one), no answer when the
 * query failed.
 */
export async function zoneSerials(db: Db, ask: ServerStatus["secondarySerial"], timeoutMs = 2000): Promise<ZoneSerials[]> {
  const zones: ZoneSerials[] = db
    .select()
    .from(domains)
    .where(eq(domains.backend, "embedded"))
    .orderBy(asc(domains.name))
    .all()
    .map((d) => ({
      name: d.name,
      serial: d.serial,
      available: d.available,
      secondaries: db.select().from(zoneSecondaries).where(eq(zoneSecondaries.domainId, d.id)).all().map((s) => ({ address: s.address, serial: null, state: "no-answer" as SecondaryState, problem: null as SecondaryProblem | null })),
    }));
  const work = zones.flatMap((z) => z.secondaries.map((s) => ({ z, s })));
  const askOne = async ({ z, s }: (typeof work)[number]) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = Symbol("timeout");
    try {
      const timeout = new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), timeoutMs)));
      const theirs = await Promise.race([ask(z.name, s.address), timeout]);
      if (theirs === timedOut) s.problem = { kind: "timeout", ms: timeoutMs };
      else Object.assign(s, { serial: theirs, state: theirs === z.serial ? "in-sync" : "behind" });
    } catch (e) {
      s.problem = { kind: "error", message: (e as Error).message };
    } finally {
      clearTimeout(timer);
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < work.length) await askOne(work[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(SERIAL_QUERIES_AT_ONCE, work.length) }, worker));
  return zones;
}
