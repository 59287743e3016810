// RRSIG creation (RFC 4034 §3.1.8.1: the signed data is the RRSIG rdata without the signature, followed by
// the RRset in canonical form and order, §6.2/§6.3) and NSEC3 owner hashing (RFC 5155 §5).
import { createHash } from "node:crypto";
import { base32hex, sigTime, toBase64 } from "./encoding.ts";
import { labelCount, nameWire, plain, signBytes, type SigningKey } from "./keys.ts";

/** An RRset in canonical wire pieces: owner name, type code, TTL, and each rdata in canonical wire form. */
export interface WireRRset {
  owner: string;
  type: number;
  ttl: number;
  rdatas: Uint8Array[];
}

/** Inception and expiration in seconds since the epoch, and the signer (the zone apex). */
export interface SigWindow {
  inception: number;
  expiration: number;
  signer: string;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** The octets an RRSIG signs (also what a validator checks); `sigRdataHead` is the rdata up to the signer. */
export function signedData(key: Pick<SigningKey, "algorithm" | "keyTag">, set: WireRRset, w: SigWindow): Uint8Array {
  const signer = nameWire(w.signer);
  const owner = nameWire(set.owner);
  // §6.3: records in canonical order of their rdata octets; duplicates removed.
  const rdatas = set.rdatas.length === 1 ? set.rdatas : [...set.rdatas].sort(compareBytes).filter((r, i, a) => i === 0 || compareBytes(r, a[i - 1]) !== 0);
  let size = 18 + signer.length;
  for (const r of rdatas) size += owner.length + 10 + r.length;
  const out = new Uint8Array(size);
  const ov = new DataView(out.buffer);
  ov.setUint16(0, set.type);
  out[2] = key.algorithm;
  out[3] = labelCount(set.owner);
  ov.setUint32(4, set.ttl >>> 0);
  ov.setUint32(8, w.expiration >>> 0);
  ov.setUint32(12, w.inception >>> 0);
  ov.setUint16(16, key.keyTag);
  out.set(signer, 18);
  let p = 18 + signer.length;
  for (const r of rdatas) {
    out.set(owner, p);
    p += owner.length;
    ov.setUint16(p, set.type);
    ov.setUint16(p + 2, 1);
    ov.setUint32(p + 4, set.ttl >>> 0);
    ov.setUint16(p + 8, r.length);
    p += 10;
    out.set(r, p);
    p += r.length;
  }
  return out;
}

/** Canonical RRSIG rdata text over `set` (`typeName` is the covered type's mnemonic). */
export function signRRset(key: SigningKey, set: WireRRset, typeName: string, w: SigWindow): string {
  const sig = signBytes(key, signedData(key, set, w));
  const signer = w.signer.endsWith(".") ? w.signer : `${w.signer}.`;
  return `${typeName} ${key.algorithm} ${labelCount(set.owner)} ${set.ttl} ${sigTime(w.expiration)} ${sigTime(w.inception)} ${key.keyTag} ${signer} ${toBase64(sig)}`;
}

/** RFC 5155 §5: IH(salt, x, 0) = H(x | salt), IH(k) = H(IH(k-1) | salt); SHA-1 (algorithm 1). */
export function nsec3HashBytes(name: string, salt: Uint8Array, iterations: number): Uint8Array {
  let h = createHash("sha1").update(nameWire(name)).update(salt).digest();
  for (let i = 0; i < iterations; i++) h = createHash("sha1").update(h).update(salt).digest();
  return plain(h);
}

/** The hashed owner label (base32hex, lower case) of `name`. */
export function nsec3Hash(name: string, salt: Uint8Array = new Uint8Array(0), iterations = 0): string {
  return base32hex(nsec3HashBytes(name, salt, iterations));
}
