// Where an update client puts its credentials (updns.md §1.3): an Authorization header (Basic, or Bearer /
// Token with an account API token), or `username` / `password` in the query (OpenWrt templates). Parsing is
// lenient and total: garbage yields "malformed", never an exception (spec §1.2 step 3).

export type Credentials =
  | { kind: "basic"; username: string; password: string; from: "header" | "query" }
  | { kind: "bearer"; token: string }
  | { kind: "malformed" }
  | { kind: "none" };

const decoder = new TextDecoder("utf-8", { fatal: false });

/**
 * Base64 the lenient way (Python's default decoder, which the baseline used): characters outside the
 * alphabet are skipped. Missing padding is tolerated too. Null when the length cannot be base64.
 */
export function lenientBase64(payload: string): Uint8Array | null {
  const cleaned = payload.replace(/[^A-Za-z0-9+/]/g, "");
  if (cleaned.length % 4 === 1) return null;
  return new Uint8Array(Buffer.from(cleaned, "base64"));
}

/** `Basic <b64(user:pass)>` → user and password (split at the first colon); null when malformed. */
export function parseBasic(header: string): { username: string; password: string } | null {
  const space = header.indexOf(" ");
  if (space < 0 || header.slice(0, space).toLowerCase() !== "basic") return null;
  const bytes = lenientBase64(header.slice(space + 1).trim());
  if (!bytes) return null;
  // Undecodable bytes are dropped, as the baseline does (§1.2 step 3).
  const text = decoder.decode(bytes).replaceAll("\uFFFD", "");
  const colon = text.indexOf(":");
  if (colon < 0) return null;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** What the request carries: the header wins over query parameters. */
export function credentialsFrom(authorization: string | null, query: { username?: string; password?: string }): Credentials {
  if (authorization !== null && authorization.trim() !== "") {
    const h = authorization.trim();
    const space = h.indexOf(" ");
    const scheme = (space < 0 ? h : h.slice(0, space)).toLowerCase();
    if (scheme === "bearer" || scheme === "token") {
      const token = space < 0 ? "" : h.slice(space + 1).trim();
      return token ? { kind: "bearer", token } : { kind: "malformed" };
    }
    const basic = parseBasic(h);
    return basic ? { kind: "basic", ...basic, from: "header" } : { kind: "malformed" };
  }
  if (query.username !== undefined && query.password !== undefined) {
    return { kind: "basic", username: query.username, password: query.password, from: "query" };
  }
  return { kind: "none" };
}

/**
 * Failed authentications per client address in a sliding window (updns.md §1.8). Past the limit the address
 * gets 429 with Retry-After; other addresses, and so the host's real owner, are not affected. In memory:
 * a restart forgets, which is fine for a brake on guessing.
 */
export class BadauthLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly perWindow: number,
    private readonly windowMs = 60_000,
    private readonly maxAddresses = 100_000,
  ) {}

  /** Seconds the address must wait, or 0 when it may try. */
  retryAfter(address: string, now: number): number {
    const list = this.prune(address, now);
    if (list.length < this.perWindow) return 0;
    return Math.max(1, Math.ceil((list[list.length - this.perWindow] + this.windowMs - now) / 1000));
  }

  fail(address: string, now: number): void {
    const list = this.prune(address, now);
    if (list.length === 0) {
      if (this.failures.size >= this.maxAddresses) {
        const oldest = this.failures.keys().next().value;
        if (oldest !== undefined) this.failures.delete(oldest);
      }
      this.failures.set(address, list);
    }
    list.push(now);
    // Only the newest perWindow entries decide anything.
    if (list.length > this.perWindow) list.splice(0, list.length - this.perWindow);
  }

  private prune(address: string, now: number): number[] {
    const list = this.failures.get(address);
    if (!list) return [];
    while (list.length > 0 && list[0] <= now - this.windowMs) list.shift();
    if (list.length === 0) this.failures.delete(address);
    return list;
  }
}
