// `updns backup FILE` and `updns restore FILE`: one file holds everything a new machine needs. The file is
// an SQLite database (open it with sqlite3 to look inside): the consistent online copy of updns.sqlite3
// plus two tables of its own, `updns_backup` (what the file is, when and by which updns it was made) and
// `updns_backup_files` (the data dir's key files, e.g. dnssec.key, which seals the DNSSEC private keys).
// Restore writes the database without those two tables, so key material never lands in the live database.
// Both files are mode 0600 whatever the umask: they hold private keys.
import { Database } from "bun:sqlite";
import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import type { Config } from "../config/index.ts";
import { backupDatabase, migrations, type Db } from "../db/index.ts";
import { openSecret, parseMasterKey } from "../dns/dnssec/index.ts";
import { CliError, parse, type Io } from "./args.ts";

const FORMAT = "updns-backup";
const VERSION = "1";
const DATABASE = "updns.sqlite3";
/** Files of the data dir a backup carries: secrets that are not in the database (dnssec.key and its kind). */
const KEY_FILE = /^[A-Za-z0-9_-][A-Za-z0-9._-]*\.key$/;
/** Tables every updns database has; a SQLite file without them is something else. */
const UPDNS_TABLES = ["users", "domains", "hosts"];

type MasterKeySource = "file" | "config" | "none";

/** A new file, mode 0600 from its first byte (the umask can only take bits away, so set it again). */
function createPrivateFile(path: string): void {
  const fd = openSync(path, "wx", 0o600);
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}

function keyFilesOf(dataDir: string): { name: string; content: Uint8Array }[] {
  if (!existsSync(dataDir)) return [];
  return readdirSync(dataDir)
    .filter((name) => KEY_FILE.test(name) && statSync(join(dataDir, name)).isFile())
    .sort()
    .map((name) => ({ name, content: readFileSync(join(dataDir, name)) }));
}

function masterKeySource(cfg: Config, files: { name: string }[]): MasterKeySource {
  if (cfg.dnssec.master_key.trim()) return "config";
  return files.some((f) => f.name === "dnssec.key") ? "file" : "none";
}

export function backupCommand(argv: string[], io: Io, cfg: Config, openDb: () => Db): number {
  const { values, positionals } = parse(argv, {}, "updns backup FILE");
  if (values.help) return io.out("usage: updns backup FILE [--config FILE]\nOne file (mode 0600): the database and the data dir's key files (dnssec.key). Restore it with \"updns restore FILE\"."), 0;
  if (positionals.length !== 1) throw new CliError("backup takes one FILE\nusage: updns backup FILE");
  const target = positionals[0];
  if (existsSync(target)) throw new CliError(`backup: ${target} already exists; choose a new file`);
  const db = openDb();
  // VACUUM INTO accepts an existing empty file and keeps its mode: the copy is never readable by others.
  try {
    createPrivateFile(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`backup: cannot create ${target}: ${code === "ENOENT" ? "its directory does not exist" : code === "EACCES" ? "permission denied" : (e as Error).message}`, 1);
  }
  try {
    backupDatabase(db, target);
    const files = keyFilesOf(cfg.server.data_dir);
    const source = masterKeySource(cfg, files);
    writeBackupTables(target, files, source);
    chmodSync(target, 0o600);
    const dnssecKeys = count(db.$client, "dnssec_keys");
    const notes: string[] = [];
    if (source === "config") notes.push("the DNSSEC master key is [dnssec] master_key in the config file and is not in the backup: keep the config file (or that key) with the backup");
    if (source === "none" && dnssecKeys > 0) notes.push(`the database holds ${dnssecKeys} DNSSEC private key(s) but ${join(cfg.server.data_dir, "dnssec.key")} is missing: the backup cannot unseal them`);
    if (values.json) {
      io.out(JSON.stringify({ backup: target, files: files.map((f) => f.name), master_key: source, notes }));
    } else {
      io.out(`backup written to ${target} (database${files.map((f) => ", " + f.name).join("")})`);
      for (const n of notes) io.err(`updns: note: ${n}`);
    }
    return 0;
  } catch (e) {
    rmSync(target, { force: true });
    throw e;
  }
}

