// The one translation function every user-facing text goes through. Messages are the English text itself
// (gettext style), with {name} placeholders; catalogues for other languages come later and plug in here
// (a map per language from the English text to the translation). A missing translation falls back to English.
//
// t() returns PLAIN TEXT. In JSX put it in an element with the `safe` attribute (<p safe>{t("...")}</p>)
// or in an attribute (attributes are escaped): Kita does not escape children by itself.

export type Translate = (msg: string, params?: Record<string, string | number>) => string;

/** Languages with a catalogue ("en" needs none). The profile offers these. */
export const SUPPORTED_LANGUAGES: { code: string; name: string }[] = [{ code: "en", name: "English" }];

const catalogues: Record<string, Record<string, string>> = {};

/** Adds or replaces the catalogue of a language (English text → translation). */
export function addCatalogue(lang: string, messages: Record<string, string>): void {
  catalogues[lang] = { ...(catalogues[lang] ?? {}), ...messages };
}

export function translator(lang: string): Translate {
  const cat = catalogues[lang];
  return (msg, params) => {
    const text = cat?.[msg] ?? msg;
    return params ? text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)) : text;
  };
}

/** The person's language: their profile's choice, else the best Accept-Language match, else English. */
export function pickLanguage(profileLanguage: string, acceptLanguage: string | null): string {
  const known = new Set(SUPPORTED_LANGUAGES.map((l) => l.code));
  if (profileLanguage && known.has(profileLanguage)) return profileLanguage;
  const wanted = (acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag, ...rest] = part.trim().split(";");
      const q = rest.find((r) => r.trim().startsWith("q="));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .filter((w) => w.tag && w.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const w of wanted) {
    if (known.has(w.tag)) return w.tag;
    const primary = w.tag.split("-")[0];
    if (known.has(primary)) return primary;
  }
  return "en";
}
