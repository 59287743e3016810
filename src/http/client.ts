// Who is asking: the peer address of the connection, and — only when that peer is a trusted reverse proxy —
// the address it forwarded (updns.md §1.6). IPv4-mapped IPv6 is turned into IPv4; ::1 stays IPv6 (§1.5).
//
// This is the one reader of Forwarded / X-Forwarded-For: web rate limits, the login throttle, dyndns2's
// address auto-detection, /myip and acme-dns all take the client address from clientInfo(). A forwarded
// address that does not parse is an error (ForwardedHeaderError, answered 400), never the proxy's address:
// a router behind a misconfigured proxy would otherwise publish the proxy in DNS.
import ipaddr from "ipaddr.js";
import { parseAddress } from "../net/index.ts";

const peers = new WeakMap<Request, { address: string; tls: boolean }>();

/** Called by the listener for every request before Elysia sees it. */
export function rememberPeer(request: Request, address: string, tls: boolean): void {
  peers.set(request, { address, tls });
}

/** ::ffff:a.b.c.d → a.b.c.d; everything else unchanged (lower-cased, compressed for IPv6). */
export function normalizeAddress(address: string): string {
  try {
    const a = ipaddr.parse(address.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
    if (a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress()) return (a as ipaddr.IPv6).toIPv4Address().toString();
    return a.toString();
  } catch {
    return address;
  }
}

export class ProxyTrust {
  private readonly ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][];
  constructor(cidrs: string[]) {
    this.ranges = cidrs.map((c) => (c.includes("/") ? ipaddr.parseCIDR(c) : ((a) => [a, a.kind() === "ipv4" ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number])(ipaddr.parse(c))));
  }
  trusts(address: string): boolean {
    if (this.ranges.length === 0) return false;
    let a: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      a = ipaddr.parse(normalizeAddress(address));
    } catch {
      return false;
    }
    return this.ranges.some(([net, len]) => net.kind() === a.kind() && a.match(net, len));
  }
}

export interface ClientInfo {
  /** Normalised client address ("" when unknown, e.g. in-process requests in tests). */
  address: string;
  /** Whether the client reached us over TLS (directly, or as a trusted proxy says). */
  secure: boolean;
}

/** A trusted proxy forwarded something that is not an address; the message names the header and the value. */
export class ForwardedHeaderError extends Error {
  constructor(
    readonly header: "Forwarded" | "X-Forwarded-For",
    readonly value: string,
  ) {
    super(`${header}: ${printable(value)} is not an IP address`);
  }
}

/** Echo at most 80 visible ASCII characters of what was sent: it goes into an answer and a log line. */
const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, "?").slice(0, 80);

/**
 * One node of RFC 7239 §6 (`198.51.100.7`, `198.51.100.7:4711`, `[2001:db8::1]:4711`, also `2001:db8::1`
 * bare as X-Forwarded-For writes it), with an optional port (digits, or §6.3 obfuscated `_port`). The address
 * must be canonical (core's strict parser): `unknown`, obfuscated names (`_hidden`, §6.3) and the inet_aton
 * forms `0xc6.0x33.0x64.7`, `3232235777`, `010.1.1.1`, `1.2.3` name no address we could publish.
 */
export function parseNode(node: string): string | null {
  let host = node.trim();
  const port = /^(?:\d{1,5}|_[A-Za-z0-9._-]+)$/;
  const bracketed = host.match(/^\[([^\]]*)\](?::(.*))?$/);
  if (bracketed) {
    if (bracketed[2] !== undefined && !port.test(bracketed[2])) return null;
    host = bracketed[1];
  } else if (host.split(":").length === 2) {
    // One colon: IPv4 with a port. More: a bare IPv6 address, whose last group cannot be told from a port.
    const [h, p] = host.split(":");
    if (!port.test(p)) return null;
    host = h;
  }
  if (host.includes("%")) return null;
  const a = parseAddress(host);
  return a ? normalizeAddress(a.text) : null;
}

/** RFC 7239 §4: elements split on "," and pairs on ";", both outside quoted-strings (RFC 7230 §3.2.6). */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === "\\" && i + 1 < text.length) {
      cur += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const unquote = (v: string) => (v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, "$1") : v);

