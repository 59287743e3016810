// Sign in and out. Login takes a username or an e-mail address; "keep me logged in" makes a long session,
// otherwise the cookie lasts as long as the browser. Failed attempts are throttled (auth/throttle.ts).
import { Html } from "@elysiajs/html";
import { blankSessionCookie, checkPasswordLogin, createSession, findLoginUser, invalidateSession, issueToken, loginKeys, randomToken, sign, unsign, ADDRESS_RULE, TOKEN_LIFETIME_MS } from "../../../auth/index.ts";
import { verifyEmailMail } from "../../../mail/index.ts";
import type { User } from "../../../core/index.ts";
import { AFTER_LOGIN, cookie, redirect, safeNext, type Router, type WebContext } from "../context.ts";
import { CsrfField, Field, FormError, MailNotice, page, type Errors } from "../layout.tsx";
import { field } from "./forms.ts";
import { mailPluralTranslator, mailTranslator } from "../i18n.ts";

const DEVICE_COOKIE = "updns_device";

function LoginForm({ c, errors, identifier, next }: { c: WebContext; errors?: Errors; identifier?: string; next: string }): JSX.Element {
  const t = c.t;
  return (
    <>
      <h1 safe>{t("Log in")}</h1>
      <div class="columns">
        <form method="post" action={`/account/login${next !== AFTER_LOGIN ? `?next=${encodeURIComponent(next)}` : ""}`}>
          <CsrfField c={c} />
          <FormError errors={errors} />
          <Field name="identifier" label={t("Username or e-mail")} value={identifier} required autocomplete="username" autofocus errors={errors} />
          <Field name="password" label={t("Password")} type="password" required autocomplete="current-password" errors={errors} />
          <label class="check">
            <input type="checkbox" name="remember" value="1" />
            <span safe>{t("Keep me logged in (30 days on this device)")}</span>
          </label>
          <div class="actions">
            <button type="submit" safe>{t("Log in")}</button>
            <a href="/account/password-reset" safe>{t("Forgot your password?")}</a>
          </div>
        </form>
        <OAuthButtons c={c} next={next} />
      </div>
    </>
  );
}

