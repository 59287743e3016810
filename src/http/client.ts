// Who is asking: the peer address of the connection, and — only when that peer is a trusted reverse proxy —
// the address it forwarded (updns.md §1.6). IPv4-mapped IPv6 is turned into IPv4; ::1 stays IPv6 (§1.5).
import ipaddr from "ipaddr.js";

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

/** The right-most address in a forwarding chain that is not itself a trusted proxy. */
function forwardedFor(request: Request, trust: ProxyTrust): string | null {
  const chain: string[] = [];
  const fwd = request.headers.get("forwarded");
  if (fwd) {
    for (const m of fwd.matchAll(/for=("?)\[?([^\]";,]+)\]?(?::\d+)?\1/gi)) chain.push(m[2]);
  } else {
    const xff = request.headers.get("x-forwarded-for");
    if (xff) chain.push(...xff.split(",").map((s) => s.trim()).filter(Boolean));
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    if (!ipaddr.isValid(chain[i])) return null;
    if (i === 0 || !trust.trusts(chain[i])) return normalizeAddress(chain[i]);
  }
  return null;
}

export function clientInfo(request: Request, trust: ProxyTrust): ClientInfo {
  const peer = peers.get(request);
  const direct = peer ? normalizeAddress(peer.address) : "";
  if (direct && trust.trusts(direct)) {
    const forwarded = forwardedFor(request, trust);
    const proto = request.headers.get("x-forwarded-proto") ?? request.headers.get("forwarded")?.match(/proto=(\w+)/i)?.[1];
    return { address: forwarded ?? direct, secure: proto ? proto.toLowerCase() === "https" : Boolean(peer?.tls) };
  }
  return { address: direct, secure: Boolean(peer?.tls) || new URL(request.url).protocol === "https:" };
}
