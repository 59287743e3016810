// Login passwords: argon2id through Bun.password (parameters in core/admin/users.ts, OWASP's 19 MiB, t=2).
// Verification also says when a stored hash was made with older parameters, so login can rehash it.
import { hashPassword } from "../core/admin/users.ts";

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
    ok = await Bun.password.verify(password, storedHash);
  } catch {
    ok = false; // an unreadable hash is a failed login, not a crash
  }
  return { ok, needsRehash: ok && !storedHash.startsWith(CURRENT_PARAMS) };
}

/** Spends the time of one verification on nothing (for unknown accounts). */
export async function burnTime(password: string): Promise<void> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  await Bun.password.verify(password, await dummyHash).catch(() => false);
}
