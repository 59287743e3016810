// Account use cases behind the web pages and the CLI: sign-up, password login, password change and
// reset, e-mail change, deletion, and what staff do to other accounts. No HTTP here: callers pass plain
// values and get a User or a ValidationError whose message is shown to the person.
import { and, eq, lt, ne, or, sql } from "drizzle-orm";
import { resolve4, resolve6, resolveMx } from "node:dns/promises";
import { apiTokens, users, type Db } from "../db/index.ts";
import { validateEmail, validatePassword, validateUsername, ValidationError, type User } from "../core/index.ts";
import { hashPassword, verifyPassword, burnTime } from "./password.ts";
import { invalidateUserSessions } from "./session.ts";
import { LANGUAGE_CODES } from "../i18n/index.ts";

export { ValidationError };

export type RegistrationMode = "open" | "closed" | "invitation";

export interface EmailPolicy {
  /** Regular expressions (searched, not anchored); a matching address may not sign up. */
  blacklist: string[];
  /** When set, the domain must have an MX (or, failing that, an A/AAAA) record that is not loopback. */
  checkDomain?: (domain: string) => Promise<boolean>;
}

/** nsupdate.info's check (spec §5.3): an MX host, or the domain itself, resolving to a usable address. */
export async function emailDomainResolves(domain: string): Promise<boolean> {
  const usable = (addrs: string[]) => addrs.some((a) => !["127.0.0.1", "::1", "0.0.0.0", "::"].includes(a));
  const addresses = async (name: string) => [...(await resolve4(name).catch(() => [])), ...(await resolve6(name).catch(() => []))];
  const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), 5000));
  const check = (async () => {
    const mx = await resolveMx(domain).catch(() => []);
    for (const m of mx.sort((a, b) => a.priority - b.priority).slice(0, 5)) if (usable(await addresses(m.exchange))) return true;
    return mx.length === 0 && usable(await addresses(domain));
  })();
  return Promise.race([check, timeout]);
}

async function checkEmailPolicy(email: string, policy: EmailPolicy): Promise<void> {
  const bad = () => new ValidationError("email", "Enter a valid e-mail address.");
  for (const re of policy.blacklist) {
    let matches = false;
    try {
      matches = new RegExp(re, "i").test(email);
    } catch {
      continue; // a broken pattern in the config must not block every sign-up
    }
    if (matches) throw bad();
  }
  if (policy.checkDomain && !(await policy.checkDomain(email.slice(email.lastIndexOf("@") + 1)))) throw bad();
}

function emailTaken(db: Db, email: string, exceptUserId?: number): boolean {
  const cond = eq(sql`lower(${users.email})`, email.toLowerCase());
  return Boolean(db.select({ id: users.id }).from(users).where(exceptUserId ? and(cond, ne(users.id, exceptUserId)) : cond).get());
}

function usernameTaken(db: Db, username: string): boolean {
  return Boolean(db.select({ id: users.id }).from(users).where(eq(sql`lower(${users.username})`, username.toLowerCase())).get());
}

export interface RegisterInput {
  username: string;
  email: string;
  password: string;
  password2: string;
}

/**
 * Creates an account whose e-mail address is not yet verified (it cannot sign in until it is), unless
 * `emailVerified` says the address is already known to work (an invitation mailed to it).
 */
export async function registerAccount(db: Db, input: RegisterInput, policy: EmailPolicy, emailVerified = false): Promise<User> {
  const username = validateUsername(input.username);
  const email = validateEmail(input.email);
  if (!email) throw new ValidationError("email", "An e-mail address is required.");
  validatePassword(input.password);
  if (input.password !== input.password2) throw new ValidationError("password2", "The two passwords differ.");
  if (usernameTaken(db, username)) throw new ValidationError("username", "This username is taken.");
  await checkEmailPolicy(email, policy);
  // Saying "this address has an account" would let anyone test addresses; but a second account for the
  // same address would break login by e-mail and password reset. The baseline says it too; we keep it.
  if (emailTaken(db, email)) throw new ValidationError("email", "An account with this e-mail address exists already.");
  const passwordHash = await hashPassword(input.password);
  return db.insert(users).values({ username, email, passwordHash, emailVerified }).returning().get();
}

