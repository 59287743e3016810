// DNSSEC keys and signatures (RFC 4034, RFC 6605 ECDSA P-256/SHA-256 = algorithm 13, RFC 8080 Ed25519 =
// algorithm 15), over node:crypto. Pure: bytes in, bytes out; no zone store, no storage.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { fromBase64, toBase64, toHex } from "./encoding.ts";

export type DnssecAlgorithm = 13 | 15;
export const ALGORITHMS: Record<DnssecAlgorithm, string> = { 13: "ECDSAP256SHA256", 15: "ED25519" };

/** RFC 4034 §2.1.1: bit 7 Zone Key; bit 15 Secure Entry Point (a KSK or CSK). */
export const FLAGS_ZSK = 256;
export const FLAGS_KSK = 257;

/** A key ready to sign with. `publicKey` is the DNSKEY public key field (RFC 6605 §4: x|y; RFC 8080 §3: A). */
export interface SigningKey {
  algorithm: DnssecAlgorithm;
  flags: number;
  publicKey: Uint8Array;
  keyTag: number;
  privateKey: KeyObject;
}

function publicKeyField(alg: DnssecAlgorithm, pub: KeyObject): Uint8Array {
  const jwk = pub.export({ format: "jwk" });
  const b = (s: string | undefined) => Uint8Array.from(Buffer.from(s ?? "", "base64url"));
  if (alg === 13) return Uint8Array.from([...b(jwk.x), ...b(jwk.y)]);
  return b(jwk.x);
}

/** DNSKEY rdata on the wire (RFC 4034 §2.2). Protocol is always 3. */
export function dnskeyWire(flags: number, algorithm: number, publicKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + publicKey.length);
  out[0] = flags >> 8;
  out[1] = flags & 0xff;
  out[2] = 3;
  out[3] = algorithm;
  out.set(publicKey, 4);
  return out;
}

/** RFC 4034 Appendix B: the key tag of a DNSKEY's wire rdata. */
export function keyTag(rdata: Uint8Array): number {
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i] : rdata[i] << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

function fromKeyObject(algorithm: DnssecAlgorithm, flags: number, privateKey: KeyObject): SigningKey {
  const publicKey = publicKeyField(algorithm, createPublicKey(privateKey));
  return { algorithm, flags, publicKey, keyTag: keyTag(dnskeyWire(flags, algorithm, publicKey)), privateKey };
}

/** A fresh key pair; `pkcs8` is the private key to store (encrypted: see seal.ts). */
export function generateKey(algorithm: DnssecAlgorithm, flags: number): { key: SigningKey; pkcs8: Uint8Array } {
  const { privateKey } =
    algorithm === 13 ? generateKeyPairSync("ec", { namedCurve: "P-256" }) : generateKeyPairSync("ed25519");
  const pkcs8 = Uint8Array.from(privateKey.export({ format: "der", type: "pkcs8" }));
  return { key: fromKeyObject(algorithm, flags, privateKey), pkcs8 };
}

/** A stored private key back as a signing key. */
export function keyFromPkcs8(algorithm: DnssecAlgorithm, flags: number, pkcs8: Uint8Array): SigningKey {
  return fromKeyObject(algorithm, flags, createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" }));
}

/** Canonical DNSKEY (or CDNSKEY) rdata text of a key. */
export function dnskeyText(k: Pick<SigningKey, "flags" | "algorithm" | "publicKey">): string {
  return `${k.flags} 3 ${k.algorithm} ${toBase64(k.publicKey)}`;
}

/** RFC 6605 §4 / RFC 8080 §4: ECDSA signatures are r|s (64 octets), Ed25519 ones 64 octets as well. */
export function signBytes(k: SigningKey, data: Uint8Array): Uint8Array {
  const sig = k.algorithm === 13 ? sign("sha256", data, { key: k.privateKey, dsaEncoding: "ieee-p1363" }) : sign(null, data, k.privateKey);
  return plain(sig);
}

/**
 * The octets of a Buffer as a plain Uint8Array, without copying them: Uint8Array.from walks a Buffer
 * through its iterator, which cost half as much again as the ECDSA signature itself.
 */
export function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Verify a signature against a DNSKEY public key field (tests and self-checks). */
export function verifyBytes(algorithm: DnssecAlgorithm, publicKey: Uint8Array, data: Uint8Array, sig: Uint8Array): boolean {
  const x = Buffer.from(algorithm === 13 ? publicKey.subarray(0, 32) : publicKey).toString("base64url");
  const jwk = algorithm === 13 ? { kty: "EC", crv: "P-256", x, y: Buffer.from(publicKey.subarray(32)).toString("base64url") } : { kty: "OKP", crv: "Ed25519", x };
  const pub = createPublicKey({ key: jwk, format: "jwk" });
  return algorithm === 13 ? verify("sha256", data, { key: pub, dsaEncoding: "ieee-p1363" }, sig) : verify(null, data, pub, sig);
}

/** A name in canonical wire form (RFC 4034 §6.2): lower case, uncompressed. "" is the root. */
export function nameWire(name: string): Uint8Array {
  const n = (name.endsWith(".") ? name.slice(0, -1) : name).toLowerCase();
  if (n === "") return Uint8Array.of(0);
  // Every name of every signature passes here: written in place, one octet per character (latin1).
  const out = new Uint8Array(n.length + 2);
  let p = 0;
  for (let start = 0, i = 0; i <= n.length; i++) {
    if (i < n.length && n.charCodeAt(i) !== 46) continue;
    out[p++] = i - start;
    for (let j = start; j < i; j++) out[p++] = n.charCodeAt(j);
    start = i + 1;
  }
  out[p] = 0;
  return out;
}

/** RFC 4034 §3.1.3: labels of the owner, not counting the root nor a leading "*". */
export function labelCount(name: string): number {
  const n = name.endsWith(".") ? name.slice(0, -1) : name;
  if (n === "") return 0;
  const labels = n.split(".");
  return labels[0] === "*" ? labels.length - 1 : labels.length;
}

/** RFC 4509 / RFC 4034 §5.1.4: the DS digest (SHA-256, digest type 2) of a DNSKEY. */
export function dsText(owner: string, k: Pick<SigningKey, "flags" | "algorithm" | "publicKey" | "keyTag">, digestType: 2 = 2): string {
  const h = createHash(digestType === 2 ? "sha256" : "sha256");
  h.update(nameWire(owner));
  h.update(dnskeyWire(k.flags, k.algorithm, k.publicKey));
  return `${k.keyTag} ${k.algorithm} ${digestType} ${toHex(h.digest())}`;
}

export { fromBase64 };
