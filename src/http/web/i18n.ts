// The one translation function every user-facing text goes through. Messages are the English text itself
// (gettext style), with {name} placeholders; the catalogues of the other languages live in src/i18n (one
// module per language, compiled into the binary). A missing translation falls back to English.
//
// t() returns PLAIN TEXT. In JSX put it in an element with the `safe` attribute (<p safe>{t("...")}</p>)
// or in an attribute (attributes are escaped): Kita does not escape children by itself.
import { CATALOGUES, LANGUAGES, formatDate, formatDateTime, formatNumber } from "../../i18n/index.ts";

export { formatDate, formatDateTime, formatNumber };

export type Translate = (msg: string, params?: Record<string, string | number>) => string;

/** Languages with a catalogue (and English). The profile and the language menu offer these. */
export const SUPPORTED_LANGUAGES: { code: string; name: string }[] = LANGUAGES.map((l) => ({ ...l }));

/** The cookie the language menu sets (for people without a profile language, or not signed in). */
export const LANGUAGE_COOKIE = "updns_lang";

const catalogues: Record<string, Record<string, string>> = {};
for (const [lang, messages] of Object.entries(CATALOGUES)) catalogues[lang] = { ...messages };
const translators = new Map<string, Translate>();

/** Adds or replaces messages of a language (English text → translation); tests use it for made-up languages. */
export function addCatalogue(lang: string, messages: Record<string, string>): void {
  catalogues[lang] = { ...(catalogues[lang] ?? {}), ...messages };
  translators.delete(lang);
}

const fill = (text: string, params: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));

/** The translation function of a language (one per language, made once): a property read, then the placeholders. */
export function translator(lang: string): Translate {
  let t = translators.get(lang);
  if (t) return t;
  const cat = catalogues[lang];
  t = (msg, params) => {
    // Own properties only: a message like "constructor" must not find Object.prototype's.
    const text = cat && Object.hasOwn(cat, msg) ? cat[msg] : msg;
    return params ? fill(text, params) : text;
  };
  if (cat || lang === "en") translators.set(lang, t);
  return t;
}

/** The translation function for mail to a person: their profile's language when they chose one, else the page's. */
export function mailTranslator(personLanguage: string | null | undefined, pageT: Translate): Translate {
  return personLanguage && SUPPORTED_LANGUAGES.some((l) => l.code === personLanguage) ? translator(personLanguage) : pageT;
}

const known = () => new Set(SUPPORTED_LANGUAGES.map((l) => l.code));

/** The best supported match of an Accept-Language header (RFC 9110 §12.5.4: q-values, q=0 means "not this"), or "". */
export function fromAcceptLanguage(acceptLanguage: string | null): string {
  const codes = known();
  const wanted = (acceptLanguage ?? "")
    .split(",")
    .slice(0, 32)
    .map((part, i) => {
      const [tag, ...rest] = part.trim().split(";");
      const q = rest.find((r) => r.trim().toLowerCase().startsWith("q="));
      const qv = q ? Number(q.trim().slice(2)) : 1;
      return { tag: tag.trim().toLowerCase(), q: Number.isFinite(qv) ? qv : 0, i };
    })
    .filter((w) => w.tag && w.q > 0)
    // Highest q first; equal q keeps the order the browser sent.
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const w of wanted) {
    if (w.tag === "*") return "en";
    if (codes.has(w.tag)) return w.tag;
    const primary = w.tag.split("-")[0];
    if (codes.has(primary)) return primary;
  }
  return "";
}

/**
 * The person's language: their profile's choice, else the language menu's cookie, else the best
 * Accept-Language match, else English.
 */
export function pickLanguage(profileLanguage: string, acceptLanguage: string | null, cookieLanguage = ""): string {
  const codes = known();
  if (profileLanguage && codes.has(profileLanguage)) return profileLanguage;
  if (cookieLanguage && codes.has(cookieLanguage)) return cookieLanguage;
  return fromAcceptLanguage(acceptLanguage) || "en";
}
