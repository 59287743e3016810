// IP detection for the web pages (spec §2.2–§2.4, updns.md §3): a page asks `ipv4.`/`ipv6.` host names for
// `/detectip/<token>` so the browser connects over each family; the token (short-lived, never the session
// id — the 0.13 fix of #625) says which session learns the address. `/ajax_get_ips/` reads it back.
//
// Sessions belong to the web UI, which will provide its own SessionIps; until then an in-memory one keyed by
// a cookie stands in.
import { randomBytes } from "node:crypto";
import { parseAddress } from "../../core/index.ts";

export interface DetectedIps {
  ipv4: string;
  ipv4_rdns: string;
  ipv6: string;
  ipv6_rdns: string;
}

/** What IP detection needs from sessions. */
export interface SessionIps {
  /** The session of this request, or null when it has none. */
  keyOf(request: Request): string | null;
  /** Remember an address (either family) for a session. */
  record(key: string, address: string, now: number): void;
  /** The session's addresses; families not seen recently are "". */
  read(key: string, now: number): DetectedIps;
  /** Like read, with ipv4_rdns/ipv6_rdns looked up (the web UI's store has a resolver; bounded in time). */
  resolve?(key: string, now: number): Promise<DetectedIps>;
}

/** Tokens live 60 s and may be used several times within that time (spec §2.2). */
export class DetectIpTokens {
  private readonly tokens = new Map<string, { key: string; until: number }>();
  constructor(
    private readonly ttlMs = 60_000,
    private readonly max = 100_000,
  ) {}

  create(sessionKey: string, now = Date.now()): string {
    this.sweep(now);
    if (this.tokens.size >= this.max) {
      const oldest = this.tokens.keys().next().value;
      if (oldest !== undefined) this.tokens.delete(oldest);
    }
    const token = randomBytes(16).toString("hex");
    this.tokens.set(token, { key: sessionKey, until: now + this.ttlMs });
    return token;
  }

  sessionOf(token: string, now = Date.now()): string | null {
    const t = this.tokens.get(token);
    if (!t) return null;
    if (t.until < now) {
      this.tokens.delete(token);
      return null;
    }
    return t.key;
  }

  private sweep(now: number): void {
    for (const [k, t] of this.tokens) {
      if (t.until >= now) break; // insertion order = expiry order
      this.tokens.delete(k);
    }
  }
}

/** An address older than this is no longer shown (spec §2.4: stale after 180 s). */
const STALE_MS = 180_000;

/** The stand-in session store: a cookie names an in-memory entry. Reverse names are left to the web UI. */
export function memorySessionIps(cookieName = "updns_ips"): SessionIps {
  const store = new Map<string, { ipv4?: [string, number]; ipv6?: [string, number] }>();
  return {
    keyOf(request) {
      const cookie = request.headers.get("cookie") ?? "";
      for (const part of cookie.split(";")) {
        const [k, v] = part.trim().split("=");
        if (k === cookieName && v && /^\w{1,128}$/.test(v)) return v;
      }
      return null;
    },
    record(key, address, now) {
      const a = parseAddress(address);
      if (!a) return;
      if (store.size > 100_000 && !store.has(key)) store.delete(store.keys().next().value!);
      const entry = store.get(key) ?? {};
      entry[a.kind] = [a.text, now];
      store.set(key, entry);
    },
    read(key, now) {
      const e = store.get(key) ?? {};
      const fresh = (x?: [string, number]) => (x && now - x[1] <= STALE_MS ? x[0] : "");
      return { ipv4: fresh(e.ipv4), ipv4_rdns: "", ipv6: fresh(e.ipv6), ipv6_rdns: "" };
    },
  };
}
