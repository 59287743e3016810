import type { Db } from "../db/index.ts";
import { bindKeyStanza, createTsigKey, listTsigKeys, removeTsigKey } from "../core/admin/tsig.ts";
import { CliError, parse, print, table, type Io } from "./args.ts";

const USAGE = "updns tsig add NAME [--algorithm hmac-sha256] [--secret BASE64] | updns tsig list | updns tsig remove NAME";

export async function tsigCommand(argv: string[], io: Io, openDb: () => Db): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") return io.out(`usage: ${USAGE}`);
  const { values, positionals } = parse(rest, { algorithm: { type: "string" }, secret: { type: "string" } }, USAGE);
  if (values.help) return io.out(`usage: ${USAGE}`);
  const db = openDb();
  switch (sub) {
    case "add": {
      if (positionals.length !== 1) throw new CliError(`tsig add takes one NAME\nusage: ${USAGE}`);
      const k = createTsigKey(db, { name: positionals[0], algorithm: values.algorithm, secret: values.secret });
      // The one time the secret is printed: the operator copies it to the other side.
      return print(io, values.json, { name: k.name, algorithm: k.algorithm, secret: k.secret }, () => bindKeyStanza(k));
    }
    case "list": {
      const rows = listTsigKeys(db).map((k) => ({ name: k.name, algorithm: k.algorithm }));
      return print(io, values.json, rows, () => table(rows, ["name", "algorithm"]));
    }
    case "remove": {
      if (positionals.length !== 1) throw new CliError(`tsig remove takes one NAME\nusage: ${USAGE}`);
      removeTsigKey(db, positionals[0]);
      return print(io, values.json, { removed: positionals[0] }, () => `key ${positionals[0]} removed`);
    }
    default:
      throw new CliError(`unknown tsig command "${sub}"\nusage: ${USAGE}`);
  }
}
