// OpenID Connect sign-in against a local provider that speaks the real protocol over HTTP (discovery,
// authorize, token, JWKS, RS256 ID tokens), and GitHub sign-in against a local GitHub (authorize, token,
// REST API): login, sign-up, linking, and each kind of bad answer refused with a clear page.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { oauthIdentities, users } from "../../../src/db/index.ts";
import { startOidcProvider, type OidcProvider } from "../../support/oidc-provider.ts";
import { startGitHubMock, type GitHubMock } from "../../support/github-oauth.ts";
import { makeWebWorld, textOf, type Browser, type WebWorld } from "./harness.ts";

let idp: OidcProvider;
beforeAll(async () => {
  idp = await startOidcProvider();
});
afterAll(() => idp.stop());

async function world(mode: "open" | "closed" = "open"): Promise<WebWorld> {
  const w = await makeWebWorld({
    configure: (c) => {
      c.registration.mode = mode;
      Object.assign(c["oauth.oidc"], { client_id: idp.clientId, client_secret: idp.clientSecret, issuer: idp.issuer });
    },
  });
  idp.now = () => w.clock.now();
  return w;
}

/** Start → the provider's authorize endpoint over real HTTP → back to our callback. */
async function signIn(b: Browser, start = "/account/oauth/oidc/start", rewrite?: (callback: URL) => void) {
  const s = await b.get(start);
  expect(s.status).toBe(302);
  const authorize = new URL(s.location!);
  expect(authorize.origin).toBe(idp.issuer);
  const back = await fetch(authorize, { redirect: "manual" });
  expect(back.status).toBe(302);
  const callback = new URL(back.headers.get("location")!);
  expect(callback.pathname).toBe("/account/oauth/oidc/callback");
  rewrite?.(callback);
  return b.get(callback.pathname + callback.search);
}

