// Opening the database: pragmas that make it safe for a server and a CLI at the same time, and the
// embedded migrator. PRAGMA user_version counts the applied migrations.
import { Database } from "bun:sqlite";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import * as schema from "./schema.ts";
import { migrations, type Migration } from "./migrations.ts";

export type Db = BunSQLiteDatabase<typeof schema> & { $client: Database };

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
}

export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, { create: true, strict: true });
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
  if (opts.migrate !== false) migrate(sqlite, migrations);
  return drizzle(sqlite, { schema }) as Db;
}

function userVersion(sqlite: Database): number {
  return (sqlite.query("PRAGMA user_version").get() as { user_version: number }).user_version;
}

/** Apply the migrations not yet applied, each in its own transaction. Returns the tags applied. */
export function migrate(sqlite: Database, list: Migration[] = migrations): string[] {
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

/** A consistent online copy (VACUUM INTO reads one snapshot; the server may keep writing). */
export function backupDatabase(db: Db, target: string): void {
  db.$client.exec(`VACUUM INTO '${target.replaceAll("'", "''")}'`);
}
