// Single-use e-mail tokens: hashed at rest, newest link only, used once (also when the use fails halfway), expiry.
import { describe, expect, test } from "bun:test";
import { openDatabase, userTokens, users } from "../../src/db/index.ts";
import { consumeToken, issueToken, peekToken, sha256Hex, deleteExpiredTokens } from "../../src/auth/index.ts";

function db() {
  const d = openDatabase(":memory:");
  const u = d.insert(users).values({ username: "a", email: "a@example.test" }).returning().get();
  return { d, uid: u.id };
}
const now = new Date("2026-11-26T12:00:00Z");

describe("e-mail tokens", () => {
  test("only the hash is stored; a token is used once", () => {
    const { d, uid } = db();
    const token = issueToken(d, { purpose: "reset_password", userId: uid }, now);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(d.select().from(userTokens).get()!.tokenHash).toBe(sha256Hex(token));
    expect(peekToken(d, "reset_password", token, now)).not.toBeNull();
    expect(consumeToken(d, "reset_password", token, now, () => "used")?.result).toBe("used");
    expect(consumeToken(d, "reset_password", token, now, () => "again")).toBeNull();
  });

  test("a token of one purpose does not work for another", () => {
    const { d, uid } = db();
    const token = issueToken(d, { purpose: "verify_email", userId: uid }, now);
    expect(consumeToken(d, "reset_password", token, now, () => 1)).toBeNull();
    expect(peekToken(d, "verify_email", token, now)).not.toBeNull();
  });

  test("a newer token for the same user and purpose revokes the older", () => {
    const { d, uid } = db();
    const old = issueToken(d, { purpose: "reset_password", userId: uid }, now);
    const fresh = issueToken(d, { purpose: "reset_password", userId: uid }, now);
    expect(peekToken(d, "reset_password", old, now)).toBeNull();
    expect(peekToken(d, "reset_password", fresh, now)).not.toBeNull();
  });

  test("expired tokens are refused and cleaned up", () => {
    const { d, uid } = db();
    const token = issueToken(d, { purpose: "reset_password", userId: uid }, now);
    const later = new Date(now.getTime() + 2 * 3600_000 + 1);
    expect(peekToken(d, "reset_password", token, later)).toBeNull();
    expect(consumeToken(d, "reset_password", token, later, () => 1)).toBeNull();
    issueToken(d, { purpose: "invitation", email: "x@example.test" }, now);
    expect(deleteExpiredTokens(d, new Date(now.getTime() + 15 * 86400_000))).toBe(1);
  });

  test("when the work done with a token fails, the token stays usable", () => {
    const { d, uid } = db();
    const token = issueToken(d, { purpose: "reset_password", userId: uid }, now);
    expect(() =>
      consumeToken(d, "reset_password", token, now, () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(peekToken(d, "reset_password", token, now)).not.toBeNull();
  });

  test("malformed tokens are not even looked up", () => {
    const { d } = db();
    expect(peekToken(d, "reset_password", "' OR 1=1 --", now)).toBeNull();
    expect(consumeToken(d, "reset_password", "", now, () => 1)).toBeNull();
  });
});
