// Reading the configuration: defaults from the table, then the TOML file (--config or UPDNS_CONFIG), then
// UPDNS_<SECTION>_<KEY> environment variables. Anything unknown or invalid stops start-up with an error
// that names the key and says what is allowed.
import { readFileSync } from "node:fs";
import { settings, type Setting, type Value } from "./table.ts";
import type { Config } from "./types.ts";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const bySection = new Map<string, Map<string, Setting>>();
for (const s of settings) {
  if (!bySection.has(s.section)) bySection.set(s.section, new Map());
  bySection.get(s.section)!.set(s.key, s);
}

function typeName(t: Setting["type"]): string {
  return { string: "a string", int: "an integer", bool: "true or false", "string[]": "a list of strings" }[t];
}

function coerce(s: Setting, raw: unknown, where: string): Value {
  const name = `${s.section}.${s.key}`;
  let v: Value;
  switch (s.type) {
    case "string":
      if (typeof raw !== "string") throw new ConfigError(`${where}: ${name} must be ${typeName(s.type)}`);
      v = raw;
      break;
    case "int":
      if (typeof raw === "string" && /^-?\d+$/.test(raw.trim())) raw = Number(raw.trim());
      if (typeof raw !== "number" || !Number.isInteger(raw)) throw new ConfigError(`${where}: ${name} must be ${typeName(s.type)}`);
      v = raw;
      break;
    case "bool":
      if (typeof raw === "string" && /^(true|false|1|0|yes|no|on|off)$/i.test(raw.trim())) raw = /^(true|1|yes|on)$/i.test(raw.trim());
      if (typeof raw !== "boolean") throw new ConfigError(`${where}: ${name} must be ${typeName(s.type)}`);
      v = raw;
      break;
    case "string[]":
      // From the environment a list is comma separated.
      if (typeof raw === "string") raw = raw.split(",").map((x) => x.trim()).filter(Boolean);
      if (!Array.isArray(raw) || raw.some((x) => typeof x !== "string")) throw new ConfigError(`${where}: ${name} must be ${typeName(s.type)}`);
      v = raw as string[];
      break;
  }
  const problem = s.validate?.(v);
  if (problem) throw new ConfigError(`${where}: ${name} ${problem}`);
  return v;
}

export function defaults(): Record<string, Record<string, Value>> {
  const out: Record<string, Record<string, Value>> = {};
  for (const s of settings) {
    out[s.section] ??= {};
    out[s.section][s.key] = Array.isArray(s.default) ? [...s.default] : s.default;
  }
  return out;
}

/** Flatten TOML tables ("oauth" → {"github": {...}}) into dotted section names ("oauth.github"). */
function flattenSections(doc: Record<string, unknown>, file: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const walk = (prefix: string, table: Record<string, unknown>) => {
    const own: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(table)) {
      const name = prefix ? `${prefix}.${k}` : k;
      if (v && typeof v === "object" && !Array.isArray(v) && !bySection.has(prefix) && (bySection.has(name) || [...bySection.keys()].some((s) => s.startsWith(name + ".")))) {
        walk(name, v as Record<string, unknown>);
      } else if (!prefix) {
        throw new ConfigError(`${file}: unknown section or top-level key "${k}" (sections: ${[...bySection.keys()].join(", ")})`);
      } else {
        own[k] = v;
      }
    }
    if (prefix && (bySection.has(prefix) || Object.keys(own).length > 0)) out.set(prefix, own);
  };
  walk("", doc);
  return out;
}

export interface LoadOptions {
  file?: string;
  env?: Record<string, string | undefined>;
}

export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const values = defaults();
  const file = opts.file ?? env.UPDNS_CONFIG;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw new ConfigError(`cannot read config file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    let doc: Record<string, unknown>;
    try {
      doc = Bun.TOML.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`${file}: not valid TOML: ${(e as Error).message}`);
    }
    for (const [section, table] of flattenSections(doc, file)) {
      const known = bySection.get(section);
      if (!known) throw new ConfigError(`${file}: unknown section [${section}] (sections: ${[...bySection.keys()].join(", ")})`);
      for (const [key, raw] of Object.entries(table)) {
        const s = known.get(key);
        if (!s) throw new ConfigError(`${file}: unknown key ${section}.${key} (keys of [${section}]: ${[...known.keys()].join(", ")})`);
        values[section][key] = coerce(s, raw, file);
      }
    }
  }
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith("UPDNS_") || name === "UPDNS_CONFIG" || raw === undefined) continue;
    const s = envSetting(name);
    if (!s) throw new ConfigError(`environment: unknown variable ${name} (form: UPDNS_<SECTION>_<KEY>, e.g. UPDNS_HTTP_LISTEN)`);
    values[s.section][s.key] = coerce(s, raw, `environment ${name}`);
  }
  const cfg = values as unknown as Config;
  crossCheck(cfg);
  return cfg;
}

export function envName(s: Setting): string {
  return `UPDNS_${s.section.replaceAll(".", "_")}_${s.key}`.toUpperCase();
}

function envSetting(name: string): Setting | undefined {
  return settings.find((s) => envName(s) === name);
}

function crossCheck(cfg: Config): void {
  if (Boolean(cfg.http.tls_cert) !== Boolean(cfg.http.tls_key)) throw new ConfigError("http.tls_cert and http.tls_key must be set together");
}

/** The effective configuration as TOML-ish text, secrets replaced by <redacted>. */
export function describeConfig(cfg: Config, json = false): string {
  const shown: Record<string, Record<string, Value>> = {};
  for (const s of settings) {
    const v = (cfg as unknown as Record<string, Record<string, Value>>)[s.section][s.key];
    shown[s.section] ??= {};
    shown[s.section][s.key] = s.secret && v !== "" ? "<redacted>" : v;
  }
  if (json) return JSON.stringify(shown, null, 2);
  return Object.entries(shown)
    .map(([section, kv]) => `[${section}]\n` + Object.entries(kv).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join("\n"))
    .join("\n\n");
}
