// Small, explicit building blocks every auth module uses: random tokens, hashing, constant-time compare,
// and the server's own secret key for HMACs (CSRF tokens, signed cookies).
import { createHash, createHmac, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { settings, type Db } from "../db/index.ts";
import { constantTimeEqual } from "../core/index.ts";

/**
 * A random token of 256 bits as base64url (43 characters). The Copenhagen Book asks for at least 112 bits;
 * 256 lets us store a plain SHA-256 of it (no salt, no slow hash needed: nobody can guess a 2^256 input).
 */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

export function sha256Hex(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

export function hmacHex(key: Buffer, message: string): string {
  return createHmac("sha256", key).update(message).digest("hex");
}

/** One constant-time compare for the whole server (it hides the lengths too): core's, which the update secrets use. */
export { constantTimeEqual };

const SERVER_KEY = "web_hmac_key";

/**
 * The server's HMAC key, created once and kept in the settings table so that CSRF tokens and signed cookies
 * survive a restart. Whoever can read the database can forge them, but such a person can already do anything.
 */
export function serverKey(db: Db): Buffer {
  const row = db.select().from(settings).where(eq(settings.key, SERVER_KEY)).get();
  if (row) return Buffer.from(row.value, "hex");
  const key = randomBytes(32).toString("hex");
  // INSERT OR IGNORE: two processes starting at once must end up with the same key.
  db.insert(settings).values({ key: SERVER_KEY, value: key }).onConflictDoNothing().run();
  return Buffer.from(db.select().from(settings).where(eq(settings.key, SERVER_KEY)).get()!.value, "hex");
}

/** "value.signature": a value the browser keeps for us and cannot change without us noticing. */
export function sign(key: Buffer, purpose: string, value: string): string {
  return `${value}.${hmacHex(key, `${purpose}:${value}`)}`;
}

/** The value of a signed string, or null when the signature does not match. */
export function unsign(key: Buffer, purpose: string, signed: string): string | null {
  const dot = signed.lastIndexOf(".");
  if (dot < 0) return null;
  const value = signed.slice(0, dot);
  return constantTimeEqual(signed.slice(dot + 1), hmacHex(key, `${purpose}:${value}`)) ? value : null;
}
