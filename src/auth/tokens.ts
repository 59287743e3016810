// Single-use tokens sent by e-mail (address verification, password reset, invitations). Same shape as
// sessions: 256 random bits in the link, SHA-256 of it in user_tokens. A token is deleted in the same
// transaction that uses it (the Copenhagen Book), so a link works exactly once, even when two requests race.
import { and, eq, lt } from "drizzle-orm";
import { userTokens, type Db } from "../db/index.ts";
import { randomToken, sha256Hex } from "./crypto.ts";

export type TokenPurpose = "verify_email" | "reset_password" | "invitation";

/** How long each kind of link works. A reset link is short-lived because it is as good as a password. */
export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  verify_email: 7 * 86400_000, // the baseline's ACCOUNT_ACTIVATION_DAYS
  reset_password: 2 * 3600_000,
  invitation: 14 * 86400_000,
};

export type UserToken = typeof userTokens.$inferSelect;

export interface IssueTokenInput {
  purpose: TokenPurpose;
  userId?: number | null;
  /** The address the link goes to (for verify_email: the address being verified). */
  email?: string;
}

/** A new token; earlier unused tokens of the same purpose for the same user are revoked (only the newest link works). */
export function issueToken(db: Db, input: IssueTokenInput, now: Date): string {
  const token = randomToken();
  db.transaction((tx) => {
    if (input.userId != null) tx.delete(userTokens).where(and(eq(userTokens.userId, input.userId), eq(userTokens.purpose, input.purpose))).run();
    tx.insert(userTokens)
      .values({
        tokenHash: sha256Hex(token),
        purpose: input.purpose,
        userId: input.userId ?? null,
        email: input.email ?? "",
        expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS[input.purpose]),
      })
      .run();
  });
  return token;
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The token's row if it is valid now, without using it (to decide whether to show a form). */
export function peekToken(db: Db, purpose: TokenPurpose, token: string, now: Date): UserToken | null {
  if (!TOKEN_SHAPE.test(token)) return null;
  const row = db.select().from(userTokens).where(and(eq(userTokens.tokenHash, sha256Hex(token)), eq(userTokens.purpose, purpose))).get();
  if (!row || row.usedAt || row.expiresAt.getTime() <= now.getTime()) return null;
  return row;
}

/**
 * Uses a token: deletes it and returns its row, or null when it is unknown, expired or already used. Pass
 * `use` to run more writes in the same transaction (e.g. setting the new password): if it throws, the
 * token is kept and the error goes up.
 */
export function consumeToken<T>(db: Db, purpose: TokenPurpose, token: string, now: Date, use: (row: UserToken, tx: Db) => T): { row: UserToken; result: T } | null {
  if (!TOKEN_SHAPE.test(token)) return null;
  return db.transaction((tx) => {
    const row = tx
      .delete(userTokens)
      .where(and(eq(userTokens.tokenHash, sha256Hex(token)), eq(userTokens.purpose, purpose)))
      .returning()
      .get();
    if (!row || row.usedAt || row.expiresAt.getTime() <= now.getTime()) return null;
    return { row, result: use(row, tx as unknown as Db) };
  });
}

/** For the clean-up job. */
export function deleteExpiredTokens(db: Db, now: Date): number {
  return db.delete(userTokens).where(lt(userTokens.expiresAt, now)).returning({ id: userTokens.id }).all().length;
}
