// Update secrets and account API tokens (spec §8.1, DESIGN "Secrets").
//
// Secrets the server generates carry ≥128 random bits: nobody can search that space, so a slow password
// hash would only cost every update its time. They are stored as a salted keyed hash,
// `$hmac-sha256$<salt>$<mac>` with mac = HMAC-SHA256(key = 16 random salt bytes, secret), and verified in a
// few microseconds. A secret the operator chose (`host add --secret-stdin`) may be guessable, so it gets
// argon2id with cheap parameters (m=1024 KiB, t=1, the baseline's "weakargon2"); a short-lived in-memory cache
// of *successful* argon2 verifications, keyed by SHA-256(stored hash, secret), spares that work for routers
// that update every few minutes. Old formats (Django's `sha1$salt$hex`, `weakargon2$argon2id$...`,
// `argon2$argon2id$...`) are verified and re-hashed with argon2id on success: an imported secret's strength
// is unknown.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** The unambiguous alphabet of the baseline (no 0/O, 1/l/I). */
const ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/** 24 characters of 55 symbols = 138 bits. */
const SECRET_LENGTH = 24;

export const ARGON2_PARAMS = { algorithm: "argon2id" as const, memoryCost: 1024, timeCost: 1 };
const CURRENT_PREFIX = "$argon2id$v=19$m=1024,t=1,p=1$";

/** A fresh update secret (cleartext; show it once, store hashSecret() of it). */
export function generateSecret(): string {
  const out: string[] = [];
  // Rejection sampling keeps every symbol equally likely (256 is not a multiple of 55).
  const limit = 256 - (256 % ALPHABET.length);
  while (out.length < SECRET_LENGTH) {
    for (const b of randomBytes(SECRET_LENGTH * 2)) {
      if (b < limit && out.length < SECRET_LENGTH) out.push(ALPHABET[b % ALPHABET.length]);
    }
  }
  return out.join("");
}

const KEYED_PREFIX = "$hmac-sha256$";
const SALT_BYTES = 16;

const keyedMac = (salt: Buffer, secret: string) => createHmac("sha256", salt).update(secret).digest("base64url");

/** The stored form of a server-generated secret (≥128 random bits): salted HMAC-SHA256, fast to verify. */
export function hashSecret(secret: string): string {
  const salt = randomBytes(SALT_BYTES);
  return `${KEYED_PREFIX}${salt.toString("base64url")}$${keyedMac(salt, secret)}`;
}

/** The stored form of a secret a person chose: argon2id, since it may be guessable. */
export function hashChosenSecret(secret: string): Promise<string> {
  return Bun.password.hash(secret, ARGON2_PARAMS);
}

/**
 * Whether two strings are equal, in a time that tells nothing about them: both are hashed with SHA-256 first,
 * so timingSafeEqual always compares 32 octets. Comparing the strings themselves would need equal lengths,
 * and returning early on a length mismatch tells an attacker the length of the expected value (a secret,
 * a token, a MAC); the digests also hide where two equal-length strings first differ.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

export interface VerifyResult {
  ok: boolean;
  /** The stored hash is in an old format or has old parameters: store hashSecret(secret) instead. */
  needsRehash: boolean;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Successful verifications, remembered briefly. Bounded; the oldest entries go first. */
class VerifyCache {
  private readonly entries = new Map<string, number>();
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}
  has(key: string, now: number): boolean {
    const until = this.entries.get(key);
    if (until === undefined) return false;
    if (until < now) {
      this.entries.delete(key);
      return false;
    }
    return true;
  }
  add(key: string, now: number): void {
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, now + this.ttlMs);
  }
  clear(): void {
    this.entries.clear();
  }
}

const cache = new VerifyCache(5 * 60_000, 50_000);

/** For tests and for `secret regenerate`: forget every remembered argon2 verification. */
export function clearVerifyCache(): void {
  cache.clear();
}

/** Check a `$hmac-sha256$` hash; false for a malformed one. */
function verifyKeyed(secret: string, stored: string): boolean {
  const parts = stored.slice(KEYED_PREFIX.length).split("$");
  if (parts.length !== 2) return false;
  const salt = Buffer.from(parts[0], "base64url");
  if (salt.length !== SALT_BYTES) return false;
  return constantTimeEqual(keyedMac(salt, secret), parts[1]);
}

/** Check `secret` against a stored hash of any supported format. Never throws on a malformed hash. */
export async function verifySecret(secret: string, stored: string): Promise<VerifyResult> {
  if (!stored) return { ok: false, needsRehash: false };
  if (stored.startsWith(KEYED_PREFIX)) return { ok: verifyKeyed(secret, stored), needsRehash: false };
  const key = sha256(stored + "\0" + secret);
  const now = Date.now();
  if (cache.has(key, now)) return { ok: true, needsRehash: !stored.startsWith(CURRENT_PREFIX) };
  const ok = await verifyUncached(secret, stored);
  if (ok) cache.add(key, now);
  return { ok, needsRehash: ok && !stored.startsWith(CURRENT_PREFIX) };
}

async function verifyUncached(secret: string, stored: string): Promise<boolean> {
  // Django's salted SHA-1: sha1$<salt>$<hex(sha1(salt + secret))>.
  if (stored.startsWith("sha1$")) {
    const [, salt, hex] = stored.split("$");
    if (salt === undefined || hex === undefined) return false;
    return constantTimeEqual(createHash("sha1").update(salt + secret).digest("hex"), hex.toLowerCase());
  }
  // Django's argon2 hashers prefix a standard PHC string with their own name.
  let phc = stored;
  if (stored.startsWith("weakargon2$")) phc = stored.slice("weakargon2".length);
  else if (stored.startsWith("argon2$")) phc = stored.slice("argon2".length);
  if (!phc.startsWith("$argon2")) return false;
  try {
    // Bun compares the derived hash in constant time.
    return await Bun.password.verify(secret, phc);
  } catch {
    return false;
  }
}

/** Account API tokens: 256 random bits behind a recognisable prefix, so a password field can carry one. */
export const API_TOKEN_PREFIX = "updns_";

export function generateApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** Tokens are long and random: SHA-256 is enough to store them (lookup by hash, no salt needed). */
export function hashApiToken(token: string): string {
  return sha256(token);
}

export const looksLikeApiToken = (s: string): boolean => s.startsWith(API_TOKEN_PREFIX) && s.length >= API_TOKEN_PREFIX.length + 40;
