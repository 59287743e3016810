// The page frame and the small form components every page uses.
//
// ESCAPING: with @elysiajs/html (Kita) JSX children are NOT escaped. Every user value and every t() text
// sits in an element with the `safe` attribute, or in an attribute (attributes are escaped). `xss-scan`
// (see tools/xss-scan) fails the test script when one is not.
import { Html, type PropsWithChildren } from "@elysiajs/html";
import { CSRF_FIELD, CSRF_HEADER } from "../../auth/index.ts";
import { assetUrl } from "./assets.ts";
import type { WebContext } from "./context.ts";
import { SETLANG_PATH, SUPPORTED_LANGUAGES } from "./i18n.ts";
import { html } from "./respond.ts";

export type LayoutProps = PropsWithChildren<{ c: WebContext; title: string }>;

export function Layout({ c, title, children }: LayoutProps): JSX.Element {
  const { t, user } = c;
  // htmx sends the CSRF token on every request it makes (JSON, parsed by htmx without eval).
  const hxHeaders = JSON.stringify({ [CSRF_HEADER]: c.csrf });
  return (
    <html lang={c.lang} data-theme={c.theme || undefined}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* No inline styles from htmx (our CSP forbids them), no eval, no script tags from swaps. */}
        <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"selfRequestsOnly":true}' />
        <meta name="color-scheme" content="light dark" />
        <title safe>{`${title} · updns`}</title>
        <link rel="icon" type="image/svg+xml" href={assetUrl("icon.svg")} />
        <link rel="stylesheet" href={assetUrl("app.css")} />
        <script src={assetUrl("htmx.min.js")} defer></script>
        <script src={assetUrl("app.js")} defer></script>
      </head>
      <body hx-headers={hxHeaders}>
        <a class="skip" href="#main" safe>{t("Skip to content")}</a>
        <header class="top">
          <nav aria-label={t("Main")}>
            <a class="brand" href="/">updns</a>
            <ul>
              {user ? (
                <li>
                  <a href="/overview/" safe>{t("Overview")}</a>
                </li>
              ) : (
                ""
              )}
              {user && c.web.config.acme_dns.zone !== "" ? (
                <li>
                  <a href="/acme/" safe>{t("ACME")}</a>
                </li>
              ) : (
                ""
              )}
              {user?.isStaff ? (
                <li>
                  <a href="/admin/users" safe>{t("Admin")}</a>
                </li>
              ) : (
                ""
              )}
            </ul>
            <ul>
              {user ? (
                <>
                  <li>
                    <a href="/account/profile" safe>{user.username}</a>
                  </li>
                  <li>
                    <a href="/account/settings" safe>{t("Settings")}</a>
                  </li>
                  <li>
                    <a href="/account/tokens" safe>{t("API tokens")}</a>
                  </li>
                  <li>
                    <form method="post" action="/account/logout" class="inline">
                      <CsrfField c={c} />
                      <button type="submit" class="link" safe>{t("Log out")}</button>
                    </form>
                  </li>
                </>
              ) : (
                <>
                  {signUpOpen(c) ? (
                    <li>
                      <a href="/account/register" safe>{t("Sign up")}</a>
                    </li>
                  ) : (
                    ""
                  )}
                  <li>
                    <a href={LOGIN_HREF} safe>{t("Log in")}</a>
                  </li>
                </>
              )}
              <li>
                {/* app.js shows this button; without JavaScript the theme follows the system. */}
                <button type="button" id="theme-toggle" class="link" hidden title={t("Switch between light and dark")} safe>{t("Theme")}</button>
              </li>
            </ul>
          </nav>
          {/* The notices about the whole site sit in the header landmark, so screen reader users find them there. */}
          {c.client.secure ? (
            ""
          ) : (
            <p class="banner warn" role="note" safe>
              {t("This connection is not encrypted (HTTP): passwords, cookies and update secrets can be read on the way.")}
            </p>
          )}
          <noscript>
            <p class="banner" safe>{t("JavaScript is off: everything works, some pages just reload more.")}</p>
          </noscript>
        </header>
        <main id="main">
          {c.flashes.map((f) => (
            <p class={`flash ${f.kind}`} role={f.kind === "error" ? "alert" : "status"} safe>
              {f.text}
            </p>
          ))}
          {children}
        </main>
        <footer>
          <p>
            <span safe>{t("updns — self-hosted dynamic DNS")}</span> · <a href="/about/" safe>{t("About")}</a>
          </p>
          <LanguageMenu c={c} />
        </footer>
      </body>
    </html>
  );
}

