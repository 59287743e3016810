// Profile (e-mail address, language) and account deletion. A new e-mail address takes effect only when
// the link mailed to it is followed; until then the old one stays.
import { Html } from "@elysiajs/html";
import { blankSessionCookie, checkNewEmail, deleteOwnAccount, setLanguage } from "../../../auth/index.ts";
import { redirect, type Router, type WebContext } from "../context.ts";
import { CsrfField, Field, FormError, MailNotice, page, type Errors } from "../layout.tsx";
import { SUPPORTED_LANGUAGES } from "../i18n.ts";
import { field, formErrors } from "./forms.ts";
import { sendVerification } from "./login.tsx";
import { emailPolicy } from "./register.tsx";

function ProfilePage({ c, errors, sentTo }: { c: WebContext; errors?: Errors; sentTo?: string }): JSX.Element {
  const t = c.t;
  const user = c.user!;
  return (
    <>
      <h1 safe>{t("Profile")}</h1>
      <p>
        <span safe>{t("Username")}</span>: <strong safe>{user.username}</strong>
      </p>
      {sentTo ? (
        <>
          <p class="flash info" role="status" safe>{t("We sent a link to {email}. Your address changes when you open it.", { email: sentTo })}</p>
          <MailNotice c={c} />
        </>
      ) : (
        ""
      )}
      <form method="post" action="/account/profile">
        <CsrfField c={c} />
        <FormError errors={errors} />
        <Field name="email" label={t("E-mail")} type="email" value={user.email} required autocomplete="email" errors={errors} hint={user.emailVerified ? t("Confirmed.") : t("Not confirmed yet.")} />
        <div class="field">
          <label for="f-language" safe>{t("Language")}</label>
          <select id="f-language" name="language">
            <option value="" selected={user.language === ""} safe>{t("As my browser says")}</option>
            {SUPPORTED_LANGUAGES.map((l) => (
              <option value={l.code} selected={user.language === l.code} safe>
                {l.name}
              </option>
            ))}
          </select>
          {errors?.language ? <small class="error" safe>{errors.language}</small> : ""}
        </div>
        <button type="submit" safe>{t("Save")}</button>
      </form>
    </>
  );
}

async function saveProfile(c: WebContext): Promise<Response> {
  const user = c.user!;
  let sentTo: string | undefined;
  try {
    setLanguage(c.web.db, user.id, field(c, "language"));
    user.language = field(c, "language");
    const email = field(c, "email").trim();
    if (email.toLowerCase() !== user.email.toLowerCase()) {
      const checked = await checkNewEmail(c.web.db, user, email, emailPolicy(c));
      await sendVerification(c, user, checked);
      sentTo = checked;
      c.web.log.info("e-mail change requested", { user: user.username });
    }
  } catch (e) {
    return page(c, c.t("Profile"), <ProfilePage c={c} errors={formErrors(c, e)} />, 400);
  }
  if (sentTo) return page(c, c.t("Profile"), <ProfilePage c={c} sentTo={sentTo} />);
  c.flash("info", c.t("Profile saved."));
  return redirect(c, "/account/profile");
}

function DeletePage({ c, errors }: { c: WebContext; errors?: Errors }): JSX.Element {
  const t = c.t;
  const user = c.user!;
  return (
    <>
      <h1 safe>{t("Delete account")}</h1>
      <p safe>{t("This deletes your account, all your hosts and domains, and their DNS records. It cannot be undone.")}</p>
      <form method="post" action="/account/delete">
        <CsrfField c={c} />
        <FormError errors={errors} />
        {user.passwordHash ? (
          <Field name="confirm" label={t("Your password, to confirm")} type="password" required autocomplete="current-password" errors={errors} />
        ) : (
          <Field name="confirm" label={t("Your username, to confirm")} required errors={errors} />
        )}
        <div class="actions">
          <button type="submit" class="danger" safe>{t("Delete my account")}</button>
          <a href="/account/settings" safe>{t("Cancel")}</a>
        </div>
      </form>
    </>
  );
}

async function deleteMe(c: WebContext): Promise<Response> {
  const user = c.user!;
  try {
    await deleteOwnAccount(c.web.db, user, field(c, "confirm"), c.web.onUserDelete);
  } catch (e) {
    return page(c, c.t("Delete account"), <DeletePage c={c} errors={formErrors(c, e)} />, 400);
  }
  c.web.log.info("account deleted by its owner", { user: user.username });
  c.setCookie(blankSessionCookie({ secure: c.client.secure }));
  c.flash("info", c.t("Your account was deleted."));
  return redirect(c, "/");
}

export function profileRoutes(r: Router): void {
  r.get("/account/profile", (c) => page(c, c.t("Profile"), <ProfilePage c={c} />), "user");
  r.post("/account/profile", saveProfile, "user");
  r.get("/account/delete", (c) => page(c, c.t("Delete account"), <DeletePage c={c} />), "user");
  r.post("/account/delete", deleteMe, "user");
}
