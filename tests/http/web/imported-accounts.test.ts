// People of an imported nsupdate.info installation sign in with their old passwords (Django's Argon2 and
// PBKDF2 hashes are verified as they are) and get today's hash stored on the way; a deactivated account
// stays out.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { users } from "../../../src/db/index.ts";
import { importNsupdate } from "../../../src/core/admin/import-nsupdate.ts";
import { verifyPassword } from "../../../src/auth/index.ts";
import { makeWebWorld } from "./harness.ts";

const FIXTURE = new URL("../../../../shared/fixtures/nsupdate-0.13.sqlite3", import.meta.url).pathname;
// Made with Python's hashlib.pbkdf2_hmac("sha256", b"old-django-pass", salt, 260000), Django's layout.
const DJANGO_PBKDF2 = "pbkdf2_sha256$260000$Qx7salt0123456789ab$aU72XZdMIWkRR77PSXBzEdUehv2iuu1DKpjmZWFSuQI=";

describe("accounts imported from nsupdate.info", () => {
  test("alice and bob log in with their old passwords; the hash is upgraded to ours", async () => {
    const w = await makeWebWorld();
    importNsupdate(w.db, FIXTURE);
    for (const [name, pw] of [["alice", "alice-pass-1"], ["bob", "bob-pass-2"]]) {
      const b = w.browser();
      const r = await b.login(name, pw);
      expect(r.status).toBe(303);
      expect((await b.request("GET", "/overview/")).status).toBe(200);
      const hash = w.db.select().from(users).where(eq(users.username, name)).get()!.passwordHash;
      expect(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$")).toBe(true);
      expect((await verifyPassword(pw, hash)).ok).toBe(true);
    }
  }, 30_000);

  test("a wrong password is refused, and so is carol, whose account was not active", async () => {
    const w = await makeWebWorld();
    importNsupdate(w.db, FIXTURE);
    expect((await w.browser().login("alice", "alice-pass-1x")).status).not.toBe(303);
    expect((await w.browser().login("carol", "carol-pass-3")).status).not.toBe(303);
    expect(w.db.select().from(users).where(eq(users.username, "alice")).get()!.passwordHash.startsWith("argon2$argon2id$")).toBe(true);
  }, 30_000);

  test("Django's PBKDF2 format verifies too, and asks to be rehashed", async () => {
    expect(await verifyPassword("old-django-pass", DJANGO_PBKDF2)).toEqual({ ok: true, needsRehash: true });
    expect((await verifyPassword("old-django-pasS", DJANGO_PBKDF2)).ok).toBe(false);
    expect((await verifyPassword("x", "pbkdf2_sha256$notanumber$salt$aGFzaA==")).ok).toBe(false);
  });
});
