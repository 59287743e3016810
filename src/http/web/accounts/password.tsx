// Password change (signed in; the current password is required; other sessions end, this one stays; API
// tokens only when asked) and password reset by e-mail (single-use link, 2 hours; the answer never says
// whether an account exists; all sessions end and all API tokens are revoked).
import { Html } from "@elysiajs/html";
import { changePassword, consumeToken, findLoginUser, issueToken, listIdentities, newPasswordHash, peekToken, setPasswordHash, TOKEN_LIFETIME_MS } from "../../../auth/index.ts";
import { resetPasswordMail } from "../../../mail/index.ts";
import { redirect, type Router, type WebContext } from "../context.ts";
import { CsrfField, Field, FormError, MailNotice, page, type Errors } from "../layout.tsx";
import { field, formErrors } from "./forms.ts";
import { Check, checked } from "../ui.tsx";
import { mailPluralTranslator, mailTranslator } from "../i18n.ts";

function SettingsPage({ c, errors }: { c: WebContext; errors?: Errors }): JSX.Element {
  const t = c.t;
  const user = c.user!;
  const linked = listIdentities(c.web.db, user.id);
  const labels = new Map(c.web.providers.map((p) => [p.name as string, p.label]));
  return (
    <>
      <h1 safe>{t("Settings")}</h1>
      <h2 safe>{user.passwordHash ? t("Change password") : t("Set a password")}</h2>
      <form method="post" action="/account/password">
        <CsrfField c={c} />
        <FormError errors={errors} />
        {/* A hidden username field lets password managers store the right account. */}
        <input type="hidden" name="username" autocomplete="username" value={user.username} />
        {user.passwordHash ? <Field name="current" label={t("Current password")} type="password" required autocomplete="current-password" errors={errors} /> : ""}
        <Field name="password" label={t("New password")} type="password" required minlength={10} autocomplete="new-password" errors={errors} hint={t("At least 10 characters. Your other sessions will be signed out.")} />
        <Field name="password2" label={t("New password again")} type="password" required minlength={10} autocomplete="new-password" errors={errors} />
        <Check name="revoke_tokens" label={t("Also revoke all my API tokens")} checked={false} hint={t("Update clients that use a token then need a new one.")} />
        <div class="actions">
          <button type="submit" safe>{t("Change password")}</button>
          <a href="/account/password-reset" safe>{t("Forgot your password?")}</a>
        </div>
      </form>
      {c.web.providers.length || linked.length ? (
        <>
          <h2 safe>{t("Linked sign-ins")}</h2>
          <ul>
            {linked.map((i) => (
              <li>
                <span safe>{labels.get(i.provider) ?? i.provider}</span>{" "}
                <form method="post" action={`/account/oauth/unlink/${i.id}`} class="inline">
                  <CsrfField c={c} />
                  <button type="submit" class="link" safe>{t("Unlink")}</button>
                </form>
              </li>
            ))}
          </ul>
          <div class="actions">
            {c.web.providers
              .filter((p) => !linked.some((i) => i.provider === p.name))
              .map((p) => (
                <a class="button secondary" href={`/account/oauth/${p.name}/start?link=1`} safe>
                  {t("Link {provider}", { provider: p.label })}
                </a>
              ))}
          </div>
        </>
      ) : (
        ""
      )}
      <h2 safe>{t("Delete account")}</h2>
      <p>
        <a href="/account/delete" safe>{t("Delete your account and all its hosts and domains…")}</a>
      </p>
    </>
  );
}

async function change(c: WebContext): Promise<Response> {
  const revokeApiTokens = checked(c, "revoke_tokens");
  let revokedTokens: number;
  try {
    ({ revokedTokens } = await changePassword(c.web.db, c.user!, field(c, "current"), field(c, "password"), field(c, "password2"), c.session!.idHash, { revokeApiTokens }));
  } catch (e) {
    return page(c, c.t("Settings"), <SettingsPage c={c} errors={formErrors(c, e)} />, 400);
  }
  c.web.log.info("password changed", { user: c.user!.username, revoked_api_tokens: revokedTokens });
  c.flash(
    "info",
    revokeApiTokens
      ? c.t("Your password was changed. Your other sessions are signed out and your API tokens ({count}) revoked.", { count: revokedTokens })
      : c.t("Your password was changed. Your other sessions are signed out."),
  );
  return redirect(c, "/account/settings");
}

/** With no SMTP server a reset link could reach no one but the log: the operator makes one instead. */
function NoResetMail({ c }: { c: WebContext }): JSX.Element {
  return <p class="banner warn" role="note" safe>{c.t("This server sends no mail (no SMTP server is configured), so it cannot send you a reset link. Ask its operator for one.")}</p>;
}

