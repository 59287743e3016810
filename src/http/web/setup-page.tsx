// The first-run setup page: /setup/<token> creates the first staff account, once; afterwards (or with a
// wrong token) it is 404. The token in the path is a one-time secret printed in the server's log, which is
// also why this form needs no CSRF token: a forging site cannot know the URL to post to.
import { Html } from "@elysiajs/html";
import type { Db } from "../../db/index.ts";
import { loadConfig } from "../../config/index.ts";
import { createLogger } from "../../log/index.ts";
import { createMailer } from "../../mail/index.ts";
import { completeSetup, setupTokenValid, ValidationError } from "../../core/index.ts";
import { AFTER_LOGIN, createWeb, webRoutes, type Web, type WebContext } from "./context.ts";
import { startSession } from "./accounts/index.ts";
import { Field, FormError, page, type Errors } from "./layout.tsx";

function SetupForm({ c, errors, values }: { c: WebContext; errors?: Errors; values?: Record<string, string> }): JSX.Element {
  const t = c.t;
  return (
    <>
      <h1 safe>{t("Set up updns")}</h1>
      <p safe>{t("Create the first staff account. This link works once.")}</p>
      <form method="post" action={`/setup/${encodeURIComponent(c.params.token)}`}>
        <FormError errors={errors} />
        <Field name="username" label={t("Username")} value={values?.username} required autocomplete="username" autofocus errors={errors} />
        <Field name="email" label={t("E-mail")} type="email" value={values?.email} required autocomplete="email" errors={errors} />
        <Field name="password" label={t("Password (at least 10 characters)")} type="password" required minlength={10} autocomplete="new-password" errors={errors} />
        <button type="submit" safe>{t("Create staff account")}</button>
      </form>
    </>
  );
}

function gone(c: WebContext): Promise<Response> {
  return page(c, c.t("Setup"), <h1 safe>{c.t("This setup link is invalid or was already used.")}</h1>, 404);
}

/** `web` is optional so that older wiring (setupRoutes(db)) keeps working; webApp() passes its own. */
export function setupRoutes(db: Db, web?: Web) {
  const w =
    web ??
    createWeb({ db, config: loadConfig({ env: {} }), log: createLogger({ write: () => {} }), mailer: createMailer(loadConfig({ env: {} }).mail, createLogger({ write: () => {} })) });
  // The plugin keeps the name "setup": mounted twice (old wiring and webApp), Elysia keeps one.
  return webRoutes("setup", w, (r) => {
    r.get("/setup/:token", (c) => (setupTokenValid(db, c.params.token, c.now) ? page(c, c.t("Set up updns"), <SetupForm c={c} />) : gone(c)));
    r.post(
      "/setup/:token",
      async (c) => {
        if (!setupTokenValid(db, c.params.token, c.now)) return gone(c);
        const values = { username: c.form.get("username") ?? "", email: c.form.get("email") ?? "", password: c.form.get("password") ?? "" };
        try {
          const user = await completeSetup(db, c.params.token, values, c.now);
          w.log.info("first staff account created", { user: user.username });
          // The person who just chose the password is signed in, as after a login: no second step.
          startSession(c, user, false);
          return page(
            c,
            c.t("Setup done"),
            <>
              <h1 safe>{c.t("Staff account {username} created.", { username: user.username })}</h1>
              <p>
                <a href={AFTER_LOGIN} safe>{c.t("Overview")}</a>
              </p>
            </>,
          );
        } catch (e) {
          if (e instanceof ValidationError) return page(c, c.t("Set up updns"), <SetupForm c={c} errors={{ [e.field === "token" ? "" : e.field]: c.t(e.message) }} values={values} />, 400);
          throw e;
        }
      },
      "any",
      { csrf: false },
    );
  });
}
