import type { Db } from "../db/index.ts";
import { addEmbeddedZone, addRfc2136Zone, addSecondary, listDomains, listSecondaries, removeDomain, removeSecondary, requireDomain } from "../core/admin/domains.ts";
import { zoneRefOf } from "../core/index.ts";
import { Rfc2136Backend } from "../backends/rfc2136/index.ts";
import { checkSecondaries } from "../jobs/index.ts";
import { requireUser } from "../core/admin/users.ts";
import { SqliteZoneStorage } from "../backends/embedded/index.ts";
import { ZoneStore } from "../dns/zone/index.ts";
import { CliError, parse, print, table, type Io } from "./args.ts";

const USAGE = `updns domain add ZONE --embedded [--owner USER] [--public] [--ns NAME]... [--secondary IP[:PORT]]... [--transfer-key KEYNAME] [--update-key KEYNAME] [--serial-scheme unixtime|dateserial]
       updns domain add ZONE --rfc2136 --primary IP[:PORT] [--query-server IP[:PORT]] --key-name NAME --algorithm ALG --secret BASE64 [--owner USER] [--public]
       updns domain list
       updns domain remove ZONE
       updns domain secondary add|remove ZONE IP[:PORT]
       updns domain check ZONE`;

export async function domainCommand(argv: string[], io: Io, openDb: () => Db): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") return io.out(`usage: ${USAGE}`);
  const { values, positionals } = parse(
    rest,
    {
      embedded: { type: "boolean" },
      rfc2136: { type: "boolean" },
      owner: { type: "string" },
      public: { type: "boolean" },
      ns: { type: "string", multiple: true },
      secondary: { type: "string", multiple: true },
      "transfer-key": { type: "string" },
      "update-key": { type: "string" },
      "serial-scheme": { type: "string" },
      primary: { type: "string" },
      "query-server": { type: "string" },
      "key-name": { type: "string" },
      algorithm: { type: "string" },
      secret: { type: "string" },
    },
    USAGE,
  );
  if (values.help) return io.out(`usage: ${USAGE}`);
  const db = openDb();
  switch (sub) {
    case "add": {
      if (positionals.length !== 1) throw new CliError(`domain add takes one ZONE\nusage: ${USAGE}`);
      if (Boolean(values.embedded) === Boolean(values.rfc2136)) throw new CliError("domain add needs exactly one of --embedded or --rfc2136");
      const ownerId = values.owner ? requireUser(db, values.owner).id : undefined;
      let row;
      if (values.embedded) {
        const scheme = values["serial-scheme"] ?? "unixtime";
        if (scheme !== "unixtime" && scheme !== "dateserial") throw new CliError('--serial-scheme must be "unixtime" or "dateserial"');
        row = await addEmbeddedZone(db, {
          name: positionals[0],
          ownerId,
          public: values.public,
          ns: values.ns,
          secondaries: values.secondary,
          transferKey: values["transfer-key"],
          updateKey: values["update-key"],
          serialScheme: scheme,
        }, async (z) => {
          // Only this zone is loaded: the command must stay quick however many zones the server holds.
          const store = await ZoneStore.open(new SqliteZoneStorage(db, [z.name]));
          // Names end in a dot: the zone store reads rdata as master-file text, where a name without one is relative.
          await store.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) });
        });
      } else {
        for (const req of ["primary", "algorithm", "secret"] as const) if (!values[req]) throw new CliError(`domain add --rfc2136 needs --${req}`);
        row = addRfc2136Zone(db, {
          name: positionals[0],
          ownerId,
          public: values.public,
          primary: values.primary!,
          queryServer: values["query-server"],
          keyName: values["key-name"],
          algorithm: values.algorithm!,
          secret: values.secret!,
        });
      }
      return print(io, values.json, { id: row.id, name: row.name, backend: row.backend, serial: row.serial }, () => `domain ${row.name} (${row.backend}) added`);
    }
    case "list": {
      const rows = listDomains(db).map((d) => ({
        name: d.name,
        backend: d.backend,
        public: d.public,
        available: d.available,
        serial: d.backend === "embedded" ? d.serial : "",
        primary: d.primary,
        secondaries: d.backend === "embedded" ? listSecondaries(db, d.id).map((s) => s.address).join(",") : "",
      }));
      return print(io, values.json, rows, () => table(rows, ["name", "backend", "public", "available", "serial", "primary", "secondaries"]));
    }
    case "remove": {
      if (positionals.length !== 1) throw new CliError(`domain remove takes one ZONE\nusage: ${USAGE}`);
      removeDomain(db, positionals[0]);
      return print(io, values.json, { removed: positionals[0] }, () => `domain ${positionals[0]} removed`);
    }
    case "secondary": {
      const [action, zone, address] = positionals;
      if ((action !== "add" && action !== "remove") || !zone || !address || positionals.length !== 3) throw new CliError(`usage: updns domain secondary add|remove ZONE IP[:PORT]`);
      if (action === "add") addSecondary(db, zone, address);
      else removeSecondary(db, zone, address);
      return print(io, values.json, { zone, secondary: address, action }, () => `secondary ${address} ${action === "add" ? "added to" : "removed from"} ${zone}`);
    }
    case "check": {
      if (positionals.length !== 1) throw new CliError(`domain check takes one ZONE\nusage: ${USAGE}`);
      const d = requireDomain(db, positionals[0]);
      const result =
        d.backend === "rfc2136"
          ? await new Rfc2136Backend({ timeoutMs: 5000, retries: 1 }).checkZone(zoneRefOf(d))
          : await checkSecondaries(d.name, d.serial, listSecondaries(db, d.id).map((s) => s.address));
      const text = () => [`${d.name}: ${result.ok ? "ok" : "FAILED"}`, ...result.steps.map((s) => `  ${s.ok ? "ok  " : "FAIL"} ${s.step}: ${s.message}`)].join("\n");
      print(io, values.json, { zone: d.name, ...result }, text);
      if (!result.ok) throw new CliError(`domain check of ${d.name} failed`, 1);
      return;
    }
    default:
      throw new CliError(`unknown domain command "${sub}"\nusage: ${USAGE}`);
  }
}
