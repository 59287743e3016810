// Codecs of the newer record types made of numbers, strings, names and blobs: HINFO (RFC 1035 §3.3.2),
// RP (RFC 1183 §2.2), NAPTR (RFC 3403 §4.1), CERT (RFC 4398 §2), DNAME (RFC 6672 §2.1), SSHFP (RFC 4255
// §3.1), TLSA (RFC 6698 §2), SMIMEA (RFC 8162 §2), OPENPGPKEY (RFC 7929 §2), URI (RFC 7553 §4).
import { fromBase64, fromHex, toBase64, toHex } from "../../dnssec/index.ts";
import { RdataError, type Token } from "./text.ts";
import { atLeast, Bytes, chars, type Codec, exactly, nameText, num, quoteString, Reader } from "./codec.ts";

function blob<T>(f: () => T, what: string): T {
  try {
    return f();
  } catch (e) {
    throw new RdataError(`${what}: ${(e as Error).message}`);
  }
}

/** Hex that may be split over several tokens; at least one octet. */
function hexField(toks: Token[], what: string): Uint8Array {
  const b = blob(() => fromHex(toks.map((t) => t.text).join("")), what);
  if (b.length === 0) throw new RdataError(`${what}: missing`);
  return b;
}

/** Base64 that may be split over several tokens (RFC 4648 §4); at least one octet. */
function base64Field(toks: Token[], what: string): Uint8Array {
  const text = toks.map((t) => t.text).join("");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) throw new RdataError(`${what}: bad base64`);
  return blob(() => fromBase64(text), what);
}

const HINFO: Codec = {
  encode(toks) {
    exactly(toks, 2, "HINFO");
    const w = new Bytes();
    w.string(chars(toks[0], "HINFO cpu"), "HINFO cpu");
    w.string(chars(toks[1], "HINFO os"), "HINFO os");
    return w.done();
  },
  decode(b) {
    const r = new Reader(b, "HINFO");
    const s = `${quoteString(r.string("cpu"))} ${quoteString(r.string("os"))}`;
    r.end();
    return s;
  },
};

const RP: Codec = {
  encode(toks, origin, lower) {
    exactly(toks, 2, "RP");
    const w = new Bytes();
    w.name(nameText(toks[0], origin, "RP mailbox", lower));
    w.name(nameText(toks[1], origin, "RP TXT name", lower));
    return w.done();
  },
  decode(b) {
    const r = new Reader(b, "RP");
    const s = `${r.name("mailbox")} ${r.name("TXT name")}`;
    r.end();
    return s;
  },
};

const NAPTR: Codec = {
  encode(toks, origin, lower) {
    exactly(toks, 6, "NAPTR");
    const w = new Bytes();
    w.u16(num(toks[0], 16, "NAPTR order"));
    w.u16(num(toks[1], 16, "NAPTR preference"));
    const flags = chars(toks[2], "NAPTR flags");
    // RFC 3403 §4.1: flags are single characters from A-Z and 0-9.
    if (!/^[A-Za-z0-9]*$/.test(new TextDecoder().decode(flags))) throw new RdataError(`NAPTR flags: only letters and digits, got ${JSON.stringify(toks[2].text)}`);
    w.string(flags, "NAPTR flags");
    w.string(chars(toks[3], "NAPTR services"), "NAPTR services");
    w.string(chars(toks[4], "NAPTR regexp"), "NAPTR regexp");
    w.name(nameText(toks[5], origin, "NAPTR replacement", lower));
    return w.done();
  },
  decode(b) {
    const r = new Reader(b, "NAPTR");
    const s = `${r.u16("order")} ${r.u16("preference")} ${quoteString(r.string("flags"))} ${quoteString(r.string("services"))} ${quoteString(r.string("regexp"))} ${r.name("replacement")}`;
    r.end();
    return s;
  },
};

