// Writes config.example.toml from the settings table (run: bun scripts/config-example.ts). A test checks the
// committed file equals this output, so the documentation cannot drift from the code.
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

if (import.meta.main) await Bun.write("config.example.toml", renderExample());
