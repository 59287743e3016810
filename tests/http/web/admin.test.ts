// Staff user administration over HTTP, and what non-staff see of it (nothing: 404).
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { users } from "../../../src/db/index.ts";
import { makeWebWorld, textOf } from "./harness.ts";

describe("staff user admin", () => {
  test("anonymous → login redirect; a normal user → 404; staff → the list", async () => {
    const w = await makeWebWorld();
    expect((await w.browser().get("/admin/users")).status).toBe(303);
    const u = await w.user("norm");
    const b = w.browser();
    await b.login("norm", u.password);
    expect((await b.get("/admin/users")).status).toBe(404);
    expect(textOf((await b.get("/overview/")).body)).not.toContain("Admin");
    await w.user("boss", undefined, true);
    const s = w.browser({ address: "192.0.2.2" });
    await s.login("boss", "correct horse battery");
    const list = await s.get("/admin/users");
    expect(list.status).toBe(200);
    expect(textOf(list.body)).toContain("norm");
    expect(textOf(list.body)).toContain("2 users");
  });

  test("create, search, deactivate (sessions end, login refused), grant staff (sessions end), delete (hook runs)", async () => {
    const w = await makeWebWorld();
    await w.user("boss", undefined, true);
    const s = w.browser();
    await s.login("boss", "correct horse battery");
    const created = await s.submit("/admin/users", { username: "olga", email: "olga@example.test", password: "olga's password" }, "/admin/users");
    expect(created.status).toBe(303);
    const dup = await s.submit("/admin/users", { username: "olga", email: "o2@example.test", password: "olga's password" }, "/admin/users");
    expect(dup.status).toBe(400);
    expect(textOf(dup.body)).toContain("already exists");
    const olga = w.db.select().from(users).where(eq(users.username, "olga")).get()!;
    const search = await s.get("/admin/users?q=OLG");
    expect(textOf(search.body)).toContain("olga@example.test");
    expect(textOf(search.body)).toContain("1 user");
    expect(textOf(search.body)).not.toContain("1 users");
    expect(textOf((await s.get("/admin/users?q=nobody")).body)).toContain("0 users");

    const o = w.browser({ address: "192.0.2.3" });
    expect((await o.login("olga", "olga's password")).status).toBe(303);
    await s.submit(`/admin/users/${olga.id}/active`, { active: "0" }, "/admin/users");
    expect((await o.get("/account/profile")).status).toBe(303);
    const refused = await o.login("olga", "olga's password");
    expect(refused.status).toBe(403);
    expect(textOf(refused.body)).toContain("This account is deactivated.");
    await s.submit(`/admin/users/${olga.id}/active`, { active: "1" }, "/admin/users");
    expect((await o.login("olga", "olga's password")).status).toBe(303);

    await s.submit(`/admin/users/${olga.id}/staff`, { staff: "1" }, "/admin/users");
    expect(w.db.select().from(users).where(eq(users.id, olga.id)).get()!.isStaff).toBe(true);
    expect((await o.get("/account/profile")).status).toBe(303); // privilege change: sign in again
    await o.login("olga", "olga's password");
    expect((await o.get("/admin/users")).status).toBe(200);

    const confirm = await s.get(`/admin/users/${olga.id}/delete`);
    expect(textOf(confirm.body)).toContain("Delete user olga");
    expect((await s.submit(`/admin/users/${olga.id}/delete`, {})).status).toBe(303);
    expect(w.deleted).toEqual([olga.id]);
    expect(w.db.select().from(users).where(eq(users.id, olga.id)).get()).toBeUndefined();
  });

  test("staff cannot deactivate, unstaff or delete themselves", async () => {
    const w = await makeWebWorld();
    const boss = await w.user("boss", undefined, true);
    const s = w.browser();
    await s.login("boss", boss.password);
    expect((await s.submit(`/admin/users/${boss.id}/active`, { active: "0" }, "/admin/users")).status).toBe(404);
    expect((await s.submit(`/admin/users/${boss.id}/delete`, {}, "/admin/users")).status).toBe(404);
    expect((await s.get("/account/profile")).status).toBe(200);
  });
});

/** The markup with every quoted attribute value emptied: what is left are real tags. Kita escapes " and &
 * in attributes, so a value cannot leave its quotes; "<" inside quotes is inert text. */
const tagsOnly = (html: string) => html.replace(/="[^"]*"/g, '=""');

describe("escaping", () => {
  test("a hostile username and e-mail render as text on every page they appear on", async () => {
    const w = await makeWebWorld();
    const evil = `"><img src=x onerror=alert(1)><script>alert(2)</script>`;
    const { db } = w;
    db.insert(users).values({ username: "x<script>alert(1)</script>", email: `a${encodeURIComponent("<b>")}@example.test`, emailVerified: true }).run();
    await w.user("boss", undefined, true);
    const s = w.browser();
    await s.login("boss", "correct horse battery");
    const list = await s.get(`/admin/users?q=${encodeURIComponent(evil)}`);
    expect(list.body).toContain('value="&#34;><img');
    expect(tagsOnly(list.body)).not.toContain("<script>alert");
    expect(tagsOnly(list.body)).not.toContain("<img src=x");
    const all = await s.get("/admin/users");
    expect(all.body).not.toContain("<script>alert(1)</script>");
    expect(textOf(all.body)).toContain("x<script>alert(1)</script>");
    // A sign-up attempt echoing hostile input back.
    w.config.registration.mode = "open";
    const b = w.browser({ address: "192.0.2.9" });
    const r = await b.submit("/account/register", { username: evil, email: evil, password: "x", password2: "y" }, "/account/register");
    expect(r.status).toBe(400);
    expect(tagsOnly(r.body)).not.toContain("<img src=x");
    expect(tagsOnly(r.body)).not.toContain("<script>alert(2)");
    expect(textOf(r.body)).toContain("may use letters, digits");
  });
});
