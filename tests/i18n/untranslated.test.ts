// No view shows text that skips the translation function: text nodes, literal children and the title /
// placeholder / aria-label / alt attributes (and label / hint props) of every .tsx file under src/.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ROOT } from "./keys.ts";
import { findUntranslated } from "./untranslated.ts";

describe("views without untranslated text", () => {
  test("every .tsx view passes its text through t()", () => {
    expect(findUntranslated().map((f) => `${f.where}: ${f.text}`)).toEqual([]);
  });

  test("the scanner finds text nodes, literal children and text attributes, and ignores t() and code", () => {
    const dir = mkdtempSync(join(tmpdir(), "i18n-scan-"));
    const f = join(dir, "view.tsx");
    writeFileSync(
      f,
      [
        "export const V = ({ t, on }: any) => (",
        '  <div title="Hover text" aria-label={t("Fine")}>',
        "    Plain words",
        '    <p safe>{on ? "Yes" : t("No")}</p>',
        '    <input placeholder="Type here" value="x" />',
        '    <Field label="Name" name="n" />',
        "    <p safe>{t(\"Translated\")}</p> {/* a comment is not text */} 42 · –",
        "  </div>",
        ");",
      ].join("\n"),
    );
    const found = findUntranslated([relative(ROOT, f)]).map((x) => x.text);
    expect(found.sort()).toEqual(["Hover text", "Name", "Plain words", "Type here", "Yes"]);
  });
});
