// Writes config.example.toml and src/config/types.ts from the settings table (run: bun scripts/config-example.ts).
// A test checks the committed files equal this output, so documentation and types cannot drift from the code.
import { settings, envName } from "../src/config/index.ts";

export function renderExample(): string {
  const lines = [
    "# updns configuration. Every key is shown with its default; a file may set any subset.",
    "# Each key can also be set by the environment variable UPDNS_<SECTION>_<KEY> (shown beside it),",
    "# which wins over this file. Start with: updns serve --config /etc/updns/config.toml",
  ];
  let section = "";
  for (const s of settings) {
    if (s.section !== section) {
      section = s.section;
      lines.push("", `[${section}]`);
    }
    lines.push(`# ${s.help}${s.secret ? " (secret: never logged, redacted by `updns check`)" : ""}`, `# env: ${envName(s)}`, `${s.key} = ${JSON.stringify(s.default)}`);
  }
  return lines.join("\n") + "\n";
}

/** src/config/types.ts: the Config interface, one member per section of the table. */
export function renderTypes(): string {
  const sections = new Map<string, typeof settings>();
  for (const s of settings) {
    if (!sections.has(s.section)) sections.set(s.section, []);
    sections.get(s.section)!.push(s);
  }
  const ts = { string: "string", int: "number", bool: "boolean", "string[]": "string[]" } as const;
  let out = "// Generated shape of the configuration (one interface per section of the table in table.ts).\n// Keep in step with table.ts; tests/config/config.test.ts checks it.\n\nexport interface Config {\n";
  for (const [sec, list] of sections) out += `  ${JSON.stringify(sec)}: {\n` + list.map((s) => `    ${s.key}: ${ts[s.type]};\n`).join("") + "  };\n";
  return out + "}\n";
}

if (import.meta.main) {
  await Bun.write("config.example.toml", renderExample());
  await Bun.write("src/config/types.ts", renderTypes());
}
