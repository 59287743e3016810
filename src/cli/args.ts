// Shared CLI plumbing: option parsing with errors that name the option, --json output, exit codes.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { isatty } from "node:tty";
import type { Db } from "../db/index.ts";

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = "CliError";
  }
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  stdin(): Promise<string>;
  /** True when standard input is a terminal, i.e. nothing was piped in. */
  stdinIsTty?(): boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : t + "\n"),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : t + "\n"),
  stdin: async () => await new Response(Bun.stdin.stream()).text(),
  stdinIsTty: () => isatty(0),
};

/**
 * The service's database. Commands that can start from nothing (user add, tsig add, ...) pass `create`; every
 * other one fails when it is missing, rather than acting on a new empty database the service never sees.
 */
export type OpenDb = (opts?: { create?: boolean }) => Db;

/**
 * A secret piped in (`--secret-stdin`, `--password-stdin`): what was read, its final newline dropped. A secret
 * given as an argument shows in `ps` and in shell history; standard input does not.
 */
export async function secretFromStdin(io: Io, option: string): Promise<string> {
  if (io.stdinIsTty?.()) throw new CliError(`${option} reads the secret from standard input, which is a terminal here: pipe it in, e.g. printf '%s\\n' "$SECRET" | updns ...`);
  const secret = (await io.stdin()).replace(/\r?\n$/, "");
  if (!secret) throw new CliError(`${option}: standard input is empty; pipe the secret in`);
  return secret;
}

/** A secret from --secret-stdin or --secret (both: an error), or undefined when neither is given. */
export async function givenSecret(io: Io, values: { secret?: string; "secret-stdin"?: boolean }): Promise<string | undefined> {
  if (values.secret !== undefined && values["secret-stdin"]) throw new CliError("give the secret once: --secret-stdin or --secret, not both");
  return values["secret-stdin"] ? await secretFromStdin(io, "--secret-stdin") : values.secret;
}

export const commonOptions = {
  config: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsConfig["options"];

export function parse<O extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...commonOptions, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${(e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, "")}\nusage: ${usage}`);
  }
}

export function print(io: Io, json: boolean, value: unknown, text: () => string): void {
  io.out(json ? JSON.stringify(value, null, 2) : text());
}

export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return "(none)";
  const cells = rows.map((r) => columns.map((c) => String(r[c] ?? "")));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  return [line(columns), ...cells.map(line)].join("\n");
}
