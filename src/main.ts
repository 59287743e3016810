#!/usr/bin/env bun
// updns command line: dispatch only. This is the one place that wires concrete parts together.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import pkg from "../package.json" with { type: "json" };
import { ConfigError, loadConfig, type Config } from "./config/index.ts";
import { DatabaseTooNewError, migrate, openDatabase, pendingMigrations, type Db } from "./db/index.ts";
import { createLogger } from "./log/index.ts";
import { removeUserDns, ValidationError } from "./core/index.ts";
import { CliError, parse, processIo, type Io, type OpenDb } from "./cli/args.ts";
import { databasePath, startServer } from "./cli/serve.ts";
import { removeUserAcme } from "./cli/acme.ts";
import { userCommand } from "./cli/users.ts";
import { tsigCommand } from "./cli/tsig.ts";
import { domainCommand } from "./cli/domains.ts";
import { hostCommand } from "./cli/hosts.ts";
import { importCommand } from "./cli/import.ts";
import { recordCommand, zoneCommand } from "./cli/records.ts";
import { tokenCommand } from "./cli/tokens.ts";
import { cliBackends } from "./cli/backends.ts";
import { ListenError } from "./http/index.ts";
import { DnsListenError } from "./cli/dns.ts";
import { maintenanceCommand } from "./cli/jobs.ts";
import { CronError } from "./jobs/index.ts";
import { backupCommand, restoreCommand } from "./cli/backup.ts";
import { checkCommand } from "./cli/check.ts";

const USAGE = `updns ${pkg.version} — self-hosted dynamic DNS

usage: updns COMMAND [options]     (every command takes --config FILE, --json and --help)

The config file: --config FILE (before or after the command), else $UPDNS_CONFIG (empty: none), else
/etc/updns/config.toml when it exists, else none (built-in defaults: data in ./data). Commands that only
read (list, export, jobs list, faults --show-*, backup, ...) need the database and never create one.

  serve                 run the server (web UI, dyndns2 API, DNS)
  migrate               apply database migrations
  check [--strict]      check every setting as serve would, print the config (secrets redacted)
  user add|list|set|remove|reset-link  accounts
  tsig add|list|remove|grant|grants  TSIG keys and what they may UPDATE
  domain add|list|remove  zones (embedded or rfc2136)
  host add|list|remove  dynamic hosts
  record add|remove|list  static records of embedded zones
  zone import|export    RFC 1035 master files in and out of embedded zones
  token add|list|revoke  account API tokens (JSON API at /api/v1, dyndns2 Bearer)
  import nsupdate --from DB  move an nsupdate.info installation over
  faults [options]      show and reset fault counters, flag abuse (--help for the options)
  domains --check|--stale-check  check zones' nameservers, drop unavailable empty domains
  hosts --stale-check   remind owners of hosts not updated for long; make unavailable, delete
  users --stale-check   notify, then remove, long unused accounts
  jobs list|run NAME    the scheduled maintenance jobs: times, last runs; run one now
  backup FILE           one file (mode 0600): consistent online copy of the database and the key files
  restore FILE [--force]  fill an empty data dir from a backup
  version               print the version`;

/** The config file of the packaged service, read when neither --config nor UPDNS_CONFIG names one. */
export const DEFAULT_CONFIG = "/etc/updns/config.toml";

export interface RunOptions {
  /** Where the default config file is looked for (tests point it elsewhere). */
  defaultConfig?: string;
}

/** `--config FILE` or `--config=FILE` anywhere on the line, before or after the command; the rest of argv. */
function takeConfigOption(argv: string[]): { file?: string; rest: string[] } {
  const rest: string[] = [];
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (a !== "--config" && !a.startsWith("--config=")) {
      rest.push(a);
      continue;
    }
    if (file !== undefined) throw new CliError("--config is given twice");
    file = a === "--config" ? argv[++i] : a.slice("--config=".length);
    if (!file || (a === "--config" && file.startsWith("-"))) throw new CliError("--config needs a FILE");
  }
  return { file, rest };
}

/** The config file the command acts on: --config, else UPDNS_CONFIG (set but empty: none), else the default when it exists. */
function configFile(flag: string | undefined, defaultConfig: string): string | undefined {
  if (flag !== undefined) return flag;
  const env = process.env.UPDNS_CONFIG;
  if (env !== undefined) return env || undefined;
  return existsSync(defaultConfig) ? defaultConfig : undefined;
}

/** Where the data directory came from, for messages about the database. */
function dataDirOrigin(cfg: Config, file: string | undefined): string {
  const origin = process.env.UPDNS_SERVER_DATA_DIR !== undefined ? "from UPDNS_SERVER_DATA_DIR" : file ? `config ${file}` : "no config file";
  return `server.data_dir = ${JSON.stringify(cfg.server.data_dir)}, ${origin}`;
}

