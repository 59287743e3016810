#!/usr/bin/env bun
// updns command line: dispatch only. This is the one place that wires concrete parts together.
import { existsSync } from "node:fs";
import pkg from "../package.json" with { type: "json" };
import { ConfigError, describeConfig, loadConfig, type Config } from "./config/index.ts";
import { backupDatabase, DatabaseTooNewError, migrate, openDatabase, pendingMigrations, type Db } from "./db/index.ts";
import { createLogger } from "./log/index.ts";
import { ValidationError } from "./core/admin/names.ts";
import { CliError, parse, processIo, type Io } from "./cli/args.ts";
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
import { requireHost } from "./core/admin/hosts.ts";
import { removeHostDns, removeUserDns } from "./core/index.ts";
import { ListenError } from "./http/index.ts";
import { DnsListenError } from "./cli/dns.ts";
import { maintenanceCommand } from "./cli/jobs.ts";
import { CronError } from "./jobs/index.ts";

const USAGE = `updns ${pkg.version} — self-hosted dynamic DNS

usage: updns COMMAND [options]     (every command takes --config FILE, --json and --help)

  serve                 run the server (web UI, dyndns2 API, DNS)
  migrate               apply database migrations
  check                 validate the configuration and print it (secrets redacted)
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
  backup FILE           consistent online copy of the database
  version               print the version`;

function configFrom(argv: string[]): { cfg: Config; file?: string } {
  const i = argv.findIndex((a) => a === "--config" || a.startsWith("--config="));
  const file = i < 0 ? undefined : argv[i].includes("=") ? argv[i].slice(9) : argv[i + 1];
  return { cfg: loadConfig({ file }), file };
}

export async function run(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === "--help" || command === "-h" || command === "help") {
      io.out(USAGE);
      return command ? 0 : 2;
    }
    if (command === "version" || command === "--version") {
      const { values } = parse(rest, {}, "updns version");
      io.out(values.json ? JSON.stringify({ version: pkg.version, bun: Bun.version }) : `updns ${pkg.version} (bun ${Bun.version})`);
      return 0;
    }
    const { cfg } = configFrom(rest);
    let db: Db | undefined;
    // Commands other than serve/migrate do not migrate: a CLI run must not surprise a running server.
    const openDb = (): Db => {
      if (db) return db;
      const path = databasePath(cfg);
      db = openDatabase(path, { synchronous: cfg.server.synchronous as "FULL" | "NORMAL", migrate: !existsSync(path) });
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
          const d = openDatabase(databasePath(cfg), { migrate: false });
          const applied = migrate(d.$client);
          d.$client.close();
          io.out(values.json ? JSON.stringify({ applied }) : applied.length ? `applied ${applied.join(", ")}` : "database is up to date");
          return 0;
        }
        case "check": {
          const { values } = parse(rest, {}, "updns check");
          if (values.help) return io.out("usage: updns check [--config FILE] [--json]"), 0;
          io.out(describeConfig(cfg, values.json));
          return 0;
        }
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
          await hostCommand(rest, io, openDb, async (d, fqdn) => {
            const { host } = requireHost(d, fqdn);
            const errors = await removeHostDns(d, cliBackends(d, cfg), host.id);
            for (const e of errors) io.err(`updns: warning: could not remove ${e}`);
          });
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
        case "backup": {
          const { values, positionals } = parse(rest, {}, "updns backup FILE");
          if (values.help) return io.out("usage: updns backup FILE [--config FILE]"), 0;
          if (positionals.length !== 1) throw new CliError("backup takes one FILE\nusage: updns backup FILE");
          if (existsSync(positionals[0])) throw new CliError(`backup: ${positionals[0]} already exists; choose a new file`);
          backupDatabase(openDb(), positionals[0]);
          io.out(values.json ? JSON.stringify({ backup: positionals[0] }) : `backup written to ${positionals[0]}`);
          return 0;
        }
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
  const server = await startServer(cfg, log);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info("stopping", { signal });
      server.stop().then(() => {
        log.info("stopped");
        resolve();
      });
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
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
