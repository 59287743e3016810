// Session security over HTTP: rotation at login (fixation), cookie flags, browser-session versus long
// cookies, expiry, server-side logout, CSRF and Origin checks, login throttling that kicks in and lifts.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { sessions } from "../../../src/db/index.ts";
import { sha256Hex } from "../../../src/auth/index.ts";
import { makeWebWorld, textOf } from "./harness.ts";

const sessionCookieOf = (headers: Headers) => headers.getSetCookie().find((c) => c.startsWith("updns_session="));

describe("sessions", () => {
  test("the session token rotates at login: a token planted before is worthless afterwards", async () => {
    const w = await makeWebWorld();
    const alice = await w.user("alice");
    const mallory = await w.user("mallory");
    // The attacker signs in and plants that session cookie in the victim's browser.
    const attacker = w.browser();
    await attacker.login("mallory", mallory.password);
    const planted = attacker.cookies.get("updns_session")!;
    const victim = w.browser();
    victim.cookies.set("updns_session", planted);
    await victim.login("alice", alice.password);
    const fresh = victim.cookies.get("updns_session")!;
    expect(fresh).not.toBe(planted);
    expect(textOf((await victim.get("/overview/")).body)).toContain("Signed in as alice");
    // The planted token was deleted at login: not usable by the attacker any more either.
    expect(w.db.select().from(sessions).where(eq(sessions.idHash, sha256Hex(planted))).get()).toBeUndefined();
    expect((await attacker.get("/overview/")).status).toBe(303);
  });

  test("cookie flags: HttpOnly, SameSite=Lax, host-only, Path=/; Secure only over HTTPS; browser-session without Max-Age", async () => {
    const w = await makeWebWorld();
    const u = await w.user("bob");
    const plain = await w.browser({ secure: false }).login("bob", u.password);
    const c1 = sessionCookieOf(plain.headers)!;
    expect(c1).toMatch(/^updns_session=[A-Za-z0-9_-]{43}; /);
    expect(c1).toContain("HttpOnly");
    expect(c1).toContain("SameSite=Lax");
    expect(c1).toContain("Path=/");
    expect(c1).not.toMatch(/Domain=/i);
    expect(c1).not.toContain("Secure");
    expect(c1).not.toMatch(/Max-Age|Expires/i);
    const tls = await w.browser({ secure: true }).login("bob", u.password, true);
    const c2 = sessionCookieOf(tls.headers)!;
    expect(c2).toContain("Secure");
    expect(c2).toContain(`Max-Age=${30 * 86400}`);
    // Only the hash is stored.
    const token = c2.split(";")[0].split("=")[1];
    const row = w.db.select().from(sessions).where(eq(sessions.idHash, sha256Hex(token))).get()!;
    expect(row.longLived).toBe(true);
    expect(JSON.stringify(w.db.select().from(sessions).all())).not.toContain(token);
  });

  test("expiry: a plain session ends after a day without requests, slides while used; a long one lasts 30 days", async () => {
    const w = await makeWebWorld();
    const u = await w.user("carl");
    const short = w.browser();
    await short.login("carl", u.password);
    const long = w.browser({ address: "192.0.2.11" });
    await long.login("carl", u.password, true);
    // Used every 20 hours: it slides.
    for (let i = 0; i < 3; i++) {
      w.clock.advance(20 * 3600_000);
      expect((await short.get("/account/profile")).status).toBe(200);
    }
    w.clock.advance(25 * 3600_000);
    expect((await short.get("/account/profile")).status).toBe(303);
    expect(short.cookies.has("updns_session")).toBe(false);
    const r = await long.get("/account/profile");
    expect(r.status).toBe(200);
    // The long session's refresh re-sends the cookie with a fresh Max-Age.
    expect(sessionCookieOf(r.headers)).toContain("Max-Age=");
    w.clock.advance(31 * 86400_000);
    expect((await long.get("/account/profile")).status).toBe(303);
  });

  test("logout is a POST that deletes the session server-side (a copied cookie is dead too)", async () => {
    const w = await makeWebWorld();
    const u = await w.user("dora");
    const b = w.browser();
    await b.login("dora", u.password);
    const token = b.cookies.get("updns_session")!;
    expect((await b.get("/account/logout")).status).toBe(404);
    const out = await b.submit("/account/logout", {}, "/overview/");
    expect(out.status).toBe(303);
    expect(out.location).toBe("/");
    expect(sessionCookieOf(out.headers)).toContain("Max-Age=0");
    const copy = w.browser();
    copy.cookies.set("updns_session", token);
    expect((await copy.get("/account/profile")).status).toBe(303);
    expect(w.db.select().from(sessions).all()).toHaveLength(0);
  });

  test("login-required pages redirect to the login page with ?next=, and login goes back there", async () => {
    const w = await makeWebWorld();
    const u = await w.user("emil");
    const b = w.browser();
    const r = await b.get("/account/settings?tab=x");
    expect(r.status).toBe(303);
    expect(r.location).toBe("/account/login?next=%2Faccount%2Fsettings%3Ftab%3Dx");
    await b.get(r.location!);
    const done = await b.request("POST", r.location!, new URLSearchParams({ _csrf: b.csrf(), identifier: "emil", password: u.password }));
    expect(done.location).toBe("/account/settings?tab=x");
    // Never to another site.
    await b.get("/account/login");
    const evil = await b.request("POST", "/account/login?next=//evil.example/", new URLSearchParams({ _csrf: b.csrf(), identifier: "emil", password: u.password }));
    expect(evil.location).toBe("/overview/");
  });

  test("password change needs the current password, keeps this session and ends the others", async () => {
    const w = await makeWebWorld();
    const u = await w.user("fay");
    const here = w.browser();
    await here.login("fay", u.password);
    const there = w.browser({ address: "192.0.2.99" });
    await there.login("fay", u.password);
    const wrong = await here.submit("/account/password", { current: "not it", password: "another password", password2: "another password" }, "/account/settings");
    expect(wrong.status).toBe(400);
    expect(textOf(wrong.body)).toContain("The current password is wrong.");
    const ok = await here.submit("/account/password", { current: u.password, password: "another password", password2: "another password" }, "/account/settings");
    expect(ok.status).toBe(303);
    expect(textOf((await here.get("/account/settings")).body)).toContain("Your password was changed.");
    expect((await there.get("/account/settings")).status).toBe(303);
    expect((await w.browser().login("fay", "another password")).status).toBe(303);
  });

  test("/.well-known/change-password leads to the password page", async () => {
    const w = await makeWebWorld();
    const r = await w.browser().get("/.well-known/change-password");
    expect(r.status).toBe(302);
    expect(r.location).toBe("/account/settings");
  });
});

