// Login passwords: argon2id through Bun.password (parameters in core/admin/users.ts, OWASP's 19 MiB, t=2).
// Verification also says when a stored hash was made with older parameters, so login can rehash it.
import { pbkdf2Sync, timingSafeEqual } from "node:crypto";
import { hashPassword } from "../core/index.ts";

export { hashPassword };

/** The parameters hashPassword uses today, as they appear in the PHC string. */
const CURRENT_PARAMS = "$argon2id$v=19$m=19456,t=2,p=1$";

// A hash of a random password, verified when the account does not exist, so that "no such user" takes as
// long as "wrong password" and the answer time does not tell which accounts exist.
let dummyHash: Promise<string> | null = null;

export interface PasswordCheck {
  ok: boolean;
  /** The hash was made with other parameters (or another algorithm): store a fresh one. */
  needsRehash: boolean;
}

export async function verifyPassword(password: string, storedHash: string): Promise<PasswordCheck> {
  // "" means an account that signs in only through OAuth: no password can match.
  if (!storedHash) {
    await burnTime(password);
    return { ok: false, needsRehash: false };
  }
  let ok = false;
  try {
    ok = storedHash.startsWith("pbkdf2_") ? verifyDjangoPbkdf2(password, storedHash) : await Bun.password.verify(password, phcOf(storedHash));
  } catch {
    ok = false; // an unreadable hash is a failed login, not a crash
  }
  return { ok, needsRehash: ok && !storedHash.startsWith(CURRENT_PARAMS) };
}

/**
 * Hashes imported from nsupdate.info (Django) are verified as they are, so people keep their passwords; a
 * successful login then stores ours. Django's Argon2 hasher writes its name before a standard PHC string.
 */
function phcOf(stored: string): string {
  return stored.startsWith("argon2$argon2") ? stored.slice("argon2".length) : stored;
}

/** Django's PBKDF2 hashers: pbkdf2_sha256$<iterations>$<salt>$<base64 hash> (and the older sha1 variant). */
function verifyDjangoPbkdf2(password: string, stored: string): boolean {
  const [alg, iterations, salt, hash] = stored.split("$");
  const digest = alg === "pbkdf2_sha256" ? "sha256" : alg === "pbkdf2_sha1" ? "sha1" : null;
  const n = Number(iterations);
  if (!digest || !salt || !hash || !Number.isInteger(n) || n < 1 || n > 10_000_000) return false;
  const expected = Buffer.from(hash, "base64");
  const actual = pbkdf2Sync(password, salt, n, expected.length || 32, digest);
  return expected.length > 0 && actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Spends the time of one verification on nothing (for unknown accounts). */
export async function burnTime(password: string): Promise<void> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  await Bun.password.verify(password, await dummyHash).catch(() => false);
}
