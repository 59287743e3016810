// Translations of updns (src/i18n): the languages, their catalogues (one module per language, each a Record
// from the English text — the key, gettext style, with {name} placeholders — to its translation, compiled
// into the binary), the translation function, the choice of language, and dates and numbers per language.
// tests/i18n/catalogues.test.ts keeps the catalogues complete: every key the code passes to t() (and every
// message of core's and the API's errors) is in every catalogue, no stale ones, and the placeholders of a
// translation are those of the English text.
//
// A leaf module: it imports nothing of ours, so auth (profile validation), http, mail and jobs may use it.
export { LANGUAGES, LANGUAGE_CODES, CATALOGUE_MODULES as CATALOGUES, type Language } from "./languages.ts";
import { isLanguage } from "./translate.ts";
export { translator, pluralTranslator, pluralKey, msg, addCatalogue, pickLanguage, fromAcceptLanguage, isLanguage, type Translate, type PluralTranslate, type PluralForms } from "./translate.ts";

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

/** A calendar date (UTC) in the language's way: "26.11.2026", "26 nov. 2026" (English: 2026-11-26). */
export function formatDate(lang: string, d: Date): string {
  if (lang === "en" || !lang) return d.toISOString().slice(0, 10);
  return cached(dateFormats, lang, () => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" })).format(d);
}

/** A count with the language's digit grouping: 12,345 / 12.345 / 12 345. */
export function formatNumber(lang: string, n: number): string {
  return cached(numberFormats, lang, () => new Intl.NumberFormat(lang)).format(n);
}

const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();

/** The units a relative time is told in, with their length in seconds, largest first. */
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["week", 7 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/**
 * How long ago (or how far ahead) `d` is from `now`, as the language says it (Intl.RelativeTimeFormat):
 * "3 minutes ago", "vor 3 Minuten", "il y a 3 minutes", "yesterday" / "gestern". The largest unit that
 * fits at least once; under a minute in seconds.
 */
export function formatRelative(lang: string, d: Date, now: Date): string {
  const f = cached(relativeFormats, lang, () => new Intl.RelativeTimeFormat(isLanguage(lang) ? lang : "en", { numeric: "auto" }));
  const seconds = Math.round((d.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  for (const [unit, size] of UNITS) if (abs >= size || unit === "second") return f.format(Math.trunc(seconds / size), unit);
  return f.format(0, "second");
}
