// SVCB and HTTPS (RFC 9460): "priority target key=value ...". On the wire the SvcParams follow the target
// sorted by key, each key once (§2.2); the text may list them in any order. The canonical text writes
// every value unquoted with RFC 1035 escapes, so it never holds a space.
import ipaddr from "ipaddr.js";
import { fromBase64, toBase64 } from "../../dnssec/index.ts";
import { RdataError, unescapeString, type Token } from "./text.ts";
import { Bytes, type Codec, nameText, num, Reader } from "./codec.ts";

// RFC 9460 §14.3.2 registry (dohpath: RFC 9461 §5, ohttp: RFC 9540 §4).
const KEYS: Record<string, number> = { mandatory: 0, alpn: 1, "no-default-alpn": 2, port: 3, ipv4hint: 4, ech: 5, ipv6hint: 6, dohpath: 7, ohttp: 8 };
const KEY_NAME = new Map(Object.entries(KEYS).map(([k, v]) => [v, k]));

function keyCode(text: string, type: string): number {
  const known = KEYS[text.toLowerCase()];
  if (known !== undefined) return known;
  const m = /^key(\d{1,5})$/i.exec(text);
  // §14.3.2: 65535 is reserved ("Invalid key").
  if (m && Number(m[1]) < 65535) return Number(m[1]);
  throw new RdataError(`${type} unknown SvcParam key ${JSON.stringify(text)}`);
}
const keyText = (k: number) => KEY_NAME.get(k) ?? `key${k}`;

/** Appendix A.1 value-list: commas split items, "\," and "\\" keep a literal comma or backslash. */
function valueList(b: Uint8Array): Uint8Array[] {
  const items: number[][] = [[]];
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x5c && i + 1 < b.length) items[items.length - 1].push(b[++i]);
    else if (b[i] === 0x2c) items.push([]);
    else items[items.length - 1].push(b[i]);
  }
  return items.map((x) => Uint8Array.from(x));
}

const ascii = (b: Uint8Array) => String.fromCharCode(...b);

/** The wire value of one SvcParam from its presentation value octets. */
function paramValue(key: number, v: Uint8Array | null, type: string): Uint8Array {
  const what = `${type} ${keyText(key)}`;
  const w = new Bytes();
  const need = () => {
    if (v === null || v.length === 0) throw new RdataError(`${what}: needs a value`);
    return v;
  };
  switch (key) {
    case 0: {
      const keys = valueList(need()).map((k) => keyCode(ascii(k), type));
      // §8: "mandatory" lists other keys, each once; on the wire in increasing order.
      if (keys.includes(0)) throw new RdataError(`${what}: must not list itself`);
      if (new Set(keys).size !== keys.length) throw new RdataError(`${what}: lists a key twice`);
      for (const k of keys.sort((a, b) => a - b)) w.u16(k);
      return w.done();
    }
    case 1:
      for (const id of valueList(need())) {
        if (id.length === 0) throw new RdataError(`${what}: empty protocol id`);
        w.string(id, what);
      }
      return w.done();
    case 2:
    case 8:
      if (v !== null && v.length > 0) throw new RdataError(`${what}: takes no value`);
      return w.done();
    case 3:
      w.u16(num({ text: ascii(need()), quoted: false }, 16, what));
      return w.done();
    case 4:
      for (const a of valueList(need()).map(ascii)) {
        if (!ipaddr.IPv4.isValidFourPartDecimal(a)) throw new RdataError(`${what}: bad IPv4 address ${JSON.stringify(a)}`);
        w.bytes(ipaddr.IPv4.parse(a).toByteArray());
      }
      return w.done();
    case 5: {
      const text = ascii(need());
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) throw new RdataError(`${what}: bad base64`);
      return fromBase64(text);
    }
    case 6:
      for (const a of valueList(need()).map(ascii)) {
        if (!ipaddr.IPv6.isValid(a) || a.includes("%")) throw new RdataError(`${what}: bad IPv6 address ${JSON.stringify(a)}`);
        w.bytes(ipaddr.IPv6.parse(a).toByteArray());
      }
      return w.done();
    default:
      // keyNNNNN (and dohpath): the value's octets as they are (§2.1).
      return v ?? new Uint8Array(0);
  }
}

