// Account use cases without HTTP: login checks (and rehash), self-deletion rules, identities.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { openDatabase, users } from "../../src/db/index.ts";
import { accountWithVerifiedEmail, deleteUnverifiedAccounts, checkPasswordLogin, createUserFromIdentity, deleteOwnAccount, findLoginUser, freeUsername, linkIdentity, unlinkIdentity, listIdentities, registerAccount } from "../../src/auth/index.ts";

const now = new Date("2026-11-26T12:00:00Z");

describe("accounts", () => {
  test("a hash with old parameters is replaced at login", async () => {
    const db = openDatabase(":memory:");
    const old = await Bun.password.hash("pw-1234567890", { algorithm: "argon2id", memoryCost: 4096, timeCost: 1 });
    db.insert(users).values({ username: "a", email: "a@example.test", passwordHash: old, emailVerified: true }).run();
    const r = await checkPasswordLogin(db, findLoginUser(db, "A@EXAMPLE.TEST"), "pw-1234567890", now);
    expect(r.ok).toBe(true);
    const row = db.select().from(users).get()!;
    expect(row.passwordHash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$")).toBe(true);
    expect(row.lastLogin?.getTime()).toBe(now.getTime());
  });

  test("the reason a login fails is told only after the password matched", async () => {
    const db = openDatabase(":memory:");
    const u = await registerAccount(db, { username: "b", email: "b@example.test", password: "pw-1234567890", password2: "pw-1234567890" }, { blacklist: [] });
    expect((await checkPasswordLogin(db, u, "wrong", now)).ok).toBe(false);
    expect(await checkPasswordLogin(db, u, "wrong", now)).toMatchObject({ reason: "credentials" });
    expect(await checkPasswordLogin(db, u, "pw-1234567890", now)).toMatchObject({ reason: "unverified" });
    db.update(users).set({ isActive: false }).where(eq(users.id, u.id)).run();
    expect(await checkPasswordLogin(db, findLoginUser(db, "b"), "pw-1234567890", now)).toMatchObject({ reason: "inactive" });
  });

  test("the e-mail blacklist and the domain check refuse addresses with the baseline's message", async () => {
    const db = openDatabase(":memory:");
    const input = { username: "c", email: "c@spam.example", password: "pw-1234567890", password2: "pw-1234567890" };
    await expect(registerAccount(db, input, { blacklist: ["@spam\\.example$"] })).rejects.toThrow("Enter a valid e-mail address.");
    await expect(registerAccount(db, input, { blacklist: [], checkDomain: async () => false })).rejects.toThrow("Enter a valid e-mail address.");
    expect((await registerAccount(db, input, { blacklist: ["["], checkDomain: async (d) => d === "spam.example" })).username).toBe("c");
  });

  test("a deactivated account cannot delete itself; the hook runs before the rows go", async () => {
    const db = openDatabase(":memory:");
    const u = await registerAccount(db, { username: "d", email: "d@example.test", password: "pw-1234567890", password2: "pw-1234567890" }, { blacklist: [] });
    const seen: (string | undefined)[] = [];
    const hook = async (id: number) => void seen.push(db.select().from(users).where(eq(users.id, id)).get()?.username);
    await expect(deleteOwnAccount(db, { ...u, isActive: false }, "pw-1234567890", hook)).rejects.toThrow("deactivated");
    await deleteOwnAccount(db, u, "pw-1234567890", hook);
    expect(seen).toEqual(["d"]);
    expect(db.select().from(users).all()).toHaveLength(0);
  });

  test("identities: unique usernames, no unlinking of the only way in", () => {
    const db = openDatabase(":memory:");
    db.insert(users).values({ username: "eve" }).run();
    expect(freeUsername(db, "Eve")).toBe("Eve2");
    expect(freeUsername(db, "<b>bad</b>")).toBe("bbadb");
    const u = createUserFromIdentity(db, { provider: "oidc", subject: "s1", email: "e@example.test", emailVerified: false, preferredUsername: "eve" });
    expect(u.username).toBe("eve2");
    expect(u.emailVerified).toBe(false);
    const [id] = listIdentities(db, u.id);
    expect(() => unlinkIdentity(db, u, id.id)).toThrow("Set a password first");
    linkIdentity(db, u.id, { provider: "gitlab", subject: "g1", email: "", emailVerified: false, preferredUsername: "" });
    unlinkIdentity(db, u, id.id);
    expect(listIdentities(db, u.id).map((i) => i.provider)).toEqual(["gitlab"]);
  });

  test("a first sign-in belongs to an existing account by e-mail only when the provider and the account both verified it, and one account has it", () => {
    const db = openDatabase(":memory:");
    db.insert(users).values({ username: "vic", email: "Vic@Example.test", emailVerified: true }).run();
    db.insert(users).values({ username: "una", email: "una@example.test", emailVerified: false }).run();
    const identity = (email: string, emailVerified: boolean) => ({ provider: "oidc" as const, subject: "s", email, emailVerified, preferredUsername: "" });
    expect(accountWithVerifiedEmail(db, identity("vic@example.TEST", true))?.username).toBe("vic");
    expect(accountWithVerifiedEmail(db, identity("vic@example.test", false))).toBeNull();
    expect(accountWithVerifiedEmail(db, identity("una@example.test", true))).toBeNull();
    expect(accountWithVerifiedEmail(db, identity("", true))).toBeNull();
    // Two accounts with the same confirmed address (the database does not forbid it): neither is chosen.
    db.insert(users).values({ username: "vic2", email: "vic@example.test", emailVerified: true }).run();
    expect(accountWithVerifiedEmail(db, identity("vic@example.test", true))).toBeNull();
  });

  test("the clean-up removes sign-ups never confirmed within 7 days, nothing else", () => {
    const db = openDatabase(":memory:");
    const old = new Date(now.getTime() - 8 * 86400_000);
    db.insert(users).values({ username: "stale", passwordHash: "x", dateJoined: old }).run();
    db.insert(users).values({ username: "fresh", passwordHash: "x", dateJoined: now }).run();
    db.insert(users).values({ username: "oauth", passwordHash: "", dateJoined: old }).run();
    db.insert(users).values({ username: "ok", passwordHash: "x", emailVerified: true, dateJoined: old }).run();
    expect(deleteUnverifiedAccounts(db, now)).toBe(1);
    expect(db.select().from(users).all().map((u) => u.username).sort()).toEqual(["fresh", "oauth", "ok"]);
  });
});
