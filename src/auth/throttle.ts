// Login throttling. Failed logins are counted per client address and per account; after a few free
// failures every further one doubles the wait (1 s, 2 s, 4 s, ... up to MAX_BLOCK_MS), during which
// attempts are answered 429 without checking the password. Counters are forgotten FORGET_MS after the
// last failure.
//
// Lock-out from everywhere: if the per-account counter blocked every client, anyone who knows a user name
// could keep its owner out. So the per-account counter applies only to clients that have never signed in to
// that account. A client that has (it holds a signed device cookie naming the account, OWASP's "device
// cookies") is counted on its own key instead, and an attacker's failures do not touch it.
//
// State is in memory: one process serves the web UI, and a restart forgetting counters is harmless.
import ipaddr from "ipaddr.js";

export interface ThrottleRule {
  /** Failures allowed before waits start. */
  free: number;
}

export const ADDRESS_RULE: ThrottleRule = { free: 10 };
export const ACCOUNT_RULE: ThrottleRule = { free: 5 };
export const DEVICE_RULE: ThrottleRule = { free: 5 };
export const MAX_BLOCK_MS = 15 * 60_000;
export const FORGET_MS = 60 * 60_000;
/** Bound on remembered keys, so a flood of addresses cannot grow memory without end. */
const MAX_KEYS = 50_000;

interface Counter {
  failures: number;
  lastFailure: number;
  blockedUntil: number;
}

export class Throttle {
  private readonly counters = new Map<string, Counter>();

  /** Milliseconds until `key` may try again (0 = now). */
  wait(key: string, now: Date): number {
    const c = this.current(key, now.getTime());
    return c ? Math.max(0, c.blockedUntil - now.getTime()) : 0;
  }

  fail(key: string, rule: ThrottleRule, now: Date): void {
    const t = now.getTime();
    const c = this.current(key, t) ?? { failures: 0, lastFailure: t, blockedUntil: 0 };
    c.failures += 1;
    c.lastFailure = t;
    const over = c.failures - rule.free;
    if (over > 0) c.blockedUntil = t + Math.min(MAX_BLOCK_MS, 1000 * 2 ** Math.min(over - 1, 30));
    this.counters.delete(key); // re-insert: the Map's order is then "least recently failed first"
    this.counters.set(key, c);
    while (this.counters.size > MAX_KEYS) this.counters.delete(this.counters.keys().next().value!);
  }

  reset(key: string): void {
    this.counters.delete(key);
  }

  private current(key: string, t: number): Counter | undefined {
    const c = this.counters.get(key);
    if (c && t - c.lastFailure > FORGET_MS) {
      this.counters.delete(key);
      return undefined;
    }
    return c;
  }
}

/** IPv6 clients are counted per /64: one host usually owns the whole prefix. */
export function addressKey(address: string): string {
  try {
    const a = ipaddr.parse(address);
    if (a.kind() === "ipv6") {
      const parts = (a as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
      return `ip:${parts.join(":")}::/64`;
    }
    return `ip:${a.toString()}`;
  } catch {
    return `ip:${address || "unknown"}`;
  }
}

/** Keys a login attempt is counted under. `account` is the user id, or the lower-cased name typed when no such user exists. */
export function loginKeys(address: string, account: string, deviceId: string | null): { address: string; account: string; accountRule: ThrottleRule } {
  return deviceId
    ? { address: addressKey(address), account: `device:${account}:${deviceId}`, accountRule: DEVICE_RULE }
    : { address: addressKey(address), account: `account:${account}`, accountRule: ACCOUNT_RULE };
}
