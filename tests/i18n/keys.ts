// Finds every message key the code hands to the translation function: t("..."), t('...'), t(`...`) (also as
// c.t(...)) and msg("...") (a text translated later, where it is shown), in src/**/*.ts and *.tsx (the mail templates are .ts files in src/mail). A template literal
// with ${...} cannot be a key: it is reported as such, so the test can fail on it.
import { Glob } from "bun";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "..", "..");

export interface Found {
  keys: Map<string, string[]>; // key → "file:line" where it is used
  dynamic: string[]; // "file:line" of template literals with ${} given to t()
  /** Count messages given to tn(n, { one: "…", other: "…" }): English `other` form → its `one` form. */
  plurals: Map<string, string>;
}

const ERROR = /new (?:ValidationError|ZoneNotAllowedError|AccessError|OAuthError|ApiError)\(\s*(?:[\w.]+|"[^"\n]*")\s*,\s*("(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`)/g;
/** `new XError(field, cond ? "…" : "…")`: both texts are keys. */
const ERROR_CHOICE = /new (?:ValidationError|AccessError|OAuthError|ApiError)\(\s*(?:[\w.]+|"[^"\n]*")\s*,\s*[^,;()]*?\?\s*("(?:[^"\\\n]|\\.)*")\s*:\s*("(?:[^"\\\n]|\\.)*")/g;
/**
 * Core functions that return a problem text (or null) which the caller throws as a ValidationError: every
 * text literal in their bodies is a key.
 */
const PROBLEM_FUNCTIONS: Record<string, string[]> = { "src/core/names.ts": ["validateHostName", "validateBlacklistPattern", "checkNewHostName"] };
const LITERAL = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g;

/** Files whose errors only the command line shows (English, like the rest of the CLI). */
const CLI_ONLY = new Set(["src/core/admin/import-nsupdate.ts"]);
const NOT_NAMES = new Set(["as", "Error", "JSON", "stringify", "slice", "join", "toUpperCase", "toLowerCase", "toISOString", "Object", "keys", "String", "this"]);

/** A template literal as a message key: `no host named ${rec.fqdn}` → "no host named {fqdn}". */
export function templateKey(lit: string): string {
  const body = lit.slice(1, -1);
  const used = new Map<string, number>();
  let out = "";
  let i = 0;
  while (i < body.length) {
    if (body[i] === "\\") {
      out += body[i + 1] === "n" ? "\n" : body[i + 1];
      i += 2;
    } else if (body.startsWith("${", i)) {
      let depth = 1;
      let j = i + 2;
      while (j < body.length && depth > 0) {
        if (body[j] === "{") depth++;
        else if (body[j] === "}") depth--;
        j++;
      }
      const expr = body.slice(i + 2, j - 1).replace(/"[^"]*"|'[^']*'/g, "");
      const ids = (expr.match(/[A-Za-z_]\w*/g) ?? []).filter((x) => !NOT_NAMES.has(x));
      let name = ids.at(-1) ?? "value";
      const n = (used.get(name) ?? 0) + 1;
      used.set(name, n);
      if (n > 1) name += n;
      out += `{${name}}`;
      i = j;
    } else out += body[i++];
  }
  return out;
}

/** tn(count, { one: "…", other: "…" }) (also as c.tn(…)): the count expression has no braces. */
const PLURAL_CALL = /(?<![\w$])tn\([^{};]*?,\s*\{\s*one:\s*("(?:[^"\\\n]|\\.)*")\s*,\s*other:\s*("(?:[^"\\\n]|\\.)*")\s*,?\s*\}/g;

/** The catalogue keys of a count message in a language: one per plural category of its rules (CLDR). */
export function pluralKeys(other: string, lang: string): string[] {
  return new Intl.PluralRules(lang).resolvedOptions().pluralCategories.map((c) => `${other}#${c}`);
}

const CALL = /(?<![\w$])(?:t|msg)\(\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)/g;

/** The value of a JS string literal as written in the source. */
export function unquote(lit: string): string {
  if (lit.startsWith("`")) return lit.slice(1, -1).replace(/\\(.)/gs, (_, ch: string) => (ch === "n" ? "\n" : ch));
  return JSON.parse(lit.startsWith("'") ? `"${lit.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"` : lit) as string;
}

export function sourceFiles(): string[] {
  const out: string[] = [];
  for (const f of new Glob("src/**/*.{ts,tsx}").scanSync({ cwd: ROOT })) if (!f.startsWith("src/i18n/")) out.push(f);
  return out.sort();
}

export function extractKeys(files = sourceFiles()): Found {
  const keys = new Map<string, string[]>();
  const dynamic: string[] = [];
  const plurals = new Map<string, string>();
  for (const f of files) {
    const text = readFileSync(join(ROOT, f), "utf8");
    for (const m of text.matchAll(CALL)) {
      // A t("...") in a line comment is an example, not a use ("https://" is not a comment: ':' before it).
      const lineStart = text.lastIndexOf("\n", m.index) + 1;
      if (/(^|[^:])\/\//.test(text.slice(lineStart, m.index))) continue;
      const line = text.slice(0, m.index).split("\n").length;
      const where = `${f}:${line}`;
      if (m[1].startsWith("`") && m[1].includes("${")) {
        dynamic.push(where);
        continue;
      }
      const key = unquote(m[1]);
      keys.set(key, [...(keys.get(key) ?? []), where]);
    }
    for (const m of text.matchAll(PLURAL_CALL)) plurals.set(unquote(m[2]), unquote(m[1]));
    for (const fn of PROBLEM_FUNCTIONS[f] ?? []) {
      const start = text.indexOf(`export function ${fn}(`);
      if (start < 0) throw new Error(`${f}: ${fn} not found (update PROBLEM_FUNCTIONS)`);
      const end = text.indexOf("\n}\n", start);
      for (const m of text.slice(start, end).matchAll(LITERAL)) {
        const key = m[0].startsWith("`") ? templateKey(m[0]) : unquote(m[0]);
        if (!/\p{L}{2,}.* /u.test(key)) continue;
        const where = `${f}:${text.slice(0, start + m.index).split("\n").length}`;
        keys.set(key, [...(keys.get(key) ?? []), where]);
      }
    }
    if (CLI_ONLY.has(f)) continue;
    for (const m of text.matchAll(ERROR_CHOICE)) {
      const where = `${f}:${text.slice(0, m.index).split("\n").length}`;
      for (const lit of [m[1], m[2]]) keys.set(unquote(lit), [...(keys.get(unquote(lit)) ?? []), where]);
    }
    for (const m of text.matchAll(ERROR)) {
      const key = m[1].startsWith("`") ? templateKey(m[1]) : unquote(m[1]);
      const where = `${f}:${text.slice(0, m.index).split("\n").length}`;
      keys.set(key, [...(keys.get(key) ?? []), where]);
    }
  }
  return { keys, dynamic, plurals };
}

/** The {name} placeholders of a message, sorted (duplicates once). */
export function placeholders(msg: string): string[] {
  return [...new Set([...msg.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
}

if (import.meta.main) {
  const { keys, dynamic } = extractKeys();
  if (process.argv.includes("--json")) console.log(JSON.stringify([...keys.keys()], null, 1));
  else {
    for (const k of keys.keys()) console.log(JSON.stringify(k));
    console.error(`${keys.size} keys; dynamic: ${dynamic.join(" ")}`);
  }
}
