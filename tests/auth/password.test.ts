// Password hashing: argon2id, wrong passwords, OAuth-only accounts, rehash of older parameters.
import { describe, expect, test } from "bun:test";
import { hashPassword, verifyPassword } from "../../src/auth/index.ts";

describe("passwords", () => {
  test("argon2id with today's parameters verifies and needs no rehash", async () => {
    const h = await hashPassword("correct horse battery");
    expect(h.startsWith("$argon2id$v=19$m=19456,t=2,p=1$")).toBe(true);
    expect(await verifyPassword("correct horse battery", h)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword("wrong", h)).toEqual({ ok: false, needsRehash: false });
  });

  test("a hash made with weaker parameters verifies and asks to be rehashed", async () => {
    const old = await Bun.password.hash("pw-1234567890", { algorithm: "argon2id", memoryCost: 4096, timeCost: 1 });
    expect(await verifyPassword("pw-1234567890", old)).toEqual({ ok: true, needsRehash: true });
    const bcrypt = await Bun.password.hash("pw-1234567890", { algorithm: "bcrypt", cost: 4 });
    expect(await verifyPassword("pw-1234567890", bcrypt)).toEqual({ ok: true, needsRehash: true });
  });

  test("an account without a password (OAuth only) and a broken hash never match", async () => {
    expect((await verifyPassword("", "")).ok).toBe(false);
    expect((await verifyPassword("x", "not a hash")).ok).toBe(false);
  });
});
