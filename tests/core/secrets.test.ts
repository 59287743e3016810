import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { clearVerifyCache, constantTimeEqual, generateApiToken, generateSecret, hashApiToken, hashSecret, looksLikeApiToken, verifySecret } from "../../src/core/index.ts";

describe("update secrets (spec §8.1)", () => {
  test("generated secrets carry at least 128 bits and differ", () => {
    const a = generateSecret();
    expect(a.length * Math.log2(55)).toBeGreaterThanOrEqual(128);
    expect(a).toMatch(/^[abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789]+$/);
    expect(new Set(Array.from({ length: 50 }, generateSecret)).size).toBe(50);
  });

  test("argon2id with cheap parameters; verify true/false; no rehash needed", async () => {
    const h = await hashSecret("s3cret");
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
  });

  test("API tokens: prefixed, 256 bits, SHA-256 stored", () => {
    const t = generateApiToken();
    expect(looksLikeApiToken(t)).toBe(true);
    expect(looksLikeApiToken("updns_short")).toBe(false);
    expect(hashApiToken(t)).toMatch(/^[0-9a-f]{64}$/);
  });
});
