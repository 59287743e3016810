// Account flows over HTTP with real mail: the links arrive at a local SMTP sink (aiosmtpd) and are followed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { users, userTokens } from "../../../src/db/index.ts";
import { haveSmtpSink, linkIn, startSmtpSink, type SmtpSink } from "../../support/smtp-sink.ts";
import { checkApiToken, createToken } from "../../../src/core/index.ts";
import { makeWebWorld, textOf, type WebWorld } from "./harness.ts";

const run = haveSmtpSink();
let sink: SmtpSink;

beforeAll(async () => {
  if (run) sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.stop();
});

/** The path of a link in a mail (the app is driven in-process; the link's host is public_url). */
const pathOf = (link: string) => {
  const u = new URL(link);
  expect(u.origin).toBe("http://updns.test");
  return u.pathname + u.search;
};

describe.skipIf(!run)("accounts over HTTP with mail", () => {
  let w: WebWorld;
  beforeAll(async () => {
    w = await makeWebWorld({ smtpPort: sink.port, configure: (c) => (c.registration.mode = "open") });
  });

  test("register → the verification mail's link → login", async () => {
    const b = w.browser();
    const reg = await b.submit("/account/register", { username: "carol", email: "carol@example.test", password: "carol's long pw", password2: "carol's long pw" }, "/account/register");
    expect(reg.status).toBe(200);
    expect(textOf(reg.body)).toContain("We sent a link to carol@example.test");
    // Before verification the right password does not sign in; it says why.
    const early = await b.login("carol", "carol's long pw");
    expect(early.status).toBe(403);
    expect(textOf(early.body)).toContain("not confirmed yet");
    const mail = await sink.next("carol@example.test");
    expect(mail.subject).toBe("Confirm your e-mail address for updns.test");
    expect(mail.from).toBe("updns@updns.test");
    // The login above sent a second link and revoked the first: only the newest works.
    const newest = await sink.next("carol@example.test");
    expect((await b.get(pathOf(linkIn(mail)))).status).toBe(404);
    const verified = await b.get(pathOf(linkIn(newest)));
    expect(verified.status).toBe(303);
    expect(verified.location).toBe("/account/login");
    // Single use: the same link again is refused with a clear page.
    const again = await b.get(pathOf(linkIn(newest)));
    expect(again.status).toBe(404);
    expect(textOf(again.body)).toContain("This confirmation link is unknown, expired or was already used");
    const login = await b.login("carol@example.test", "carol's long pw");
    expect(login.status).toBe(303);
    expect(login.location).toBe("/overview/");
    expect(textOf((await b.get("/overview/")).body)).toContain("Signed in as carol");
  });

  test("sign-up errors are specific and keep the typed values", async () => {
    const b = w.browser();
    await w.user("dave");
    const dup = await b.submit("/account/register", { username: "Dave", email: "x@example.test", password: "0123456789", password2: "0123456789" }, "/account/register");
    expect(dup.status).toBe(400);
    expect(textOf(dup.body)).toContain("This username is taken.");
    const differ = await b.submit("/account/register", { username: "erin", email: "erin@example.test", password: "0123456789", password2: "0123456780" }, "/account/register");
    expect(textOf(differ.body)).toContain("The two passwords differ.");
    expect(differ.body).toContain('value="erin@example.test"');
    const short = await b.submit("/account/register", { username: "erin", email: "erin@example.test", password: "short", password2: "short" }, "/account/register");
    expect(textOf(short.body)).toContain("at least 10 characters");
    const email = await b.submit("/account/register", { username: "erin", email: "dave@example.test", password: "0123456789", password2: "0123456789" }, "/account/register");
    expect(textOf(email.body)).toContain("An account with this e-mail address exists already.");
  });

  test("password reset: the mailed link sets a new password once; old password and old sessions stop working", async () => {
    const u = await w.user("frank");
    const other = w.browser({ address: "192.0.2.50" });
    expect((await other.login("frank", u.password)).status).toBe(303);
    const b = w.browser();
    const asked = await b.submit("/account/password-reset", { identifier: "frank@example.test" }, "/account/password-reset");
    expect(textOf(asked.body)).toContain("If an account with that name or address exists");
    const mail = await sink.next(u.email);
    expect(mail.subject).toBe("Reset your password for updns.test");
    const path = pathOf(linkIn(mail));
    const form = await b.get(path);
    expect(form.status).toBe(200);
    const mismatch = await b.submit(path, { password: "brand new secret", password2: "brand new secreT" });
    expect(mismatch.status).toBe(400);
    const done = await b.submit(path, { password: "brand new secret", password2: "brand new secret" }, path);
    expect(done.status).toBe(303);
    expect((await b.get(path)).status).toBe(404);
    expect((await b.login("frank", u.password)).status).toBe(400);
    expect((await b.login("frank", "brand new secret")).status).toBe(303);
    // The session opened with the old password is gone.
    expect((await other.get("/account/profile")).status).toBe(303);
  });

  test("password reset revokes every API token of the account; the mail, the form and the answer say so", async () => {
    const u = await w.user("fiona");
    const router = createToken(w.db, u.id, { name: "router" });
    createToken(w.db, u.id, { name: "backup" });
    const b = w.browser();
    await b.submit("/account/password-reset", { identifier: "fiona" }, "/account/password-reset");
    const mail = await sink.next(u.email);
    expect(mail.text).toContain("Setting a new password signs out all sessions of the account and revokes all its API tokens: update clients that use a token need a new one.");
    const path = pathOf(linkIn(mail));
    expect(textOf((await b.get(path)).body)).toContain("revokes all its API tokens");
    expect(checkApiToken(w.db, router.token, "192.0.2.1", new Date()).ok).toBe(true);
    const done = await b.submit(path, { password: "fiona's new secret", password2: "fiona's new secret" }, path);
    expect(done.status).toBe(303);
    const login = await b.get(done.location!);
    expect(textOf(login.body)).toContain("All sessions are signed out and all API tokens (2) revoked.");
    expect(checkApiToken(w.db, router.token, "192.0.2.1", new Date())).toEqual({ ok: false, reason: "unknown" });
    expect((await b.login("fiona", "fiona's new secret")).status).toBe(303);
    expect(textOf((await b.get("/account/tokens")).body)).toContain("No API tokens yet.");
  });

  test("a password change keeps the API tokens unless \"also revoke all my API tokens\" is ticked", async () => {
    const u = await w.user("gus");
    const kept = createToken(w.db, u.id, { name: "router" });
    const b = w.browser();
    expect((await b.login("gus", u.password)).status).toBe(303);
    const form = await b.get("/account/settings");
    expect(textOf(form.body)).toContain("Also revoke all my API tokens");
    expect(form.body).toMatch(/<input type="checkbox" name="revoke_tokens" value="1"\s*\/?>/);
    const plain = await b.submit("/account/password", { current: u.password, password: "gus's second pw", password2: "gus's second pw" }, "/account/settings");
    expect(plain.status).toBe(303);
    expect(checkApiToken(w.db, kept.token, "192.0.2.1", new Date()).ok).toBe(true);
    const revoking = await b.submit("/account/password", { current: "gus's second pw", password: "gus's third pw!", password2: "gus's third pw!", revoke_tokens: "1" }, "/account/settings");
    expect(revoking.status).toBe(303);
    expect(textOf((await b.get(revoking.location!)).body)).toContain("Your other sessions are signed out and your API tokens (1) revoked.");
    expect(checkApiToken(w.db, kept.token, "192.0.2.1", new Date())).toEqual({ ok: false, reason: "unknown" });
  });

  test("password reset for an unknown account looks the same and sends nothing", async () => {
    const b = w.browser();
    const before = sink.messages().length;
    const asked = await b.submit("/account/password-reset", { identifier: "nobody@example.test" }, "/account/password-reset");
    expect(asked.status).toBe(200);
    expect(textOf(asked.body)).toContain("If an account with that name or address exists");
    await Bun.sleep(200);
    expect(sink.messages().length).toBe(before);
  });

  test("an expired reset link is refused", async () => {
    const u = await w.user("gina");
    const b = w.browser();
    await b.submit("/account/password-reset", { identifier: "gina" }, "/account/password-reset");
    const path = pathOf(linkIn(await sink.next(u.email)));
    w.clock.advance(3 * 3600_000);
    try {
      const r = await b.get(path);
      expect(r.status).toBe(404);
      expect(textOf(r.body)).toContain("This password reset link is unknown, expired or was already used.");
    } finally {
      w.clock.advance(-3 * 3600_000);
    }
  });

  test("e-mail change: the new address works only after its link is followed", async () => {
    const u = await w.user("hank");
    const b = w.browser();
    await b.login("hank", u.password);
    const saved = await b.submit("/account/profile", { email: "hank@new.example.test", language: "" }, "/account/profile");
    expect(saved.status).toBe(200);
    expect(textOf(saved.body)).toContain("We sent a link to hank@new.example.test");
    expect(w.db.select().from(users).where(eq(users.id, u.id)).get()!.email).toBe(u.email);
    const mail = await sink.next("hank@new.example.test");
    const r = await b.get(pathOf(linkIn(mail)));
    expect(r.status).toBe(303);
    const row = w.db.select().from(users).where(eq(users.id, u.id)).get()!;
    expect(row.email).toBe("hank@new.example.test");
    expect(row.emailVerified).toBe(true);
    expect((await w.browser().login("hank@new.example.test", u.password)).status).toBe(303);
  });

  test("account deletion asks for the password, calls the DNS hook, removes the rows and signs out", async () => {
    const u = await w.user("ivan");
    const b = w.browser();
    await b.login("ivan", u.password);
    const wrong = await b.submit("/account/delete", { confirm: "nope" }, "/account/delete");
    expect(wrong.status).toBe(400);
    expect(textOf(wrong.body)).toContain("The password is wrong.");
    expect(w.deleted).not.toContain(u.id);
    const ok = await b.submit("/account/delete", { confirm: u.password }, "/account/delete");
    expect(ok.status).toBe(303);
    expect(w.deleted).toContain(u.id);
    expect(w.db.select().from(users).where(eq(users.id, u.id)).get()).toBeUndefined();
    expect(b.cookies.has("updns_session")).toBe(false);
  });
});

