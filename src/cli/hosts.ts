import type { Db } from "../db/index.ts";
import { createHost, deleteHost, hostById, listHosts, requireHost, type BackendFor } from "../core/index.ts";
import { CliError, parse, print, secretFromStdin, table, type Io } from "./args.ts";

const USAGE = "updns host add FQDN --owner USER [--secret-stdin] | updns host list | updns host remove FQDN";

/** `backendsFor`: the zone backends that take a removed host's names out of DNS. */
export async function hostCommand(argv: string[], io: Io, openDb: () => Db, backendsFor: (db: Db) => BackendFor): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") return io.out(`usage: ${USAGE}`);
  const { values, positionals } = parse(rest, { owner: { type: "string" }, "secret-stdin": { type: "boolean" } }, USAGE);
  if (values.help) return io.out(`usage: ${USAGE}`);
  const db = openDb();
  switch (sub) {
    case "add": {
      if (positionals.length !== 1) throw new CliError(`host add takes one FQDN\nusage: ${USAGE}`);
      if (!values.owner) throw new CliError("host add needs --owner USER");
      const secret = values["secret-stdin"] ? await secretFromStdin(io, "--secret-stdin") : undefined;
      const h = await createHost(db, { fqdn: positionals[0], owner: values.owner, secret });
      // The only time the secret is shown: the client (router, ddclient, ...) is configured with it now.
      return print(io, values.json, { fqdn: h.fqdn, update_secret: h.updateSecret }, () => `host ${h.fqdn} created\nupdate secret: ${h.updateSecret}`);
    }
    case "list": {
      const rows = listHosts(db);
      return print(io, values.json, rows, () => table(rows, ["fqdn", "available", "abuse", "client_faults", "server_faults"]));
    }
    case "remove": {
      if (positionals.length !== 1) throw new CliError(`host remove takes one FQDN\nusage: ${USAGE}`);
      // The owner's delete on the host page, with its rules: records out of DNS first, a blocked host stays.
      const rec = hostById(db, requireHost(db, positionals[0]).host.id)!;
      for (const e of await deleteHost(db, backendsFor(db), rec)) io.err(`updns: warning: could not remove ${e}`);
      return print(io, values.json, { removed: positionals[0] }, () => `host ${positionals[0]} removed`);
    }
    default:
      throw new CliError(`unknown host command "${sub}"\nusage: ${USAGE}`);
  }
}
