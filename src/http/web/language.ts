// The language menu's target (every page's footer): POST /i18n/setlang with `language` and `next`. It keeps
// the choice in a cookie (a year) for everyone; for a signed-in person whose profile names a language, the
// profile changes too, because the profile comes first and would otherwise hide the menu's choice.
// "" forgets the cookie (back to Accept-Language). CSRF-checked like every form.
import { setLanguage } from "../../auth/index.ts";
import { cookie, redirect, safeNext, webRoutes, type WebContext, type Web } from "./context.ts";
import { LANGUAGE_COOKIE, SETLANG_PATH, SUPPORTED_LANGUAGES } from "./i18n.ts";

export { SETLANG_PATH };
const YEAR = 365 * 86400;

function setLang(c: WebContext): Response {
  const language = (c.form.get("language") ?? "").trim();
  const next = safeNext(c.form.get("next"), "/");
  if (language !== "" && !SUPPORTED_LANGUAGES.some((l) => l.code === language)) {
    c.flash("error", c.t("Unknown language."));
    return redirect(c, next);
  }
  c.setCookie(cookie(LANGUAGE_COOKIE, language, c.client.secure, language ? YEAR : 0));
  if (c.user && c.user.language !== "") {
    setLanguage(c.web.db, c.user.id, language);
    c.user.language = language;
  }
  return redirect(c, next);
}

export function languagePages(web: Web) {
  return webRoutes("language", web, (r) => {
    r.post(SETLANG_PATH, setLang);
  });
}
