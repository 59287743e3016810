// A host's address history: every change of its A or AAAA record (a new address, or the record removed),
// newest last, for the timeline on the host page. Written with the host's other bookkeeping (faults.ts), in
// the same transaction; bounded per host so that a host changing its address every minute keeps only the
// newest rows (trimmed every TRIM_EVERY changes).
import { desc, eq } from "drizzle-orm";
import { hostAddresses, type Db, type SqlStatement } from "../db/index.ts";

/** Rows kept per host: a few weeks of a daily-changing address, a day of an hourly one. */
export const HISTORY_MAX = 50;

export interface AddressChangeRow {
  type: "A" | "AAAA";
  /** "" when the record was removed. */
  address: string;
  at: Date;
}

/**
 * A host's rows are trimmed once per TRIM_EVERY changes, not on each: the trim's DELETE with its subquery
 * cost as much as the INSERT itself on every real change. Between trims a host holds up to HISTORY_MAX +
 * TRIM_EVERY rows (a few more after a restart, which forgets the counts); readers take the newest HISTORY_MAX.
 */
export const TRIM_EVERY = 16;

/** Changes written per host since its last trim, per database (this process's writes only). */
const sinceTrim = new WeakMap<object, Map<number, number>>();

/** The INSERT of each change, and the trim that keeps the newest HISTORY_MAX rows of the host when it is due. */
export function historyStatements(db: object, hostId: number, changes: AddressChangeRow[]): SqlStatement[] {
  if (changes.length === 0) return [];
  // Only while the host exists: one deleted meanwhile must not fail the foreign key, and with it the whole
  // group-committed transaction of other requests (faults.ts).
  const out: SqlStatement[] = changes.map((c) => ({
    sql: `INSERT INTO "host_addresses" ("host_id", "type", "address", "at") SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM "hosts" WHERE "id" = ?)`,
    params: [hostId, c.type, c.address, c.at.getTime(), hostId],
  }));
  let counts = sinceTrim.get(db);
  if (!counts) sinceTrim.set(db, (counts = new Map()));
  const n = (counts.get(hostId) ?? 0) + changes.length;
  if (n < TRIM_EVERY) {
    counts.set(hostId, n);
    return out;
  }
  counts.delete(hostId);
  out.push({
    sql: `DELETE FROM "host_addresses" WHERE "host_id" = ? AND "id" <= (SELECT "id" FROM "host_addresses" WHERE "host_id" = ? ORDER BY "id" DESC LIMIT 1 OFFSET ?)`,
    params: [hostId, hostId, HISTORY_MAX],
  });
  return out;
}

/** The host's newest HISTORY_MAX recorded changes, oldest first. */
export function addressHistory(db: Db, hostId: number): AddressChangeRow[] {
  return db.select({ type: hostAddresses.type, address: hostAddresses.address, at: hostAddresses.at }).from(hostAddresses).where(eq(hostAddresses.hostId, hostId)).orderBy(desc(hostAddresses.id)).limit(HISTORY_MAX).all().reverse();
}
