// The pieces of presentation text that rdata.ts and the per-type codecs beside this file both use. A leaf
// module, so the codecs do not load rdata.ts (which loads them).

/** One token of presentation text; `quoted` tokens came from "..." and may hold spaces. */
export interface Token {
  text: string;
  quoted: boolean;
}

export class RdataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RdataError";
  }
}

/** RFC 1035 §2.3.4: labels 1..63 octets, names up to 255 octets on the wire. Throws RdataError. */
export function checkName(name: string): void {
  if (name === "") return;
  if (name.length > 253) throw new RdataError(`name too long: ${name}`);
  for (const label of name.split(".")) {
    if (label.length === 0) throw new RdataError(`empty label in ${JSON.stringify(name)}`);
    if (label.length > 63) throw new RdataError(`label longer than 63 octets in ${name}`);
    if (!/^[\x21-\x7e]+$/.test(label) || label.includes("\\")) throw new RdataError(`bad character in name ${JSON.stringify(name)}`);
  }
}

/**
 * A presentation name made absolute, case kept as written (RFC 4343 §4), no trailing dot ("" the root): "@"
 * is the origin, names without a trailing dot are relative to `origin`. Compare names with normalizeName;
 * store them as returned. Throws RdataError for a name DNS cannot carry.
 */
export function absoluteName(text: string, origin: string): string {
  let n: string;
  if (text === "@") n = origin;
  else if (text.endsWith(".")) n = text === "." ? "" : text.slice(0, -1);
  else n = origin === "" ? text : `${text}.${origin}`;
  checkName(n);
  return n;
}

/** Bytes of a presentation character-string (RFC 1035 §5.1: \X and \DDD escapes). */
export function unescapeString(text: string): Uint8Array {
  const raw = new TextEncoder().encode(text);
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    if (i + 3 < raw.length && isDigit(raw[i + 1]) && isDigit(raw[i + 2]) && isDigit(raw[i + 3])) {
      const v = (raw[i + 1] - 48) * 100 + (raw[i + 2] - 48) * 10 + (raw[i + 3] - 48);
      if (v > 255) throw new RdataError(`bad escape \\${String.fromCharCode(raw[i + 1], raw[i + 2], raw[i + 3])}`);
      out.push(v);
      i += 3;
    } else if (i + 1 < raw.length) {
      out.push(raw[i + 1]);
      i += 1;
    } else throw new RdataError("string ends with a lone backslash");
  }
  return Uint8Array.from(out);
}
const isDigit = (c: number | undefined) => c !== undefined && c >= 48 && c <= 57;

/** Canonical quoted form of a character-string. */
export function quoteString(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) s += "\\" + String.fromCharCode(b);
    else if (b < 0x20 || b > 0x7e) s += "\\" + String(b).padStart(3, "0");
    else s += String.fromCharCode(b);
  }
  return s + '"';
}
