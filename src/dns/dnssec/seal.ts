// Private keys at rest: AES-256-GCM under a 32-octet master key. The master key lives in a file in the
// data directory (created on first use, mode 0600) unless the config gives one; a database copied away
// without that file holds no usable private key.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const PREFIX = "aesgcm1:";

/** Encrypt `plain` → "aesgcm1:" + base64(iv 12 | ciphertext | tag 16). `aad` binds it to its row (zone/key). */
export function sealSecret(masterKey: Uint8Array, plain: Uint8Array, aad = ""): string {
  if (masterKey.length !== 32) throw new Error("the DNSSEC master key must be 32 octets");
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", masterKey, iv);
  c.setAAD(Buffer.from(aad));
  const body = Buffer.concat([c.update(plain), c.final()]);
  return PREFIX + Buffer.concat([iv, body, c.getAuthTag()]).toString("base64");
}

export function openSecret(masterKey: Uint8Array, sealed: string, aad = ""): Uint8Array {
  if (!sealed.startsWith(PREFIX)) throw new Error("not a sealed DNSSEC key");
  const b = Buffer.from(sealed.slice(PREFIX.length), "base64");
  if (b.length < 12 + 16) throw new Error("sealed DNSSEC key too short");
  const d = createDecipheriv("aes-256-gcm", masterKey, b.subarray(0, 12));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(b.subarray(b.length - 16));
  try {
    return Uint8Array.from(Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]));
  } catch {
    throw new Error("cannot decrypt a DNSSEC private key: wrong master key (dnssec.key file or [dnssec] master_key)");
  }
}

/** A master key from config text: 64 hex digits or base64 of 32 octets. */
export function parseMasterKey(text: string): Uint8Array {
  const t = text.trim();
  const b = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, "hex") : Buffer.from(t, "base64");
  if (b.length !== 32) throw new Error("the DNSSEC master key must be 32 octets (64 hex digits or base64)");
  return Uint8Array.from(b);
}

/** Read the master key file (base64), creating it with a fresh random key and mode 0600 when missing. */
export function loadOrCreateMasterKey(path: string): Uint8Array {
  if (existsSync(path)) return parseMasterKey(readFileSync(path, "utf8"));
  const key = randomBytes(32);
  writeFileSync(path, key.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return Uint8Array.from(key);
}

/** The master key: the configured value when there is one ([dnssec] master_key), else `<dataDir>/dnssec.key`. */
export function dnssecMasterKey(opts: { configured?: string | null; dataDir: string }): Uint8Array {
  if (opts.configured && opts.configured.trim()) return parseMasterKey(opts.configured);
  mkdirSync(opts.dataDir, { recursive: true });
  return loadOrCreateMasterKey(join(opts.dataDir, "dnssec.key"));
}
