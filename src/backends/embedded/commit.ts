// The SQL of a zone commit and of the journal trim after it, over bun:sqlite directly (prepared statements:
// drizzle's query building per record cost more than the writes). A commit is one IMMEDIATE transaction:
// the serial check, the record rows, the journal entry (what IXFR sends, RFC 1995), the serial in domains.
import type { Database, Statement } from "bun:sqlite";
import type { Changeset, RR } from "../../dns/zone/index.ts";
import { runInTransaction } from "../../db/index.ts";

/** Another process (a CLI command, a second server) committed to the zone first; reload and retry. */
export class ZoneConflictError extends Error {
  constructor(readonly zone: string, readonly expected: number, readonly found: number) {
    super(`zone ${zone} changed underneath (expected serial ${expected}, database has ${found})`);
    this.name = "ZoneConflictError";
  }
}

interface CommitStatements {
  domain: Statement;
  serial: Statement;
  victim: Statement;
  remove: Statement;
  rewrite: Statement;
  insert: Statement;
  journal: Statement;
  bump: Statement;
}

// Prepared once per connection (building drizzle queries per record cost more than the writes).
const prepared = new WeakMap<Database, CommitStatements>();

function statements(sqlite: Database): CommitStatements {
  let q = prepared.get(sqlite);
  if (!q) {
    q = {
      domain: sqlite.prepare("SELECT id, backend FROM domains WHERE name = ?"),
      serial: sqlite.prepare("SELECT serial FROM domains WHERE id = ?"),
      victim: sqlite.prepare("SELECT id FROM zone_records WHERE domain_id = ? AND name = ? AND type = ? AND data = ? LIMIT 1"),
      remove: sqlite.prepare("DELETE FROM zone_records WHERE id = ?"),
      rewrite: sqlite.prepare("UPDATE zone_records SET ttl = ?, data = ? WHERE id = ?"),
      insert: sqlite.prepare("INSERT INTO zone_records (domain_id, name, type, ttl, data) VALUES (?, ?, ?, ?, ?)"),
      journal: sqlite.prepare("INSERT INTO zone_journal (domain_id, serial_from, serial_to, removed, added, created) VALUES (?, ?, ?, ?, ?, ?)"),
      bump: sqlite.prepare("UPDATE domains SET serial = ?, last_update = ? WHERE id = ?"),
    };
    prepared.set(sqlite, q);
  }
  return q;
}

/** Write one changeset; durable when this returns (at the connection's synchronous level). */
export function commitChangeset(sqlite: Database, cs: Changeset): void {
  const q = statements(sqlite);
  sqlite
    .transaction(() => {
      // Read inside the transaction: a statement of its own would take and drop the file locks once more.
      const d = q.domain.get(cs.zone) as { id: number; backend: string } | null;
      if (!d || d.backend !== "embedded") throw new Error(`no embedded domain named ${cs.zone}`);
      const id = d.id;
      const row = q.serial.get(id) as { serial: number } | null;
      if (!row || row.serial !== cs.serialFrom) throw new ZoneConflictError(cs.zone, cs.serialFrom, row?.serial ?? -1);
      // A record replaced by another of the same owner and type (a new address, the SOA, a new signature)
      // is rewritten in its row: a DELETE and an INSERT wrote the table and the owner index twice over
      // (WAL pages of every commit; with signatures, twice the records).
      const added = new Map<string, RR[]>();
      for (const r of cs.added) {
        const k = `${r.name}\0${r.type}`;
        const same = added.get(k);
        if (same) same.push(r);
        else added.set(k, [r]);
      }
      for (const r of cs.removed) {
        const victim = q.victim.get(id, r.name, r.type, r.data) as { id: number } | null;
        if (!victim) continue;
        const next = added.get(`${r.name}\0${r.type}`)?.pop();
        if (next) q.rewrite.run(next.ttl, next.data, victim.id);
        else q.remove.run(victim.id);
      }
      for (const rows of added.values()) for (const r of rows) q.insert.run(id, r.name, r.type, r.ttl, r.data);
      // A TTL change of a kept record is a remove + add of the same data: the rows above already did it.
      q.journal.run(id, cs.serialFrom, cs.serialTo, JSON.stringify(cs.removed), JSON.stringify(cs.added), cs.time);
      q.bump.run(cs.serialTo, cs.time, id);
    })
    // IMMEDIATE takes the write lock at once, so the serial read above cannot go stale before the write.
    .immediate();
}

/**
 * Drop journal entries beyond the newest `keep` and those older than `before` (ms). One transaction without
 * its own fsync (relaxed): a trim lost to a power cut is done again after the next commit.
 */
export function trimJournalRows(sqlite: Database, zone: string, keep: number, before: number): number {
  const d = sqlite.query("SELECT id FROM domains WHERE name = ? AND backend = 'embedded'").get(zone) as { id: number } | null;
  if (!d) throw new Error(`no embedded domain named ${zone}`);
  let removed = 0;
  runInTransaction(sqlite, () => {
    const newest = sqlite.query("SELECT id FROM zone_journal WHERE domain_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?").get(d.id, Math.max(0, keep - 1)) as { id: number } | null;
    if (newest) removed += sqlite.query("DELETE FROM zone_journal WHERE domain_id = ? AND id < ?").run(d.id, newest.id).changes;
    removed += sqlite.query("DELETE FROM zone_journal WHERE domain_id = ? AND created < ?").run(d.id, before).changes;
  }, { relaxed: true });
  return removed;
}
