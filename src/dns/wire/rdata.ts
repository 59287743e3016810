// The rdata rules of the record types updns writes for dyndns2 and sends in RFC 2136 UPDATEs: the zone
// store (dns/zone, canonical text) and the UPDATE builder (dns/rfc2136, wire octets) both take them from
// here, so an address or a TXT value one accepts the other encodes the same way.
import ipaddr from "ipaddr.js";

/**
 * Whether `text` is an address of the record's type: a dotted quad for A (RFC 1035 §3.4.1; no shorthand
 * such as "10.1"), an IPv6 address for AAAA (RFC 3596 §2.2) without a zone id ("%eth0" names a link, not
 * a host).
 */
export function isAddressText(type: "A" | "AAAA", text: string): boolean {
  return type === "A" ? ipaddr.IPv4.isValidFourPartDecimal(text) : ipaddr.IPv6.isValid(text) && !text.includes("%");
}

/**
 * A TXT value as the character-strings of one record (RFC 1035 §3.3.14): UTF-8 octets cut every 255
 * (a character-string holds at most 255); the empty value is one empty string.
 */
export function txtCharacterStrings(value: string): Uint8Array[] {
  const b = new TextEncoder().encode(value);
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length || out.length === 0; i += 255) out.push(b.subarray(i, i + 255));
  return out;
}
