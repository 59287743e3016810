// Finds English left in a page rendered in another language. The English words are those of the English
// text of the catalogues (their keys); a word counts as a leftover on a page in language L when L's own
// translations never use it (so "Host", "Token" or "Status", which German uses too, never count) and it is
// not one of the names that are the same in every language (NAMES). Code, snippets and addresses are not
// text to translate: <pre>, <code>, <kbd>, <samp>, <script>, <style> and elements marked translate="no" are
// left out, and so are host names, URLs, e-mail addresses and key=value pairs in the text.
import { CATALOGUES, LANGUAGES } from "../../src/i18n/index.ts";

/**
 * Names of products, protocols and things that stay as they are in every language. Lower case, one word
 * each (the scanner compares words). Keep it short: a sentence never belongs here.
 */
export const NAMES = new Set([
  "updns",
  "dnssec",
  "tsig",
  "ddclient",
  "inadyn",
  "fritz",
  "box",
  "openwrt",
  "pfsense",
  "ipv4",
  "ipv6",
  "aaaa",
  "dns",
  "txt",
  "ttl",
  "tls",
  "acme",
  "dyndns",
  "oauth",
  "github",
  "openid",
  "json",
  "api",
  "url",
  "https",
  "http",
  "htmx",
  "javascript",
  "rfc",
  "nsupdate",
  "knot",
  "bind",
  "nsd",
  "unbound",
  "sha",
  "hmac",
  "ecdsa",
  "ed25519",
  "rsa",
  "ksk",
  "zsk",
  "csk",
  "dnskey",
  "soa",
  "ptr",
  "axfr",
  "ixfr",
  // dyndns2's answers are protocol words (they stay English in every language, as clients read them); the
  // ones that are also English words (good, abuse, deleted) are not listed: a translation that quotes them
  // already makes them that language's words.
  "nochg",
  "badauth",
  "dnserr",
  "nohost",
  "notfqdn",
  "numhost",
  "badagent",
  // The backend names of the configuration file.
  "embedded",
]);

/** Every word of a text that could be a word of a language: letters only, lower-cased. */
const words = (s: string): string[] => (s.toLowerCase().match(/\p{L}+/gu) ?? []);

/** The English text of a catalogue key: without {placeholders}, <markup> and the plural category suffix. */
const englishText = (key: string) => key.replace(/#(zero|one|two|few|many|other)$/, "").replace(/\{\w+\}/g, " ").replace(/<[^>]*>/g, " ");

/** English words of the catalogues' keys, three letters or more (shorter ones are words of other languages too). */
export function englishWords(): Set<string> {
  const out = new Set<string>();
  for (const cat of Object.values(CATALOGUES)) for (const key of Object.keys(cat)) for (const w of words(englishText(key))) if (w.length >= 3 && /^[a-z]+$/.test(w)) out.add(w);
  return out;
}

/**
 * The words a language's translations use. Their {placeholders} and <placeholders> are left out: an English
 * "<address>" kept in a translation is the very leftover this looks for.
 */
export function nativeWords(lang: string): Set<string> {
  const out = new Set<string>();
  for (const v of Object.values(CATALOGUES[lang] ?? {})) for (const w of words(englishText(v))) out.add(w);
  // The language menu names every language in itself.
  for (const l of LANGUAGES) for (const w of words(l.name)) out.add(w);
  return out;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", quot: '"', amp: "&", apos: "'", nbsp: " " };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
    e[0] === "#" ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITIES[e] ?? m),
  );

/** Attributes whose value people read or hear. */
const TEXT_ATTRIBUTES = /\s(title|aria-label|aria-description|placeholder|alt)="([^"]*)"/g;

/** The pieces of text a person reads on a page: text between tags and the readable attributes' values. */
export function readableTexts(html: string): string[] {
  let h = html;
  // Code and snippets, and whatever the page marks as not to be translated (non-nested elements).
  h = h.replace(/<(script|style|pre|code|kbd|samp)\b[^>]*>[\s\S]*?<\/\1>/gi, " ");
  h = h.replace(/<(\w+)\b[^>]*\btranslate="no"[^>]*>[\s\S]*?<\/\1>/gi, " ");
  const out: string[] = [];
  for (const m of h.matchAll(TEXT_ATTRIBUTES)) out.push(decode(m[2]));
  for (const piece of h.replace(/<!--[\s\S]*?-->/g, " ").split(/<[^>]*>/)) out.push(decode(piece));
  return out.map((s) => s.replace(/\s+/g, " ").trim()).filter((s) => /\p{L}/u.test(s));
}

/** Names, addresses and settings in a text, which are data rather than words: URLs, e-mail, host names, a=b. */
const DATA = /\b\w+:\/\/\S+|\S+@\S+|[\w*-]+(\.[\w-]+)+\.?|\S+=\S*|\/\S*|\b[\w-]*\d[\w-]*\b|\b\w+_\w+\b/gu;

export interface Leftover {
  /** The English words found. */
  words: string[];
  /** The piece of text they are in. */
  text: string;
}

/** The English leftovers of one page shown in `lang`. */
export function englishLeftovers(html: string, lang: string, english: Set<string>, native: Set<string>): Leftover[] {
  const out: Leftover[] = [];
  for (const text of readableTexts(html)) {
    const found = words(text.replace(DATA, " ")).filter((w) => english.has(w) && !native.has(w) && !NAMES.has(w));
    if (found.length) out.push({ words: [...new Set(found)], text });
  }
  return out;
}
