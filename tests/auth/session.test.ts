// Sessions as a unit: hashed ids, sliding expiry written at most hourly, deactivated users, clean-up.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { openDatabase, sessions, users } from "../../src/db/index.ts";
import { sessionData, updateSessionData, createSession, validateSessionToken, deleteExpiredSessions, invalidateUserSessions, sha256Hex, SHORT_IDLE_MS, REFRESH_MS } from "../../src/auth/index.ts";

const t0 = new Date("2026-11-26T12:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

function setup() {
  const db = openDatabase(":memory:");
  const u = db.insert(users).values({ username: "a" }).returning().get();
  return { db, uid: u.id };
}

describe("sessions", () => {
  test("the token is 256 random bits; the database holds its SHA-256 only", () => {
    const { db, uid } = setup();
    const { token, session } = createSession(db, uid, false, t0);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.idHash).toBe(sha256Hex(token));
    expect(validateSessionToken(db, token, t0)?.user.id).toBe(uid);
    expect(validateSessionToken(db, session.idHash, t0)).toBeNull();
  });

  test("expiry slides, but the row is written at most once per hour", () => {
    const { db, uid } = setup();
    const { token } = createSession(db, uid, false, t0);
    const v1 = validateSessionToken(db, token, at(REFRESH_MS - 1))!;
    expect(v1.refreshed).toBe(false);
    expect(v1.session.expiresAt.getTime()).toBe(t0.getTime() + SHORT_IDLE_MS);
    const v2 = validateSessionToken(db, token, at(REFRESH_MS))!;
    expect(v2.refreshed).toBe(true);
    expect(db.select().from(sessions).get()!.expiresAt.getTime()).toBe(t0.getTime() + REFRESH_MS + SHORT_IDLE_MS);
  });

  test("an expired session is refused and deleted; so is one of a deactivated user", () => {
    const { db, uid } = setup();
    const a = createSession(db, uid, false, t0);
    expect(validateSessionToken(db, a.token, at(SHORT_IDLE_MS))).toBeNull();
    expect(db.select().from(sessions).all()).toHaveLength(0);
    const b = createSession(db, uid, true, t0);
    db.update(users).set({ isActive: false }).where(eq(users.id, uid)).run();
    expect(validateSessionToken(db, b.token, t0)).toBeNull();
  });

  test("ending a user's sessions can keep the current one; the clean-up removes expired rows", () => {
    const { db, uid } = setup();
    const keep = createSession(db, uid, false, t0);
    const other = createSession(db, uid, false, t0);
    invalidateUserSessions(db, uid, keep.session.idHash);
    expect(validateSessionToken(db, keep.token, t0)).not.toBeNull();
    expect(validateSessionToken(db, other.token, t0)).toBeNull();
    createSession(db, uid, false, t0);
    expect(deleteExpiredSessions(db, at(SHORT_IDLE_MS + 1))).toBe(2);
  });

  test("the session's data bag merges, removes keys set to undefined, and survives a reload", () => {
    const { db, uid } = setup();
    const { token, session } = createSession(db, uid, false, t0);
    expect(sessionData(session)).toEqual({});
    updateSessionData(db, session, { ipv4: "192.0.2.1", ipv6: "2001:db8::1" });
    updateSessionData(db, session, { ipv6: undefined });
    expect(sessionData(validateSessionToken(db, token, t0)!.session)).toEqual({ ipv4: "192.0.2.1" });
    expect(() => updateSessionData(db, session, { big: "x".repeat(5000) })).toThrow("4 KiB");
  });
});
