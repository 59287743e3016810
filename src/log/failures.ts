// Authentication failures as an operator can read them during a storm: the first failure of a client for a
// name is logged at once, further ones are counted and summed up in one line per client and name per
// interval, and the first refusal by a rate limiter is logged when it happens. A name quiet for a whole
// interval is forgotten, so its next failure is logged at once again. Never a secret: callers pass the
// client address, the name it claimed (host, login, acme-dns user) and why, nothing it sent as a password.
import type { Logger } from "./index.ts";

export interface FailureLogOptions {
  /** How often counted failures are summed up (default 60 s). */
  intervalMs?: number;
  /** Bound on remembered client+name pairs, so a flood of addresses cannot grow memory without end. */
  maxKeys?: number;
}

interface Entry {
  client: string;
  name: string;
  failures: number;
  blocked: number;
  blockLogged: boolean;
  active: boolean;
}

/** A name as it may appear in a log line: short, printable. */
function clean(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, "?").slice(0, 64);
}

export class AuthFailureLog {
  private readonly entries = new Map<string, Entry>();
  private readonly intervalMs: number;
  private readonly maxKeys: number;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly log: Logger,
    /** What was authenticated against: dyndns2, web-login, api-token, acme-dns. */
    private readonly service: string,
    opts: FailureLogOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.maxKeys = opts.maxKeys ?? 10_000;
  }

  /** A wrong or unknown credential from `client` for `name`. */
  failed(client: string, name: string, why: string): void {
    const e = this.entry(client, name);
    e.active = true;
    if (e.failures < 0) {
      e.failures = 0;
      this.log.warn("authentication failed", { service: this.service, client, name: e.name, why });
    } else e.failures++;
  }

  /**
   * A request refused by a rate limiter without its credentials being checked. `limit` says which one:
   * "failures" (too many failed authentications) or "requests" (too many requests with a good credential).
   */
  blocked(client: string, name: string, retryAfterSeconds: number, limit: "failures" | "requests" = "failures"): void {
    const e = this.entry(client, name);
    e.active = true;
    if (!e.blockLogged) {
      e.blockLogged = true;
      this.log.warn("rate limit: client blocked", { service: this.service, client, name: e.name, limit, retry_after_s: retryAfterSeconds });
    } else e.blocked++;
  }

  /** One summary line per client+name with failures or blocks counted since the last one. */
  flush(): void {
    for (const [key, e] of this.entries) {
      if (e.failures > 0 || e.blocked > 0) {
        this.log.warn("authentication failures", { service: this.service, client: e.client, name: e.name, failures: e.failures, blocked: e.blocked, interval_s: Math.round(this.intervalMs / 1000) });
        e.failures = 0;
        e.blocked = 0;
      }
      if (!e.active) this.entries.delete(key);
      e.active = false;
    }
    if (this.entries.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private entry(client: string, rawName: string): Entry {
    const name = clean(rawName) || "-";
    const key = `${client} ${name}`;
    let e = this.entries.get(key);
    if (!e) {
      if (this.entries.size >= this.maxKeys) this.flushAll();
      e = { client, name, failures: -1, blocked: 0, blockLogged: false, active: true };
      this.entries.set(key, e);
    }
    if (!this.timer) {
      this.timer = setInterval(() => this.flush(), this.intervalMs);
      // A pending summary must not keep a CLI run or a test alive.
      (this.timer as { unref?: () => void }).unref?.();
    }
    return e;
  }

  private flushAll(): void {
    this.flush();
    this.entries.clear();
  }
}
