// OAuth 2.0 / OpenID Connect sign-in and linking (the protocol lives in auth/oauth.ts).
//
// start:    we create state, PKCE verifier and nonce, keep them in a signed, HttpOnly, 10-minute cookie
//           (Path=/account/oauth, SameSite=Lax so it comes back on the provider's top-level redirect), and
//           send the browser to the provider;
// callback: the state in the URL must equal the cookie's (else: a forged or stale callback, refused), the
//           code is exchanged, the ID token verified (signature, issuer, audience, expiry, nonce). Then:
//           linking (signed in, ?link=1), or signing in the linked account, or the account with the same
//           e-mail address when both the provider and we have verified it (then linked), or - where sign-up
//           is open - a new account. An unverified address never joins an existing account.
import { Html } from "@elysiajs/html";
import { accountWithVerifiedEmail, constantTimeEqual, createUserFromIdentity, findIdentityUser, isPending, linkIdentity, OAuthError, sign, unlinkIdentity, unsign, ValidationError, type PendingAuthorization } from "../../../auth/index.ts";
import { cookie, redirect, safeNext, type Router, type WebContext } from "../context.ts";
import { page } from "../layout.tsx";
import { startSession } from "./login.tsx";

const OAUTH_COOKIE = "updns_oauth";
const OAUTH_PATH = "/account/oauth";
const OAUTH_COOKIE_SECONDS = 600;

interface Flow {
  pending: PendingAuthorization;
  next: string;
  link: boolean;
}

function redirectUri(c: WebContext, provider: string): string {
  return `${c.origin()}${OAUTH_PATH}/${provider}/callback`;
}

function refused(c: WebContext, message: string, status = 400): Promise<Response> {
  const t = c.t;
  return page(
    c,
    t("Sign-in refused"),
    <>
      <h1 safe>{t("Sign-in refused")}</h1>
      <p role="alert" safe>{message}</p>
      <p>
        <a href="/account/login" safe>{t("Back to the login page")}</a>
      </p>
    </>,
    status,
  );
}

async function start(c: WebContext): Promise<Response> {
  const provider = c.web.providers.find((p) => p.name === c.params.provider);
  if (!provider) return refused(c, c.t("This sign-in provider is not configured."), 404);
  const link = c.url.searchParams.get("link") === "1";
  if (link && !c.user) return redirect(c, `/account/login?next=${encodeURIComponent(c.url.pathname + c.url.search)}`);
  let started;
  try {
    started = await provider.start(redirectUri(c, provider.name));
  } catch (e) {
    if (e instanceof OAuthError) return refused(c, c.t(e.message), 502);
    throw e;
  }
  const flow: Flow = { pending: started.pending, next: safeNext(c.url.searchParams.get("next")), link };
  c.setCookie(cookie(OAUTH_COOKIE, sign(c.web.key, "oauth", Buffer.from(JSON.stringify(flow)).toString("base64url")), c.client.secure, OAUTH_COOKIE_SECONDS, OAUTH_PATH));
  return new Response(null, { status: 302, headers: { location: started.url.toString() } });
}

function readFlow(c: WebContext): Flow | null {
  const raw = c.cookies[OAUTH_COOKIE];
  if (!raw) return null;
  const value = unsign(c.web.key, "oauth", raw);
  if (!value) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (typeof v !== "object" || v === null) return null;
    const o = v as Record<string, unknown>;
    if (!isPending(o.pending) || typeof o.next !== "string" || typeof o.link !== "boolean") return null;
    return { pending: o.pending, next: o.next, link: o.link };
  } catch {
    return null;
  }
}

async function callback(c: WebContext): Promise<Response> {
  const t = c.t;
  // The cookie is for one attempt only, whatever happens next.
  c.setCookie(cookie(OAUTH_COOKIE, "", c.client.secure, 0, OAUTH_PATH));
  const provider = c.web.providers.find((p) => p.name === c.params.provider);
  if (!provider) return refused(c, t("This sign-in provider is not configured."), 404);
  const flow = readFlow(c);
  if (!flow || flow.pending.provider !== provider.name) return refused(c, t("This sign-in attempt expired or was started in another browser. Start again."));
  const state = c.url.searchParams.get("state") ?? "";
  // RFC 6749 §10.12: a callback whose state is not the one we handed out is forged (login CSRF) or stale.
  if (!state || !constantTimeEqual(state, flow.pending.state)) return refused(c, t("The sign-in answer does not belong to this attempt (state mismatch). Start again."));
  const providerError = c.url.searchParams.get("error");
  if (providerError) return refused(c, t("The sign-in provider said no ({error}).", { error: providerError.slice(0, 100) }));
  const code = c.url.searchParams.get("code");
  if (!code) return refused(c, t("The sign-in provider sent no code."));

  let identity;
  try {
    identity = await provider.finish(redirectUri(c, provider.name), code, flow.pending, c.now);
  } catch (e) {
    if (e instanceof OAuthError) {
      c.web.log.warn("oauth sign-in refused", { provider: provider.name, kind: e.kind, reason: e.message, client: c.client.address });
      return refused(c, t(e.message));
    }
    throw e;
  }

  if (flow.link) {
    if (!c.user) return refused(c, t("Log in first, then link the sign-in from your settings."));
    try {
      linkIdentity(c.web.db, c.user.id, identity);
    } catch (e) {
      if (e instanceof ValidationError) return refused(c, t(e.message), 409);
      throw e;
    }
    c.web.log.info("oauth identity linked", { user: c.user.username, provider: provider.name });
    c.flash("info", t("{provider} is now linked to your account.", { provider: provider.label }));
    return redirect(c, "/account/settings");
  }

  const linked = findIdentityUser(c.web.db, identity.provider, identity.subject);
  const existing = linked ?? accountWithVerifiedEmail(c.web.db, identity);
  if (existing) {
    if (!existing.isActive) return refused(c, t("This account is deactivated."), 403);
    if (!linked) {
      linkIdentity(c.web.db, existing.id, identity);
      c.web.log.info("oauth identity linked by verified e-mail", { user: existing.username, provider: provider.name });
    }
    startSession(c, existing, false);
    c.web.log.info("login", { user: existing.username, provider: provider.name, client: c.client.address });
    return redirect(c, flow.next);
  }
  if (c.web.config.registration.mode !== "open") {
    return refused(c, t("No account uses this sign-in, and sign-up is closed. If you have an account, log in with your password and link {provider} in your settings.", { provider: provider.label }), 403);
  }
  let user;
  try {
    user = createUserFromIdentity(c.web.db, identity);
  } catch (e) {
    if (e instanceof ValidationError) return refused(c, t(e.message), 409);
    throw e;
  }
  c.web.log.info("account registered", { user: user.username, provider: provider.name });
  startSession(c, user, false);
  c.flash("info", t("Welcome! Your account {username} was created.", { username: user.username }));
  return redirect(c, flow.next);
}

async function unlink(c: WebContext): Promise<Response> {
  try {
    unlinkIdentity(c.web.db, c.user!, Number(c.params.id));
    c.flash("info", c.t("The sign-in was unlinked."));
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    c.flash("error", c.t(e.message));
  }
  return redirect(c, "/account/settings");
}

export function oauthRoutes(r: Router): void {
  r.get(`${OAUTH_PATH}/:provider/start`, start);
  r.get(`${OAUTH_PATH}/:provider/callback`, callback);
  r.post(`${OAUTH_PATH}/unlink/:id`, unlink, "user");
}
