// IP detection for the web pages (spec §2.2–§2.4, updns.md §3): the page asks the `ipv4.` and `ipv6.` names
// for `/detectip/<token>/` (served by http/api), so the browser connects once over each family; the token
// (short-lived, never the session id) says whose addresses they are. The web UI keys them by a hash of
// the browser's anonymous CSRF cookie, which every visitor has, signed in or not.
import { ANON_CSRF_COOKIE, sha256Hex } from "../../auth/index.ts";
import { parseAddress } from "../../core/index.ts";
import { parseCookies, type WebContext } from "./context.ts";

export interface DetectedIps {
  ipv4: string;
  ipv4_rdns: string;
  ipv6: string;
  ipv6_rdns: string;
}

/** The shape http/api's DetectIpTokens and SessionIps have; serve.ts passes the same objects to both. */
export interface DetectTokens {
  create(sessionKey: string, now?: number): string;
}
export interface SessionIps {
  keyOf(request: Request): string | null;
  record(key: string, address: string, now: number): void;
  read(key: string, now: number): DetectedIps;
  /** Like read, with the reverse names looked up (bounded by the lookup's deadline). */
  resolve?(key: string, now: number): Promise<DetectedIps>;
}

/** The reverse name of an address ("" when none); serve.ts passes dns/rfc2136's cached reverseResolver. */
export type ReverseLookup = (address: string) => Promise<string>;

/** An address older than this is no longer shown (spec §2.4: stale after 180 s). */
const STALE_MS = 180_000;
const MAX_ENTRIES = 100_000;

/**
 * Detected addresses in memory, keyed by the hashed anonymous CSRF cookie. With `reverse`, recording an
 * address starts its reverse lookup (spec §2.4 stores the name with the address), so the names are ready
 * (cached) when the page asks for them.
 */
export function webSessionIps(reverse?: ReverseLookup): SessionIps {
  const store = new Map<string, { ipv4?: [string, number]; ipv6?: [string, number] }>();
  const read = (key: string, now: number): DetectedIps => {
    const e = store.get(key) ?? {};
    const fresh = (x?: [string, number]) => (x && now - x[1] <= STALE_MS ? x[0] : "");
    return { ipv4: fresh(e.ipv4), ipv4_rdns: "", ipv6: fresh(e.ipv6), ipv6_rdns: "" };
  };
  return {
    keyOf(request) {
      const v = parseCookies(request.headers.get("cookie"))[ANON_CSRF_COOKIE];
      return v && /^[A-Za-z0-9_-]{43}$/.test(v) ? sha256Hex(`detect:${v}`).slice(0, 32) : null;
    },
    record(key, address, now) {
      const a = parseAddress(address);
      if (!a) return;
      if (store.size >= MAX_ENTRIES && !store.has(key)) store.delete(store.keys().next().value!);
      const entry = store.get(key) ?? {};
      entry[a.kind] = [a.text, now];
      store.set(key, entry);
      if (reverse) void reverse(a.text).catch(() => "");
    },
    read,
    async resolve(key, now) {
      const ips = read(key, now);
      const [v4, v6] = await reverseNames(reverse, ips);
      return { ...ips, ipv4_rdns: v4, ipv6_rdns: v6 };
    },
  };
}

/** Both families' reverse names at once; "" where there is no address or no lookup. */
export function reverseNames(reverse: ReverseLookup | undefined, ips: { ipv4: string; ipv6: string }): Promise<[string, string]> {
  const name = (a: string) => (reverse && a ? reverse(a).catch(() => "") : Promise.resolve(""));
  return Promise.all([name(ips.ipv4), name(ips.ipv6)]);
}

/** The visitor's addresses: what IP detection found, else the connection's own. */
export function detectedIps(c: WebContext): { ipv4: string; ipv6: string } {
  const key = c.web.sessionIps?.keyOf(c.request);
  const found = key ? c.web.sessionIps!.read(key, c.now.getTime()) : { ipv4: "", ipv6: "" };
  const conn = parseAddress(c.client.address);
  return {
    ipv4: found.ipv4 || (conn?.kind === "ipv4" ? conn.text : ""),
    ipv6: found.ipv6 || (conn?.kind === "ipv6" ? conn.text : ""),
  };
}

