// Links between accounts and OAuth/OIDC identities (provider + subject). An identity signs in exactly one
// account. A first sign-in joins an existing account by e-mail address only when both sides have verified
// that address (see accountWithVerifiedEmail); otherwise linking is done by a signed-in person from their
// settings page.
import { and, eq, sql } from "drizzle-orm";
import { oauthIdentities, users, type Db } from "../db/index.ts";
import { ValidationError, type User } from "../core/index.ts";
import type { ExternalIdentity } from "./oauth.ts";

export type Identity = typeof oauthIdentities.$inferSelect;

export function findIdentityUser(db: Db, provider: string, subject: string): User | null {
  const row = db
    .select()
    .from(oauthIdentities)
    .innerJoin(users, eq(oauthIdentities.userId, users.id))
    .where(and(eq(oauthIdentities.provider, provider), eq(oauthIdentities.subject, subject)))
    .get();
  return row?.users ?? null;
}

export function listIdentities(db: Db, userId: number): Identity[] {
  return db.select().from(oauthIdentities).where(eq(oauthIdentities.userId, userId)).orderBy(oauthIdentities.provider).all();
}

export function linkIdentity(db: Db, userId: number, identity: ExternalIdentity): void {
  const owner = findIdentityUser(db, identity.provider, identity.subject);
  if (owner && owner.id !== userId) throw new ValidationError("identity", "This sign-in is already linked to another account.");
  if (owner) return;
  db.insert(oauthIdentities).values({ userId, provider: identity.provider, subject: identity.subject }).run();
}

/**
 * The existing account a first sign-in with `identity` belongs to by its e-mail address, or null. Only when
 * the provider vouches for the address (`email_verified: true`; for GitHub its verified primary address)
 * AND exactly one account has confirmed the same address with us: trusting an unverified claim would let
 * anyone who types the victim's address at a provider take the account over, and trusting an unconfirmed
 * address here would hand the provider's user an account someone registered with their address beforehand.
 */
export function accountWithVerifiedEmail(db: Db, identity: ExternalIdentity): User | null {
  if (!identity.emailVerified || identity.email === "") return null;
  const found = db
    .select()
    .from(users)
    .where(and(eq(sql`lower(${users.email})`, identity.email.toLowerCase()), eq(users.emailVerified, true)))
    .limit(2)
    .all();
  return found.length === 1 ? found[0] : null;
}

/** Unlinking the last way to sign in would lock the person out, so it is refused. */
export function unlinkIdentity(db: Db, user: User, identityId: number): void {
  const mine = listIdentities(db, user.id);
  if (!mine.some((i) => i.id === identityId)) throw new ValidationError("identity", "No such linked sign-in.");
  if (!user.passwordHash && mine.length === 1) throw new ValidationError("identity", "Set a password first: this is your only way to sign in.");
  db.delete(oauthIdentities).where(and(eq(oauthIdentities.id, identityId), eq(oauthIdentities.userId, user.id))).run();
}

/** A username for a new account from the provider's suggestion: cleaned and made unique ("alice", "alice2", ...). */
export function freeUsername(db: Db, suggestion: string): string {
  let base = suggestion.replace(/[^A-Za-z0-9_.@+-]/g, "").slice(0, 140) || "user";
  for (let i = 1; i <= 1000; i++) {
    const name = i === 1 ? base : `${base}${i}`;
    if (!db.select({ id: users.id }).from(users).where(eq(sql`lower(${users.username})`, name.toLowerCase())).get()) return name;
  }
  base = `user${Date.now()}`;
  return base;
}

/**
 * A new account for a first-time OAuth sign-in (only where registration is open). No password: the account
 * signs in through the provider until its owner sets one. The address counts as verified only when the
 * provider says so and no other account uses it.
 */
export function createUserFromIdentity(db: Db, identity: ExternalIdentity): User {
  return db.transaction((tx) => {
    const emailInUse =
      identity.email !== "" && Boolean(tx.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, identity.email.toLowerCase())).get());
    if (emailInUse) throw new ValidationError("email", "An account with this e-mail address exists already. Sign in with it and link this sign-in from your settings.");
    const user = tx
      .insert(users)
      .values({ username: freeUsername(tx as unknown as Db, identity.preferredUsername), email: identity.email, emailVerified: identity.emailVerified && identity.email !== "" })
      .returning()
      .get();
    tx.insert(oauthIdentities).values({ userId: user.id, provider: identity.provider, subject: identity.subject }).run();
    return user;
  });
}
