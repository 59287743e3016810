// The web side of translation. Every user-facing text goes through t() (src/i18n: messages are the English
// text itself with {name} placeholders; one catalogue module per language). This file adds what only pages
// need: the language menu's cookie and the translation function for mails to a person.
//
// t() returns PLAIN TEXT. In JSX put it in an element with the `safe` attribute (<p safe>{t("...")}</p>)
// or in an attribute (attributes are escaped): Kita does not escape children by itself.
import { LANGUAGES, msg, addCatalogue, formatDate, formatDateTime, formatNumber, formatRelative, fromAcceptLanguage, isLanguage, pickLanguage, pluralTranslator, translator, type PluralTranslate, type Translate } from "../../i18n/index.ts";

export { msg, addCatalogue, formatDate, formatDateTime, formatNumber, formatRelative, fromAcceptLanguage, pickLanguage, pluralTranslator, translator, type PluralTranslate, type Translate };

/** Languages with a catalogue (and English). The profile and the language menu offer these. */
export const SUPPORTED_LANGUAGES: { code: string; name: string }[] = LANGUAGES.map((l) => ({ ...l }));

/** The cookie the language menu sets (for people without a profile language, or not signed in). */
export const LANGUAGE_COOKIE = "updns_lang";

/** The language menu's form target (language.ts). */
export const SETLANG_PATH = "/i18n/setlang";

/** The translation function for mail to a person: their profile's language when they chose one, else the page's. */
export function mailTranslator(personLanguage: string | null | undefined, pageT: Translate): Translate {
  return isLanguage(personLanguage) ? translator(personLanguage) : pageT;
}

/** The plural-aware counterpart of mailTranslator, for counts in the same mail. */
export function mailPluralTranslator(personLanguage: string | null | undefined, pageTn: PluralTranslate): PluralTranslate {
  return isLanguage(personLanguage) ? pluralTranslator(personLanguage) : pageTn;
}