export function markEmailVerified(db: Db, userId: number, email: string): User | null {
  // The address must still be free: another account may have taken it while the mail was on its way.
  if (emailTaken(db, email, userId)) return null;
  return db.update(users).set({ email, emailVerified: true }).where(eq(users.id, userId)).returning().get() ?? null;
}

export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: "credentials" | "unverified" | "inactive"; user: User | null };

export function findLoginUser(db: Db, identifier: string): User | null {
  const id = identifier.trim().toLowerCase();
  if (!id) return null;
  // Username first, then e-mail: a username may look like an address ("@" is allowed in usernames).
  return (
    db.select().from(users).where(eq(sql`lower(${users.username})`, id)).get() ??
    db.select().from(users).where(eq(sql`lower(${users.email})`, id)).get() ??
    null
  );
}

/**
 * Checks a username-or-e-mail and password. The same work is done whether or not the account exists. A hash
 * made with older parameters is replaced on success. Does not count failures: that is throttle.ts's job.
 */
export async function checkPasswordLogin(db: Db, user: User | null, password: string, now: Date): Promise<LoginResult> {
  if (!user) {
    await burnTime(password);
    return { ok: false, reason: "credentials", user: null };
  }
  const check = await verifyPassword(password, user.passwordHash);
  if (!check.ok) return { ok: false, reason: "credentials", user };
  // Only after the password matched do we say why an account cannot sign in: otherwise the answer would
  // tell strangers which accounts exist.
  if (!user.isActive) return { ok: false, reason: "inactive", user };
  if (!user.emailVerified) return { ok: false, reason: "unverified", user };
  const set: Partial<User> = { lastLogin: now };
  if (check.needsRehash) set.passwordHash = await hashPassword(password);
  db.update(users).set(set).where(eq(users.id, user.id)).run();
  return { ok: true, user: { ...user, ...set } };
}

/**
 * Deletes every API token of an account. Tokens are credentials of their own (update clients keep them for
 * months), so signing out sessions does not end them; a password reset must, or whoever took over the
 * account keeps a door open. Returns how many were revoked.
 */
export function revokeAllApiTokens(db: Db, userId: number): number {
  return db.delete(apiTokens).where(eq(apiTokens.userId, userId)).returning({ id: apiTokens.id }).all().length;
}

/**
 * Password change: needs the current password; every other session of the user ends, this one stays. The API
 * tokens stay unless the user asks to revoke them too (a change is routine; a reset is not, see below).
 */
export async function changePassword(
  db: Db,
  user: User,
  current: string,
  next: string,
  next2: string,
  keepSessionIdHash: string,
  opts: { revokeApiTokens?: boolean } = {},
): Promise<{ revokedTokens: number }> {
  // An OAuth-only account has no current password; it may set a first one.
  if (user.passwordHash && !(await verifyPassword(current, user.passwordHash)).ok) throw new ValidationError("current", "The current password is wrong.");
  validatePassword(next);
  if (next !== next2) throw new ValidationError("password2", "The two passwords differ.");
  const passwordHash = await hashPassword(next);
  return db.transaction((tx) => {
    tx.update(users).set({ passwordHash }).where(eq(users.id, user.id)).run();
    invalidateUserSessions(tx as unknown as Db, user.id, keepSessionIdHash);
    return { revokedTokens: opts.revokeApiTokens ? revokeAllApiTokens(tx as unknown as Db, user.id) : 0 };
  });
}

/** Validates a new password pair and hashes it (before the reset token is used, hashing being async). */
export async function newPasswordHash(next: string, next2: string): Promise<string> {
  validatePassword(next);
  if (next !== next2) throw new ValidationError("password2", "The two passwords differ.");
  return hashPassword(next);
}

/**
 * Sets a password from a reset link (the forgotten-password path): all sessions end and all API tokens are
 * revoked — a reset is what someone does when the account may be in other hands, and whoever knew the old
 * password may have made a token with it. The caller runs this inside the transaction that uses the link.
 */
export function setPasswordHash(db: Db, userId: number, passwordHash: string): { revokedTokens: number } {
  db.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
  invalidateUserSessions(db, userId);
  const revokedTokens = revokeAllApiTokens(db, userId);
  // Following a link mailed to the address proves the address works.
  db.update(users).set({ emailVerified: true }).where(eq(users.id, userId)).run();
  return { revokedTokens };
}

