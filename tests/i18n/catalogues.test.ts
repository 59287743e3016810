// The catalogues of src/i18n against the code: every message the code passes to t() is translated in every
// language, nothing stale stays behind, and each translation keeps the English text's {placeholders}.
import { describe, expect, test } from "bun:test";
import { CATALOGUES, LANGUAGES } from "../../src/i18n/index.ts";
import { extractKeys, placeholders, pluralKeys } from "./keys.ts";

const { keys, dynamic, plurals } = extractKeys();
/** Every key a language's catalogue needs: the t() messages, and each count message once per plural category. */
const wanted = (lang: string) => new Set([...keys.keys(), ...[...plurals.keys()].flatMap((other) => pluralKeys(other, lang))]);
const others = LANGUAGES.filter((l) => l.code !== "en");

describe("message catalogues", () => {
  test("the extractor finds the messages of the views, the mails and the jobs", () => {
    expect(keys.has("Log in")).toBe(true);
    expect(keys.has("Confirm your e-mail address for {site}")).toBe(true);
    expect(keys.has("Issue with your host {fqdn}")).toBe(true);
    expect(keys.size).toBeGreaterThan(400);
  });

  test("no template literal with ${...} is given to t() (it could never be a key)", () => {
    expect(dynamic).toEqual([]);
  });

  test("every language but English has a catalogue", () => {
    expect(Object.keys(CATALOGUES).sort()).toEqual(others.map((l) => l.code).sort());
  });

  for (const { code } of others) {
    describe(code, () => {
      const cat = CATALOGUES[code];
      test("has every key", () => {
        const missing = [...wanted(code)].filter((k) => !Object.hasOwn(cat, k)).map((k) => `${JSON.stringify(k)} (${keys.get(k)?.[0] ?? "a count message"})`);
        expect(missing).toEqual([]);
      });
      test("has no stale key", () => {
        const all = wanted(code);
        expect(Object.keys(cat).filter((k) => !all.has(k))).toEqual([]);
      });
      test("keeps the placeholders of every message", () => {
        const differ = Object.entries(cat)
          .filter(([k, v]) => placeholders(k).join() !== placeholders(v).join())
          .map(([k, v]) => `${k} → ${v}`);
        expect(differ).toEqual([]);
      });
      test("translates (no empty text; most texts differ from English)", () => {
        expect(Object.entries(cat).filter(([, v]) => !v.trim())).toEqual([]);
        const same = Object.entries(cat).filter(([k, v]) => k === v).length;
        expect(same / Math.max(1, keys.size)).toBeLessThan(0.1);
      });
      test("keeps markup, angle-bracket placeholders and line breaks as the English text has them", () => {
        // HTML tags must stay exactly; "<your secret>"-style placeholders may be translated but stay in brackets.
        const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
        const shape = (s: string) => [(s.match(/<\/?(a|b|i|em|strong|code|kbd|br|p|span)\b[^>]*>/g) ?? []).join(""), count(s, /</g), count(s, />/g), count(s, /\n/g)].join("|");
        expect(Object.entries(cat).filter(([k, v]) => shape(k) !== shape(v)).map(([k]) => k)).toEqual([]);
      });
    });
  }
});

describe("the extractor", () => {
  test("reads t(\"…\"), t('…'), t(`…`) and c.t(…), and flags template literals with ${}", async () => {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join, relative } = await import("node:path");
    const { ROOT } = await import("./keys.ts");
    const dir = mkdtempSync(join(tmpdir(), "i18n-"));
    mkdirSync(dir, { recursive: true });
    const f = join(dir, "x.tsx");
    writeFileSync(f, 'const a = t("One \\"q\\"");\nc.t(\'Two\', { n: 1 });\nt(`Three`);\nt(`Four ${x}`);\nformat("Not a key");\n');
    const found = extractKeys([relative(ROOT, f)]);
    expect([...found.keys.keys()]).toEqual(['One "q"', "Two", "Three"]);
    expect(found.dynamic).toHaveLength(1);
  });

  test("reads c.tn(count, { one, other }) as a count message, needing one entry per plural category of each language", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join, relative } = await import("node:path");
    const { ROOT, pluralKeys } = await import("./keys.ts");
    const f = join(mkdtempSync(join(tmpdir(), "i18n-")), "x.tsx");
    writeFileSync(f, 'c.tn(rows.length, { one: "{n} apple", other: "{n} apples" });\n');
    const found = extractKeys([relative(ROOT, f)]);
    expect([...found.plurals]).toEqual([["{n} apples", "{n} apple"]]);
    expect(pluralKeys("{n} apples", "de")).toEqual(["{n} apples#one", "{n} apples#other"]);
    expect(pluralKeys("{n} apples", "fr")).toEqual(["{n} apples#one", "{n} apples#many", "{n} apples#other"]);
    expect(plurals.get("{n} users")).toBe("{n} user");
  });
});