interface Hop {
  /** What was written, for the error message (`for="_hidden"`, or an X-Forwarded-For entry). */
  raw: string;
  node: string;
}

/**
 * The forwarding chain, left (the first proxy's client) to right (what the last proxy saw), from Forwarded
 * when present (every field, joined by the Headers API with ", ") else X-Forwarded-For. Elements without
 * `for=` (`Forwarded: proto=https`) add no hop.
 */
function forwardingChain(request: Request): { header: ForwardedHeaderError["header"]; hops: Hop[] } | null {
  const fwd = request.headers.get("forwarded");
  if (fwd !== null && fwd.trim() !== "") {
    const hops: Hop[] = [];
    for (const element of splitOutsideQuotes(fwd, ",")) {
      for (const pair of splitOutsideQuotes(element, ";")) {
        const eq = pair.indexOf("=");
        if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== "for") continue;
        const value = pair.slice(eq + 1).trim();
        hops.push({ raw: `for=${value}`, node: unquote(value) });
      }
    }
    return hops.length ? { header: "Forwarded", hops } : null;
  }
  const xff = request.headers.get("x-forwarded-for");
  if (xff === null || xff.trim() === "") return null;
  return { header: "X-Forwarded-For", hops: xff.split(",").map((s) => ({ raw: s.trim(), node: s.trim() })) };
}

/**
 * The client behind trusted proxies: walk the chain from the right, skipping trusted proxies; the first
 * untrusted hop is the client (what stands left of it is the client's own claim, never read). Null when the
 * proxy forwarded no address. Throws ForwardedHeaderError when a hop that must be read is not an address.
 */
function forwardedFor(request: Request, trust: ProxyTrust): string | null {
  const chain = forwardingChain(request);
  if (!chain) return null;
  for (let i = chain.hops.length - 1; i >= 0; i--) {
    const hop = chain.hops[i];
    const address = parseNode(hop.node);
    if (address === null) throw new ForwardedHeaderError(chain.header, hop.raw);
    if (i === 0 || !trust.trusts(address)) return address;
  }
  return null;
}

/** The proto a trusted proxy forwarded, if any (X-Forwarded-Proto, else Forwarded `proto=`). */
function forwardedProto(request: Request): string | undefined {
  const xfp = request.headers.get("x-forwarded-proto");
  if (xfp) return xfp;
  const m = request.headers.get("forwarded")?.match(/proto="?(\w+)/i);
  return m?.[1];
}

/** Who is asking. Throws ForwardedHeaderError when a trusted proxy forwarded something that is not an address. */
export function clientInfo(request: Request, trust: ProxyTrust): ClientInfo {
  const peer = peers.get(request);
  const direct = peer ? normalizeAddress(peer.address) : "";
  if (direct && trust.trusts(direct)) {
    const forwarded = forwardedFor(request, trust);
    const proto = forwardedProto(request);
    return { address: forwarded ?? direct, secure: proto ? proto.toLowerCase() === "https" : Boolean(peer?.tls) };
  }
  // No URL parsing here: a request with a bad Host has a URL that does not parse and is answered 400 later.
  return { address: direct, secure: Boolean(peer?.tls) || request.url.startsWith("https:") };
}

/** What is wrong with the forwarding headers a trusted peer sent, or null (also for any untrusted peer). */
export function forwardedProblem(request: Request, trust: ProxyTrust): ForwardedHeaderError | null {
  const peer = peers.get(request);
  if (!peer || !trust.trusts(normalizeAddress(peer.address))) return null;
  try {
    forwardedFor(request, trust);
    return null;
  } catch (e) {
    if (e instanceof ForwardedHeaderError) return e;
    throw e;
  }
}

/**
 * The answer to a request whose forwarded address does not parse: 400, plain text, for every path. A dyndns2
 * client shows the body to its user (dyndns2 has no code for "your proxy is misconfigured"), and nothing is
 * changed.
 */
export function badForwardedAnswer(problem: ForwardedHeaderError, headers: Record<string, string> = {}): Response {
  return new Response(`${problem.message}\n`, { status: 400, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers } });
}
