import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { clearVerifyCache, constantTimeEqual, generateApiToken, generateSecret, hashApiToken, hashChosenSecret, hashSecret, looksLikeApiToken, verifySecret } from "../../src/core/index.ts";

describe("update secrets (spec §8.1)", () => {
  test("generated secrets carry at least 128 bits and differ", () => {
    const a = generateSecret();
    expect(a.length * Math.log2(55)).toBeGreaterThanOrEqual(128);
    expect(a).toMatch(/^[abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789]+$/);
    expect(new Set(Array.from({ length: 50 }, generateSecret)).size).toBe(50);
  });

  test("generated secrets are stored as a salted HMAC-SHA256: fast, salted, and never the cleartext", async () => {
    const secret = generateSecret();
    const h = hashSecret(secret);
    expect(h).toMatch(/^\$hmac-sha256\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(h).not.toContain(secret);
    // A fresh salt each time: the same secret never stores the same way twice.
    expect(hashSecret(secret)).not.toBe(h);
    expect(await verifySecret(secret, h)).toEqual({ ok: true, needsRehash: false });
    expect(await verifySecret(secret + "x", h)).toEqual({ ok: false, needsRehash: false });
    expect((await verifySecret(secret.slice(1), h)).ok).toBe(false);
  });

  test("tampered or malformed keyed hashes never verify", async () => {
    const secret = generateSecret();
    const h = hashSecret(secret);
    const [, , salt, mac] = h.split("$");
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    for (const bad of [`$hmac-sha256$${flip(salt)}$${mac}`, `$hmac-sha256$${salt}$${flip(mac)}`, `$hmac-sha256$${salt}`, `$hmac-sha256$$${mac}`, `$hmac-sha256$${salt}$${mac}$`, "$hmac-sha256$"])
      expect(await verifySecret(secret, bad)).toEqual({ ok: false, needsRehash: false });
  });

  test("chosen secrets: argon2id with cheap parameters; verify true/false; no rehash needed", async () => {
    const h = await hashChosenSecret("s3cret");
    expect(h).toStartWith("$argon2id$v=19$m=1024,t=1,p=1$");
    expect(await verifySecret("s3cret", h)).toEqual({ ok: true, needsRehash: false });
    expect(await verifySecret("s3cret!", h)).toEqual({ ok: false, needsRehash: false });
    // The cache remembers only successes: still false, still true.
    expect((await verifySecret("s3cret!", h)).ok).toBe(false);
    expect((await verifySecret("s3cret", h)).ok).toBe(true);
  });

  test("imported formats verify and ask for a rehash", async () => {
    clearVerifyCache();
    const sha1 = `sha1$salt$${createHash("sha1").update("saltpw").digest("hex")}`;
    expect(await verifySecret("pw", sha1)).toEqual({ ok: true, needsRehash: true });
    expect((await verifySecret("px", sha1)).ok).toBe(false);
    const phc = await Bun.password.hash("pw", { algorithm: "argon2id", memoryCost: 2048, timeCost: 2 });
    expect(await verifySecret("pw", "argon2" + phc)).toEqual({ ok: true, needsRehash: true });
    expect(await verifySecret("pw", phc)).toEqual({ ok: true, needsRehash: true });
    expect((await verifySecret("pw", "weakargon2" + phc)).ok).toBe(true);
  });

  test("constant-time compare handles different lengths", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("abcd", "abc")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
    expect(constantTimeEqual("", "a")).toBe(false);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    // Strings compare as text: a non-ASCII character is not confused with the octets of another.
    expect(constantTimeEqual("ä", "ä")).toBe(true);
    expect(constantTimeEqual("ä", "a\u0308")).toBe(false);
  });

  test("the web's CSRF and signed-cookie checks use the same compare", async () => {
    const auth = await import("../../src/auth/index.ts");
    expect(auth.constantTimeEqual).toBe(constantTimeEqual);
  });

  test("API tokens: prefixed, 256 bits, SHA-256 stored", () => {
    const t = generateApiToken();
    expect(looksLikeApiToken(t)).toBe(true);
    expect(looksLikeApiToken("updns_short")).toBe(false);
    expect(hashApiToken(t)).toMatch(/^[0-9a-f]{64}$/);
  });
});
