// Finds every message key the code hands to the translation function: t("..."), t('...'), t(`...`) (also as
// c.t(...)), in src/**/*.ts and *.tsx (the mail templates are .ts files in src/mail). A template literal
// with ${...} cannot be a key: it is reported as such, so the test can fail on it.
import { Glob } from "bun";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "..", "..");

export interface Found {
  keys: Map<string, string[]>; // key → "file:line" where it is used
  dynamic: string[]; // "file:line" of template literals with ${} given to t()
}

const ERROR = /new (?:ValidationError|AccessError|OAuthError|ApiError)\(\s*(?:[\w.]+|"[^"\n]*")\s*,\s*("(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`)/g;
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

const CALL = /(?<![\w$])t\(\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)/g;

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
    if (CLI_ONLY.has(f)) continue;
    for (const m of text.matchAll(ERROR)) {
      const key = m[1].startsWith("`") ? templateKey(m[1]) : unquote(m[1]);
      const where = `${f}:${text.slice(0, m.index).split("\n").length}`;
      keys.set(key, [...(keys.get(key) ?? []), where]);
    }
  }
  return { keys, dynamic };
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
