// OpenID Connect sign-in against a real, certified OpenID provider (panva's oidc-provider on loopback:
// discovery, authorization code with PKCE, state and nonce, RS256 and ES256 ID tokens, userinfo), driven as
// a browser would, and GitHub sign-in against a local GitHub (authorize, token, REST API): login, sign-up,
// linking (by hand, or by an e-mail address both sides verified), and each kind of bad answer refused with a
// clear page and no session.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { decodeProtectedHeader } from "jose";
import { oauthIdentities, users } from "../../../src/db/index.ts";
import { startTestIdp, type IdpBrowser, type IdpClient, type TestIdp } from "../../support/oidc-provider.ts";
import { startGitHubMock, type GitHubMock } from "../../support/github-oauth.ts";
import { makeWebWorld, textOf, type Browser, type WebWorld } from "./harness.ts";

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(() => idp.stop());

/** A fresh updns whose [oauth.oidc] is a client of `provider`; its clock is the provider's (real time). */
async function world(opts: { mode?: "open" | "closed"; provider?: TestIdp; client?: IdpClient; issuer?: string } = {}): Promise<WebWorld> {
  const provider = opts.provider ?? idp;
  const client = opts.client ?? provider.rs256;
  const w = await makeWebWorld({
    configure: (c) => {
      c.registration.mode = opts.mode ?? "open";
      Object.assign(c["oauth.oidc"], { client_id: client.id, client_secret: client.secret, issuer: opts.issuer ?? provider.issuer });
    },
  });
  w.clock.t = Date.now();
  return w;
}

/** A person known to the provider (their login name is their `sub`). */
function person(login: string, email: string, emailVerified = true, provider = idp): string {
  provider.accounts.set(login, { email, email_verified: emailVerified, preferred_username: login });
  return login;
}

/**
 * Start at updns → the provider (login and consent forms filled in by `at`, a browser at the provider) →
 * back to updns's callback, which `rewrite` may change first.
 */
async function signIn(b: Browser, at: IdpBrowser, opts: { start?: string; rewrite?: (callback: URL) => void } = {}) {
  const s = await b.get(opts.start ?? "/account/oauth/oidc/start");
  expect(s.status).toBe(302);
  const callback = await at.authorize(s.location!);
  expect(callback.origin + callback.pathname).toBe("http://updns.test/account/oauth/oidc/callback");
  opts.rewrite?.(callback);
  return b.get(callback.pathname + callback.search);
}

/** The header of the last ID token the provider issued. */
function lastIdTokenAlg(provider = idp): string | undefined {
  return decodeProtectedHeader(String(provider.tokenResponses.at(-1)?.id_token)).alg;
}

/**
 * What a refused sign-in leaves: the refusal page with `message`, no session, and no new account or link
 * (`before`: the accounts, each with its one identity, that earlier sign-ins of the test made).
 */
async function expectRefused(w: WebWorld, b: Browser, r: { status: number; body: string }, message: string, before = 0) {
  expect(r.status).toBe(400);
  expect(textOf(r.body)).toContain("Sign-in refused");
  expect(textOf(r.body)).toContain(message);
  expect(b.cookies.has("updns_session")).toBe(false);
  expect((await b.get("/overview/")).status).toBe(303); // back to the login page
  expect(w.db.select().from(users).all()).toHaveLength(before);
  expect(w.db.select().from(oauthIdentities).all()).toHaveLength(before);
}

