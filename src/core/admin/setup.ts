// First run: with no staff account, a one-time setup token lets the person who reads the log create one.
import { and, eq, isNull } from "drizzle-orm";
import { createHash, randomBytes } from "node:crypto";
import { userTokens, type Db } from "../../db/index.ts";
import { createUser, hasStaff, type User } from "./users.ts";
import { ValidationError } from "./names.ts";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** A new setup token (older unused ones are revoked), or null when a staff account exists. */
export function issueSetupToken(db: Db, now = new Date()): string | null {
  if (hasStaff(db)) return null;
  const token = randomBytes(24).toString("base64url");
  db.transaction((tx) => {
    tx.delete(userTokens).where(and(eq(userTokens.purpose, "setup"), isNull(userTokens.usedAt))).run();
    tx.insert(userTokens).values({ tokenHash: sha256(token), purpose: "setup", expiresAt: new Date(now.getTime() + 7 * 86400_000) }).run();
  });
  return token;
}

export function setupTokenValid(db: Db, token: string, now = new Date()): boolean {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return false;
  const row = db.select().from(userTokens).where(and(eq(userTokens.tokenHash, sha256(token)), eq(userTokens.purpose, "setup"))).get();
  return Boolean(row && !row.usedAt && row.expiresAt.getTime() > now.getTime() && !hasStaff(db));
}

/** Uses the token (once) to create the first staff account. */
export async function completeSetup(db: Db, token: string, input: { username: string; email: string; password: string }, now = new Date()): Promise<User> {
  if (!setupTokenValid(db, token, now)) throw new ValidationError("token", "this setup link is invalid or was already used");
  // Mark used first, atomically, so two submissions racing cannot both succeed.
  const used = db
    .update(userTokens)
    .set({ usedAt: now })
    .where(and(eq(userTokens.tokenHash, sha256(token)), isNull(userTokens.usedAt)))
    .returning()
    .all();
  if (used.length !== 1) throw new ValidationError("token", "this setup link is invalid or was already used");
  try {
    return await createUser(db, { ...input, staff: true });
  } catch (e) {
    // A typo in the form must not burn the link.
    db.update(userTokens).set({ usedAt: null }).where(eq(userTokens.tokenHash, sha256(token))).run();
    throw e;
  }
}