describe("CSRF", () => {
  test("a POST without the token, with a wrong one, or with another session's token is refused (403) and changes nothing", async () => {
    const w = await makeWebWorld();
    const u = await w.user("gus");
    const b = w.browser();
    await b.login("gus", u.password);
    const other = w.browser({ address: "192.0.2.12" });
    await other.login("gus", u.password);
    await other.get("/account/profile");
    const foreign = other.csrf();
    for (const token of [null, "00".repeat(32), foreign]) {
      const body = new URLSearchParams({ email: "gus@evil.example", language: "" });
      if (token) body.set("_csrf", token);
      const r = await b.request("POST", "/account/profile", body);
      expect(r.status).toBe(403);
      expect(textOf(r.body)).toContain("CSRF protection");
    }
    // Logout too: a forged logout is refused.
    expect((await b.request("POST", "/account/logout", new URLSearchParams())).status).toBe(403);
    expect((await b.get("/account/profile")).status).toBe(200);
  });

  test("the htmx header carries the token; a cross-site Origin is refused even with a valid token", async () => {
    const w = await makeWebWorld();
    const u = await w.user("hal");
    const b = w.browser();
    await b.login("hal", u.password);
    const page = await b.get("/account/profile");
    const header = page.body.match(/hx-headers="([^"]+)"/)![1].replace(/&quot;|&#34;/g, '"');
    const token = JSON.parse(header)["x-csrf-token"];
    expect(token).toBe(b.csrf());
    const viaHeader = await b.request("POST", "/account/profile", new URLSearchParams({ email: u.email, language: "en" }), { "x-csrf-token": token, "hx-request": "true" });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.headers.get("hx-redirect")).toBe("/account/profile");
    const cross = await b.request("POST", "/account/profile", new URLSearchParams({ _csrf: token, email: u.email, language: "" }), { origin: "https://evil.example" });
    expect(cross.status).toBe(403);
    const site = await b.request("POST", "/account/profile", new URLSearchParams({ _csrf: token, email: u.email, language: "" }), { "sec-fetch-site": "cross-site" });
    expect(site.status).toBe(403);
    const same = await b.request("POST", "/account/profile", new URLSearchParams({ _csrf: token, email: u.email, language: "" }), { origin: "http://updns.test", "sec-fetch-site": "same-origin" });
    expect(same.status).toBe(303);
  });

  test("behind a proxy that passes another Host, the public_url origin is accepted; others are not", async () => {
    const w = await makeWebWorld({ configure: (c) => (c.server.public_url = "https://dyn.example.org") });
    const u = await w.user("ivo");
    const b = w.browser();
    await b.login("ivo", u.password);
    await b.get("/account/profile");
    const post = (origin: string) => b.request("POST", "/account/profile", new URLSearchParams({ _csrf: b.csrf(), email: u.email, language: "" }), { origin });
    expect((await post("https://dyn.example.org")).status).toBe(303);
    expect((await post("https://dyn.example.org.evil.example")).status).toBe(403);
  });

  test("the login form is protected too (login CSRF)", async () => {
    const w = await makeWebWorld();
    const u = await w.user("ida");
    const r = await w.browser().request("POST", "/account/login", new URLSearchParams({ identifier: "ida", password: u.password }));
    expect(r.status).toBe(403);
    expect(w.db.select().from(sessions).all()).toHaveLength(0);
  });
});