function writeBackupTables(target: string, files: { name: string; content: Uint8Array }[], source: MasterKeySource): void {
  const copy = new Database(target, { strict: true });
  try {
    // A rollback journal, not WAL: the backup stays one file, with no -wal/-shm beside it.
    copy.exec("PRAGMA journal_mode = DELETE");
    copy.exec("CREATE TABLE updns_backup (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    copy.exec("CREATE TABLE updns_backup_files (name TEXT PRIMARY KEY, mode INTEGER NOT NULL, content BLOB NOT NULL)");
    const meta = copy.prepare("INSERT INTO updns_backup (key, value) VALUES (?, ?)");
    const file = copy.prepare("INSERT INTO updns_backup_files (name, mode, content) VALUES (?, ?, ?)");
    copy.transaction(() => {
      for (const [k, v] of [["format", FORMAT], ["version", VERSION], ["created", new Date().toISOString()], ["updns", pkg.version], ["master_key", source]]) meta.run(k, v);
      for (const f of files) file.run(f.name, 0o600, f.content);
    })();
  } finally {
    copy.close();
  }
}

function count(sqlite: Database, table: string): number {
  return (sqlite.query(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

interface Inspected {
  /** null: a plain copy of the database, as `updns backup` wrote it before it carried the key files. */
  meta: Record<string, string> | null;
  files: { name: string; content: Uint8Array }[];
  dnssecKeys: { zone: string; id: string; secret: string }[];
}

/** Read what FILE holds, refusing anything that is not an updns backup (or database) this updns can use. */
function inspect(file: string): Inspected {
  if (!existsSync(file)) throw new CliError(`restore: ${file} does not exist`, 1);
  if (!statSync(file).isFile()) throw new CliError(`restore: ${file} is not a file`, 1);
  const notBackup = (why: string) => new CliError(`restore: ${file} is not an updns backup: ${why}`, 1);
  let src: Database;
  let tables: Set<string>;
  try {
    src = new Database(file, { readonly: true, strict: true });
    tables = new Set((src.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
  } catch (e) {
    throw notBackup(`not an SQLite database (${(e as Error).message})`);
  }
  try {
    if (!UPDNS_TABLES.every((t) => tables.has(t))) throw notBackup("an SQLite database without the updns tables");
    const integrity = (src.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check;
    if (integrity !== "ok") throw notBackup(`the database is damaged (integrity_check: ${integrity})`);
    const applied = (src.query("PRAGMA user_version").get() as { user_version: number }).user_version;
    if (applied > migrations.length) throw new CliError(`restore: ${file} was written by a newer updns (${applied} migrations, this one knows ${migrations.length}): restore it with that version or newer`, 1);
    let meta: Record<string, string> | null = null;
    let files: Inspected["files"] = [];
    if (tables.has("updns_backup")) {
      meta = Object.fromEntries((src.query("SELECT key, value FROM updns_backup").all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
      if (meta.format !== FORMAT) throw notBackup(`its updns_backup table says format "${meta.format}"`);
      if (meta.version !== VERSION) throw new CliError(`restore: ${file} is an updns backup of format version ${meta.version}; this updns reads version ${VERSION}`, 1);
      files = (src.query("SELECT name, content FROM updns_backup_files ORDER BY name").all() as { name: string; content: Uint8Array }[]).map((r) => ({ name: r.name, content: r.content }));
      const bad = files.find((f) => !KEY_FILE.test(f.name));
      if (bad) throw notBackup(`it carries a file named "${bad.name}", which is no key file`);
    }
    const dnssecKeys = tables.has("dnssec_keys")
      ? (src.query("SELECT d.name AS zone, k.key_id AS id, k.secret AS secret FROM dnssec_keys k JOIN domains d ON d.id = k.domain_id").all() as Inspected["dnssecKeys"])
      : [];
    return { meta, files, dnssecKeys };
  } finally {
    src.close();
  }
}

/** The data dir must be empty (or --force); it ends up mode 0700. */
function prepareDataDir(dir: string, force: boolean): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new CliError(`restore: the data dir ${resolve(dir)} (server.data_dir) is not a directory`, 1);
    const entries = readdirSync(dir);
    if (entries.length > 0 && !force)
      throw new CliError(`restore: the data dir ${resolve(dir)} is not empty (${entries.sort().join(", ")}); restore into an empty data dir, or stop the server and add --force to replace its database and key files`, 1);
  } else {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  chmodSync(dir, 0o700);
}

/** The database without the backup's own tables; secure_delete and VACUUM leave no key bytes in free pages. */
function writeDatabase(file: string, dir: string): void {
  const tmp = join(dir, `.${DATABASE}.restoring`);
  rmSync(tmp, { force: true });
  createPrivateFile(tmp);
  try {
    const src = new Database(file, { readonly: true });
    try {
      src.exec(`VACUUM INTO '${tmp.replaceAll("'", "''")}'`);
    } finally {
      src.close();
    }
    const db = new Database(tmp, { strict: true });
    try {
      db.exec("PRAGMA journal_mode = DELETE");
      db.exec("PRAGMA secure_delete = ON");
      db.exec("DROP TABLE IF EXISTS updns_backup_files");
      db.exec("DROP TABLE IF EXISTS updns_backup");
      db.exec("VACUUM");
    } finally {
      db.close();
    }
    chmodSync(tmp, 0o600);
    // A stale WAL beside the new file would be replayed into it: the old database goes whole.
    for (const old of [DATABASE, `${DATABASE}-wal`, `${DATABASE}-shm`, `${DATABASE}-journal`]) rmSync(join(dir, old), { force: true });
    renameSync(tmp, join(dir, DATABASE));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function writeKeyFile(dir: string, name: string, content: Uint8Array): void {
  const tmp = join(dir, `.${name}.restoring`);
  rmSync(tmp, { force: true });
  createPrivateFile(tmp);
  writeFileSync(tmp, content);
  chmodSync(tmp, 0o600);
  renameSync(tmp, join(dir, name));
}

/** Whether the master key now in force opens the backup's DNSSEC keys; a warning when it does not. */
function masterKeyWarning(cfg: Config, dir: string, backup: Inspected, file: string): string | null {
  const keys = backup.dnssecKeys;
  if (keys.length === 0) return null;
  const keyFile = join(dir, "dnssec.key");
  let master: Uint8Array;
  try {
    if (cfg.dnssec.master_key.trim()) master = parseMasterKey(cfg.dnssec.master_key);
    else if (existsSync(keyFile)) master = parseMasterKey(readFileSync(keyFile, "utf8"));
    else if (backup.meta === null)
      return `${file} is a plain database copy (an older "updns backup") without the DNSSEC master key: its ${keys.length} DNSSEC private key(s) need the old key. Copy the old data dir's dnssec.key to ${resolve(keyFile)} (mode 0600), or set [dnssec] master_key, before "updns serve"`;
    else if (backup.meta.master_key === "config")
      return `the ${keys.length} DNSSEC private key(s) of ${file} are sealed with the [dnssec] master_key of the config it was made with, and this config has none: set it before "updns serve"`;
    else return `${file} holds ${keys.length} DNSSEC private key(s) but no dnssec.key to unseal them: copy the old data dir's dnssec.key to ${resolve(keyFile)} (mode 0600) before "updns serve"`;
  } catch (e) {
    return `the DNSSEC master key is unusable (${(e as Error).message})`;
  }
  try {
    openSecret(master, keys[0].secret, `${keys[0].zone}/${keys[0].id}`);
    return null;
  } catch {
    const which = cfg.dnssec.master_key.trim() ? "[dnssec] master_key of this config" : resolve(keyFile);
    return `the DNSSEC private keys of ${file} do not open with ${which}: use the master key they were sealed with before "updns serve"`;
  }
}

export function restoreCommand(argv: string[], io: Io, cfg: Config): number {
  const { values, positionals } = parse(argv, { force: { type: "boolean", default: false } }, "updns restore FILE [--force]");
  if (values.help)
    return io.out("usage: updns restore FILE [--force] [--config FILE]\nFills the empty data dir (server.data_dir) from a file of \"updns backup\"; --force replaces the database and key files of a data dir in use (stop the server first)."), 0;
  if (positionals.length !== 1) throw new CliError("restore takes one FILE\nusage: updns restore FILE [--force]");
  const file = positionals[0];
  const backup = inspect(file);
  const dir = cfg.server.data_dir;
  prepareDataDir(dir, values.force);
  writeDatabase(file, dir);
  for (const f of backup.files) writeKeyFile(dir, f.name, f.content);
  const warning = masterKeyWarning(cfg, dir, backup, file);
  const written = [DATABASE, ...backup.files.map((f) => f.name)];
  if (values.json) io.out(JSON.stringify({ restored: file, data_dir: resolve(dir), files: written, dnssec_keys: backup.dnssecKeys.length, warning }));
  else io.out(`restored ${file} into ${resolve(dir)} (${written.join(", ")})`);
  if (warning) io.err(`updns: warning: ${warning}`);
  return 0;
}
