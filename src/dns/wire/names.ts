// Domain names as updns handles them: presentation form, lower case, no trailing dot ("dyn.example.org";
// the root is ""). Wire form helpers (RFC 1035 §3.1, §4.1.4) live here too because TSIG needs the
// canonical, uncompressed form (RFC 8945 §4.3.3) and must read possibly compressed owner names.

/** Longest name on the wire (RFC 1035 §2.3.4), counting length octets and the root label. */
export const MAX_NAME_WIRE = 255;
const MAX_LABEL = 63;

/** Lower case (ASCII only: RFC 4343 §3) and no trailing dot. "." and "" both mean the root. */
export function normalizeName(name: string): string {
  let n = name.trim();
  if (n.endsWith(".") && !n.endsWith("\\.")) n = n.slice(0, -1);
  return n.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Case-insensitive equality of two names (RFC 4343). */
export function namesEqual(a: string, b: string): boolean {
  return normalizeName(a) === normalizeName(b);
}

/** Labels in presentation form, leftmost first; the root has none. Escaped dots stay inside a label. */
export function splitLabels(name: string): string[] {
  const n = normalizeName(name);
  return n === "" ? [] : splitRaw(n);
}

/** True when `name` is `zone` itself or below it ("a.b.example" is a subdomain of "example"). */
export function isSubdomain(name: string, zone: string): boolean {
  const n = splitLabels(name);
  const z = splitLabels(zone);
  if (z.length > n.length) return false;
  for (let i = 1; i <= z.length; i++) if (n[n.length - i] !== z[z.length - i]) return false;
  return true;
}

/** `name` relative to `zone`: "@" for the apex, "home" for "home.<zone>"; null when outside the zone. */
export function relativize(name: string, zone: string): string | null {
  if (!isSubdomain(name, zone)) return null;
  const n = splitLabels(name);
  const z = splitLabels(zone);
  if (n.length === z.length) return "@";
  return n.slice(0, n.length - z.length).join(".");
}

/** The absolute name of a zone-relative name ("@" = apex). */
export function absolutize(relative: string, zone: string): string {
  const r = normalizeName(relative);
  const z = normalizeName(zone);
  if (r === "@" || r === "") return z;
  return z === "" ? r : `${r}.${z}`;
}

/** Raw octets of one presentation-form label (handles \X and \DDD escapes, RFC 1035 §5.1). */
function labelBytes(label: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c === 0x5c /* \ */ && i + 1 < label.length) {
      const d = label.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(d)) {
        const v = Number(d);
        if (v > 255) throw new Error(`bad escape \\${d} in label "${label}"`);
        out.push(v);
        i += 3;
      } else {
        out.push(label.charCodeAt(i + 1));
        i += 1;
      }
    } else {
      if (c > 0xff) throw new Error(`label "${label}" is not ASCII (convert it to its xn-- form first)`);
      out.push(c);
    }
  }
  return out;
}

/**
 * Uncompressed wire form. With `canonical` the ASCII letters are lower-cased (RFC 4034 §6.2), which is
 * what TSIG digests use for the key and algorithm names.
 */
export function encodeName(name: string, canonical = true): Uint8Array {
  const n = name.trim().replace(/\.$/, "");
  const parts = n === "" || n === "." ? [] : splitRaw(n);
  const bytes: number[] = [];
  for (const p of parts) {
    const b = labelBytes(p);
    if (b.length === 0) throw new Error(`empty label in "${name}"`);
    if (b.length > MAX_LABEL) throw new Error(`label longer than 63 octets in "${name}"`);
    bytes.push(b.length);
    for (const x of b) bytes.push(canonical && x >= 0x41 && x <= 0x5a ? x + 0x20 : x);
  }
  bytes.push(0);
  if (bytes.length > MAX_NAME_WIRE) throw new Error(`name longer than 255 octets: "${name}"`);
  return Uint8Array.from(bytes);
}

/** Labels of a non-empty name as written, case kept (encodeName decides about case; splitLabels normalizes first). */
function splitRaw(n: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < n.length; i++) {
    const c = n[i];
    if (c === "\\" && i + 1 < n.length) {
      cur += c + n[i + 1];
      i++;
    } else if (c === ".") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Presentation form of one raw label: dots, backslashes and non-printables escaped (RFC 1035 §5.1). */
function labelText(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) {
    if (b === 0x2e || b === 0x5c) s += "\\" + String.fromCharCode(b);
    else if (b <= 0x20 || b >= 0x7f) s += "\\" + String(b).padStart(3, "0");
    else s += String.fromCharCode(b);
  }
  return s;
}

export class NameFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NameFormatError";
  }
}

/**
 * Read a possibly compressed name at `offset` (RFC 1035 §4.1.4). Returns the name (lower case unless
 * `keepCase`: rdata keeps the case it was sent in, RFC 4343 §4; no trailing dot) and the offset just after
 * it in the original position. Pointers must point backwards
 * (no loops possible), and the expanded name must fit 255 octets; anything else is a NameFormatError.
 */
export function readName(buf: Uint8Array, offset: number, keepCase = false): { name: string; next: number } {
  const labels: string[] = [];
  let pos = offset;
  let next = -1;
  let wireLen = 1;
  // Each step either consumes a label or jumps strictly backwards, so 128 jumps bound any valid name.
  for (let steps = 0; steps < 256; steps++) {
    if (pos >= buf.length) throw new NameFormatError("name runs past the end of the message");
    const len = buf[pos];
    if (len === 0) {
      if (next < 0) next = pos + 1;
      return { name: keepCase ? labels.join(".") : normalizeName(labels.join(".")), next };
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= buf.length) throw new NameFormatError("compression pointer runs past the end");
      const target = ((len & 0x3f) << 8) | buf[pos + 1];
      if (target >= pos) throw new NameFormatError("compression pointer does not point backwards");
      if (next < 0) next = pos + 2;
      pos = target;
      continue;
    }
    if (kind !== 0) throw new NameFormatError("unknown label type");
    if (pos + 1 + len > buf.length) throw new NameFormatError("label runs past the end of the message");
    wireLen += len + 1;
    if (wireLen > MAX_NAME_WIRE) throw new NameFormatError("name longer than 255 octets");
    labels.push(labelText(buf.subarray(pos + 1, pos + 1 + len)));
    pos += 1 + len;
  }
  throw new NameFormatError("too many labels or pointers in name");
}

/**
 * Canonical order of names (RFC 4034 §6.1): compare label by label from the right, each label as
 * lower-cased octets; a name sorts before its own subdomains. Returns <0, 0 or >0.
 */
export function compareNames(a: string, b: string): number {
  const la = splitLabels(a);
  const lb = splitLabels(b);
  for (let i = 1; i <= Math.min(la.length, lb.length); i++) {
    const x = labelBytes(la[la.length - i]);
    const y = labelBytes(lb[lb.length - i]);
    for (let j = 0; j < Math.min(x.length, y.length); j++) {
      const cx = x[j] >= 0x41 && x[j] <= 0x5a ? x[j] + 0x20 : x[j];
      const cy = y[j] >= 0x41 && y[j] <= 0x5a ? y[j] + 0x20 : y[j];
      if (cx !== cy) return cx - cy;
    }
    if (x.length !== y.length) return x.length - y.length;
  }
  return la.length - lb.length;
}
