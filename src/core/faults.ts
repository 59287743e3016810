// Fault counters and result messages of a host (spec §1.3, §1.10), collected during a request and written in
// one UPDATE at its end. Counters are incremented in SQL so two requests for the same host never lose one.
import type { Db } from "../db/index.ts";
import { hosts } from "../db/index.ts";

export const MESSAGE_MAX = 255;

/** "YYYY-MM-DD HH:MM:SS message" (UTC), cut to 255 characters (§1.10). */
export function stampMessage(now: Date, message: string): string {
  const stamp = now.toISOString().slice(0, 19).replace("T", " ");
  return `${stamp} ${message}`.slice(0, MESSAGE_MAX);
}

/** updns.md §1.8: the first nochg after this long without an update is a keep-alive (ddclient 25 d, inadyn 30 d). */
export const KEEPALIVE_MS = 20 * 24 * 3600 * 1000;

type HostPatch = Partial<typeof hosts.$inferInsert>;

export class HostLedger {
  private patch: HostPatch = {};
  private client = 0;
  private server = 0;
  private apiAuth = 0;

  constructor(
    readonly hostId: number,
    readonly fqdn: string,
    private readonly now: Date,
  ) {}

  clientMessage(message: string, fault: boolean): void {
    this.patch.clientResultMsg = stampMessage(this.now, `${this.fqdn} - ${message}`);
    if (fault) this.client++;
  }

  serverMessage(message: string, fault: boolean): void {
    this.patch.serverResultMsg = stampMessage(this.now, `${this.fqdn} - ${message}`);
    if (fault) this.server++;
  }

  apiAuthMessage(message: string, fault: boolean): void {
    this.patch.apiAuthResultMsg = stampMessage(this.now, `${this.fqdn} - ${message}`);
    if (fault) this.apiAuth++;
  }

  set(fields: HostPatch): void {
    Object.assign(this.patch, fields);
  }

  get clientFaults(): number {
    return this.client;
  }

  get dirty(): boolean {
    return Object.keys(this.patch).length > 0 || this.client + this.server + this.apiAuth > 0;
  }

  /**
   * Write everything collected in one UPDATE; a no-op when nothing changed. Plain SQL through bun:sqlite's
   * statement cache: the same set of columns (the common case) reuses one prepared statement.
   */
  flush(db: Db): void {
    if (!this.dirty) return;
    const fields: Record<string, unknown> = { ...this.patch, lastUpdate: this.now };
    const columns: string[] = [];
    const params: (string | number | null)[] = [];
    const tableColumns = hosts as unknown as Record<string, { name: string }>;
    for (const [key, value] of Object.entries(fields)) {
      columns.push(`"${tableColumns[key].name}" = ?`);
      params.push(value instanceof Date ? value.getTime() : typeof value === "boolean" ? (value ? 1 : 0) : (value as string | number | null));
    }
    for (const [column, n] of [[hosts.clientFaults.name, this.client], [hosts.serverFaults.name, this.server], [hosts.apiAuthFaults.name, this.apiAuth]] as const) {
      if (n) {
        columns.push(`"${column}" = "${column}" + ?`);
        params.push(n);
      }
    }
    params.push(this.hostId);
    db.$client.query(`UPDATE "hosts" SET ${columns.join(", ")} WHERE "id" = ?`).run(...params);
    this.patch = {};
    this.client = this.server = this.apiAuth = 0;
  }
}
