// Finds user-facing text in the .tsx views that does not go through t(): JSX text nodes with letters, string
// literals placed as JSX children ({"..."} or {x ? "..." : "..."}), and literal title / placeholder /
// aria-label / alt attributes and label / hint props of our components. Parsed with the TypeScript 5
// compiler API of scripts/xss-scan (the project's TypeScript 7 has no API; that folder installs it on first
// use), so comments and code are never mistaken for text.
import { Glob } from "bun";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { ROOT } from "./keys.ts";

const scanDir = join(ROOT, "scripts", "xss-scan");
if (!existsSync(join(scanDir, "node_modules", "typescript"))) {
  const install = Bun.spawnSync(["npm", "ci", "--silent", "--no-audit", "--no-fund"], { cwd: scanDir, stdout: "inherit", stderr: "inherit" });
  if (install.exitCode !== 0) throw new Error("npm ci in scripts/xss-scan failed");
}
// Untyped on purpose: the types of TypeScript 5 are only there once that folder is installed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = any;
const ts: Node = createRequire(join(scanDir, "package.json"))("typescript");

/** Attributes whose value people read (or hear, through a screen reader). */
const TEXT_ATTRIBUTES = new Set(["title", "placeholder", "aria-label", "alt", "label", "hint", "aria-description"]);

/**
 * Words that are the same in every language: the product's name, protocol and record type names, and the
 * backend names of the configuration file. Names of things, never sentences.
 */
export const NOT_TRANSLATED = new Set(["updns", "· updns", "IPv4", "IPv6", "IPv4 / IPv6", "TLS", "TTL", "A", "AAAA", "embedded", "rfc2136"]);

const hasLetters = (s: string) => /\p{L}/u.test(s);

export interface Finding {
  where: string;
  text: string;
}

export function viewFiles(): string[] {
  return [...new Glob("src/**/*.tsx").scanSync({ cwd: ROOT })].sort();
}

export function findUntranslated(files = viewFiles()): Finding[] {
  const out: Finding[] = [];
  for (const f of files) {
    const source = ts.createSourceFile(f, readFileSync(join(ROOT, f), "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
    const report = (node: Node, text: string) => {
      const t = text.replace(/\s+/g, " ").trim();
      if (!hasLetters(t) || NOT_TRANSLATED.has(t)) return;
      out.push({ where: `${f}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`, text: t });
    };
    // String literals that end up as a JSX child: directly, or as a branch of ?: / && / || / ??.
    const literalChildren = (e: Node): void => {
      if (ts.isParenthesizedExpression(e)) return literalChildren(e.expression);
      if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return report(e, e.text);
      if (ts.isTemplateExpression(e)) return report(e, e.head.text + " " + e.templateSpans.map((s: Node) => s.literal.text).join(" "));
      if (ts.isConditionalExpression(e)) {
        literalChildren(e.whenTrue);
        literalChildren(e.whenFalse);
      }
      if (ts.isBinaryExpression(e) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(e.operatorToken.kind)) {
        literalChildren(e.right);
      }
    };
    const visit = (node: Node): void => {
      if (ts.isJsxText(node)) report(node, node.text);
      else if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) literalChildren(node.expression);
      else if (ts.isJsxAttribute(node) && TEXT_ATTRIBUTES.has(node.name.getText(source)) && node.initializer) {
        const init = node.initializer;
        if (ts.isStringLiteral(init)) report(init, init.text);
        else if (ts.isJsxExpression(init) && init.expression) literalChildren(init.expression);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

if (import.meta.main) for (const f of findUntranslated()) console.log(`${f.where}\t${f.text}`);
