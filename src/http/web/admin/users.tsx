// Staff: the user list (search, pages), creating accounts and invitations, deactivating, granting staff,
// deleting. A staff member cannot do the last three to themselves (no locking the last door from inside).
import { Html } from "@elysiajs/html";
import { deleteAccount, getUser, issueToken, searchUsers, setActive, setStaff, TOKEN_LIFETIME_MS, ValidationError } from "../../../auth/index.ts";
import { createUser, validateEmail } from "../../../core/index.ts";
import { invitationMail } from "../../../mail/index.ts";
import { notFound, redirect, type Router, type WebContext } from "../context.ts";
import { CsrfField, Field, FormError, MailNotice, page, type Errors } from "../layout.tsx";
import { field, formErrors } from "../accounts/index.ts";
import { AdminNav } from "./lists.tsx";
import { DateTime } from "../ui.tsx";

const PAGE_SIZE = 50;

function UsersPage({ c, errors, values }: { c: WebContext; errors?: Errors; values?: Record<string, string> }): JSX.Element {
  const t = c.t;
  const q = c.url.searchParams.get("q") ?? "";
  const pageNo = Math.max(1, Math.floor(Number(c.url.searchParams.get("page")) || 1));
  const { users, total } = searchUsers(c.web.db, q, (pageNo - 1) * PAGE_SIZE, PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const link = (p: number) => `/admin/users?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
  return (
    <>
      <AdminNav c={c} />
      <h1 safe>{t("Users")}</h1>
      <form method="get" action="/admin/users" role="search" class="actions">
        <label for="q" safe>{t("Search")}</label>
        <input id="q" name="q" type="search" value={q} />
        <button type="submit" class="secondary" safe>{t("Search")}</button>
      </form>
      <p class="muted" safe>{c.tn(total, { one: "{n} user", other: "{n} users" })}</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th safe>{t("Username")}</th>
              <th safe>{t("E-mail")}</th>
              <th safe>{t("Active")}</th>
              <th safe>{t("Staff")}</th>
              <th safe>{t("Last login")}</th>
              <th safe>{t("Actions")}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr>
                <td>
                  <span id={`user-${u.id}`} safe>{u.username}</span>
                  {/* Staff reach the account's hosts and domains, and from there each one's page. */}
                  <small class="actions">
                    <a href={`/admin/hosts?owner=${encodeURIComponent(u.username)}`} aria-describedby={`user-${u.id}`} safe>{t("hosts")}</a>
                    <a href={`/admin/domains?owner=${encodeURIComponent(u.username)}`} aria-describedby={`user-${u.id}`} safe>{t("domains")}</a>
                  </small>
                </td>
                <td>
                  <span safe>{u.email}</span>
                  {u.email && !u.emailVerified ? <small class="muted" safe>{` (${t("not confirmed")})`}</small> : ""}
                </td>
                <td safe>{u.isActive ? t("yes") : t("no")}</td>
                <td safe>{u.isStaff ? t("yes") : t("no")}</td>
                <td>{u.lastLogin ? <DateTime c={c} at={u.lastLogin} /> : <span safe>{t("never")}</span>}</td>
                <td>
                  {u.id === c.user!.id ? (
                    <small class="muted" safe>{t("(you)")}</small>
                  ) : (
                    <div class="actions">
                      <form method="post" action={`/admin/users/${u.id}/active`} class="inline">
                        <CsrfField c={c} />
                        <input type="hidden" name="active" value={u.isActive ? "0" : "1"} />
                        <button type="submit" class="link" safe>{u.isActive ? t("Deactivate") : t("Activate")}</button>
                      </form>
                      <form method="post" action={`/admin/users/${u.id}/staff`} class="inline">
                        <CsrfField c={c} />
                        <input type="hidden" name="staff" value={u.isStaff ? "0" : "1"} />
                        <button type="submit" class="link" safe>{u.isStaff ? t("Revoke staff") : t("Grant staff")}</button>
                      </form>
                      <a href={`/admin/users/${u.id}/delete`} safe>{t("Delete")}</a>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label={t("Pages")}>
        {pageNo > 1 ? <a href={link(pageNo - 1)} safe>{t("Previous")}</a> : ""}
        <span safe>{t("Page {page} of {pages}", { page: pageNo, pages })}</span>
        {pageNo < pages ? <a href={link(pageNo + 1)} safe>{t("Next")}</a> : ""}
      </nav>
      <div class="columns">
        <section class="card">
          <h2 safe>{t("Create a user")}</h2>
          <form method="post" action="/admin/users">
            <CsrfField c={c} />
            <FormError errors={errors} />
            <Field name="username" label={t("Username")} value={values?.username} required errors={errors} />
            <Field name="email" label={t("E-mail")} type="email" value={values?.email} errors={errors} />
            <Field name="password" label={t("Password")} type="password" autocomplete="new-password" errors={errors} hint={t("Empty: the user sets one through “Forgot your password?”.")} />
            <label class="check">
              <input type="checkbox" name="staff" value="1" />
              <span safe>{t("Staff")}</span>
            </label>
            <button type="submit" safe>{t("Create")}</button>
          </form>
        </section>
        <section class="card">
          <h2 safe>{t("Invite someone")}</h2>
          <p class="muted" safe>{t("Mails a sign-up link that works once, also while sign-up is closed.")}</p>
          <form method="post" action="/admin/invitations">
            <CsrfField c={c} />
            <Field name="invite_email" label={t("E-mail")} type="email" required errors={errors} />
            <button type="submit" safe>{t("Send invitation")}</button>
          </form>
        </section>
      </div>
    </>
  );
}

async function create(c: WebContext): Promise<Response> {
  const values = { username: field(c, "username"), email: field(c, "email") };
  try {
    const u = await createUser(c.web.db, { ...values, password: field(c, "password") || undefined, staff: c.form.get("staff") === "1" });
    c.web.log.info("user created by staff", { user: u.username, by: c.user!.username });
    c.flash("info", c.t("User {username} created.", { username: u.username }));
  } catch (e) {
    return page(c, c.t("Users"), <UsersPage c={c} errors={formErrors(c, e)} values={values} />, 400);
  }
  return redirect(c, "/admin/users");
}

async function invite(c: WebContext): Promise<Response> {
  let email: string;
  try {
    email = validateEmail(field(c, "invite_email"));
    if (!email) throw new ValidationError("invite_email", "An e-mail address is required.");
  } catch (e) {
    const errors = formErrors(c, e);
    return page(c, c.t("Users"), <UsersPage c={c} errors={{ invite_email: errors.email ?? errors.invite_email ?? "" }} />, 400);
  }
  const token = issueToken(c.web.db, { purpose: "invitation", email }, c.now);
  const link = `${c.origin()}/account/register?invitation=${token}`;
  // With no SMTP server the link is shown to the staff member who asked, never written to the log.
  if (!c.web.mailer.delivers) {
    c.web.log.info("invitation link shown to staff (no [mail] smtp_host)", { by: c.user!.username });
    return page(
      c,
      c.t("Invite someone"),
      <>
        <h1 safe>{c.t("Invite someone")}</h1>
        <p safe>{c.t("This server sends no mail (no SMTP server is configured). Give this link to {email} yourself; it works once:", { email })}</p>
        <p>
          <code safe>{link}</code>
        </p>
        <p>
          <a href="/admin/users" safe>{c.t("Back to the users")}</a>
        </p>
      </>,
    );
  }
  await c.web.mailer
    .send(invitationMail({ t: c.t, tn: c.tn, site: new URL(c.origin()).host }, email, c.user!.username, link, TOKEN_LIFETIME_MS.invitation / 86400_000))
    .catch((e: Error) => c.web.log.error("invitation mail failed", { error: e.message }));
  c.web.log.info("invitation sent", { by: c.user!.username });
  return page(
    c,
    c.t("Invitation sent"),
    <>
      <h1 safe>{c.t("Invitation sent")}</h1>
      <p safe>{c.t("An invitation link is on its way to {email}.", { email })}</p>
      <MailNotice c={c} />
      <p>
        <a href="/admin/users" safe>{c.t("Back to the users")}</a>
      </p>
    </>,
  );
}

/** The target of a per-user action, or null when unknown or oneself. */
function target(c: WebContext) {
  const u = getUser(c.web.db, Number(c.params.id));
  return u && u.id !== c.user!.id ? u : null;
}

function DeleteConfirm({ c, username }: { c: WebContext; username: string }): JSX.Element {
  const t = c.t;
  return (
    <>
      <h1 safe>{t("Delete user {username}", { username })}</h1>
      <p safe>{t("This deletes the account, all its hosts and domains, and their DNS records. It cannot be undone.")}</p>
      <form method="post" action={`/admin/users/${c.params.id}/delete`} class="actions">
        <CsrfField c={c} />
        <button type="submit" class="danger" safe>{t("Delete")}</button>
        <a href="/admin/users" safe>{t("Cancel")}</a>
      </form>
    </>
  );
}

export function adminUserRoutes(r: Router): void {
  r.get("/admin/users", (c) => page(c, c.t("Users"), <UsersPage c={c} />), "staff");
  r.post("/admin/users", create, "staff");
  r.post("/admin/invitations", invite, "staff");
  r.post(
    "/admin/users/:id/active",
    (c) => {
      const u = target(c);
      if (!u) return notFound(c);
      setActive(c.web.db, u.id, c.form.get("active") === "1");
      c.web.log.info(c.form.get("active") === "1" ? "user activated" : "user deactivated", { user: u.username, by: c.user!.username });
      return redirect(c, "/admin/users");
    },
    "staff",
  );
  r.post(
    "/admin/users/:id/staff",
    (c) => {
      const u = target(c);
      if (!u) return notFound(c);
      setStaff(c.web.db, u.id, c.form.get("staff") === "1");
      c.web.log.info(c.form.get("staff") === "1" ? "staff granted" : "staff revoked", { user: u.username, by: c.user!.username });
      return redirect(c, "/admin/users");
    },
    "staff",
  );
  r.get(
    "/admin/users/:id/delete",
    (c) => {
      const u = target(c);
      return u ? page(c, c.t("Delete user {username}", { username: u.username }), <DeleteConfirm c={c} username={u.username} />) : notFound(c);
    },
    "staff",
  );
  r.post(
    "/admin/users/:id/delete",
    async (c) => {
      const u = target(c);
      if (!u) return notFound(c);
      await deleteAccount(c.web.db, u.id, c.web.onUserDelete);
      c.web.log.info("user deleted by staff", { user: u.username, by: c.user!.username });
      c.flash("info", c.t("User {username} deleted.", { username: u.username }));
      return redirect(c, "/admin/users");
    },
    "staff",
  );
}