/** Escape octets so the value is one unquoted token (RFC 1035 §5.1 escapes). */
function escape(b: Uint8Array, listItem = false): string {
  let s = "";
  for (const c of b) {
    if (listItem && (c === 0x2c || c === 0x5c)) s += "\\\\" + (c === 0x2c ? "," : "\\\\");
    else if (c <= 0x20 || c >= 0x7f) s += "\\" + String(c).padStart(3, "0");
    else if ('"\\;()'.includes(String.fromCharCode(c))) s += "\\" + String.fromCharCode(c);
    else s += String.fromCharCode(c);
  }
  return s;
}

/** Presentation text of one SvcParam value from the wire, checking it as §7 defines each key. */
function paramText(key: number, v: Uint8Array, type: string): string {
  const what = `${type} ${keyText(key)}`;
  const r = new Reader(v, what);
  const list = (each: () => string) => {
    const out: string[] = [];
    while (r.left > 0) out.push(each());
    if (out.length === 0) throw new RdataError(`${what}: empty value`);
    return out.join(",");
  };
  switch (key) {
    case 0: {
      let last = -1;
      return list(() => {
        const k = r.u16("key");
        if (k <= last || k === 0) throw new RdataError(`${what}: keys out of order or repeated`);
        last = k;
        return keyText(k);
      });
    }
    case 1:
      return list(() => {
        const id = r.string("protocol id");
        if (id.length === 0) throw new RdataError(`${what}: empty protocol id`);
        return escape(id, true);
      });
    case 2:
    case 8:
      if (v.length) throw new RdataError(`${what}: takes no value`);
      return "";
    case 3: {
      const port = String(r.u16("port"));
      r.end();
      return port;
    }
    case 4:
      return list(() => Array.from(r.take(4, "address")).join("."));
    case 5:
      if (v.length === 0) throw new RdataError(`${what}: empty value`);
      return toBase64(v);
    case 6:
      return list(() => ipaddr.fromByteArray(Array.from(r.take(16, "address"))).toString());
    default:
      return escape(v);
  }
}

/** "key=value", "key" alone, or "key=" followed by a quoted token (how master files split `key="v"`). */
function params(toks: Token[], type: string): Map<number, Uint8Array | null> {
  const out = new Map<number, Uint8Array | null>();
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.quoted) throw new RdataError(`${type} SvcParam: expected key=value, got a quoted string`);
    const eq = t.text.indexOf("=");
    const key = keyCode(eq < 0 ? t.text : t.text.slice(0, eq), type);
    let value: Uint8Array | null = null;
    if (eq >= 0) {
      let raw = t.text.slice(eq + 1);
      if (raw === "" && toks[i + 1]?.quoted) raw = toks[++i].text;
      else if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
      value = unescapeString(raw);
    }
    if (out.has(key)) throw new RdataError(`${type} SvcParam ${keyText(key)} is given twice`);
    out.set(key, value);
  }
  return out;
}

function codec(type: "SVCB" | "HTTPS"): Codec {
  return {
    encode(toks, origin) {
      if (toks.length < 2) throw new RdataError(`${type} needs a priority and a target name`);
      const w = new Bytes();
      w.u16(num(toks[0], 16, `${type} priority`));
      // §2.2: the target name is uncompressed; RFC 6840 §5.1 keeps its case for signing too.
      w.name(toks[1].text === "." ? "" : nameText(toks[1], origin, `${type} target`, false));
      const ps = params(toks.slice(2), type);
      const mandatory = ps.get(0);
      for (const [key, v] of [...ps].sort((a, b) => a[0] - b[0])) {
        const value = paramValue(key, v, type);
        w.u16(key);
        w.u16(value.length);
        w.bytes(value);
      }
      // §8: every key that "mandatory" names must be present.
      if (mandatory) for (const k of valueList(mandatory)) if (!ps.has(keyCode(ascii(k), type))) throw new RdataError(`${type} mandatory lists ${ascii(k)}, which is not given`);
      return w.done();
    },
    decode(b) {
      const r = new Reader(b, type);
      const parts = [String(r.u16("priority")), r.name("target")];
      let last = -1;
      while (r.left > 0) {
        const key = r.u16("SvcParam key");
        // §2.2: keys in strictly increasing order, so each once.
        if (key <= last) throw new RdataError(`${type} SvcParams are not in increasing key order`);
        if (key === 65535) throw new RdataError(`${type} SvcParam key 65535 is reserved`);
        last = key;
        const value = r.take(r.u16("SvcParam length"), "SvcParam value");
        const text = paramText(key, value, type);
        parts.push(text === "" ? keyText(key) : `${keyText(key)}=${text}`);
      }
      return parts.join(" ");
    },
  };
}

export const SVCB = codec("SVCB");
export const HTTPS = codec("HTTPS");
