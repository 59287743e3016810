// Byte encodings DNSSEC records use in presentation and wire form: base32hex without padding (RFC 4648
// §7, NSEC3 hashes per RFC 5155 §3.3), base64, hex, RRSIG times (RFC 4034 §3.2) and the type bitmaps of
// NSEC and NSEC3 (RFC 4034 §4.1.2).

const B32 = "0123456789abcdefghijklmnopqrstuv";

/** RFC 4648 §7 base32hex, lower case, no padding (sorts like the bytes: NSEC3 order is string order). */
export function base32hex(b: Uint8Array): string {
  let out = "";
  let bits = 0;
  let acc = 0;
  for (const x of b) {
    acc = (acc << 8) | x;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return out;
}

export function fromBase32hex(s: string): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of s.toLowerCase()) {
    const v = B32.indexOf(ch);
    if (v < 0) throw new Error(`bad base32hex character ${JSON.stringify(ch)}`);
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
      acc &= (1 << bits) - 1;
    }
  }
  return Uint8Array.from(out);
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex").toUpperCase();
}

export function fromHex(s: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new Error(`bad hex ${JSON.stringify(s.slice(0, 20))}`);
  return Uint8Array.from(Buffer.from(s, "hex"));
}

export function toBase64(b: Uint8Array): string {
  return Buffer.from(b).toString("base64");
}

export function fromBase64(s: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw new Error("bad base64");
  return Uint8Array.from(Buffer.from(s, "base64"));
}

/** RFC 4034 §3.2: YYYYMMDDHHmmSS in UTC. */
export function sigTime(seconds: number): string {
  // Two per signature: the UTC fields directly (RRSIG times are 32 bits: years 1970 to 2106, four digits).
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** Seconds since the epoch from YYYYMMDDHHmmSS (or a plain number of seconds, also allowed by §3.2). */
export function parseSigTime(text: string): number {
  if (/^\d{14}$/.test(text)) {
    const ms = Date.UTC(+text.slice(0, 4), +text.slice(4, 6) - 1, +text.slice(6, 8), +text.slice(8, 10), +text.slice(10, 12), +text.slice(12, 14));
    if (Number.isNaN(ms)) throw new Error(`bad time ${text}`);
    return ms / 1000;
  }
  if (/^\d{1,10}$/.test(text) && Number(text) < 2 ** 32) return Number(text);
  throw new Error(`bad time ${JSON.stringify(text)}`);
}

/** RFC 4034 §4.1.2: window blocks of up to 32 octets, windows ascending, trailing zero octets dropped. */
export function encodeTypeBitmap(types: Iterable<number>): Uint8Array {
  const sorted = [...new Set(types)].sort((a, b) => a - b);
  const out: number[] = [];
  let i = 0;
  while (i < sorted.length) {
    const win = sorted[i] >> 8;
    const bits = new Uint8Array(32);
    let len = 0;
    for (; i < sorted.length && sorted[i] >> 8 === win; i++) {
      const low = sorted[i] & 0xff;
      bits[low >> 3] |= 0x80 >> (low & 7);
      len = (low >> 3) + 1;
    }
    out.push(win, len, ...bits.subarray(0, len));
  }
  return Uint8Array.from(out);
}

export function decodeTypeBitmap(b: Uint8Array): number[] {
  const out: number[] = [];
  let p = 0;
  let lastWin = -1;
  // Bounded by the bitmap length: each window consumes at least 3 octets.
  while (p < b.length) {
    if (p + 2 > b.length) throw new Error("type bitmap cut off");
    const win = b[p];
    const len = b[p + 1];
    if (win <= lastWin || len < 1 || len > 32 || p + 2 + len > b.length) throw new Error("bad type bitmap window");
    lastWin = win;
    for (let i = 0; i < len; i++) for (let bit = 0; bit < 8; bit++) if (b[p + 2 + i] & (0x80 >> bit)) out.push(win * 256 + i * 8 + bit);
    p += 2 + len;
  }
  return out;
}
