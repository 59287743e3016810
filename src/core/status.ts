// The counts of the status page (spec §5.1 `/status/`): domains, hosts, updates and users over four periods.
import { and, eq, gt, sql, type SQL } from "drizzle-orm";
import { domains, hosts, users, type Db } from "../db/index.ts";

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
