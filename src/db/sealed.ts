// Secrets at rest: AES-256-GCM under a 32-octet master key. The master key lives in a file in the data
// directory (created on first use, mode 0600) unless the config gives one ([dnssec] master_key); a database
// copied away without that file holds no usable secret. DNSSEC private keys (dns/zone) and the secrets the
// server must be able to use again — TSIG secrets, forwarder passwords — are sealed the same way.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chownSync, existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { ensurePrivateDir, tightenPrivateFile, writePrivateFile } from "./files.ts";

/** Every sealed value starts so; a stored value without it is clear text from before sealing. */
export const SEALED_PREFIX = "aesgcm1:";

export const isSealed = (stored: string): boolean => stored.startsWith(SEALED_PREFIX);

/** Encrypt `plain` → "aesgcm1:" + base64(iv 12 | ciphertext | tag 16). `aad` binds it to its place. */
export function sealSecret(masterKey: Uint8Array, plain: Uint8Array, aad = ""): string {
  if (masterKey.length !== 32) throw new Error("the master key must be 32 octets");
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", masterKey, iv);
  c.setAAD(Buffer.from(aad));
  const body = Buffer.concat([c.update(plain), c.final()]);
  return SEALED_PREFIX + Buffer.concat([iv, body, c.getAuthTag()]).toString("base64");
}

export function openSecret(masterKey: Uint8Array, sealed: string, aad = ""): Uint8Array {
  if (!isSealed(sealed)) throw new Error("not a sealed secret");
  const b = Buffer.from(sealed.slice(SEALED_PREFIX.length), "base64");
  if (b.length < 12 + 16) throw new Error("sealed secret too short");
  const d = createDecipheriv("aes-256-gcm", masterKey, b.subarray(0, 12));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(b.subarray(b.length - 16));
  try {
    return Uint8Array.from(Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]));
  } catch {
    throw new Error(`cannot decrypt a secret stored in the database (${aad || "sealed value"}): wrong master key (dnssec.key file or [dnssec] master_key)`);
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
export function loadOrCreateMasterKey(path: string, warn: (message: string) => void = (m) => console.warn(`updns: warning: ${m}`)): Uint8Array {
  if (existsSync(path)) {
    // A key file left readable by others (an older updns, a copy) is tightened; the key itself is kept.
    const warning = tightenPrivateFile(path);
    if (warning) warn(warning);
    return parseMasterKey(readFileSync(path, "utf8"));
  }
  const key = randomBytes(32);
  writePrivateFile(path, key.toString("base64") + "\n");
  // Made by root (a CLI command before the service ever ran): it belongs to the data directory's owner, the
  // service user, as SQLite does for the database files it creates as root.
  if (process.getuid?.() === 0) {
    const dir = statSync(dirname(path));
    chownSync(path, dir.uid, dir.gid);
  }
  return Uint8Array.from(key);
}

/** The master key: the configured value when there is one ([dnssec] master_key), else `<dataDir>/dnssec.key`. */
export function masterKeyFor(opts: { configured?: string | null; dataDir: string; warn?: (message: string) => void }): Uint8Array {
  if (opts.configured && opts.configured.trim()) return parseMasterKey(opts.configured);
  ensurePrivateDir(opts.dataDir);
  return loadOrCreateMasterKey(join(opts.dataDir, "dnssec.key"), opts.warn);
}