describe("OpenID Connect", () => {
  test("the login page shows the configured provider; the authorize request carries PKCE S256, state and nonce", async () => {
    const w = await world();
    const b = w.browser();
    const login = await b.get("/account/login");
    expect(textOf(login.body)).toContain(new URL(idp.issuer).host);
    expect(login.body).toContain('href="/account/oauth/oidc/start?next=%2Foverview%2F"');
    const s = await b.get("/account/oauth/oidc/start");
    const q = new URL(s.location!).searchParams;
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

  test("first sign-in creates an account (sign-up open), the next one signs the same account in", async () => {
    const w = await world();
    idp.user = { sub: "sub-nina", email: "nina@example.test", email_verified: true, preferred_username: "nina" };
    const b = w.browser();
    const r = await signIn(b);
    expect(r.status).toBe(303);
    expect(r.location).toBe("/overview/");
    expect(textOf((await b.get("/overview/")).body)).toContain("Signed in as nina");
    const row = w.db.select().from(users).where(eq(users.username, "nina")).get()!;
    expect(row.emailVerified).toBe(true);
    expect(row.passwordHash).toBe("");
    const again = w.browser({ address: "192.0.2.33" });
    expect((await signIn(again)).status).toBe(303);
    expect(textOf((await again.get("/overview/")).body)).toContain("Signed in as nina");
    expect(w.db.select().from(users).all()).toHaveLength(1);
    // The OAuth-only account may set a first password (no current one to give), then log in with it.
    expect(textOf((await b.get("/account/settings")).body)).toContain("Set a password");
    expect((await b.submit("/account/password", { password: "nina's own password", password2: "nina's own password" }, "/account/settings")).status).toBe(303);
    expect((await w.browser({ address: "192.0.2.36" }).login("nina", "nina's own password")).status).toBe(303);
  });

  test("sign-up closed: an unknown identity gets a clear refusal, no account", async () => {
    const w = await world("closed");
    idp.user = { sub: "sub-otto", email: "otto@example.test", email_verified: true, preferred_username: "otto" };
    const r = await signIn(w.browser());
    expect(r.status).toBe(403);
    expect(textOf(r.body)).toContain("No account uses this sign-in, and sign-up is closed.");
    expect(w.db.select().from(users).all()).toHaveLength(0);
  });

  test("an existing account is not taken over by an identity with the same e-mail; linking from the settings works", async () => {
    const w = await world();
    const u = await w.user("paul");
    idp.user = { sub: "sub-paul", email: u.email, email_verified: true, preferred_username: "paul" };
    const stranger = await signIn(w.browser());
    expect(stranger.status).toBe(409);
    expect(textOf(stranger.body)).toContain("An account with this e-mail address exists already.");
    const b = w.browser();
    await b.login("paul", u.password);
    const settings = await b.get("/account/settings");
    expect(settings.body).toContain('href="/account/oauth/oidc/start?link=1"');
    const linked = await signIn(b, "/account/oauth/oidc/start?link=1");
    expect(linked.status).toBe(303);
    expect(linked.location).toBe("/account/settings");
    expect(w.db.select().from(oauthIdentities).where(eq(oauthIdentities.userId, u.id)).all()).toHaveLength(1);
    // Now the identity signs paul in.
    const c = w.browser({ address: "192.0.2.34" });
    expect((await signIn(c)).status).toBe(303);
    expect(textOf((await c.get("/overview/")).body)).toContain("Signed in as paul");
    // Unlink (paul has a password, so it is allowed).
    const id = w.db.select().from(oauthIdentities).get()!.id;
    expect((await b.submit(`/account/oauth/unlink/${id}`, {}, "/account/settings")).status).toBe(303);
    expect(w.db.select().from(oauthIdentities).all()).toHaveLength(0);
  });

  test("an identity linked to one account cannot be linked to another", async () => {
    const w = await world();
    idp.user = { sub: "sub-quinn", email: "quinn@example.test", email_verified: true, preferred_username: "quinn" };
    await signIn(w.browser());
    const r = await w.user("rita");
    const b = w.browser({ address: "192.0.2.35" });
    await b.login("rita", r.password);
    const res = await signIn(b, "/account/oauth/oidc/start?link=1");
    expect(res.status).toBe(409);
    expect(textOf(res.body)).toContain("This sign-in is already linked to another account.");
  });

  const refusals: [string, OidcProvider["tamper"], string][] = [
    ["a wrong nonce", "nonce", "nonce mismatch"],
    ["an expired ID token", "expired", "has expired"],
    ["an ID token signed by another key", "signature", "wrong signature"],
    ["an ID token for another client", "audience", "is not for us (aud)"],
    ["an ID token from another issuer", "issuer", "is not for us (iss)"],
  ];
  for (const [what, tamper, message] of refusals) {
    test(`${what} is refused with a clear page and no session`, async () => {
      const w = await world();
      idp.user = { sub: `sub-${tamper}`, email: `${tamper}@example.test`, email_verified: true, preferred_username: tamper };
      idp.tamper = tamper;
      try {
        const b = w.browser();
        const r = await signIn(b);
        expect(r.status).toBe(400);
        expect(textOf(r.body)).toContain("Sign-in refused");
        expect(textOf(r.body)).toContain(message);
        expect(b.cookies.has("updns_session")).toBe(false);
        expect(w.db.select().from(users).all()).toHaveLength(0);
      } finally {
        idp.tamper = "none";
      }
    });
  }

  test("a wrong state (forged or stale callback) is refused before the code is used", async () => {
    const w = await world();
    idp.user = { sub: "sub-sam", email: "sam@example.test", email_verified: true, preferred_username: "sam" };
    const b = w.browser();
    const r = await signIn(b, undefined, (cb) => cb.searchParams.set("state", "forged-state-value"));
    expect(r.status).toBe(400);
    expect(textOf(r.body)).toContain("state mismatch");
    // Without the flow cookie (another browser) it is refused too.
    const other = await signIn(w.browser(), undefined, () => {});
    expect(other.status).toBe(303); // sanity: a clean run works
    const s = await w.browser().get("/account/oauth/oidc/start");
    const back = await fetch(s.location!, { redirect: "manual" });
    const cb = new URL(back.headers.get("location")!);
    const stranger = await w.browser().get(cb.pathname + cb.search);
    expect(stranger.status).toBe(400);
    expect(textOf(stranger.body)).toContain("expired or was started in another browser");
  });

  test("a self-hosted GitLab (its URL as issuer) signs in through the same OpenID flow", async () => {
    const w = await makeWebWorld({
      configure: (c) => {
        c.registration.mode = "open";
        Object.assign(c["oauth.gitlab"], { client_id: idp.clientId, client_secret: idp.clientSecret, issuer: idp.issuer });
      },
    });
    idp.now = () => w.clock.now();
    idp.user = { sub: "4711", email: "gl@example.test", email_verified: true, preferred_username: "gluser" };
    const b = w.browser();
    expect(textOf((await b.get("/account/login")).body)).toContain("GitLab");
    const s = await b.get("/account/oauth/gitlab/start");
    const back = await fetch(s.location!, { redirect: "manual" });
    const cb = new URL(back.headers.get("location")!);
    expect(cb.pathname).toBe("/account/oauth/gitlab/callback");
    expect((await b.get(cb.pathname + cb.search)).status).toBe(303);
    expect(w.db.select().from(oauthIdentities).get()).toMatchObject({ provider: "gitlab", subject: "4711" });
  });

  test("the flow cookie is single-use: replaying the callback is refused", async () => {
    const w = await world();
    idp.user = { sub: "sub-tom", email: "tom@example.test", email_verified: true, preferred_username: "tom" };
    const b = w.browser();
    let callback = "";
    expect((await signIn(b, undefined, (cb) => (callback = cb.pathname + cb.search))).status).toBe(303);
    const replay = await b.get(callback);
    expect(replay.status).toBe(400);
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

  test("the same e-mail does not take an account over; linking from the settings does, then GitHub signs it in", async () => {
    const w = await githubWorld();
    const u = await w.user("paula");
    gh.user = { id: 4245, login: "paula-gh", emails: [{ email: u.email, primary: true, verified: true }] };
    const stranger = await githubSignIn(w.browser());
    expect(stranger.status).toBe(409);
    expect(textOf(stranger.body)).toContain("An account with this e-mail address exists already.");
    const b = w.browser();
    await b.login("paula", u.password);
    expect((await b.get("/account/settings")).body).toContain('href="/account/oauth/github/start?link=1"');
    const linked = await githubSignIn(b, "/account/oauth/github/start?link=1");
    expect([linked.status, linked.location]).toEqual([303, "/account/settings"]);
    expect(w.db.select().from(oauthIdentities).where(eq(oauthIdentities.userId, u.id)).get()).toMatchObject({ provider: "github", subject: "4245" });
    const c = w.browser({ address: "192.0.2.41" });
    expect((await githubSignIn(c)).status).toBe(303);
    expect(textOf((await c.get("/overview/")).body)).toContain("Signed in as paula");
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