export async function run(argv: string[], io: Io = processIo, opts: RunOptions = {}): Promise<number> {
  try {
    const taken = takeConfigOption(argv);
    const [command, ...rest] = taken.rest;
    if (!command || command === "--help" || command === "-h" || command === "help") {
      io.out(USAGE);
      return command ? 0 : 2;
    }
    if (command === "version" || command === "--version") {
      const { values } = parse(rest, {}, "updns version");
      io.out(values.json ? JSON.stringify({ version: pkg.version, bun: Bun.version }) : `updns ${pkg.version} (bun ${Bun.version})`);
      return 0;
    }
    const file = configFile(taken.file, opts.defaultConfig ?? DEFAULT_CONFIG);
    // An empty name reads no file (loadConfig would otherwise look at UPDNS_CONFIG again).
    const cfg = loadConfig({ file: file ?? "" });
    let db: Db | undefined;
    // Commands other than serve/migrate do not migrate: a CLI run must not surprise a running server.
    const openDb: OpenDb = ({ create = false } = {}) => {
      if (db) return db;
      const path = databasePath(cfg);
      const fresh = !existsSync(path);
      if (fresh && !create) throw new CliError(`no database at ${resolve(path)} (${dataDirOrigin(cfg, file)}): give the service's config with --config FILE, or create the database with "updns migrate"`, 1);
      db = openDatabase(path, { synchronous: cfg.server.synchronous as "FULL" | "NORMAL", migrate: fresh, masterKey: cfg.dnssec.master_key, warn: (m) => io.err(`updns: warning: ${m}`) });
      if (fresh) io.err(`updns: created a new database at ${resolve(path)} (${dataDirOrigin(cfg, file)})`);
      const pending = pendingMigrations(db.$client);
      if (pending > 0) throw new CliError(`the database at ${path} needs ${pending} migration(s) from this newer updns: run "updns migrate" (or start "updns serve") first`, 1);
      return db;
    };
    try {
      switch (command) {
        case "serve":
          return await serveCommand(rest, cfg, io);
        case "migrate": {
          const { values } = parse(rest, {}, "updns migrate");
          if (values.help) return io.out("usage: updns migrate [--config FILE]"), 0;
          const d = openDatabase(databasePath(cfg), { migrate: false, masterKey: cfg.dnssec.master_key, warn: (m) => io.err(`updns: warning: ${m}`) });
          const applied = migrate(d.$client, undefined, { masterKey: d.$masterKey });
          d.$client.close();
          io.out(values.json ? JSON.stringify({ applied }) : applied.length ? `applied ${applied.join(", ")}` : "database is up to date");
          return 0;
        }
        case "check":
          return checkCommand(rest, io, cfg);
        case "user":
          await userCommand(rest, io, openDb, async (d, userId) => {
            for (const e of await removeUserDns(d, cliBackends(d, cfg), userId)) io.err(`updns: warning: could not remove ${e}`);
            for (const e of await removeUserAcme(cfg, d, cliBackends(d, cfg), userId)) io.err(`updns: warning: could not remove ${e}`);
          }, cfg);
          return 0;
        case "tsig":
          await tsigCommand(rest, io, openDb);
          return 0;
        case "domain":
          await domainCommand(rest, io, openDb, cfg);
          return 0;
        case "host":
          await hostCommand(rest, io, openDb, (d) => cliBackends(d, cfg));
          return 0;
        case "faults":
        case "domains":
        case "hosts":
        case "users":
        case "jobs":
          await maintenanceCommand(command, rest, io, { cfg, openDb });
          return 0;
        case "record":
          await recordCommand(rest, io, openDb, cfg);
          return 0;
        case "zone":
          await zoneCommand(rest, io, openDb, cfg);
          return 0;
        case "import":
          await importCommand(rest, io, openDb);
          return 0;
        case "token":
          await tokenCommand(rest, io, openDb);
          return 0;
        case "backup":
          return backupCommand(rest, io, cfg, openDb);
        case "restore":
          return restoreCommand(rest, io, cfg);
        default:
          throw new CliError(`unknown command "${command}"\n\n${USAGE}`);
      }
    } finally {
      (db as Db | undefined)?.$client.close();
    }
  } catch (e) {
    if (e instanceof CliError || e instanceof ConfigError || e instanceof ValidationError || e instanceof DatabaseTooNewError || e instanceof ListenError || e instanceof DnsListenError || e instanceof CronError) {
      io.err(`updns: ${e.message}`);
      return e instanceof CliError ? e.exitCode : 1;
    }
    io.err(`updns: ${(e as Error).message}`);
    return 1;
  }
}

async function serveCommand(argv: string[], cfg: Config, io: Io): Promise<number> {
  const { values } = parse(argv, {}, "updns serve [--config FILE]");
  if (values.help) return io.out("usage: updns serve [--config FILE]\nWith no config file: data in ./data, web on 127.0.0.1:8080, DNS on 127.0.0.1:5353."), 0;
  const log = createLogger({ level: cfg.log.level as "info", format: cfg.log.format as "logfmt" });
  // The handlers are in place before start-up: a SIGTERM that arrives while listeners open or jobs start
  // (systemd stopping a unit that is still starting) is kept and honoured once start-up is done, instead of
  // killing the process half-way (exit 143) with the database open.
  let requested: ((signal: string) => void) | null = null;
  let early: string | null = null;
  const onSignal = (signal: string) => (requested ? requested(signal) : (early ??= signal));
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("SIGINT", () => onSignal("SIGINT"));
  const server = await startServer(cfg, log);
  await new Promise<void>((resolve) => {
    requested = (signal: string) => {
      log.info("stopping", { signal });
      server.stop().then(() => {
        log.info("stopped");
        resolve();
      });
    };
    if (early) requested(early);
    process.on("SIGHUP", () => {
      try {
        server.reloadTls();
        log.info("reloaded TLS certificate");
      } catch (e) {
        log.error("TLS reload failed; keeping the old certificate", { error: (e as Error).message });
      }
    });
  });
  return 0;
}

if (import.meta.main) {
  process.exit(await run(process.argv.slice(2)));
}