/** Checks a requested new e-mail address; the change happens only when its verification link is followed. */
export async function checkNewEmail(db: Db, user: User, email: string, policy: EmailPolicy): Promise<string> {
  const e = validateEmail(email);
  if (!e) throw new ValidationError("email", "An e-mail address is required.");
  await checkEmailPolicy(e, policy);
  if (emailTaken(db, e, user.id)) throw new ValidationError("email", "An account with this e-mail address exists already.");
  return e;
}

/** "" follows the browser (cookie of the language menu, then Accept-Language); else one of src/i18n's languages. */
export const LANGUAGES: readonly string[] = ["", ...LANGUAGE_CODES];

export function setLanguage(db: Db, userId: number, language: string): void {
  if (!LANGUAGES.includes(language)) throw new ValidationError("language", "Unknown language.");
  db.update(users).set({ language }).where(eq(users.id, userId)).run();
}

/** Called before an account's rows go, so that its hosts' DNS records can be removed (main.ts wires it). */
export type UserDeleteHook = (userId: number) => Promise<void>;

/**
 * Deletes an account and, through the database's ON DELETE CASCADE, its hosts, domains, tokens, sessions and
 * identities. The hook runs first: once the rows are gone nobody knows which records were the user's.
 */
export async function deleteAccount(db: Db, userId: number, hook?: UserDeleteHook): Promise<void> {
  if (hook) await hook(userId);
  db.delete(users).where(eq(users.id, userId)).run();
}

/** Self-service deletion: the password confirms it; a deactivated account may not delete itself (baseline anti-abuse rule). */
export async function deleteOwnAccount(db: Db, user: User, confirmation: string, hook?: UserDeleteHook): Promise<void> {
  if (!user.isActive) throw new ValidationError("account", "A deactivated account cannot be deleted by its owner.");
  const ok = user.passwordHash ? (await verifyPassword(confirmation, user.passwordHash)).ok : confirmation === user.username;
  if (!ok) throw new ValidationError("confirm", user.passwordHash ? "The password is wrong." : "Type your username to confirm.");
  await deleteAccount(db, user.id, hook);
}

/**
 * For the clean-up job: accounts that signed up but never confirmed their address within `maxAgeMs` (the
 * link's lifetime) are removed, so a typo'd or hostile sign-up does not hold a username for ever. Accounts
 * from OAuth (no password) and accounts that ever signed in are left alone.
 */
export function deleteUnverifiedAccounts(db: Db, now: Date, maxAgeMs = 7 * 86400_000): number {
  return db
    .delete(users)
    .where(and(eq(users.emailVerified, false), sql`${users.lastLogin} IS NULL`, ne(users.passwordHash, ""), lt(users.dateJoined, new Date(now.getTime() - maxAgeMs))))
    .returning({ id: users.id })
    .all().length;
}

// ---- what staff do to other accounts (web admin and CLI) ----

export function getUser(db: Db, id: number): User | null {
  return db.select().from(users).where(eq(users.id, id)).get() ?? null;
}

/** Deactivating ends the user's sessions at once; a deactivated user cannot sign in. */
export function setActive(db: Db, userId: number, active: boolean): void {
  db.update(users).set({ isActive: active }).where(eq(users.id, userId)).run();
  if (!active) invalidateUserSessions(db, userId);
}

/**
 * Granting or taking staff rights ends the user's sessions: a privilege change gets a fresh session
 * (the "rotated on privilege change"), and a revoked right must not linger in an open browser.
 */
export function setStaff(db: Db, userId: number, staff: boolean): void {
  db.update(users).set({ isStaff: staff, isSuperuser: staff }).where(eq(users.id, userId)).run();
  invalidateUserSessions(db, userId);
}

export interface UserPage {
  users: User[];
  total: number;
}

export function searchUsers(db: Db, query: string, offset: number, limit: number): UserPage {
  const q = `%${query.trim().toLowerCase().replace(/[\\%_]/g, (c) => "\\" + c)}%`;
  const where = query.trim() ? or(sql`lower(${users.username}) LIKE ${q} ESCAPE '\\'`, sql`lower(${users.email}) LIKE ${q} ESCAPE '\\'`) : undefined;
  const total = db.select({ n: sql<number>`count(*)` }).from(users).where(where).get()!.n;
  const rows = db.select().from(users).where(where).orderBy(users.username).limit(limit).offset(offset).all();
  return { users: rows, total };
}