// RFC 4398 §2.1 and §2.2 mnemonics; the canonical text keeps numbers, which every parser reads.
const CERT_TYPES: Record<string, number> = { PKIX: 1, SPKI: 2, PGP: 3, IPKIX: 4, ISPKI: 5, IPGP: 6, ACPKIX: 7, IACPKIX: 8, URI: 253, OID: 254 };
const ALGORITHMS: Record<string, number> = {
  RSAMD5: 1, DH: 2, DSA: 3, RSASHA1: 5, "DSA-NSEC3-SHA1": 6, "RSASHA1-NSEC3-SHA1": 7, RSASHA256: 8, RSASHA512: 10,
  "ECC-GOST": 12, ECDSAP256SHA256: 13, ECDSAP384SHA384: 14, ED25519: 15, ED448: 16, INDIRECT: 252, PRIVATEDNS: 253, PRIVATEOID: 254,
};
function mnemonic(tok: Token | undefined, table: Record<string, number>, bits: 8 | 16, what: string): number {
  const known = tok && !tok.quoted ? table[tok.text.toUpperCase()] : undefined;
  return known ?? num(tok, bits, what);
}

const CERT: Codec = {
  encode(toks) {
    atLeast(toks, 4, "CERT", "type, key tag, algorithm and certificate");
    const w = new Bytes();
    w.u16(mnemonic(toks[0], CERT_TYPES, 16, "CERT type"));
    w.u16(num(toks[1], 16, "CERT key tag"));
    w.u8(mnemonic(toks[2], ALGORITHMS, 8, "CERT algorithm"));
    w.bytes(base64Field(toks.slice(3), "CERT certificate"));
    return w.done();
  },
  decode(b) {
    const r = new Reader(b, "CERT");
    const head = `${r.u16("type")} ${r.u16("key tag")} ${r.u8("algorithm")}`;
    if (r.left === 0) throw new RdataError("CERT rdata too short (certificate)");
    return `${head} ${toBase64(r.rest())}`;
  },
};

const DNAME: Codec = {
  encode(toks, origin, lower) {
    exactly(toks, 1, "DNAME");
    const w = new Bytes();
    w.name(nameText(toks[0], origin, "DNAME target", lower));
    return w.done();
  },
  decode(b) {
    const r = new Reader(b, "DNAME");
    const s = r.name("target");
    r.end();
    return s;
  },
};

/** "n n HEX": SSHFP has two numbers before the fingerprint, TLSA and SMIMEA three before the data. */
function numbersThenHex(type: string, fields: string[]): Codec {
  return {
    encode(toks) {
      atLeast(toks, fields.length + 1, type, `${fields.join(", ")} and data`);
      const w = new Bytes();
      fields.forEach((f, i) => w.u8(num(toks[i], 8, `${type} ${f}`)));
      w.bytes(hexField(toks.slice(fields.length), `${type} data`));
      return w.done();
    },
    decode(b) {
      const r = new Reader(b, type);
      const head = fields.map((f) => r.u8(f)).join(" ");
      if (r.left === 0) throw new RdataError(`${type} rdata too short (data)`);
      return `${head} ${toHex(r.rest())}`;
    },
  };
}

const OPENPGPKEY: Codec = {
  encode(toks) {
    atLeast(toks, 1, "OPENPGPKEY", "a key");
    return base64Field(toks, "OPENPGPKEY key");
  },
  decode(b) {
    if (b.length === 0) throw new RdataError("OPENPGPKEY rdata is empty");
    return toBase64(b);
  },
};

const URI: Codec = {
  encode(toks) {
    exactly(toks, 3, "URI");
    const w = new Bytes();
    w.u16(num(toks[0], 16, "URI priority"));
    w.u16(num(toks[1], 16, "URI weight"));
    // RFC 7553 §4.4: the target is a quoted string, not a <character-string>: it fills the rest of the rdata.
    if (!toks[2].quoted) throw new RdataError("URI target must be a quoted string");
    const target = chars(toks[2], "URI target");
    if (target.length === 0) throw new RdataError("URI target is empty");
    w.bytes(target);
    return w.done();
  },
  decode(b) {
    const r = new Reader(b, "URI");
    const head = `${r.u16("priority")} ${r.u16("weight")}`;
    if (r.left === 0) throw new RdataError("URI target is empty");
    return `${head} ${quoteString(r.rest())}`;
  },
};

export const SIMPLE_CODECS = {
  HINFO,
  RP,
  NAPTR,
  CERT,
  DNAME,
  SSHFP: numbersThenHex("SSHFP", ["algorithm", "fingerprint type"]),
  TLSA: numbersThenHex("TLSA", ["usage", "selector", "matching type"]),
  SMIMEA: numbersThenHex("SMIMEA", ["usage", "selector", "matching type"]),
  OPENPGPKEY,
  URI,
} satisfies Record<string, Codec>;
