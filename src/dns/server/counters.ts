// Counters the integrator exposes at /metrics: a plain object, incremented in place.
export interface DnsCounters {
  /** Queries by type label ("A", "AAAA", "ANY", "TYPE99", ...). */
  queriesByType: Record<string, number>;
  /** Responses by rcode name ("NOERROR", "NXDOMAIN", "REFUSED", ...). */
  responsesByRcode: Record<string, number>;
  /** Packets dropped without an answer (too short, a response, garbage). */
  dropped: number;
  truncated: number;
  /** Transfers served and refused, by kind. */
  transfers: { axfr: number; ixfr: number; ixfrAsAxfr: number; ixfrUpToDate: number; refused: number };
  /** Transfers by zone served here, then by how each went (TransferRecord kinds: "AXFR", "IXFR", "refused", ...). */
  transfersByZone: Record<string, Record<string, number>>;
  notifies: { sent: number; acknowledged: number; failed: number };
  updates: { applied: number; noop: number; refused: number; notauth: number; prereqFailed: number; formerr: number };
  /** UDP answers over the response rate limit (rrl.ts): sent truncated, or not sent. */
  rrl: { slipped: number; dropped: number };
}

export function newCounters(): DnsCounters {
  return {
    queriesByType: {},
    responsesByRcode: {},
    dropped: 0,
    truncated: 0,
    transfers: { axfr: 0, ixfr: 0, ixfrAsAxfr: 0, ixfrUpToDate: 0, refused: 0 },
    transfersByZone: {},
    notifies: { sent: 0, acknowledged: 0, failed: 0 },
    updates: { applied: 0, noop: 0, refused: 0, notauth: 0, prereqFailed: 0, formerr: 0 },
    rrl: { slipped: 0, dropped: 0 },
  };
}

export function bump(map: Record<string, number>, key: string, n = 1): void {
  map[key] = (map[key] ?? 0) + n;
}

/**
 * Query and response counts of a DNS thread in shared memory (a Float64Array over a SharedArrayBuffer):
 * queries by QTYPE at [0, 65536), responses by header RCODE at [65536, 65552). The thread only adds to
 * its cells, before the answer leaves; the main thread folds them into its counters when they are read, so
 * /metrics is never behind a client and no message goes between the threads per batch of answers.
 */
export const RESPONSE_CELLS = 65536;
export const COUNT_CELLS = RESPONSE_CELLS + 16;

export function newCountCells(): Float64Array {
  return new Float64Array(new SharedArrayBuffer(COUNT_CELLS * 8));
}

/** Responses counted in `cells` so far (all rcodes). */
export function answeredIn(cells: Float64Array): number {
  let n = 0;
  for (let r = 0; r < 16; r++) n += cells[RESPONSE_CELLS + r];
  return n;
}

/**
 * Add what `cells` counted since the last fold (`seen` holds what was folded) to `c`'s records under
 * their labels (`typeLabel`, `rcodeLabel`: the names the main thread counts under).
 */
export function foldCells(c: Pick<DnsCounters, "queriesByType" | "responsesByRcode">, cells: Float64Array, seen: Float64Array, typeLabel: (t: number) => string, rcodeLabel: (r: number) => string): void {
  for (let i = 0; i < COUNT_CELLS; i++) {
    const v = cells[i];
    if (v === seen[i]) continue;
    const d = v - seen[i];
    seen[i] = v;
    if (i < RESPONSE_CELLS) bump(c.queriesByType, typeLabel(i), d);
    else bump(c.responsesByRcode, rcodeLabel(i - RESPONSE_CELLS), d);
  }
}
