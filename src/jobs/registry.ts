// The named jobs: what the scheduler runs at the times of config `[jobs]`, and what `updns jobs run NAME`
// runs, each with the options of the baseline's recommended crontab (nsupdate.info docs, "Maintenance").
import type { JobContext, JobReport } from "./context.ts";
import { runCleanup } from "./cleanup.ts";
import { runDnssecResign } from "./dnssec-resign.ts";
import { runDomains } from "./domains.ts";
import { runFaults } from "./faults.ts";
import { runHosts } from "./hosts.ts";
import { runUsers } from "./users.ts";

export interface JobSettings {
  /** [abuse] flag_abuse_threshold: client faults per run above which a host is flagged; 0 = do not flag. */
  flagAbuseThreshold: number;
}

export interface JobDefinition {
  name: string;
  /** What it does, as `updns jobs list` shows it. */
  description: string;
  /** The equivalent command line. */
  command: (s: JobSettings) => string;
  run: (ctx: JobContext, s: JobSettings) => Promise<JobReport>;
}

export const JOBS: JobDefinition[] = [
  {
    name: "faults",
    description: "flag hosts with too many client faults as abuse, mail their owners, reset the client counters",
    // Threshold 0 means "do not flag" ([abuse] flag_abuse_threshold); the counters are still reset weekly.
    command: (s) => (s.flagAbuseThreshold > 0 ? `updns faults --flag-abuse ${s.flagAbuseThreshold} --reset-client --notify-user` : "updns faults --reset-client"),
    run: (ctx, s) => runFaults(ctx, s.flagAbuseThreshold > 0 ? { flagAbuse: s.flagAbuseThreshold, resetClient: true, notifyUser: true } : { resetClient: true }),
  },
  {
    name: "domains_check",
    description: "check every available domain's nameserver (and an embedded zone's secondaries), mail owners",
    command: () => "updns domains --check --notify-user",
    run: (ctx) => runDomains(ctx, { check: true, notifyUser: true }),
  },
  {
    name: "hosts_stale_check",
    description: "raise the staleness of hosts not updated for long, mail owners, make unavailable, delete",
    command: () => "updns hosts --stale-check --notify-user",
    run: (ctx) => runHosts(ctx, { staleCheck: true, notifyUser: true }),
  },
  {
    name: "users_stale_check",
    description: "notify, then remove, accounts unused for a year with no hosts and no domains",
    command: () => "updns users --stale-check",
    run: (ctx) => runUsers(ctx, { staleCheck: true }),
  },
  {
    name: "cleanup",
    description: "remove expired sessions, tokens, unconfirmed sign-ups, old journal entries and forwardings",
    command: () => "updns jobs run cleanup",
    run: (ctx) => runCleanup(ctx),
  },
  {
    name: "dnssec_resign",
    description: "renew DNSSEC signatures before they expire, roll ZSKs that are due",
    command: () => "updns jobs run dnssec_resign",
    run: (ctx) => runDnssecResign(ctx),
  },
];

export function findJob(name: string): JobDefinition | undefined {
  return JOBS.find((j) => j.name === name);
}
