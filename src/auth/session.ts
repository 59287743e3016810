// Sessions, in the style of Lucia's auth_session.ts.
//
// Model: a session token is 256 random bits (base64url) that lives only in the browser's cookie; the
// database keeps SHA-256(token) as the session id (sessions.id_hash). Someone who reads the database cannot
// use what they read. Because the token is long and random, a lookup by its hash is safe (no timing leak
// that helps: the attacker would have to guess a SHA-256 pre-image).
//
// Two kinds (updns.md §3):
//   - short (plain login): a cookie without Max-Age (gone when the browser closes) and a server-side
//     expiry of SHORT_IDLE_MS after the last request, so a forgotten browser does not stay signed in for ever;
//   - long ("keep me logged in"): a cookie with Max-Age, server-side expiry LONG_IDLE_MS after the last request.
// Expiry slides, but the row is written at most once per REFRESH_MS (a page view must not be a DB write).
//
// Cookie: HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site POSTs), Secure when the
// request came over HTTPS, no Domain attribute (host-only: the ipv4./ipv6. names never see it), Path=/.
//
// CSRF PROTECTION IS STILL NEEDED because the token sits in a cookie: see csrf.ts; the web layer checks
// every state-changing request.
import { and, eq, lt, ne } from "drizzle-orm";
import { sessions, users, type Db } from "../db/index.ts";
import type { User } from "../core/index.ts";
import { randomToken, sha256Hex } from "./crypto.ts";

export const SESSION_COOKIE = "updns_session";
export const SHORT_IDLE_MS = 24 * 3600_000;
export const LONG_IDLE_MS = 30 * 86400_000;
export const REFRESH_MS = 3600_000;

export type Session = typeof sessions.$inferSelect;

export interface SessionWithToken {
  session: Session;
  /** The cookie value; shown to nobody else, never stored. */
  token: string;
}

export function createSession(db: Db, userId: number, longLived: boolean, now: Date): SessionWithToken {
  const token = randomToken();
  const session = db
    .insert(sessions)
    .values({
      idHash: sha256Hex(token),
      userId,
      longLived,
      expiresAt: new Date(now.getTime() + (longLived ? LONG_IDLE_MS : SHORT_IDLE_MS)),
      lastSeenAt: now,
    })
    .returning()
    .get();
  return { session, token };
}

export interface ValidSession {
  session: Session;
  user: User;
  /** The expiry moved: a long session's cookie should be sent again with a fresh Max-Age. */
  refreshed: boolean;
}

/** The session and its user for a cookie value, or null (unknown, expired, user gone or deactivated). */
export function validateSessionToken(db: Db, token: string, now: Date): ValidSession | null {
  // Anything that is not one of our tokens is not looked up at all.
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const idHash = sha256Hex(token);
  const row = db.select().from(sessions).innerJoin(users, eq(sessions.userId, users.id)).where(eq(sessions.idHash, idHash)).get();
  if (!row) return null;
  const { sessions: session, users: user } = row;
  if (session.expiresAt.getTime() <= now.getTime() || !user.isActive) {
    db.delete(sessions).where(eq(sessions.idHash, idHash)).run();
    return null;
  }
  let refreshed = false;
  if (now.getTime() - session.lastSeenAt.getTime() >= REFRESH_MS) {
    session.lastSeenAt = now;
    session.expiresAt = new Date(now.getTime() + (session.longLived ? LONG_IDLE_MS : SHORT_IDLE_MS));
    db.update(sessions).set({ lastSeenAt: session.lastSeenAt, expiresAt: session.expiresAt }).where(eq(sessions.idHash, idHash)).run();
    refreshed = true;
  }
  return { session, user, refreshed };
}

export function invalidateSession(db: Db, idHash: string): void {
  db.delete(sessions).where(eq(sessions.idHash, idHash)).run();
}

/** Ends every session of a user, or every one except `keepIdHash` (password change keeps the current one). */
export function invalidateUserSessions(db: Db, userId: number, keepIdHash?: string): void {
  db.delete(sessions)
    .where(keepIdHash ? and(eq(sessions.userId, userId), ne(sessions.idHash, keepIdHash)) : eq(sessions.userId, userId))
    .run();
}

/** For the clean-up job: removes expired rows; returns how many. */
export function deleteExpiredSessions(db: Db, now: Date): number {
  return db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.idHash }).all().length;
}

/** The session's small JSON bag (e.g. addresses the home page detected); {} when unreadable. */
export function sessionData(session: Session): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(session.data);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Merges `patch` into the session's bag (keys set to undefined are removed). Kept small: at most 4 KiB. */
export function updateSessionData(db: Db, session: Session, patch: Record<string, unknown>): void {
  const next = { ...sessionData(session), ...patch };
  for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
  const text = JSON.stringify(next);
  if (text.length > 4096) throw new Error("session data over 4 KiB");
  session.data = text;
  db.update(sessions).set({ data: text }).where(eq(sessions.idHash, session.idHash)).run();
}

export interface CookieOptions {
  secure: boolean;
}

/** The Set-Cookie value for a new or refreshed session. */
export function sessionCookie(token: string, longLived: boolean, opts: CookieOptions): string {
  const parts = [`${SESSION_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax"];
  if (longLived) parts.push(`Max-Age=${Math.floor(LONG_IDLE_MS / 1000)}`);
  if (opts.secure) parts.push("Secure");
  return parts.join("; ");
}

export function blankSessionCookie(opts: CookieOptions): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${opts.secure ? "; Secure" : ""}`;
}
