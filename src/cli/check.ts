// `updns check`: load the configuration exactly as serve does (every value is checked at load time, so an
// error here is the error serve would stop with), print it with secrets redacted, and warn about what
// serve takes but should not be left so: a world-readable file holding secrets, settings that look wrong.
import { statSync } from "node:fs";
import { configFile, configWarnings, describeConfig, settings, type Config } from "../config/index.ts";
import { parse, type Io } from "./args.ts";

/** A config file others may read while it holds secrets: which keys, and the chmod that fixes it. */
export function secretFileWarning(cfg: Config): string | null {
  const { file, keys } = configFile(cfg);
  if (!file) return null;
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o004) === 0) return null;
  const values = cfg as unknown as Record<string, Record<string, unknown>>;
  const secrets = settings.filter((s) => s.secret && keys.has(`${s.section}.${s.key}`) && values[s.section][s.key] !== "").map((s) => `${s.section}.${s.key}`);
  if (secrets.length === 0) return null;
  return `${file} is readable by every user (mode ${mode.toString(8).padStart(4, "0")}) and holds secrets (${secrets.join(", ")}): run "chmod o-rwx ${file}"`;
}

export function checkCommand(argv: string[], io: Io, cfg: Config): number {
  const { values } = parse(argv, { strict: { type: "boolean", default: false } }, "updns check [--strict]");
  if (values.help)
    return io.out("usage: updns check [--config FILE] [--json] [--strict]\nChecks every setting as serve would (errors name the key, exit 1) and prints the configuration, secrets redacted.\nWarnings (e.g. a world-readable file with secrets) go to stderr; --strict makes them fail too."), 0;
  // Which file the commands on this machine read, as a TOML comment (the text stays valid TOML).
  const { file } = configFile(cfg);
  io.out(values.json ? describeConfig(cfg, true) : `# ${file ? `config file ${file}` : "no config file: built-in defaults"} (and UPDNS_* variables)\n${describeConfig(cfg)}`);
  const warnings = [secretFileWarning(cfg), ...configWarnings(cfg)].filter((w): w is string => w !== null);
  for (const w of warnings) io.err(`updns: warning: ${w}`);
  return values.strict && warnings.length > 0 ? 1 : 0;
}
