// Opening the database: pragmas that make it safe for a server and a CLI at the same time, and the
// embedded migrator. PRAGMA user_version counts the applied migrations.
import { Database } from "bun:sqlite";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import * as schema from "./schema.ts";
import { migrations, type Migration, type MigrationContext } from "./migrations.ts";
import { chmodPrivate, ensurePrivateDir, tightenPrivateFile, withPrivateUmask } from "./files.ts";
import { masterKeyFor } from "./sealed.ts";

/** `$masterKey` unlocks the sealed secret columns (db/secret-columns.ts); read on first use. */
export type Db = BunSQLiteDatabase<typeof schema> & { $client: Database; $masterKey: () => Uint8Array };

export class DatabaseTooNewError extends Error {
  constructor(readonly found: number, readonly known: number) {
    super(`the database has ${found} migrations applied but this updns knows only ${known}: it was written by a newer updns; upgrade updns or restore a backup`);
    this.name = "DatabaseTooNewError";
  }
}

export interface OpenOptions {
  /** "FULL" (default) survives power loss; "NORMAL" survives a process crash (WAL). */
  synchronous?: "NORMAL" | "FULL";
  busyTimeoutMs?: number;
  /** Apply pending migrations (serve and migrate do; other commands check only). */
  migrate?: boolean;
  /** [dnssec] master_key; empty: the key in the data directory's dnssec.key (made on first use). */
  masterKey?: string;
  /** Told when the data directory or a database file was open to other users and got tightened. */
  warn?: (message: string) => void;
}

export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  const memory = path === ":memory:";
  const warn = opts.warn ?? ((m: string) => console.warn(`updns: warning: ${m}`));
  if (!memory) secureFiles(path, warn);
  // umask 0077 while SQLite creates the file: it is private from its first byte. SQLite gives the -wal and
  // -shm files it creates later (at any time, in any process) the database file's own mode.
  const sqlite = withPrivateUmask(() => new Database(path, { create: true, strict: true }));
  if (!memory) chmodPrivate(path);
  // busy_timeout first: the other pragmas may already need the lock when a server is running.
  sqlite.exec(`PRAGMA busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
  sqlite.exec("PRAGMA journal_mode = WAL");
  sqlite.exec(`PRAGMA synchronous = ${opts.synchronous ?? "FULL"}`);
  sqlite.exec("PRAGMA foreign_keys = ON");
  const applied = userVersion(sqlite);
  if (applied > migrations.length) {
    sqlite.close();
    throw new DatabaseTooNewError(applied, migrations.length);
  }
  const masterKey = memo(() => (memory && !opts.masterKey?.trim() ? Uint8Array.from(randomBytes(32)) : masterKeyFor({ configured: opts.masterKey, dataDir: dirname(path), warn })));
  if (opts.migrate !== false) migrate(sqlite, migrations, { masterKey });
  return Object.assign(drizzle(sqlite, { schema }), { $masterKey: masterKey }) as Db;
}

/**
 * The data directory 0700, the database files and the master key file 0600: made so, or tightened (with a
 * warning) when an older updns or an operator's umask left them readable by others.
 */
function secureFiles(path: string, warn: (message: string) => void): void {
  const files = ["", "-wal", "-shm", "-journal"].map((s) => path + s).concat(join(dirname(path), "dnssec.key"));
  const warnings = [ensurePrivateDir(dirname(path)), ...files.map((f) => tightenPrivateFile(f))];
  for (const w of warnings) if (w) warn(w);
}

function memo<T>(f: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= f());
}

function userVersion(sqlite: Database): number {
  return (sqlite.query("PRAGMA user_version").get() as { user_version: number }).user_version;
}

/** Apply the migrations not yet applied, each in its own transaction. Returns the tags applied. */
export function migrate(sqlite: Database, list: Migration[] = migrations, ctx?: MigrationContext): string[] {
  const done: string[] = [];
  // BEGIN IMMEDIATE so two processes starting together do not both apply the same migration.
  for (;;) {
    const applied = userVersion(sqlite);
    if (applied >= list.length) return done;
    const next = list[applied];
    sqlite.exec("BEGIN IMMEDIATE");
    try {
      if (userVersion(sqlite) !== applied) {
        sqlite.exec("ROLLBACK");
        continue;
      }
      for (const stmt of next.sql.split("--> statement-breakpoint")) {
        if (stmt.trim()) sqlite.exec(stmt);
      }
      if (next.data) {
        if (!ctx) throw new Error("its data step needs the master key");
        next.data(sqlite, ctx);
      }
      sqlite.exec(`PRAGMA user_version = ${applied + 1}`);
      sqlite.exec("COMMIT");
      done.push(next.tag);
    } catch (e) {
      sqlite.exec("ROLLBACK");
      throw new Error(`migration ${next.tag} failed: ${(e as Error).message}`);
    }
  }
}

export function pendingMigrations(sqlite: Database): number {
  return Math.max(0, migrations.length - userVersion(sqlite));
}

/** A consistent online copy (VACUUM INTO reads one snapshot; the server may keep writing), mode 0600. */
export function backupDatabase(db: Db, target: string): void {
  withPrivateUmask(() => db.$client.exec(`VACUUM INTO '${target.replaceAll("'", "''")}'`));
  chmodPrivate(target);
}
