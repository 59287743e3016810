// The shape of the codecs of the newer record types, and the pieces they share: a byte builder, a reader
// that refuses to run past the rdata, and names. Names in the rdata of these types are never compressed
// (RFC 3597 §4) and are kept as written (RFC 4343); only the types RFC 4034 §6.2 lists have them
// lowercased, and only in the canonical form used for signing.
import { absoluteName, quoteString, RdataError, unescapeString, type Token } from "./text.ts";

/** Presentation tokens ↔ wire bytes of one type. Canonical text is decode(encode(tokens)). */
export interface Codec {
  /** Wire rdata from presentation tokens; names relative to `origin`; `lower`: RFC 4034 §6.2 canonical form. */
  encode(toks: Token[], origin: string, lower: boolean): Uint8Array;
  /** Canonical presentation text from wire rdata (the whole of `b`). */
  decode(b: Uint8Array): string;
}

export class Bytes {
  readonly out: number[] = [];
  u8(v: number) {
    this.out.push(v & 0xff);
  }
  u16(v: number) {
    this.out.push((v >>> 8) & 0xff, v & 0xff);
  }
  u32(v: number) {
    this.out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }
  bytes(b: Uint8Array | number[]) {
    for (const x of b) this.out.push(x);
  }
  /** A <character-string>: one length octet, then the octets (RFC 1035 §3.3). */
  string(b: Uint8Array, what: string) {
    if (b.length > 255) throw new RdataError(`${what} is longer than 255 octets`);
    this.u8(b.length);
    this.bytes(b);
  }
  name(text: string) {
    for (const label of text === "" ? [] : text.split(".")) {
      this.u8(label.length);
      for (let i = 0; i < label.length; i++) this.u8(label.charCodeAt(i));
    }
    this.u8(0);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

/** Reads wire rdata front to back; every read past the end is a clear error. */
export class Reader {
  pos = 0;
  constructor(
    readonly b: Uint8Array,
    readonly type: string,
  ) {}
  get left(): number {
    return this.b.length - this.pos;
  }
  need(n: number, what: string) {
    if (this.pos + n > this.b.length) throw new RdataError(`${this.type} rdata too short (${what})`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.b[this.pos++];
  }
  u16(what: string): number {
    this.need(2, what);
    const v = (this.b[this.pos] << 8) | this.b[this.pos + 1];
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = ((this.b[this.pos] << 24) | (this.b[this.pos + 1] << 16) | (this.b[this.pos + 2] << 8) | this.b[this.pos + 3]) >>> 0;
    this.pos += 4;
    return v;
  }
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  rest(): Uint8Array {
    return this.take(this.left, "");
  }
  string(what: string): Uint8Array {
    return this.take(this.u8(what), what);
  }
  /** An uncompressed name, as written (case kept), with its trailing dot. */
  name(what: string): string {
    const labels: string[] = [];
    for (let total = 1; ; ) {
      const len = this.u8(what);
      if (len === 0) break;
      if (len & 0xc0) throw new RdataError(`${this.type} ${what} is compressed, which RFC 3597 §4 forbids here`);
      total += len + 1;
      if (total > 255) throw new RdataError(`${this.type} ${what} is longer than 255 octets`);
      const label = this.take(len, what);
      // Our names are plain text (as checkName has them); a label needing escapes is refused.
      if (label.some((c) => c < 0x21 || c > 0x7e || c === 0x2e || c === 0x5c)) throw new RdataError(`${this.type} ${what} holds a byte we do not serve`);
      labels.push(String.fromCharCode(...label));
    }
    return labels.join(".") + ".";
  }
  end() {
    if (this.left !== 0) throw new RdataError(`${this.type} rdata has ${this.left} octets too many`);
  }
}

/** The absolute name of a name field (absoluteName), lower-cased where `lower` (canonical form for signing). */
export function nameText(tok: Token | undefined, origin: string, what: string, lower: boolean): string {
  if (!tok || tok.quoted) throw new RdataError(`${what}: expected a name`);
  const n = absoluteName(tok.text, origin);
  return lower ? n.toLowerCase() : n;
}

export function num(tok: Token | undefined, bits: 8 | 16 | 32, what: string): number {
  if (!tok || tok.quoted || !/^\d+$/.test(tok.text)) throw new RdataError(`${what}: expected a number, got ${tok ? JSON.stringify(tok.text) : "nothing"}`);
  const v = Number(tok.text);
  if (v > 2 ** bits - 1) throw new RdataError(`${what}: ${tok.text} is out of range`);
  return v;
}

/** The octets of a <character-string> token (quoted or not). */
export function chars(tok: Token | undefined, what: string): Uint8Array {
  if (!tok) throw new RdataError(`${what}: missing`);
  return unescapeString(tok.text);
}

export function exactly(toks: Token[], n: number, type: string) {
  if (toks.length !== n) throw new RdataError(`${type} needs ${n} field${n > 1 ? "s" : ""}, got ${toks.length}`);
}

export function atLeast(toks: Token[], n: number, type: string, fields: string) {
  if (toks.length < n) throw new RdataError(`${type} needs ${fields}`);
}

export { quoteString };