describe("OpenID Connect", () => {
  test("the login page shows the configured provider; the authorization request carries PKCE S256, state and nonce", async () => {
    const w = await world();
    const b = w.browser();
    const login = await b.get("/account/login");
    expect(textOf(login.body)).toContain(new URL(idp.issuer).host);
    expect(login.body).toContain('href="/account/oauth/oidc/start?next=%2Foverview%2F"');
    const s = await b.get("/account/oauth/oidc/start");
    const authorize = new URL(s.location!);
    expect(authorize.origin + authorize.pathname).toBe(`${idp.issuer}/auth`); // from the discovery document
    const q = authorize.searchParams;
    expect(q.get("client_id")).toBe(idp.rs256.id);
    expect(q.get("response_type")).toBe("code");
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get("state")!.length).toBeGreaterThan(20);
    expect(q.get("nonce")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get("scope")).toBe("openid email profile");
    expect(q.get("redirect_uri")).toBe("http://updns.test/account/oauth/oidc/callback");
    const flow = s.headers.getSetCookie().find((c) => c.startsWith("updns_oauth="))!;
    expect(flow).toContain("HttpOnly");
    expect(flow).toContain("Path=/account/oauth");
    expect(flow).toContain("Max-Age=600");
    // An unconfigured provider does not exist.
    expect((await b.get("/account/oauth/github/start")).status).toBe(404);
  });

  test("first sign-in (RS256 ID token) creates an account from the provider's userinfo; the next signs it in through the provider's session", async () => {
    const w = await world();
    const at = idp.browser(person("nina", "nina@example.test"));
    const b = w.browser();
    const r = await signIn(b, at);
    expect([r.status, r.location]).toEqual([303, "/overview/"]);
    expect(lastIdTokenAlg()).toBe("RS256");
    // The person saw the provider's login form, then its consent form.
    expect(at.pages.map((p) => p.match(/name="prompt" value="(\w+)"/)?.[1])).toEqual(["login", "consent"]);
    expect(textOf((await b.get("/overview/")).body)).toContain("Signed in as nina");
    const row = w.db.select().from(users).where(eq(users.username, "nina")).get()!;
    expect([row.email, row.emailVerified, row.passwordHash]).toEqual(["nina@example.test", true, ""]);
    expect(w.db.select().from(oauthIdentities).get()).toMatchObject({ provider: "oidc", subject: "nina", userId: row.id });
    // Another updns session; the provider remembers nina: no form this time.
    const again = w.browser({ address: "192.0.2.33" });
    expect((await signIn(again, at)).status).toBe(303);
    expect(at.pages).toHaveLength(2);
    expect(textOf((await again.get("/overview/")).body)).toContain("Signed in as nina");
    expect(w.db.select().from(users).all()).toHaveLength(1);
    // The OAuth-only account may set a first password (no current one to give), then log in with it.
    expect(textOf((await b.get("/account/settings")).body)).toContain("Set a password");
    expect((await b.submit("/account/password", { password: "nina's own password", password2: "nina's own password" }, "/account/settings")).status).toBe(303);
    expect((await w.browser({ address: "192.0.2.36" }).login("nina", "nina's own password")).status).toBe(303);
  });

  test("a client whose ID tokens are signed ES256 (id_token_signed_response_alg) signs in the same way", async () => {
    const w = await world({ client: idp.es256 });
    const b = w.browser();
    const r = await signIn(b, idp.browser(person("esme", "esme@example.test")));
    expect([r.status, r.location]).toEqual([303, "/overview/"]);
    expect(lastIdTokenAlg()).toBe("ES256");
    expect(textOf((await b.get("/overview/")).body)).toContain("Signed in as esme");
  });

  test("sign-up closed: an unknown identity gets a clear refusal, no account", async () => {
    const w = await world({ mode: "closed" });
    const b = w.browser();
    const r = await signIn(b, idp.browser(person("otto", "otto@example.test")));
    expect(r.status).toBe(403);
    expect(textOf(r.body)).toContain("No account uses this sign-in, and sign-up is closed.");
    expect(w.db.select().from(users).all()).toHaveLength(0);
    expect(b.cookies.has("updns_session")).toBe(false);
  });

  test("an address the provider verified joins the account that confirmed the same address (even with sign-up closed)", async () => {
    const w = await world({ mode: "closed" });
    const u = await w.user("paul");
    const b = w.browser();
    const r = await signIn(b, idp.browser(person("paul-at-idp", u.email.toUpperCase())));
    expect([r.status, r.location]).toEqual([303, "/overview/"]);
    expect(textOf((await b.get("/overview/")).body)).toContain("Signed in as paul");
    expect(w.db.select().from(oauthIdentities).all()).toEqual([expect.objectContaining({ provider: "oidc", subject: "paul-at-idp", userId: u.id })]);
    expect(w.db.select().from(users).all()).toHaveLength(1);
    expect(w.log.lines.some((l) => l.includes("oauth identity linked by verified e-mail"))).toBe(true);
  });

  test("an address the provider has not verified (email_verified: false) does not join the account; linking from the settings does", async () => {
    const w = await world();
    const u = await w.user("pia");
    const at = idp.browser(person("pia-at-idp", u.email, false));
    const stranger = w.browser();
    const r = await signIn(stranger, at);
    expect(r.status).toBe(409);
    expect(textOf(r.body)).toContain("An account with this e-mail address exists already. Sign in with it and link this sign-in from your settings.");
    expect(stranger.cookies.has("updns_session")).toBe(false);
    expect(w.db.select().from(oauthIdentities).all()).toHaveLength(0);
    expect(w.db.select().from(users).all()).toHaveLength(1);
    // Pia logs in with her password and links the identity herself.
    const b = w.browser();
    await b.login("pia", u.password);
    expect((await b.get("/account/settings")).body).toContain('href="/account/oauth/oidc/start?link=1"');
    const linked = await signIn(b, at, { start: "/account/oauth/oidc/start?link=1" });
    expect([linked.status, linked.location]).toEqual([303, "/account/settings"]);
    expect(w.db.select().from(oauthIdentities).where(eq(oauthIdentities.userId, u.id)).all()).toHaveLength(1);
    // Now the identity signs pia in.
    const c = w.browser({ address: "192.0.2.34" });
    expect((await signIn(c, at)).status).toBe(303);
    expect(textOf((await c.get("/overview/")).body)).toContain("Signed in as pia");
    // Unlink (pia has a password, so it is allowed).
    const id = w.db.select().from(oauthIdentities).get()!.id;
    expect((await b.submit(`/account/oauth/unlink/${id}`, {}, "/account/settings")).status).toBe(303);
    expect(w.db.select().from(oauthIdentities).all()).toHaveLength(0);
  });

  test("an account that never confirmed its address is not joined, even by an address the provider verified", async () => {
    const w = await world();
    const u = await w.user("quentin");
    w.db.update(users).set({ emailVerified: false }).where(eq(users.id, u.id)).run();
    const b = w.browser();
    const r = await signIn(b, idp.browser(person("quentin-at-idp", u.email)));
    expect(r.status).toBe(409);
    expect(textOf(r.body)).toContain("An account with this e-mail address exists already.");
    expect(b.cookies.has("updns_session")).toBe(false);
    expect(w.db.select().from(oauthIdentities).all()).toHaveLength(0);
  });

  test("an identity linked to one account cannot be linked to another", async () => {
    const w = await world();
    const at = idp.browser(person("quinn", "quinn@example.test"));
    await signIn(w.browser(), at);
    const r = await w.user("rita");
    const b = w.browser({ address: "192.0.2.35" });
    await b.login("rita", r.password);
    const res = await signIn(b, at, { start: "/account/oauth/oidc/start?link=1" });
    expect(res.status).toBe(409);
    expect(textOf(res.body)).toContain("This sign-in is already linked to another account.");
  });

  describe("refused with a clear page and no session", () => {
    // A real provider never sends a wrong token on its own: these put a real ID token, issued by the
    // provider to someone else (another client, an earlier sign-in, an impostor provider), into the token
    // response, as an attacker between updns and the provider would.
    test("an ID token for another client of the same provider (wrong audience)", async () => {
      const w = await world();
      const other = await idp.idTokenFor(idp.other, person("amy", "amy@example.test"));
      idp.substituteIdToken = other;
      try {
        const b = w.browser();
        await expectRefused(w, b, await signIn(b, idp.browser("amy")), "The ID token from the sign-in provider is not for us (aud).");
      } finally {
        idp.substituteIdToken = null;
      }
    });

    test("a replayed ID token from an earlier sign-in (nonce)", async () => {
      const w = await world();
      const at = idp.browser(person("tom", "tom@example.test"));
      expect((await signIn(w.browser(), at)).status).toBe(303);
      idp.substituteIdToken = String(idp.tokenResponses.at(-1)!.id_token);
      try {
        const b = w.browser({ address: "192.0.2.37" });
        await expectRefused(w, b, await signIn(b, at), "does not belong to this sign-in (nonce mismatch)", 1);
      } finally {
        idp.substituteIdToken = null;
      }
    });

    test("an ID token from an impostor claiming the provider's issuer name (its own keys)", async () => {
      const impostor = await startTestIdp({ issuer: () => idp.issuer });
      try {
        const forged = await impostor.idTokenFor(impostor.rs256, person("mallory", "mallory@example.test", true, impostor));
        const w = await world();
        idp.substituteIdToken = forged;
        const b = w.browser();
        await expectRefused(w, b, await signIn(b, idp.browser(person("mallory", "mallory@example.test"))), "The ID token from the sign-in provider has a wrong signature.");
      } finally {
        idp.substituteIdToken = null;
        await impostor.stop();
      }
    });

    test("a replayed authorization code (the provider refuses it)", async () => {
      const w = await world();
      const at = idp.browser(person("uma", "uma@example.test"));
      let used = "";
      expect((await signIn(w.browser(), at, { rewrite: (cb) => void (used = cb.searchParams.get("code")!) })).status).toBe(303);
      const b = w.browser({ address: "192.0.2.38" });
      const r = await signIn(b, at, { rewrite: (cb) => cb.searchParams.set("code", used) });
      expect(r.status).toBe(400);
      expect(textOf(r.body)).toContain("The sign-in provider refused the code (invalid_grant).");
      expect(b.cookies.has("updns_session")).toBe(false);
      expect(w.db.select().from(users).all()).toHaveLength(1);
    });

    test("an ID token from another issuer: the provider now answers under another name than in its discovery document", async () => {
      const moved = await startTestIdp();
      try {
        const w = await world({ provider: moved });
        const b = w.browser();
        const s = await b.get("/account/oauth/oidc/start"); // updns reads the discovery document here
        await moved.reissue("http://idp.example.test");
        const callback = await moved.browser(person("vera", "vera@example.test", true, moved)).authorize(s.location!);
        await expectRefused(w, b, await b.get(callback.pathname + callback.search), "The ID token from the sign-in provider is not for us (iss).");
      } finally {
        await moved.stop();
      }
    });

    test("a configured issuer the provider does not answer to (its discovery document names another)", async () => {
      const named = await startTestIdp({ issuer: (origin) => origin.replace("127.0.0.1", "localhost") });
      try {
        const w = await world({ provider: named, issuer: named.issuer.replace("localhost", "127.0.0.1") });
        const b = w.browser();
        const r = await b.get("/account/oauth/oidc/start");
        expect(r.status).toBe(502);
        expect(textOf(r.body)).toContain("discovery document names another issuer.");
        expect(b.cookies.has("updns_oauth")).toBe(false);
      } finally {
        await named.stop();
      }
    });

    test("an expired ID token (short-lived tokens, updns's clock ahead beyond the 60 s tolerance); within the tolerance it passes", async () => {
      const brief = await startTestIdp({ idTokenTtl: 30 });
      try {
        const at = brief.browser(person("walt", "walt@example.test", true, brief));
        const skewed = await world({ provider: brief });
        skewed.clock.t = Date.now() + 45_000; // 15 s past the token's expiry: within the tolerance
        expect((await signIn(skewed.browser(), at)).status).toBe(303);
        const w = await world({ provider: brief });
        w.clock.t = Date.now() + 120_000;
        const b = w.browser();
        await expectRefused(w, b, await signIn(b, at), "The ID token from the sign-in provider has expired.");
      } finally {
        await brief.stop();
      }
    });

    test("a wrong state (forged or stale callback), before the code is used", async () => {
      const w = await world();
      const at = idp.browser(person("sam", "sam@example.test"));
      const b = w.browser();
      const before = idp.tokenResponses.length;
      await expectRefused(w, b, await signIn(b, at, { rewrite: (cb) => cb.searchParams.set("state", "forged-state-value") }), "state mismatch");
      expect(idp.tokenResponses).toHaveLength(before);
      // Without the flow cookie (another browser) it is refused too.
      const s = await w.browser().get("/account/oauth/oidc/start");
      const cb = await at.authorize(s.location!);
      const stranger = w.browser();
      await expectRefused(w, stranger, await stranger.get(cb.pathname + cb.search), "expired or was started in another browser");
    });

    test("the callback replayed (the flow cookie is single-use)", async () => {
      const w = await world();
      const b = w.browser();
      let callback = "";
      expect((await signIn(b, idp.browser(person("tess", "tess@example.test")), { rewrite: (cb) => void (callback = cb.pathname + cb.search) })).status).toBe(303);
      const replay = await b.get(callback);
      expect(replay.status).toBe(400);
      expect(textOf(replay.body)).toContain("expired or was started in another browser");
    });
  });

  test("a self-hosted GitLab (its URL as issuer) signs in through the same OpenID flow", async () => {
    const w = await makeWebWorld({
      configure: (c) => {
        c.registration.mode = "open";
        Object.assign(c["oauth.gitlab"], { client_id: idp.rs256.id, client_secret: idp.rs256.secret, issuer: idp.issuer });
      },
    });
    w.clock.t = Date.now();
    const b = w.browser();
    expect(textOf((await b.get("/account/login")).body)).toContain("GitLab");
    const s = await b.get("/account/oauth/gitlab/start");
    const cb = await idp.browser(person("4711", "gl@example.test")).authorize(s.location!);
    expect(cb.pathname).toBe("/account/oauth/gitlab/callback");
    expect((await b.get(cb.pathname + cb.search)).status).toBe(303);
    expect(w.db.select().from(oauthIdentities).get()).toMatchObject({ provider: "gitlab", subject: "4711" });
  });
});