describe.skipIf(!run)("invitation-only sign-up", () => {
  let w: WebWorld;
  beforeAll(async () => {
    w = await makeWebWorld({ smtpPort: sink.port, configure: (c) => (c.registration.mode = "invitation") });
  });

  test("without an invitation the sign-up page says it is closed", async () => {
    const r = await w.browser().get("/account/register");
    expect(r.status).toBe(403);
    expect(textOf(r.body)).toContain("by invitation only");
  });

  test("staff invite → the mailed link → sign-up without a second mail → login; the link works once", async () => {
    const staff = await w.user("boss", undefined, true);
    const s = w.browser();
    await s.login("boss", staff.password);
    const sent = await s.submit("/admin/invitations", { invite_email: "jane@example.test" }, "/admin/users");
    expect(textOf(sent.body)).toContain("An invitation link is on its way to jane@example.test");
    const mail = await sink.next("jane@example.test");
    expect(mail.subject).toBe("Your invitation to updns.test");
    const path = new URL(linkIn(mail)).pathname + new URL(linkIn(mail)).search;
    const b = w.browser({ address: "192.0.2.77" });
    const form = await b.get(path);
    expect(form.status).toBe(200);
    expect(form.body).toContain('value="jane@example.test"');
    const reg = await b.submit(path, { username: "jane", email: "jane@example.test", password: "jane's password", password2: "jane's password" });
    expect(reg.status).toBe(303);
    expect((await b.login("jane", "jane's password")).status).toBe(303);
    const reuse = await w.browser().get(path);
    expect(reuse.status).toBe(404);
    expect(textOf(reuse.body)).toContain("This invitation link is unknown, expired or was already used.");
    expect(w.db.select().from(userTokens).where(eq(userTokens.purpose, "invitation")).all()).toHaveLength(0);
  });
});

describe("closed sign-up and mail to the log", () => {
  test("closed: the page says so; OAuth-less login page has no provider buttons", async () => {
    const w = await makeWebWorld();
    const r = await w.browser().get("/account/register");
    expect(r.status).toBe(403);
    expect(textOf(r.body)).toContain("This service takes no new accounts.");
    const post = await w.browser().submit("/account/register", { username: "x", email: "x@example.test", password: "0123456789", password2: "0123456789" }, "/account/login");
    expect(post.status).toBe(403);
    expect(w.db.select().from(users).all()).toHaveLength(0);
    expect(textOf((await w.browser().get("/account/login")).body)).not.toContain("Or sign in with");
  });

  test("with no smtp_host no reset link is made: the page says to ask the operator, and the log holds no link", async () => {
    const w = await makeWebWorld();
    await w.user("kim");
    const r = await w.browser().submit("/account/password-reset", { identifier: "kim" }, "/account/password-reset");
    expect(textOf(r.body)).toContain("This server sends no mail (no SMTP server is configured), so it cannot send you a reset link. Ask its operator for one.");
    await Bun.sleep(20);
    expect(w.log.lines.join("\n")).not.toMatch(/password-reset\/[A-Za-z0-9_-]{43}/);
  });
});
