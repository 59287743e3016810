// One line per event, logfmt (default) or JSON. Secrets never reach a log line: callers pass fields, and
// any field whose name looks like a secret is replaced, and query strings are passed through redactUrl().

export type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

const SECRET_FIELD = /pass(word)?|secret|token|authorization|cookie|api_?key/i;
const SECRET_PARAMS = new Set(["password", "pass", "pw", "secret", "token", "key", "api_key", "apikey"]);

/** The URL with the values of secret-bearing query parameters replaced (updns.md §1.3). */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const parts = url.slice(q + 1).split("&").map((kv) => {
    const eq = kv.indexOf("=");
    const k = eq < 0 ? kv : kv.slice(0, eq);
    let name = k;
    try {
      name = decodeURIComponent(k);
    } catch {}
    return eq >= 0 && SECRET_PARAMS.has(name.toLowerCase()) ? `${k}=<redacted>` : kv;
  });
  return url.slice(0, q + 1) + parts.join("&");
}

function fmtValue(v: unknown): string {
  const s = v instanceof Error ? v.message : typeof v === "string" ? v : JSON.stringify(v);
  return s === undefined ? '""' : /^[^\s"=]+$/.test(s) ? s : JSON.stringify(s);
}

export interface LoggerOptions {
  level?: Level;
  format?: "logfmt" | "json";
  write?: (line: string) => void;
}

export function createLogger(opts: LoggerOptions = {}, base: Fields = {}): Logger {
  const min = order[opts.level ?? "info"];
  const write = opts.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const emit = (level: Level, msg: string, fields?: Fields) => {
    if (order[level] < min) return;
    const all: Fields = { ...base, ...fields };
    for (const k of Object.keys(all)) if (SECRET_FIELD.test(k) && all[k] !== undefined && all[k] !== "") all[k] = "<redacted>";
    const time = new Date().toISOString();
    if (opts.format === "json") {
      write(JSON.stringify({ time, level, msg, ...Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v instanceof Error ? v.message : v])) }));
    } else {
      write(`time=${time} level=${level} msg=${fmtValue(msg)}` + Object.entries(all).map(([k, v]) => ` ${k}=${fmtValue(v)}`).join(""));
    }
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (f) => createLogger(opts, { ...base, ...f }),
  };
}

/** A logger that keeps lines in memory, for tests. */
export function memoryLogger(level: Level = "debug"): Logger & { lines: string[] } {
  const lines: string[] = [];
  const l = createLogger({ level, write: (line) => lines.push(line) });
  return Object.assign(l, { lines });
}

export { AuthFailureLog, type FailureLogOptions } from "./failures.ts";
