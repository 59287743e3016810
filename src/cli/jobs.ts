// The maintenance commands (spec §6): `updns faults`, `updns domains`, `updns hosts`, `updns users` with the
// baseline's options, and `updns jobs list|run NAME`. They call the same job functions as the scheduler of
// `updns serve`, under the same per-job lease, so a command never runs at the same time as the scheduled run.
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import { createLogger, type Logger } from "../log/index.ts";
import { createMailer } from "../mail/index.ts";
import type { AppMetrics } from "../metrics/index.ts";
import { listDomains, systemClock, type BackendFor, type Clock } from "../core/index.ts";
import { SqliteZoneStorage } from "../backends/embedded/index.ts";
import { translator } from "../http/web/index.ts";
import {
  findJob,
  JOBS,
  JobBusyError,
  jobsStatus,
  zoneChecker,
  runDomains,
  runExclusive,
  runFaults,
  runHosts,
  runUsers,
  faultsModify,
  type JobContext,
  type JobReport,
  type ResignResult,
} from "../jobs/index.ts";
import { cliBackends } from "./backends.ts";
import { outgoingSources } from "./dns.ts";
import { openZoneKeys } from "./zones.ts";
import { CliError, parse, print, table, type Io } from "./args.ts";

export interface JobContextParts {
  backendFor: BackendFor;
  /** Trims the journals of the embedded zones (serve: the zone store's; CLI: straight in the database). */
  trimJournals?: () => Promise<number>;
  /** Renews DNSSEC signatures and rolls keys that are due (serve: the zone store's dnssecTick). */
  resignZones?: () => Promise<ResignResult[]>;
  clock?: Clock;
  /** Where the mailer writes (with no smtp_host the mails themselves); defaults to `log`. */
  mailLog?: Logger;
  /** Counts the mails for /metrics (serve). */
  metrics?: AppMetrics;
}

/** The context jobs run in, from the configuration: mailer, translations, site name, backends. */
export function jobContext(cfg: Config, db: Db, log: Logger, parts: JobContextParts): JobContext {
  const publicUrl = cfg.server.public_url.replace(/\/$/, "");
  let site = "updns";
  try {
    if (publicUrl) site = new URL(publicUrl).host;
  } catch {
    // public_url is validated by the config table; keep the fallback if it is odd anyway.
  }
  return {
    db,
    log,
    clock: parts.clock ?? systemClock,
    mailer: createMailer(cfg.mail, parts.mailLog ?? log, parts.metrics),
    backendFor: parts.backendFor,
    site,
    publicUrl,
    translator,
    trimJournals: parts.trimJournals,
    resignZones: parts.resignZones,
    checkZone: zoneChecker({ timeoutMs: cfg.dns.query_timeout * 1000, retries: 1, notifySource: outgoingSources(cfg.dns).notify, rfc2136Source: outgoingSources(cfg.dns).rfc2136 }),
  };
}

/** Journal trimming for a CLI run: straight through the storage, no zone loaded. */
export function trimJournalsIn(db: Db, cfg: Config, clock: Clock = systemClock): () => Promise<number> {
  return async () => {
    const storage = new SqliteZoneStorage(db);
    const before = clock.now().getTime() - cfg.dns.journal_max_age_days * 86400_000;
    let n = 0;
    for (const d of listDomains(db)) if (d.backend === "embedded") n += await storage.trimJournal(d.name, cfg.dns.journal_max_changes, before);
    return n;
  };
}

/** Re-signing for a CLI run: the signed embedded zones are loaded, ticked and committed like the server does. */
export function resignZonesIn(db: Db, cfg: Config): () => Promise<ResignResult[]> {
  return async () => {
    const signed = listDomains(db).filter((d) => d.backend === "embedded" && d.dnssec).map((d) => d.name);
    if (signed.length === 0) return [];
    const keys = await openZoneKeys(db, cfg, signed);
    return keys.dnssecTick();
  };
}

const FAULTS_USAGE = `updns faults [--show-client] [--show-server] [--show-api-auth] [--reset-client] [--reset-server] [--reset-api-auth]
                    [--reset-available] [--reset-abuse] [--reset-abuse-blocked] [--flag-abuse N] [--notify-user]`;