function ResetRequestForm({ c }: { c: WebContext }): JSX.Element {
  const t = c.t;
  if (!c.web.mailer.delivers) {
    return (
      <>
        <h1 safe>{t("Reset your password")}</h1>
        <NoResetMail c={c} />
      </>
    );
  }
  return (
    <>
      <h1 safe>{t("Reset your password")}</h1>
      <p safe>{t("Enter your username or e-mail address. If there is an account, we mail it a link to choose a new password.")}</p>
      <form method="post" action="/account/password-reset">
        <CsrfField c={c} />
        <Field name="identifier" label={t("Username or e-mail")} required autocomplete="username" autofocus />
        <button type="submit" safe>{t("Send the link")}</button>
      </form>
    </>
  );
}

async function requestReset(c: WebContext): Promise<Response> {
  const t = c.t;
  // No token is made: it could only be written to the log, and the log is not the person's mailbox.
  if (!c.web.mailer.delivers) return page(c, t("Reset your password"), <ResetRequestForm c={c} />);
  const user = findLoginUser(c.web.db, field(c, "identifier"));
  if (user && user.isActive && user.email) {
    const token = issueToken(c.web.db, { purpose: "reset_password", userId: user.id, email: user.email }, c.now);
    const link = `${c.origin()}/account/password-reset/${token}`;
    // In the account's own language: the person asking may be on a borrowed browser.
    const mail = resetPasswordMail({ t: mailTranslator(user.language, t), tn: mailPluralTranslator(user.language, c.tn), site: new URL(c.origin()).host }, user.email, user.username, link, TOKEN_LIFETIME_MS.reset_password / 3600_000);
    // Not awaited: the time to answer must not depend on whether a mail goes out (that would tell who has an account).
    void c.web.mailer.send(mail).catch((e: Error) => c.web.log.error("reset mail failed", { user: user.username, error: e.message }));
    c.web.log.info("password reset requested", { user: user.username, client: c.client.address });
  }
  return page(
    c,
    t("Check your mail"),
    <>
      <h1 safe>{t("Check your mail")}</h1>
      <p safe>{t("If an account with that name or address exists, a link to reset its password is on its way. It works once and for 2 hours.")}</p>
      <MailNotice c={c} />
    </>,
  );
}

function NewPasswordForm({ c, errors }: { c: WebContext; errors?: Errors }): JSX.Element {
  const t = c.t;
  return (
    <>
      <h1 safe>{t("Choose a new password")}</h1>
      <p safe>{t("Setting a new password signs out all sessions of the account and revokes all its API tokens: update clients that use a token need a new one.")}</p>
      <form method="post" action={`/account/password-reset/${encodeURIComponent(c.params.token)}`}>
        <CsrfField c={c} />
        <FormError errors={errors} />
        <Field name="password" label={t("New password")} type="password" required minlength={10} autocomplete="new-password" autofocus errors={errors} hint={t("At least 10 characters.")} />
        <Field name="password2" label={t("New password again")} type="password" required minlength={10} autocomplete="new-password" errors={errors} />
        <button type="submit" safe>{t("Set the new password")}</button>
      </form>
    </>
  );
}

function invalidLink(c: WebContext): Promise<Response> {
  const t = c.t;
  return page(
    c,
    t("Link not valid"),
    <>
      <h1 safe>{t("Link not valid")}</h1>
      <p safe>{t("This password reset link is unknown, expired or was already used.")}</p>
      <p>
        <a href="/account/password-reset" safe>{t("Ask for a new link")}</a>
      </p>
    </>,
    404,
  );
}

async function reset(c: WebContext): Promise<Response> {
  if (!peekToken(c.web.db, "reset_password", c.params.token, c.now)) return invalidLink(c);
  let hash: string;
  try {
    hash = await newPasswordHash(field(c, "password"), field(c, "password2"));
  } catch (e) {
    return page(c, c.t("Choose a new password"), <NewPasswordForm c={c} errors={formErrors(c, e)} />, 400);
  }
  const used = consumeToken(c.web.db, "reset_password", c.params.token, c.now, (row, tx) => (row.userId ? { userId: row.userId, ...setPasswordHash(tx, row.userId, hash) } : null));
  if (!used?.result) return invalidLink(c);
  c.web.log.info("password reset", { user_id: used.result.userId, revoked_api_tokens: used.result.revokedTokens });
  c.flash("info", c.t("Your password was set. All sessions are signed out and all API tokens ({count}) revoked. Log in with the new password.", { count: used.result.revokedTokens }));
  return redirect(c, "/account/login");
}

export function passwordRoutes(r: Router): void {
  r.get("/account/settings", (c) => page(c, c.t("Settings"), <SettingsPage c={c} />), "user");
  r.post("/account/password", change, "user");
  r.get("/account/password-reset", (c) => page(c, c.t("Reset your password"), <ResetRequestForm c={c} />));
  r.post("/account/password-reset", requestReset);
  r.get("/account/password-reset/:token", (c) => (peekToken(c.web.db, "reset_password", c.params.token, c.now) ? page(c, c.t("Choose a new password"), <NewPasswordForm c={c} />) : invalidLink(c)));
  r.post("/account/password-reset/:token", reset);
}