const LOGIN_HREF = "/account/login";

/** The language menu: a plain form (no script needed), each language named in itself. */
function LanguageMenu({ c }: { c: WebContext }): JSX.Element {
  return (
    <form method="post" action={SETLANG_PATH} class="inline language-menu">
      <CsrfField c={c} />
      <input type="hidden" name="next" value={c.url.pathname + c.url.search} />
      <label for="language-menu" safe>{c.t("Language")}</label>
      <select id="language-menu" name="language">
        {SUPPORTED_LANGUAGES.map((l) => (
          <option value={l.code} lang={l.code} selected={l.code === c.lang} safe>
            {l.name}
          </option>
        ))}
      </select>
      <button type="submit" class="secondary" safe>{c.t("Change language")}</button>
    </form>
  );
}

/** A whole page as a Response. */
export async function page(c: WebContext, title: string, body: JSX.Element, status = 200, headers: Record<string, string> = {}): Promise<Response> {
  return html(await (<Layout c={c} title={title}>{body}</Layout>), status, headers);
}

/** Just a fragment (for htmx swaps): no frame. */
export async function fragment(body: JSX.Element, status = 200): Promise<Response> {
  return new Response(await body, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}

/**
 * Whether "Sign up" is worth linking: only when anyone may register. Invited people arrive with their own
 * link, and under "closed" or "invitation" the bare sign-up page only says no (403).
 */
export function signUpOpen(c: WebContext): boolean {
  return c.web.config.registration.mode === "open";
}

export function CsrfField({ c }: { c: WebContext }): JSX.Element {
  return <input type="hidden" name={CSRF_FIELD} value={c.csrf} />;
}

/** Field errors by field name (from ValidationError.field), plus "" for the form as a whole. */
export type Errors = Record<string, string>;

export interface FieldProps {
  name: string;
  label: string;
  type?: string;
  value?: string;
  errors?: Errors;
  required?: boolean;
  autocomplete?: string;
  hint?: string;
  minlength?: number;
  autofocus?: boolean;
  /** The id of a <datalist> of suggestions (any other value may still be typed). */
  list?: string;
}

/** A labelled input with its error message tied to it (aria-describedby), for screen readers too. */
export function Field(p: FieldProps): JSX.Element {
  const err = p.errors?.[p.name];
  const id = `f-${p.name}`;
  const described = [err ? `${id}-err` : "", p.hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={id} safe>{p.label}</label>
      <input
        id={id}
        name={p.name}
        type={p.type ?? "text"}
        value={p.type === "password" ? undefined : p.value}
        required={p.required}
        autocomplete={p.autocomplete}
        minlength={p.minlength}
        autofocus={p.autofocus}
        list={p.list}
        aria-invalid={err ? "true" : undefined}
        aria-describedby={described || undefined}
      />
      {p.hint ? <small id={`${id}-hint`} safe>{p.hint}</small> : ""}
      {err ? <small id={`${id}-err`} class="error" safe>{err}</small> : ""}
    </div>
  );
}

/** The error about the form as a whole (errors[""]). */
export function FormError({ errors }: { errors?: Errors }): JSX.Element {
  return errors?.[""] ? <p class="flash error" role="alert" safe>{errors[""]}</p> : "";
}

/** A notice that mails are not delivered (no smtp_host): the person must ask the operator. */
export function MailNotice({ c }: { c: WebContext }): JSX.Element {
  return c.web.mailer.delivers ? "" : <p class="banner warn" role="note" safe>{c.t("This server sends no mail (no SMTP server is configured): the link was written to the server's log. Ask its operator.")}</p>;
}
