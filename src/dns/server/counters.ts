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

export function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}
