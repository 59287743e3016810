// Fault counters and result messages of a host (spec §1.3, §1.10), collected during a request and written in
// one UPDATE at its end. Counters are incremented in SQL so two requests for the same host never lose one.
import { eq, sql } from "drizzle-orm";
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

  /** Write everything collected; a no-op when nothing changed. */
  flush(db: Db): void {
    if (!this.dirty) return;
    const set: Record<string, unknown> = { ...this.patch, lastUpdate: this.now };
    if (this.client) set.clientFaults = sql`${hosts.clientFaults} + ${this.client}`;
    if (this.server) set.serverFaults = sql`${hosts.serverFaults} + ${this.server}`;
    if (this.apiAuth) set.apiAuthFaults = sql`${hosts.apiAuthFaults} + ${this.apiAuth}`;
    db.update(hosts).set(set as HostPatch).where(eq(hosts.id, this.hostId)).run();
    this.patch = {};
    this.client = this.server = this.apiAuth = 0;
  }
}