function OAuthButtons({ c, next }: { c: WebContext; next: string }): JSX.Element {
  if (c.web.providers.length === 0) return "";
  return (
    <section aria-label={c.t("Other ways to sign in")}>
      <h2 safe>{c.t("Or sign in with")}</h2>
      <ul class="actions">
        {c.web.providers.map((p) => (
          <li>
            <a class="button secondary" href={`/account/oauth/${p.name}/start?next=${encodeURIComponent(next)}`} safe>
              {p.label}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The device id from the signed device cookie, when it names this account (see throttle.ts). */
function deviceFor(c: WebContext, userId: number | null): string | null {
  const raw = c.cookies[DEVICE_COOKIE];
  if (!raw || userId === null) return null;
  const value = unsign(c.web.key, "device", raw);
  if (!value) return null;
  const [uid, id] = value.split(":");
  return uid === String(userId) && id ? id : null;
}

/**
 * Signs `user` in: the old session (if any) is deleted and a new token issued, so a token planted before
 * login (session fixation) is worthless afterwards.
 */
export function startSession(c: WebContext, user: User, longLived: boolean): void {
  if (c.session) invalidateSession(c.web.db, c.session.idHash);
  const { session, token } = createSession(c.web.db, user.id, longLived, c.now);
  c.adoptSession(token, session, user);
  // Remember that this browser signed in to this account: its failures are then counted apart from strangers'.
  const device = deviceFor(c, user.id) ?? randomToken().slice(0, 16);
  c.setCookie(cookie(DEVICE_COOKIE, sign(c.web.key, "device", `${user.id}:${device}`), c.client.secure, 365 * 86400));
}

async function login(c: WebContext): Promise<Response> {
  const t = c.t;
  const next = safeNext(c.url.searchParams.get("next"));
  const identifier = field(c, "identifier").trim();
  const password = field(c, "password");
  const user = findLoginUser(c.web.db, identifier);
  const keys = loginKeys(c.client.address, user ? String(user.id) : `name:${identifier.toLowerCase()}`, deviceFor(c, user?.id ?? null));
  const throttle = c.web.throttle;
  const wait = Math.max(throttle.wait(keys.address, c.now), throttle.wait(keys.account, c.now));
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    c.web.loginFailures.blocked(c.client.address, identifier, seconds);
    const errors = { "": c.tn(seconds, { one: "Too many failed logins. Try again in {n} second.", other: "Too many failed logins. Try again in {n} seconds." }) };
    return page(c, t("Log in"), <LoginForm c={c} errors={errors} identifier={identifier} next={next} />, 429, { "retry-after": String(seconds) });
  }
  const result = await checkPasswordLogin(c.web.db, user, password, c.now);
  if (!result.ok && result.reason === "credentials") {
    throttle.fail(keys.address, ADDRESS_RULE, c.now);
    throttle.fail(keys.account, keys.accountRule, c.now);
    c.web.loginFailures.failed(c.client.address, identifier, "wrong login name or password");
    // One message for "no such account" and "wrong password": the answer must not tell which accounts exist.
    const errors = { "": t("Wrong username/e-mail or password.") };
    return page(c, t("Log in"), <LoginForm c={c} errors={errors} identifier={identifier} next={next} />, 400);
  }
  if (!result.ok && result.reason === "inactive") {
    return page(c, t("Log in"), <LoginForm c={c} errors={{ "": t("This account is deactivated.") }} identifier={identifier} next={next} />, 403);
  }
  if (!result.ok) {
    // Right password, address not confirmed yet: send a fresh link (the old one may be lost).
    const u = result.user!;
    await sendVerification(c, u, u.email);
    return page(
      c,
      t("Confirm your e-mail address"),
      <>
        <h1 safe>{t("Confirm your e-mail address")}</h1>
        <p safe>{t("Your e-mail address is not confirmed yet. We sent a new link to {email}; open it, then log in.", { email: u.email })}</p>
        <MailNotice c={c} />
      </>,
      403,
    );
  }
  throttle.reset(keys.account);
  startSession(c, result.user, c.form.get("remember") === "1");
  c.web.log.info("login", { user: result.user.username, client: c.client.address, long: c.form.get("remember") === "1" });
  return redirect(c, next);
}

/** Mails a verification link for `email` (a new account's address, or a changed one). */
export async function sendVerification(c: WebContext, user: User, email: string): Promise<void> {
  const token = issueToken(c.web.db, { purpose: "verify_email", userId: user.id, email }, c.now);
  const link = `${c.origin()}/account/verify/${token}`;
  const days = TOKEN_LIFETIME_MS.verify_email / 86400_000;
  await c.web.mailer.send(verifyEmailMail({ t: mailTranslator(user.language, c.t), tn: mailPluralTranslator(user.language, c.tn), site: new URL(c.origin()).host }, email, user.username, link, days)).catch((e: Error) => {
    c.web.log.error("verification mail failed", { user: user.username, error: e.message });
  });
}

export function loginRoutes(r: Router): void {
  r.get("/account/login", (c) => page(c, c.t("Log in"), <LoginForm c={c} next={safeNext(c.url.searchParams.get("next"))} />));
  // Open to signed-in people too: signing in again replaces their session (a new token, the old row deleted).
  r.post("/account/login", login);
  // Logout is a POST (a GET could be triggered by any page's <img>); the row goes, so the token is dead
  // even if someone copied the cookie.
  r.post("/account/logout", (c) => {
    if (c.session) invalidateSession(c.web.db, c.session.idHash);
    c.setCookie(blankSessionCookie({ secure: c.client.secure }));
    return redirect(c, "/");
  });
  // https://w3c.github.io/webappsec-change-password-url/ : password managers look here.
  r.get("/.well-known/change-password", () => new Response(null, { status: 302, headers: { location: "/account/settings" } }));
}