// GitHub (plain OAuth 2.0 and its REST API) against a local GitHub laid out like GitHub Enterprise Server,
// configured through [oauth.github] base_url.
describe("GitHub", () => {
  let gh: GitHubMock;
  beforeAll(async () => {
    gh = await startGitHubMock();
  });
  afterAll(() => gh.stop());

  async function githubWorld(mode: "open" | "closed" = "open"): Promise<WebWorld> {
    gh.deny = false;
    gh.requests.length = 0;
    return makeWebWorld({
      configure: (c) => {
        c.registration.mode = mode;
        Object.assign(c["oauth.github"], { client_id: gh.clientId, client_secret: gh.clientSecret, base_url: gh.baseUrl });
      },
    });
  }

  /** Start → the mock's authorize endpoint over real HTTP → back to our callback. */
  async function githubSignIn(b: Browser, start = "/account/oauth/github/start", rewrite?: (callback: URL) => void) {
    const s = await b.get(start);
    expect(s.status).toBe(302);
    const authorize = new URL(s.location!);
    expect(authorize.origin + authorize.pathname).toBe(`${gh.baseUrl}/login/oauth/authorize`);
    const back = await fetch(authorize, { redirect: "manual" });
    expect(back.status).toBe(302);
    const callback = new URL(back.headers.get("location")!);
    expect(callback.pathname).toBe("/account/oauth/github/callback");
    rewrite?.(callback);
    return b.get(callback.pathname + callback.search);
  }

  test("first sign-in creates an account from /user and the verified primary address of /user/emails; the next signs it in", async () => {
    const w = await githubWorld();
    gh.user = { id: 4242, login: "octo-nina", emails: [{ email: "old@example.test", primary: false, verified: true }, { email: "nina@example.test", primary: true, verified: true }] };
    const b = w.browser();
    const login = await b.get("/account/login");
    expect(textOf(login.body)).toContain(`GitHub (${new URL(gh.baseUrl).host})`);
    expect(login.body).toContain('href="/account/oauth/github/start?next=%2Foverview%2F"');
    const r = await githubSignIn(b);
    expect([r.status, r.location]).toEqual([303, "/overview/"]);
    const q = gh.authorizeRequests.at(-1)!;
    expect(q.get("scope")).toBe("read:user user:email");
    expect(q.get("redirect_uri")).toBe("http://updns.test/account/oauth/github/callback");
    expect(q.get("state")!.length).toBeGreaterThan(20);
    // The identity came from the API of base_url, with the access token.
    expect(gh.requests.filter((x) => !x.includes("/login/oauth/authorize"))).toEqual(["POST /login/oauth/access_token", "GET /api/v3/user", "GET /api/v3/user/emails"]);
    expect(textOf((await b.get("/overview/")).body)).toContain("Signed in as octo-nina");
    const row = w.db.select().from(users).where(eq(users.username, "octo-nina")).get()!;
    expect([row.email, row.emailVerified, row.passwordHash]).toEqual(["nina@example.test", true, ""]);
    expect(w.db.select().from(oauthIdentities).get()).toMatchObject({ provider: "github", subject: "4242", userId: row.id });
    const again = w.browser({ address: "192.0.2.40" });
    expect((await githubSignIn(again)).status).toBe(303);
    expect(textOf((await again.get("/overview/")).body)).toContain("Signed in as octo-nina");
    expect(w.db.select().from(users).all()).toHaveLength(1);
  });

  test("no verified primary address: the account is created without an e-mail address taken as verified", async () => {
    const w = await githubWorld();
    gh.user = { id: 4243, login: "unverified", emails: [{ email: "u@example.test", primary: true, verified: false }] };
    expect((await githubSignIn(w.browser())).status).toBe(303);
    const row = w.db.select().from(users).where(eq(users.username, "unverified")).get()!;
    expect([row.email, row.emailVerified]).toEqual(["", false]);
  });

  test("sign-up closed: an unknown GitHub account gets a clear refusal, no account", async () => {
    const w = await githubWorld("closed");
    gh.user = { id: 4244, login: "otto", emails: [{ email: "otto@example.test", primary: true, verified: true }] };
    const r = await githubSignIn(w.browser());
    expect(r.status).toBe(403);
    expect(textOf(r.body)).toContain("No account uses this sign-in, and sign-up is closed.");
    expect(w.db.select().from(users).all()).toHaveLength(0);
  });

  test("a GitHub account with another address is linked from the settings; a verified primary address joins the account that confirmed it", async () => {
    const w = await githubWorld("closed");
    const u = await w.user("paula");
    // Another address is a stranger (sign-up closed) until paula links it herself.
    gh.user = { id: 4248, login: "paula-work", emails: [{ email: "paula@work.example", primary: true, verified: true }] };
    expect((await githubSignIn(w.browser())).status).toBe(403);
    const b = w.browser();
    await b.login("paula", u.password);
    expect((await b.get("/account/settings")).body).toContain('href="/account/oauth/github/start?link=1"');
    const linked = await githubSignIn(b, "/account/oauth/github/start?link=1");
    expect([linked.status, linked.location]).toEqual([303, "/account/settings"]);
    expect(w.db.select().from(oauthIdentities).where(eq(oauthIdentities.subject, "4248")).get()).toMatchObject({ provider: "github", userId: u.id });
    const c = w.browser({ address: "192.0.2.41" });
    expect((await githubSignIn(c)).status).toBe(303);
    expect(textOf((await c.get("/overview/")).body)).toContain("Signed in as paula");
    // GitHub's verified primary address is rosa's confirmed one: that joins her account.
    const r = await w.user("rosa");
    gh.user = { id: 4245, login: "rosa-gh", emails: [{ email: r.email, primary: true, verified: true }] };
    const joined = w.browser({ address: "192.0.2.42" });
    expect(await githubSignIn(joined)).toMatchObject({ status: 303, location: "/overview/" });
    expect(textOf((await joined.get("/overview/")).body)).toContain("Signed in as rosa");
    expect(w.db.select().from(oauthIdentities).where(eq(oauthIdentities.subject, "4245")).get()).toMatchObject({ provider: "github", userId: r.id });
    expect(w.db.select().from(users).all()).toHaveLength(2);
  });

  test("a wrong state is refused before the code is exchanged", async () => {
    const w = await githubWorld();
    gh.user = { id: 4246, login: "sam", emails: [] };
    const r = await githubSignIn(w.browser(), undefined, (cb) => cb.searchParams.set("state", "forged-state-value"));
    expect(r.status).toBe(400);
    expect(textOf(r.body)).toContain("state mismatch");
    expect(gh.requests.some((x) => x.startsWith("POST /login/oauth/access_token"))).toBe(false);
    expect(w.db.select().from(users).all()).toHaveLength(0);
  });

  test("GitHub's refusals (HTTP 200 with an error) are shown: a bad code, the person saying no, wrong client credentials", async () => {
    const w = await githubWorld();
    gh.user = { id: 4247, login: "tess", emails: [] };
    const bad = await githubSignIn(w.browser(), undefined, (cb) => cb.searchParams.set("code", "not-a-code"));
    expect(bad.status).toBe(400);
    expect(textOf(bad.body)).toContain("refused the code (bad_verification_code)");
    gh.deny = true;
    const denied = await githubSignIn(w.browser());
    expect(denied.status).toBe(400);
    expect(textOf(denied.body)).toContain("The sign-in provider said no (access_denied)");
    gh.deny = false;
    const wrong = await makeWebWorld({
      configure: (c) => Object.assign(c["oauth.github"], { client_id: gh.clientId, client_secret: "not-the-secret", base_url: gh.baseUrl }),
    });
    const r = await githubSignIn(wrong.browser());
    expect(r.status).toBe(400);
    expect(textOf(r.body)).toContain("refused the code (incorrect_client_credentials)");
    expect(w.db.select().from(users).all()).toHaveLength(0);
    expect(wrong.db.select().from(users).all()).toHaveLength(0);
  });
});
