// What the running server tells the staff status page about itself (core's ServerStatus): version, uptime,
// listeners, the per-minute series of updates, queries and update latency (sampled from the /metrics
// counters once a minute), the secondaries' serials (SOA queries from the NOTIFY source), jobs and mail.
import pkg from "../../package.json" with { type: "json" };
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import { MinuteSeries, type JobLine, type ServerStatus, type StatusTotals } from "../core/index.ts";
import type { AppMetrics } from "../metrics/index.ts";
import type { DnsCounters } from "../dns/server/index.ts";
import { parseServer, querySoa } from "../dns/rfc2136/index.ts";
import { jobsStatus, lastRun, leaseHolder } from "../jobs/index.ts";
import { outgoingSources } from "./dns.ts";

export interface StatusSources {
  cfg: Config;
  db: Db;
  metrics: AppMetrics;
  dnsCounters: () => DnsCounters | undefined;
  dnsAddresses: () => string[];
  httpAddresses: () => string[];
  startedAt?: Date;
}

const when = (iso: string): Date | null => (iso && !Number.isNaN(Date.parse(iso)) ? new Date(iso) : null);

/** The ServerStatus of this process, and the timer that samples the series once a minute. */
export function serverStatus(s: StatusSources): ServerStatus & { start(): void; stop(): void } {
  const series = new MinuteSeries();
  const totals = (): StatusTotals => {
    let queries = 0;
    for (const n of Object.values(s.dnsCounters()?.queriesByType ?? {})) queries += n;
    return { updates: s.metrics.updateLatency.count, updateSeconds: s.metrics.updateLatency.sum, queries };
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    version: pkg.version,
    startedAt: s.startedAt ?? new Date(),
    listeners: () => ({ dns: s.dnsAddresses(), http: s.httpAddresses() }),
    async secondarySerial(zone, address) {
      const r = await querySoa([parseServer(address)], zone, { timeoutMs: Math.min(2000, s.cfg.dns.query_timeout * 1000), retries: 0, source: outgoingSources(s.cfg.dns).notify });
      return r.soa.serial;
    },
    jobs(now): JobLine[] {
      return jobsStatus(s.db, s.cfg.jobs as unknown as Record<string, string>, { flagAbuseThreshold: s.cfg.abuse.flag_abuse_threshold }, now).map((j) => {
        // Running means someone holds the lease now; a run recorded as started whose lease is gone died unfinished.
        const running = leaseHolder(s.db, j.name, now) !== null;
        const last = running ? null : lastRun(s.db, j.name);
        return {
          name: j.name,
          schedule: j.schedule,
          lastRun: when(j.last_start),
          ok: last?.ok ?? null,
          result: last?.result ?? "",
          outcome: last?.ok ? (last.outcome ?? null) : null,
          running,
          next: when(j.next),
        };
      });
    },
    mail: () => ({
      configured: !!s.cfg.mail.smtp_host,
      sent: s.metrics.mails.sent,
      failed: s.metrics.mails.failed,
      lastSent: s.metrics.lastMailSent,
      lastFailure: s.metrics.lastMailFailure,
    }),
    series,
    totals,
    start() {
      timer ??= setInterval(() => series.sample(new Date(), totals()), 60_000);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
