// IP addresses as updns reads them everywhere (the update API, abuse lists, token subnets, acme-dns allowfrom,
// zone transfer ACLs): strict literals (spec §1.6), compared as addresses (updns.md §1.5), network prefixes
// and interface ids as integers (§1.3 d, §1.7). No DNS and no HTTP here.
import ipaddr from "ipaddr.js";

export type AddressKind = "ipv4" | "ipv6";

export interface Address {
  kind: AddressKind;
  /** The value as a 32- or 128-bit integer. */
  value: bigint;
  /** Canonical text: dotted quad, or RFC 5952 for IPv6 (lower case, longest zero run compressed). */
  text: string;
}

export const recordType = (kind: AddressKind): "A" | "AAAA" => (kind === "ipv4" ? "A" : "AAAA");
export const addressBits = (kind: AddressKind): number => (kind === "ipv4" ? 32 : 128);

const IPV4_STRICT = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_CHARS = /^[0-9a-fA-F:.]+$/;

function fromBytes(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function toBytes(value: bigint, kind: AddressKind): number[] {
  const n = addressBits(kind) / 8;
  const out = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

function format(value: bigint, kind: AddressKind): string {
  const ip = ipaddr.fromByteArray(toBytes(value, kind));
  return kind === "ipv4" ? ip.toString() : (ip as ipaddr.IPv6).toRFC5952String();
}

/**
 * Parse one address literal strictly: dotted quad with exactly four decimal parts and no leading zeros,
 * or textual IPv6 (embedded dotted quad allowed). Scope ids (`fe80::1%eth0`) are refused: a DNS record
 * cannot carry them. Returns null for anything else.
 */
export function parseAddress(text: string): Address | null {
  if (text.length === 0 || text.length > 45) return null;
  if (IPV4_STRICT.test(text)) {
    const v = fromBytes(text.split(".").map(Number));
    return { kind: "ipv4", value: v, text: format(v, "ipv4") };
  }
  if (!text.includes(":") || !IPV6_CHARS.test(text) || !ipaddr.IPv6.isValid(text)) return null;
  // ipaddr accepts a dotted tail leniently; insist that an embedded IPv4 is strict too.
  const tail = text.slice(text.lastIndexOf(":") + 1);
  if (tail.includes(".") && !IPV4_STRICT.test(tail)) return null;
  const v = fromBytes(ipaddr.IPv6.parse(text).toByteArray());
  return { kind: "ipv6", value: v, text: format(v, "ipv6") };
}

/** Same address (not same text): `2001:DB8::1` equals `2001:db8::1` (updns.md §1.5). */
export function sameAddress(a: string, b: string): boolean {
  const x = parseAddress(a);
  const y = parseAddress(b);
  return x !== null && y !== null && x.kind === y.kind && x.value === y.value;
}

/** `myip` pieces may carry a prefix length (`2001:db8:1::/56`, Fritz!Box <ip6lanprefix>): drop it (§1.2 step 9). */
export function stripPrefixLength(piece: string): string {
  const slash = piece.indexOf("/");
  return (slash < 0 ? piece : piece.slice(0, slash)).trim();
}

/** Network address of `addr/prefixLength`. */
export function networkOf(addr: Address, prefixLength: number): Address {
  const bits = BigInt(addressBits(addr.kind));
  const len = BigInt(Math.max(0, Math.min(Number(bits), prefixLength)));
  const hostMask = (1n << (bits - len)) - 1n;
  const v = addr.value & ~hostMask & ((1n << bits) - 1n);
  return { kind: addr.kind, value: v, text: format(v, addr.kind) };
}

/**
 * "Prefix only" (§1.3 d; nsupdate.info issue #648): the prefix length is shorter than the address and every
 * interface-id bit is zero. Such an address names a network, not a machine, and is never published.
 */
export function isPrefixOnly(addr: Address, prefixLength: number): boolean {
  if (prefixLength >= addressBits(addr.kind)) return false;
  return networkOf(addr, prefixLength).value === addr.value;
}

/**
 * Related-host address (§1.7): network of `main/prefixLength` plus the interface id read as an address of
 * the same family. No masking, as in the baseline (an id larger than the host part spills into the next
 * network); null when the id does not parse or the sum leaves the address space.
 */
export function withInterfaceId(main: Address, prefixLength: number, interfaceId: string): Address | null {
  const id = parseAddress(interfaceId.trim());
  if (!id || id.kind !== main.kind) return null;
  const v = networkOf(main, prefixLength).value + id.value;
  if (v >= 1n << BigInt(addressBits(main.kind))) return null;
  return { kind: main.kind, value: v, text: format(v, main.kind) };
}

/** ::ffff:a.b.c.d is the IPv4 address a.b.c.d (RFC 4291 §2.5.5.2: how a dual-stack socket shows an IPv4 peer). */
export function unmapped(addr: Address): Address {
  if (addr.kind !== "ipv6" || addr.value >> 32n !== 0xffffn) return addr;
  const v = addr.value & 0xffffffffn;
  return { kind: "ipv4", value: v, text: format(v, "ipv4") };
}

/**
 * A set of prefixes ("192.0.2.0/24", "2001:db8::/32", or single addresses): `abuse.bad_ips`, a token's
 * subnets, an acme-dns account's allowfrom, a zone's transfer addresses. IPv4-mapped IPv6 counts as IPv4 on
 * both sides; an entry that is no address or prefix matches nothing (the settings' checks report it).
 */
export class AddressSet {
  private readonly nets: { kind: AddressKind; value: bigint; len: number }[] = [];
  constructor(items: string[]) {
    for (const item of items) {
      const [a, l] = item.split("/");
      const parsed = parseAddress(a.trim());
      if (!parsed) continue;
      const addr = unmapped(parsed);
      // A mapped prefix's length counts the 96 bits in front of the IPv4 address.
      const len = l === undefined ? addressBits(addr.kind) : Number(l) - (addr === parsed ? 0 : 96);
      if (!Number.isInteger(len) || len < 0 || len > addressBits(addr.kind)) continue;
      this.nets.push({ kind: addr.kind, value: networkOf(addr, len).value, len });
    }
  }
  has(address: Address): boolean {
    const addr = unmapped(address);
    return this.nets.some((n) => n.kind === addr.kind && networkOf(addr, n.len).value === n.value);
  }
  /** Whether the address `text` (a peer's, "[v6]" brackets allowed) is in the set; false when it is no address. */
  contains(text: string): boolean {
    const addr = parseAddress(text.replace(/^\[|\]$/g, ""));
    return addr !== null && this.has(addr);
  }
  get size(): number {
    return this.nets.length;
  }
}
