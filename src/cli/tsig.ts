import type { Db } from "../db/index.ts";
import {
  AcmeError,
  bindKeyStanza,
  createTsigKey,
  grantUpdate,
  listGrants,
  listTsigKeys,
  removeTsigKey,
  requireTsigKey,
  type GrantMatch,
} from "../core/index.ts";
import { CliError, givenSecret, parse, print, table, type Io, type OpenDb } from "./args.ts";

const USAGE = `updns tsig add NAME [--algorithm hmac-sha256] [--secret-stdin | --secret BASE64] [--acme NAME]... | updns tsig list | updns tsig remove NAME
       updns tsig grant KEY NAME [--match name|subdomain|wildcard|acme] [--types TXT,...] | updns tsig grants [KEY]
  --secret-stdin   the base64 secret of an existing key, read from standard input (without either, a new one is made)
  --secret BASE64  the same as an argument: it shows in \`ps\` and in shell history, prefer --secret-stdin
  --acme NAME      the key may only set TXT at _acme-challenge.NAME and _acme-challenge.<anything below NAME>
                   (certbot dns-rfc2136, lego rfc2136); NAME is an embedded zone or a name in one`;

const MATCHES: GrantMatch[] = ["name", "subdomain", "wildcard", "acme"];

function grant(db: Db, keyId: number, name: string, match: GrantMatch, types?: string) {
  try {
    return grantUpdate(db, { keyId, name, match, types });
  } catch (e) {
    if (e instanceof AcmeError) throw new CliError(e.message, 1);
    throw e;
  }
}

export async function tsigCommand(argv: string[], io: Io, openDb: OpenDb): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") return io.out(`usage: ${USAGE}`);
  const { values, positionals } = parse(
    rest,
    { algorithm: { type: "string" }, secret: { type: "string" }, "secret-stdin": { type: "boolean" }, acme: { type: "string", multiple: true }, match: { type: "string" }, types: { type: "string" } },
    USAGE,
  );
  if (values.help) return io.out(`usage: ${USAGE}`);
  // Read before the database is opened: a refused secret leaves nothing behind.
  const secret = sub === "add" ? await givenSecret(io, values) : undefined;
  // `tsig add` may be the first command of an installation (a transfer key); the others need its keys.
  const db = openDb({ create: sub === "add" });
  switch (sub) {
    case "add": {
      if (positionals.length !== 1) throw new CliError(`tsig add takes one NAME\nusage: ${USAGE}`);
      const acme = values.acme ?? [];
      // The key and its grants together: a key meant for ACME must never exist without its scope.
      const { k, grants } = db.transaction(() => {
        const k = createTsigKey(db, { name: positionals[0], algorithm: values.algorithm, secret });
        return { k, grants: acme.map((n) => grant(db, k.id, n, "acme")) };
      });
      // The one time the secret is printed: the operator copies it to the other side.
      return print(io, values.json, { name: k.name, algorithm: k.algorithm, secret: k.secret, ...(grants.length ? { grants } : {}) }, () =>
        [bindKeyStanza(k), ...grants.map((g) => `# may set TXT at _acme-challenge.${g.name} and below (zone ${g.zone})`)].join("\n"),
      );
    }
    case "grant": {
      if (positionals.length !== 2) throw new CliError(`tsig grant takes KEY and NAME\nusage: ${USAGE}`);
      const match = (values.match ?? "name") as GrantMatch;
      if (!MATCHES.includes(match)) throw new CliError(`--match must be one of ${MATCHES.join(", ")}`);
      const g = grant(db, requireTsigKey(db, positionals[0]).id, positionals[1], match, values.types);
      return print(io, values.json, g, () => `key ${g.key} may now change ${g.match === "acme" ? `TXT at _acme-challenge.${g.name} and below` : `${g.types || "any type"} at ${g.name} (${g.match})`} in zone ${g.zone}`);
    }
    case "grants": {
      if (positionals.length > 1) throw new CliError(`tsig grants takes at most one KEY\nusage: ${USAGE}`);
      const rows = listGrants(db, positionals[0] ? requireTsigKey(db, positionals[0]).id : undefined).map((g) => ({ ...g, types: g.types || "ANY" }));
      return print(io, values.json, rows, () => table(rows, ["key", "zone", "action", "match", "name", "types"]));
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