const DOMAINS_USAGE = "updns domains [--check [--notify-user]] [--stale-check]";
const HOSTS_USAGE = "updns hosts --stale-check [--notify-user]";
const USERS_USAGE = "updns users [--stale-check]";
const JOBS_USAGE = "updns jobs list | updns jobs run NAME";

export interface JobsCliDeps {
  cfg: Config;
  openDb: () => Db;
  /** For tests: time and the zone checker; by default the system clock and real DNS. */
  context?: Partial<JobContext>;
}

function cliContext(deps: JobsCliDeps, io: Io): JobContext {
  const db = deps.openDb();
  // Events go to stdout as the report's lines; the log (stderr) carries only warnings and errors. The mailer
  // logs at info: with no smtp_host that log line IS the mail.
  const log = createLogger({ level: "warn", format: deps.cfg.log.format as "logfmt", write: (l) => io.err(l) });
  const mailLog = createLogger({ level: "info", format: deps.cfg.log.format as "logfmt", write: (l) => io.err(l) });
  const clock = deps.context?.clock ?? systemClock;
  return { ...jobContext(deps.cfg, db, log, { backendFor: cliBackends(db, deps.cfg), trimJournals: trimJournalsIn(db, deps.cfg, clock), resignZones: resignZonesIn(db, deps.cfg), clock, mailLog }), ...deps.context };
}

async function exclusive<R extends JobReport>(ctx: JobContext, name: string, fn: () => Promise<R>): Promise<R> {
  try {
    return await runExclusive(ctx.db, name, "cli", () => ctx.clock.now(), fn);
  } catch (e) {
    if (e instanceof JobBusyError) throw new CliError(`${e.message}; try again when it has finished`, 1);
    throw e;
  }
}

function output(io: Io, json: boolean, report: JobReport): void {
  print(io, json, report, () => (report.lines.length ? report.lines.join("\n") : report.summary));
}

/** `updns faults|domains|hosts|users|jobs ...`; `command` is one of those words. */
export async function maintenanceCommand(command: string, argv: string[], io: Io, deps: JobsCliDeps): Promise<void> {
  switch (command) {
    case "faults":
      return faultsCommand(argv, io, deps);
    case "domains":
      return domainsCommand(argv, io, deps);
    case "hosts":
      return hostsCommand(argv, io, deps);
    case "users":
      return usersCommand(argv, io, deps);
    case "jobs":
      return jobsCommand(argv, io, deps);
    default:
      throw new CliError(`unknown command "${command}"`);
  }
}

function noPositionals(positionals: string[], usage: string): void {
  if (positionals.length) throw new CliError(`unexpected argument "${positionals[0]}"\nusage: ${usage}`);
}

async function faultsCommand(argv: string[], io: Io, deps: JobsCliDeps): Promise<void> {
  const flag = { type: "boolean" } as const;
  const { values, positionals } = parse(
    argv,
    {
      "show-client": flag,
      "show-server": flag,
      "show-api-auth": flag,
      "reset-client": flag,
      "reset-server": flag,
      "reset-api-auth": flag,
      "reset-available": flag,
      "reset-abuse": flag,
      "reset-abuse-blocked": flag,
      "flag-abuse": { type: "string" },
      "notify-user": flag,
    },
    FAULTS_USAGE,
  );
  if (values.help) return io.out(`usage: ${FAULTS_USAGE}`);
  noPositionals(positionals, FAULTS_USAGE);
  let flagAbuse: number | undefined;
  if (values["flag-abuse"] !== undefined) {
    if (!/^\d+$/.test(values["flag-abuse"])) throw new CliError(`--flag-abuse takes a whole number of client faults, got "${values["flag-abuse"]}"`);
    flagAbuse = Number(values["flag-abuse"]);
  }
  const o = {
    showClient: values["show-client"],
    showServer: values["show-server"],
    showApiAuth: values["show-api-auth"],
    resetClient: values["reset-client"],
    resetServer: values["reset-server"],
    resetApiAuth: values["reset-api-auth"],
    resetAvailable: values["reset-available"],
    resetAbuse: values["reset-abuse"],
    resetAbuseBlocked: values["reset-abuse-blocked"],
    flagAbuse,
    notifyUser: values["notify-user"],
  };
  if (o.notifyUser && flagAbuse === undefined) throw new CliError("--notify-user mails the owners of hosts flagged by --flag-abuse N; give --flag-abuse too");
  if (!faultsModify(o) && !o.showClient && !o.showServer && !o.showApiAuth) throw new CliError(`faults needs at least one option\nusage: ${FAULTS_USAGE}`);
  const ctx = cliContext(deps, io);
  // A show-only run changes nothing: it needs no lease and is not recorded as a run of the job.
  const report = faultsModify(o) ? await exclusive(ctx, "faults", () => runFaults(ctx, o)) : await runFaults(ctx, o);
  output(io, values.json, report);
}

