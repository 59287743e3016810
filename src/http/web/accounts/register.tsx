// Sign-up ([registration] mode: open, closed, or invitation-only) and e-mail verification. A new account
// cannot sign in until it follows the link mailed to it (single-use, 7 days), unless it came through an
// invitation that was mailed to the same address.
import { Html } from "@elysiajs/html";
import { consumeToken, emailDomainResolves, markEmailVerified, peekToken, registerAccount, deleteAccount, type EmailPolicy } from "../../../auth/index.ts";
import { redirect, type Router, type WebContext } from "../context.ts";
import { CsrfField, Field, FormError, MailNotice, page, type Errors } from "../layout.tsx";
import { field, formErrors } from "./forms.ts";
import { sendVerification } from "./login.tsx";

export function emailPolicy(c: WebContext): EmailPolicy {
  const r = c.web.config.registration;
  return { blacklist: r.email_blacklist, checkDomain: r.check_email_domain ? emailDomainResolves : undefined };
}

function RegisterForm({ c, errors, invitation, values }: { c: WebContext; errors?: Errors; invitation: string; values?: Record<string, string> }): JSX.Element {
  const t = c.t;
  return (
    <>
      <h1 safe>{t("Sign up")}</h1>
      <form method="post" action={invitation ? `/account/register?invitation=${encodeURIComponent(invitation)}` : "/account/register"}>
        <CsrfField c={c} />
        <FormError errors={errors} />
        <Field name="username" label={t("Username")} value={values?.username} required autocomplete="username" autofocus errors={errors} hint={t("Letters, digits and _ . @ + - (up to 150 characters).")} />
        <Field name="email" label={t("E-mail")} type="email" value={values?.email} required autocomplete="email" errors={errors} hint={t("We send a link there to confirm it.")} />
        <Field name="password" label={t("Password")} type="password" required minlength={10} autocomplete="new-password" errors={errors} hint={t("At least 10 characters.")} />
        <Field name="password2" label={t("Password again")} type="password" required minlength={10} autocomplete="new-password" errors={errors} />
        <button type="submit" safe>{t("Create account")}</button>
      </form>
    </>
  );
}

function closed(c: WebContext, invitationOnly: boolean): Promise<Response> {
  const t = c.t;
  return page(
    c,
    t("Sign-up closed"),
    <>
      <h1 safe>{t("Sign-up closed")}</h1>
      <p safe>{invitationOnly ? t("This service takes new accounts by invitation only. Ask its operator for an invitation link.") : t("This service takes no new accounts. Ask its operator if you need one.")}</p>
    </>,
    403,
  );
}

/** Whether sign-up is open for this request: "open", or a valid invitation in the URL. */
function gate(c: WebContext): { ok: true; invitation: string; invitedEmail: string } | { ok: false; response: Promise<Response> } {
  const mode = c.web.config.registration.mode;
  const invitation = c.url.searchParams.get("invitation") ?? "";
  if (invitation) {
    const row = peekToken(c.web.db, "invitation", invitation, c.now);
    if (row) return { ok: true, invitation, invitedEmail: row.email };
    return { ok: false, response: page(c, c.t("Invitation not valid"), <><h1 safe>{c.t("Invitation not valid")}</h1><p safe>{c.t("This invitation link is unknown, expired or was already used.")}</p></>, 404) };
  }
  if (mode === "open") return { ok: true, invitation: "", invitedEmail: "" };
  return { ok: false, response: closed(c, mode === "invitation") };
}

async function register(c: WebContext): Promise<Response> {
  const g = gate(c);
  if (!g.ok) return g.response;
  const values = { username: field(c, "username"), email: field(c, "email"), password: field(c, "password"), password2: field(c, "password2") };
  // An invitation mailed to this very address proves it works: no second mail needed.
  const verified = g.invitedEmail !== "" && g.invitedEmail.toLowerCase() === values.email.trim().toLowerCase();
  let user;
  try {
    user = await registerAccount(c.web.db, values, emailPolicy(c), verified);
  } catch (e) {
    return page(c, c.t("Sign up"), <RegisterForm c={c} errors={formErrors(c, e)} invitation={g.invitation} values={values} />, 400);
  }
  // The invitation is used only now (hashing the password is async, the token's transaction is not). Two
  // sign-ups racing on one link: the second finds it gone and its account is removed again.
  if (g.invitation && !consumeToken(c.web.db, "invitation", g.invitation, c.now, () => null)) {
    await deleteAccount(c.web.db, user.id);
    return page(c, c.t("Invitation not valid"), <><h1 safe>{c.t("Invitation not valid")}</h1><p safe>{c.t("This invitation link is unknown, expired or was already used.")}</p></>, 404);
  }
  c.web.log.info("account registered", { user: user.username, invited: Boolean(g.invitation) });
  if (verified) {
    c.flash("info", c.t("Your account is ready. Log in."));
    return redirect(c, "/account/login");
  }
  await sendVerification(c, user, user.email);
  return page(
    c,
    c.t("Check your mail"),
    <>
      <h1 safe>{c.t("Check your mail")}</h1>
      <p safe>{c.t("We sent a link to {email}. Open it to confirm your address, then log in.", { email: user.email })}</p>
      <MailNotice c={c} />
    </>,
  );
}

async function verify(c: WebContext): Promise<Response> {
  const t = c.t;
  const used = consumeToken(c.web.db, "verify_email", c.params.token, c.now, (row, tx) => (row.userId ? markEmailVerified(tx, row.userId, row.email) : null));
  if (!used || !used.result) {
    return page(c, t("Link not valid"), <><h1 safe>{t("Link not valid")}</h1><p safe>{t("This confirmation link is unknown, expired or was already used. Log in to get a new one.")}</p></>, 404);
  }
  c.web.log.info("e-mail verified", { user: used.result.username });
  c.flash("info", t("Your e-mail address {email} is confirmed.", { email: used.row.email }));
  return redirect(c, c.user ? "/account/profile" : "/account/login");
}

export function registerRoutes(r: Router): void {
  r.get(
    "/account/register",
    (c) => {
      const g = gate(c);
      return g.ok ? page(c, c.t("Sign up"), <RegisterForm c={c} invitation={g.invitation} values={{ email: g.invitedEmail }} />) : g.response;
    },
    "anonymous",
  );
  r.post("/account/register", register, "anonymous");
  r.get("/account/verify/:token", verify);
}
