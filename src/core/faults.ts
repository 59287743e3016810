// Fault counters and result messages of a host (spec §1.3, §1.10), collected during a request and written in
// one UPDATE at its end. Counters are incremented in SQL so two requests for the same host never lose one.
import type { Db } from "../db/index.ts";
import { hosts, runStatements, type SqlStatement } from "../db/index.ts";
import { historyStatements, type AddressChangeRow } from "./address-history.ts";

export const MESSAGE_MAX = 255;

/** "YYYY-MM-DD HH:MM:SS message" (UTC), cut to 255 characters (§1.10). */
export function stampMessage(now: Date, message: string): string {
  const stamp = now.toISOString().slice(0, 19).replace("T", " ");
  return `${stamp} ${message}`.slice(0, MESSAGE_MAX);
}

/** updns.md §1.8: the first nochg after this long without an update is a keep-alive (ddclient 25 d, inadyn 30 d). */
export const KEEPALIVE_MS = 20 * 24 * 3600 * 1000;

/**
 * A host's counters as its owner reads them: no-change updates (a router repeating its address) apart from
 * the faults worth acting on (refused credentials, refused updates, DNS errors). The counters themselves,
 * and so the abuse limit, stay as the spec counts them: a nochg is still a client fault there.
 */
export function hostHealth(h: { clientFaults: number; serverFaults: number; apiAuthFaults: number; nochgFaults: number }): { keepalives: number; faults: number } {
  const keepalives = Math.min(h.nochgFaults, h.clientFaults);
  return { keepalives, faults: h.clientFaults - keepalives + h.serverFaults + h.apiAuthFaults };
}

type HostPatch = Partial<typeof hosts.$inferInsert>;

export class HostLedger {
  private patch: HostPatch = {};
  private client = 0;
  private server = 0;
  private apiAuth = 0;
  private nochg = 0;
  private changes: AddressChangeRow[] = [];

  constructor(
    readonly hostId: number,
    readonly fqdn: string,
    private readonly now: Date,
  ) {}

  clientMessage(message: string, fault: boolean): void {
    this.patch.clientResultMsg = stampMessage(this.now, `${this.fqdn} - ${message}`);
    if (fault) this.client++;
  }

  /**
   * A no-change update (nochg): a client fault as the spec counts it (the basis of abuse detection), also
   * counted apart so that the owner sees it as what it usually is, a router repeating its address.
   */
  noChangeMessage(message: string, fault: boolean): void {
    this.clientMessage(message, fault);
    if (fault) this.nochg++;
  }

  serverMessage(message: string, fault: boolean): void {
    this.patch.serverResultMsg = stampMessage(this.now, `${this.fqdn} - ${message}`);
    if (fault) this.server++;
  }

  apiAuthMessage(message: string, fault: boolean): void {
    this.patch.apiAuthResultMsg = stampMessage(this.now, `${this.fqdn} - ${message}`);
    if (fault) this.apiAuth++;
  }

  /** A change of the host's A or AAAA record, for its address history ("" = the record was removed). */
  addressChanged(type: "A" | "AAAA", address: string): void {
    this.changes.push({ type, address, at: this.now });
  }

  set(fields: HostPatch): void {
    Object.assign(this.patch, fields);
  }

  get clientFaults(): number {
    return this.client;
  }

  get dirty(): boolean {
    return Object.keys(this.patch).length > 0 || this.client + this.server + this.apiAuth + this.nochg > 0 || this.changes.length > 0;
  }

  /** The UPDATE that writes everything collected and the address history's rows; none when nothing changed. */
  private statements(db: Db): SqlStatement[] {
    if (!this.dirty) return [];
    const fields: Record<string, unknown> = { ...this.patch, lastUpdate: this.now };
    const columns: string[] = [];
    const params: (string | number | null)[] = [];
    const tableColumns = hosts as unknown as Record<string, { name: string }>;
    for (const [key, value] of Object.entries(fields)) {
      columns.push(`"${tableColumns[key].name}" = ?`);
      params.push(value instanceof Date ? value.getTime() : typeof value === "boolean" ? (value ? 1 : 0) : (value as string | number | null));
    }
    for (const [column, n] of [[hosts.clientFaults.name, this.client], [hosts.serverFaults.name, this.server], [hosts.apiAuthFaults.name, this.apiAuth], [hosts.nochgFaults.name, this.nochg]] as const) {
      if (n) {
        columns.push(`"${column}" = "${column}" + ?`);
        params.push(n);
      }
    }
    params.push(this.hostId);
    const history = historyStatements(db, this.hostId, this.changes);
    this.patch = {};
    this.changes = [];
    this.client = this.server = this.apiAuth = this.nochg = 0;
    return [{ sql: `UPDATE "hosts" SET ${columns.join(", ")} WHERE "id" = ?`, params }, ...history];
  }

  /**
   * Write everything collected in one UPDATE; a no-op when nothing changed. Plain SQL through bun:sqlite's
   * statement cache: the same set of columns (the common case) reuses one prepared statement.
   */
  flush(db: Db): void {
    const sts = this.statements(db);
    if (sts.length === 1) db.$client.query(sts[0].sql).run(...sts[0].params);
    else if (sts.length > 1) runStatements(db.$client, sts, { relaxed: false });
  }

  /**
   * The same write, group-committed: the UPDATEs of every request that finishes in this event-loop turn go
   * into one SQLite transaction (one fsync under synchronous=FULL instead of one per request). Resolves
   * once that transaction is durable, so the caller still answers only after its row is written.
   */
  flushGrouped(db: Db): Promise<void> {
    const sts = this.statements(db);
    if (sts.length === 0) return Promise.resolve();
    let g = groups.get(db);
    if (!g) groups.set(db, (g = new GroupWriter(db)));
    return Promise.all(sts.map((st) => g.add(st.sql, st.params))).then(() => undefined);
  }
}

interface Queued extends SqlStatement {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Host-row writes waiting for the end of the current event-loop turn, per database. */
class GroupWriter {
  private queue: Queued[] = [];

  constructor(private readonly db: Db) {}

  add(sql: string, params: (string | number | null)[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.commit());
      this.queue.push({ sql, params, resolve, reject });
    });
  }

  private commit(): void {
    const batch = this.queue;
    this.queue = [];
    // These rows are bookkeeping (last update times, result messages, fault counters), not DNS data: their
    // commit skips the fsync (relaxed) and becomes durable with the next zone commit or checkpoint, which
    // syncs the whole write-ahead log. A power cut may lose the newest of them; a process crash loses none.
    // The DNS changes themselves keep the configured level.
    try {
      runStatements(this.db.$client, batch, { relaxed: true });
    } catch (e) {
      for (const q of batch) q.reject(e);
      return;
    }
    for (const q of batch) q.resolve();
  }
}

const groups = new WeakMap<Db, GroupWriter>();
