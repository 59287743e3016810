// Writes in one transaction, optionally without their own fsync: the group-committed host bookkeeping
// (core/faults.ts) and the zone journal's trim (backends/embedded/commit.ts).
import type { Database } from "bun:sqlite";

export interface SqlStatement {
  sql: string;
  params: (string | number | null)[];
}

/**
 * Run `statements` in one IMMEDIATE transaction (the write lock first, so a concurrent writer such as the
 * CLI makes us wait, never fail midway). `relaxed`: this commit skips the fsync (synchronous=NORMAL in WAL
 * mode); it becomes durable with the next synchronous commit or checkpoint.
 */
export function runStatements(sqlite: Database, statements: readonly SqlStatement[], opts: { relaxed: boolean }): void {
  // bun:sqlite's statement cache: the same SQL (the common case) reuses one prepared statement.
  runInTransaction(sqlite, () => {
    for (const q of statements) sqlite.query(q.sql).run(...q.params);
  }, opts);
}

/** `fn` in one IMMEDIATE transaction; `relaxed` as in runStatements. */
export function runInTransaction(sqlite: Database, fn: () => void, opts: { relaxed: boolean }): void {
  const level = (sqlite.query("PRAGMA synchronous").get() as { synchronous: number }).synchronous;
  const relax = opts.relaxed && level > 1;
  if (relax) sqlite.exec("PRAGMA synchronous = NORMAL");
  try {
    sqlite.exec("BEGIN IMMEDIATE");
    try {
      fn();
      sqlite.exec("COMMIT");
    } catch (e) {
      try {
        sqlite.exec("ROLLBACK");
      } catch {
        // A failed COMMIT may already have rolled back.
      }
      throw e;
    }
  } finally {
    if (relax) sqlite.exec(`PRAGMA synchronous = ${level}`);
  }
}