async function domainsCommand(argv: string[], io: Io, deps: JobsCliDeps): Promise<void> {
  const { values, positionals } = parse(argv, { check: { type: "boolean" }, "notify-user": { type: "boolean" }, "stale-check": { type: "boolean" } }, DOMAINS_USAGE);
  if (values.help) return io.out(`usage: ${DOMAINS_USAGE}`);
  noPositionals(positionals, DOMAINS_USAGE);
  if (!values.check && !values["stale-check"]) throw new CliError(`domains needs --check or --stale-check\nusage: ${DOMAINS_USAGE}`);
  if (values["notify-user"] && !values.check) throw new CliError("--notify-user goes with --check");
  const ctx = cliContext(deps, io);
  const o = { check: values.check, notifyUser: values["notify-user"], staleCheck: values["stale-check"] };
  const name = values.check ? "domains_check" : "domains_stale_check";
  output(io, values.json, await exclusive(ctx, name, () => runDomains(ctx, o)));
}

async function hostsCommand(argv: string[], io: Io, deps: JobsCliDeps): Promise<void> {
  const { values, positionals } = parse(argv, { "stale-check": { type: "boolean" }, "notify-user": { type: "boolean" } }, HOSTS_USAGE);
  if (values.help) return io.out(`usage: ${HOSTS_USAGE}`);
  noPositionals(positionals, HOSTS_USAGE);
  if (!values["stale-check"]) throw new CliError(`hosts needs --stale-check\nusage: ${HOSTS_USAGE}`);
  const ctx = cliContext(deps, io);
  output(io, values.json, await exclusive(ctx, "hosts_stale_check", () => runHosts(ctx, { staleCheck: true, notifyUser: values["notify-user"] })));
}

async function usersCommand(argv: string[], io: Io, deps: JobsCliDeps): Promise<void> {
  const { values, positionals } = parse(argv, { "stale-check": { type: "boolean" } }, USERS_USAGE);
  if (values.help) return io.out(`usage: ${USERS_USAGE}`);
  noPositionals(positionals, USERS_USAGE);
  const ctx = cliContext(deps, io);
  const report = values["stale-check"] ? await exclusive(ctx, "users_stale_check", () => runUsers(ctx, { staleCheck: true })) : await runUsers(ctx, {});
  output(io, values.json, report);
}

async function jobsCommand(argv: string[], io: Io, deps: JobsCliDeps): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") return io.out(`usage: ${JOBS_USAGE}`);
  const { values, positionals } = parse(rest, {}, JOBS_USAGE);
  if (values.help) return io.out(`usage: ${JOBS_USAGE}`);
  const schedules = deps.cfg.jobs as unknown as Record<string, string>;
  const settings = { flagAbuseThreshold: deps.cfg.abuse.flag_abuse_threshold };
  if (sub === "list") {
    noPositionals(positionals, JOBS_USAGE);
    const rows = jobsStatus(deps.openDb(), schedules, settings, deps.context?.clock?.now() ?? new Date());
    return print(io, values.json, rows, () => table(rows as unknown as Record<string, unknown>[], ["name", "schedule", "next", "last_start", "last_end", "last_result"]));
  }
  if (sub === "run") {
    if (positionals.length !== 1) throw new CliError(`jobs run takes one NAME (${JOBS.map((j) => j.name).join(", ")})\nusage: ${JOBS_USAGE}`);
    const job = findJob(positionals[0]);
    if (!job) throw new CliError(`unknown job "${positionals[0]}"; jobs: ${JOBS.map((j) => j.name).join(", ")}`);
    const ctx = cliContext(deps, io);
    output(io, values.json, await exclusive(ctx, job.name, () => job.run(ctx, settings)));
    return;
  }
  throw new CliError(`unknown jobs command "${sub}"\nusage: ${JOBS_USAGE}`);
}