describe("login throttling", () => {
  test("per account: waits grow after 5 failures (429 with Retry-After), then lift; the right password is not even checked while blocked", async () => {
    const w = await makeWebWorld();
    const u = await w.user("jo");
    const b = w.browser();
    for (let i = 0; i < 5; i++) expect((await b.login("jo", "wrong password")).status).toBe(400);
    // The 6th failure starts a 1 s wait, the 7th a 2 s wait...
    expect((await b.login("jo", "wrong password")).status).toBe(400);
    const blocked = await b.login("jo", u.password);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toBe("1");
    expect(textOf(blocked.body)).toContain("Too many failed logins");
    w.clock.advance(1001);
    expect((await b.login("jo", "wrong password")).status).toBe(400);
    expect((await b.login("jo", u.password)).headers.get("retry-after")).toBe("2");
    w.clock.advance(2001);
    expect((await b.login("jo", u.password)).status).toBe(303);
  });

  test("per address: many accounts from one address get blocked; another address is not", async () => {
    const w = await makeWebWorld();
    const u = await w.user("kai");
    const b = w.browser({ address: "2001:db8:1:2::10" });
    for (let i = 0; i < 11; i++) await b.login(`nobody${i}`, "guess");
    // Another host of the same /64 shares the counter.
    const neighbour = w.browser({ address: "2001:db8:1:2::99" });
    expect((await neighbour.login("kai", u.password)).status).toBe(429);
    expect((await w.browser({ address: "2001:db8:1:3::10" }).login("kai", u.password)).status).toBe(303);
  });

  test("an attacker cannot lock the owner out: a browser that signed in before keeps its own counter", async () => {
    const w = await makeWebWorld();
    const u = await w.user("lea");
    const owner = w.browser({ address: "198.51.100.7" });
    expect((await owner.login("lea", u.password)).status).toBe(303);
    await owner.submit("/account/logout", {}, "/overview/");
    // Attacks from many addresses on the account.
    for (let i = 0; i < 30; i++) await w.browser({ address: `203.0.113.${i + 1}` }).login("lea", "guess");
    expect((await w.browser({ address: "203.0.113.200" }).login("lea", u.password)).status).toBe(429);
    // The owner's browser (device cookie) still gets in.
    expect((await owner.login("lea", u.password)).status).toBe(303);
  });

  test("no-such-user and wrong-password answers are the same", async () => {
    const w = await makeWebWorld();
    await w.user("max");
    const a = await w.browser().login("max", "wrong password");
    const b = await w.browser({ address: "192.0.2.200" }).login("nosuchuser", "wrong password");
    expect(a.status).toBe(b.status);
    expect(textOf(a.body).replace(/max|nosuchuser/g, "")).toBe(textOf(b.body).replace(/max|nosuchuser/g, ""));
  });
});
