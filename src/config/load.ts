// Reading the configuration: defaults from the table, then the TOML file (--config or UPDNS_CONFIG), then
// UPDNS_<SECTION>_<KEY> environment variables. Anything unknown or invalid stops start-up with an error
// that names the key and says what is allowed.
import { readFileSync } from "node:fs";
import { settings, type Setting, type Value } from "./table.ts";
import { tlsPairProblem } from "./validators.ts";
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

/** The value of `raw` for setting `s`, or a problem naming the key (and the list item) pushed to `problems`. */
function coerce(s: Setting, raw: unknown, where: string, problems: string[]): Value | undefined {
  const name = `${s.section}.${s.key}`;
  // A secret is never echoed: errors end up in logs and terminals.
  const show = (v: unknown): string => (s.secret ? "<redacted>" : (JSON.stringify(v) ?? String(v)));
  const wrongType = () => problems.push(`${where}: ${name} = ${show(raw)}: must be ${typeName(s.type)}`);
  let v: Value;
  switch (s.type) {
    case "string":
      if (typeof raw !== "string") return void wrongType();
      v = raw;
      break;
    case "int":
      if (typeof raw === "string" && /^-?\d+$/.test(raw.trim())) raw = Number(raw.trim());
      if (typeof raw !== "number" || !Number.isInteger(raw)) return void wrongType();
      v = raw;
      break;
    case "bool":
      if (typeof raw === "string" && /^(true|false|1|0|yes|no|on|off)$/i.test(raw.trim())) raw = /^(true|1|yes|on)$/i.test(raw.trim());
      if (typeof raw !== "boolean") return void wrongType();
      v = raw;
      break;
    case "string[]":
      // From the environment a list is comma separated.
      if (typeof raw === "string") raw = raw.split(",").map((x) => x.trim()).filter(Boolean);
      if (!Array.isArray(raw) || raw.some((x) => typeof x !== "string")) return void wrongType();
      v = raw as string[];
      break;
  }
  const before = problems.length;
  const problem = s.validate?.(v);
  if (problem) problems.push(`${where}: ${name} = ${show(v)}: ${problem}`);
  if (s.each && Array.isArray(v))
    v.forEach((item, i) => {
      const p = s.each!(item);
      if (p) problems.push(`${where}: ${name}[${i}] = ${show(item)}: ${p}`);
    });
  return problems.length === before ? v : undefined;
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
  const problems: string[] = [];
  const fromFile = new Set<string>();
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
        const v = coerce(s, raw, file, problems);
        if (v !== undefined) values[section][key] = v;
        fromFile.add(`${section}.${key}`);
      }
    }
  }
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith("UPDNS_") || name === "UPDNS_CONFIG" || raw === undefined) continue;
    const s = envSetting(name);
    if (!s) throw new ConfigError(`environment: unknown variable ${name} (form: UPDNS_<SECTION>_<KEY>, e.g. UPDNS_HTTP_LISTEN)`);
    const v = coerce(s, raw, `environment ${name}`, problems);
    if (v !== undefined) values[s.section][s.key] = v;
  }
  const cfg = values as unknown as Config;
  if (problems.length === 0) problems.push(...crossCheck(cfg));
  if (problems.length === 1) throw new ConfigError(problems[0]);
  if (problems.length > 1) throw new ConfigError(`${problems.length} problems in the configuration:\n  ${problems.join("\n  ")}`);
  sources.set(cfg, { file, keys: fromFile });
  return cfg;
}

export function envName(s: Setting): string {
  return `UPDNS_${s.section.replaceAll(".", "_")}_${s.key}`.toUpperCase();
}

function envSetting(name: string): Setting | undefined {
  return settings.find((s) => envName(s) === name);
}

/** Keys that only mean something together: one without the other would be refused or ignored by serve. */
function crossCheck(cfg: Config): string[] {
  const out: string[] = [];
  if (Boolean(cfg.http.tls_cert) !== Boolean(cfg.http.tls_key)) out.push("http.tls_cert and http.tls_key must be set together");
  else if (cfg.http.tls_cert) out.push(...[tlsPairProblem(cfg.http.tls_cert, cfg.http.tls_key)].filter((p): p is string => p !== null));
  out.push(...sharedListeners(cfg));
  for (const p of ["github", "gitlab", "google", "oidc"] as const) {
    const o = cfg[`oauth.${p}`];
    if (!o.client_id && o.client_secret) out.push(`oauth.${p}.client_secret is set but oauth.${p}.client_id is empty: ${p} is off and the secret unused`);
  }
  if (cfg["oauth.oidc"].client_id && !cfg["oauth.oidc"].issuer) out.push("oauth.oidc.client_id is set but oauth.oidc.issuer is empty: the provider would not appear");
  if (cfg.acme_dns.registration === "token" && !cfg.acme_dns.registration_token) out.push('acme_dns.registration = "token" needs acme_dns.registration_token');
  if (cfg.acme_dns.registration !== "token" && cfg.acme_dns.registration_token) out.push(`acme_dns.registration_token is set but acme_dns.registration = "${cfg.acme_dns.registration}" does not use it`);
  if (!cfg.mail.smtp_host && (cfg.mail.smtp_user || cfg.mail.smtp_password)) out.push("mail.smtp_user/smtp_password are set but mail.smtp_host is empty: mails go to the log");
  if (cfg.mail.smtp_password && !cfg.mail.smtp_user) out.push("mail.smtp_password is set but mail.smtp_user is empty: the password would not be used");
  return out;
}

/** Two listeners on one TCP address (HTTP and DNS both use TCP): the second could not bind. Port 0 is always free. */
function sharedListeners(cfg: Config): string[] {
  const seen = new Map<string, string>();
  const out: string[] = [];
  for (const [key, list] of [["http.listen", cfg.http.listen], ["dns.listen", cfg.dns.listen]] as const) {
    list.forEach((addr, i) => {
      if (addr.endsWith(":0")) return;
      const here = `${key}[${i}]`;
      const before = seen.get(addr.toLowerCase());
      if (before) out.push(`${here} = "${addr}" is the address of ${before} too: both listen on TCP there`);
      else seen.set(addr.toLowerCase(), here);
    });
  }
  return out;
}

/** Settings serve takes but that look like a mistake: `updns check` prints them (and fails on them with --strict). */
export function configWarnings(cfg: Config): string[] {
  const out: string[] = [];
  for (const p of ["github", "gitlab", "google", "oidc"] as const) {
    const o = cfg[`oauth.${p}`];
    if (o.client_id && !o.client_secret) out.push(`oauth.${p}.client_id is set but oauth.${p}.client_secret is empty: most providers refuse a sign-in without the client secret`);
  }
  return out;
}

/** The file a configuration was read from (--config or UPDNS_CONFIG) and the keys ("section.key") it set. */
export function configFile(cfg: Config): { file?: string; keys: Set<string> } {
  return sources.get(cfg) ?? { keys: new Set() };
}
const sources = new WeakMap<Config, { file?: string; keys: Set<string> }>();

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
