// The message catalogues of updns: one module per language, each a Record from the English text (the key,
// gettext style, with {name} placeholders) to its translation. They are plain objects imported here, so the
// bundler puts them into the binary and a lookup is one property read. English needs no catalogue.
// tests/i18n/catalogues.test.ts keeps them complete: every key the code passes to t() is in every catalogue,
// no stale ones, and the placeholders of a translation are those of the English text.
//
// A leaf module: it imports nothing of ours, so auth (profile validation), http, mail and jobs may use it.
import de from "./de.ts";
import el from "./el.ts";
import fr from "./fr.ts";
import hu from "./hu.ts";
import it from "./it.ts";

export interface Language {
  /** BCP 47 primary tag, the value stored in the profile and the cookie. */
  code: string;
  /** The language's name in itself, as the language menu shows it. */
  name: string;
}

/** Every language people can choose; "en" is the source text and the fallback. */
export const LANGUAGES: readonly Language[] = [
  { code: "en", name: "English" },
  { code: "de", name: "Deutsch" },
  { code: "fr", name: "Français" },
  { code: "it", name: "Italiano" },
  { code: "el", name: "Ελληνικά" },
  { code: "hu", name: "Magyar" },
];

export const LANGUAGE_CODES: readonly string[] = LANGUAGES.map((l) => l.code);

/** The shipped catalogues (English text → translation), by language code. */
export const CATALOGUES: Readonly<Record<string, Readonly<Record<string, string>>>> = { de, fr, it, el, hu };

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function cached<T>(map: Map<string, T>, lang: string, make: () => T): T {
  let f = map.get(lang);
  if (!f) map.set(lang, (f = make()));
  return f;
}

/** A date and time as people of the language write it, in UTC (we keep no time zone per person): "26.11.2026, 17:05 UTC". */
export function formatDateTime(lang: string, d: Date): string {
  // English keeps the unambiguous ISO form the pages always had.
  if (lang === "en") return d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  const f = cached(dateTimeFormats, lang, () => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }));
  return `${f.format(d)} UTC`;
}

/** A calendar date (UTC) in the language's way: "26 Nov 2026", "26.11.2026". */
export function formatDate(lang: string, d: Date): string {
  return cached(dateFormats, lang, () => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" })).format(d);
}

/** A count with the language's digit grouping: 12,345 / 12.345 / 12 345. */
export function formatNumber(lang: string, n: number): string {
  return cached(numberFormats, lang, () => new Intl.NumberFormat(lang)).format(n);
}
