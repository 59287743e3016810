// The translation function and the choice of language. Messages are the English text itself (gettext
// style) with {name} placeholders. A lookup is one own-property read in the language's catalogue; only a
// miss (a message built at run time, such as core's `no host named home.dyn.example.org`) is tried against
// the catalogue's keys with placeholders, compiled once into patterns, so that error messages of core and
// the API translate too. A message nobody translated stays English.
import { CATALOGUE_MODULES, LANGUAGES } from "./languages.ts";

export type Translate = (msg: string, params?: Record<string, string | number>) => string;

/**
 * Marks an English text as a message that is translated later, where it is shown (`c.t(label)`): gettext's
 * N_(). It returns the text unchanged; the key extractor of tests/i18n finds it like a t() call.
 */
export const msg = (text: string): string => text;

/** A message that depends on a count, in English: `{ one: "{n} user", other: "{n} users" }`. */
export interface PluralForms {
  one: string;
  other: string;
}

/**
 * Translates a count message in the form the language's plural rules (Intl.PluralRules, CLDR) ask for:
 * `tn(2, { one: "{n} user", other: "{n} users" })` → "2 users". `{n}` is the count; `params` fill the rest.
 * A catalogue holds one entry per plural category of its language, keyed by the English `other` form and
 * the category: "{n} users#one", "{n} users#other" (French and Italian also "#many").
 */
export type PluralTranslate = (count: number, forms: PluralForms, params?: Record<string, string | number>) => string;

/** The catalogue key of `forms` in plural category `category`. */
export const pluralKey = (forms: PluralForms, category: string): string => `${forms.other}#${category}`;

const PLURAL_KEY = /#(zero|one|two|few|many|other)$/;
const ENGLISH_RULES = new Intl.PluralRules("en");

const catalogues: Record<string, Record<string, string>> = {};
for (const [lang, messages] of Object.entries(CATALOGUE_MODULES)) catalogues[lang] = { ...messages };
const translators = new Map<string, Translate>();

/** Adds or replaces messages of a language (English text → translation); tests use it for made-up languages. */
export function addCatalogue(lang: string, messages: Record<string, string>): void {
  catalogues[lang] = { ...(catalogues[lang] ?? {}), ...messages };
  translators.delete(lang);
  pluralTranslators.delete(lang);
}

const fill = (text: string, params: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (m, k: string) => (Object.hasOwn(params, k) ? String(params[k]) : m));

interface Pattern {
  /** The literal text before the first placeholder: a cheap test before the regular expression. */
  prefix: string;
  /** How many characters of the key are its own words (not placeholders): how specific the pattern is. */
  literal: number;
  re: RegExp;
  names: string[];
  translation: string;
}

/** Fewer own characters than this, and a key is not used to recognise finished messages. */
const MIN_PATTERN_LITERAL = 8;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The keys with placeholders as patterns that match the finished English text ("no host named {fqdn}"). */
function compilePatterns(cat: Record<string, string>): Pattern[] {
  const out: Pattern[] = [];
  for (const [key, translation] of Object.entries(cat)) {
    if (!key.includes("{") || PLURAL_KEY.test(key)) continue;
    const names: string[] = [];
    const parts = key.split(/\{(\w+)\}/g);
    if (parts.length < 3) continue;
    // A key that is almost all placeholders ("{family}: {code}", "{when} from {address}") would match any
    // text with a colon or a " from " in it and translate half of it; such keys are only ever filled with
    // their values, never found in a finished message.
    const literal = parts.filter((_, i) => i % 2 === 0).join("").trim().length;
    if (literal < MIN_PATTERN_LITERAL) continue;
    let src = "^";
    for (let i = 0; i < parts.length; i++) {
      if (i % 2 === 0) src += escapeRe(parts[i]);
      else {
        names.push(parts[i]);
        // Possibly empty: a message about an empty value ('username "" may use …') is translated too.
        src += "([\\s\\S]*?)";
      }
    }
    out.push({ prefix: parts[0], literal, re: new RegExp(src + "$"), names, translation });
  }
  // The most specific pattern wins: more words of its own first, then the longer literal prefix.
  return out.sort((a, b) => b.literal - a.literal || b.prefix.length - a.prefix.length);
}

/** The translation function of a language (made once per language). */
export function translator(lang: string): Translate {
  let t = translators.get(lang);
  if (t) return t;
  const cat = catalogues[lang];
  let patterns: Pattern[] | undefined;
  t = (msg, params) => {
    // Own properties only: a message like "constructor" must not find Object.prototype's.
    if (cat && Object.hasOwn(cat, msg)) return params ? fill(cat[msg], params) : cat[msg];
    if (cat && !params) {
      patterns ??= compilePatterns(cat);
      for (const p of patterns) {
        if (!msg.startsWith(p.prefix)) continue;
        const m = p.re.exec(msg);
        if (m) return fill(p.translation, Object.fromEntries(p.names.map((n, i) => [n, m[i + 1]])));
      }
    }
    return params ? fill(msg, params) : msg;
  };
  if (cat || lang === "en") translators.set(lang, t);
  return t;
}

const pluralTranslators = new Map<string, PluralTranslate>();

/** The plural-aware translation function of a language (made once per language). */
export function pluralTranslator(lang: string): PluralTranslate {
  let tn = pluralTranslators.get(lang);
  if (tn) return tn;
  const rules = new Intl.PluralRules(isLanguage(lang) ? lang : "en");
  tn = (count, forms, params) => {
    const cat = catalogues[lang];
    const own = (key: string) => (cat && Object.hasOwn(cat, key) ? cat[key] : undefined);
    const all = { ...params, n: count };
    const text = own(pluralKey(forms, rules.select(count))) ?? own(pluralKey(forms, "other"));
    if (text !== undefined) return fill(text, all);
    // Not translated: English, whose rules have just "one" and "other".
    return fill(ENGLISH_RULES.select(count) === "one" ? forms.one : forms.other, all);
  };
  pluralTranslators.set(lang, tn);
  return tn;
}

const known = new Set(LANGUAGES.map((l) => l.code));

/** Whether updns has this language (a code of LANGUAGES). */
export const isLanguage = (code: string | null | undefined): code is string => !!code && known.has(code);

/** The best supported match of an Accept-Language header (RFC 9110 §12.5.4: q-values, q=0 means "not this"), or "". */
export function fromAcceptLanguage(acceptLanguage: string | null | undefined): string {
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
    // Highest q first; equal q keeps the order the client sent.
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const w of wanted) {
    if (w.tag === "*") return "en";
    if (known.has(w.tag)) return w.tag;
    const primary = w.tag.split("-")[0];
    if (known.has(primary)) return primary;
  }
  return "";
}

/**
 * The person's language: their profile's choice, else the language menu's cookie, else the best
 * Accept-Language match, else English.
 */
export function pickLanguage(profileLanguage: string, acceptLanguage: string | null, cookieLanguage = ""): string {
  if (isLanguage(profileLanguage)) return profileLanguage;
  if (isLanguage(cookieLanguage)) return cookieLanguage;
  return fromAcceptLanguage(acceptLanguage) || "en";
}
