// The languages of updns and their catalogues: one module per language, each a Record from the English text
// (the key) to its translation. Plain objects imported here, so the bundler puts them into the binary.
// English needs no catalogue: it is the source text.
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
export const CATALOGUE_MODULES: Readonly<Record<string, Readonly<Record<string, string>>>> = { de, fr, it, el, hu };

