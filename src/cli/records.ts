// Static records of embedded zones and whole-zone import/export, from the command line. Every change is one
// zone transaction (serial bump, journal, NOTIFY by the running server when it reloads the zone).
import { readFileSync } from "node:fs";
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import { addEmbeddedZone, checkStaticRecord, delegate, delegateAround, hostOwnedNames, requireDomain, requireUser } from "../core/index.ts";
import { editorAround } from "./domains.ts";
import { MasterFileError, parseMasterFile, RdataError, rdataFromText, rrTypeOf, typeCodeOf, writeMasterFile, ZoneError, type RR, type RRType } from "../dns/zone/index.ts";
import { CliError, parse, print, table, type Io } from "./args.ts";
import { openZoneStore } from "./zones.ts";

const RECORD_USAGE = `updns record add ZONE NAME TYPE VALUE [--ttl N]      (NAME relative to the zone, @ for the apex)
       updns record remove ZONE NAME TYPE [VALUE]           (without VALUE: the whole RRset)
       updns record list ZONE`;
const ZONE_USAGE = `updns zone import ZONE FILE [--owner USER] [--public]   (an RFC 1035 master file; creates the zone if needed)
       updns zone export ZONE                               (a master file on stdout)`;

/** The type as the store names it; an unknown mnemonic is left for checkStaticRecord to refuse. */
function typeName(text: string): string {
  try {
    return rrTypeOf(typeCodeOf(text.trim()));
  } catch (e) {
    if (e instanceof RdataError) return text;
    throw e;
  }
}

function embedded(db: Db, zone: string) {
  const d = requireDomain(db, zone);
  if (d.backend !== "embedded") throw new CliError(`${d.name} is an rfc2136 zone: its records live on its primary`, 1);
  return d;
}

/** ZoneError and bad rdata become one clear line naming the record. */
async function change<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ZoneError || e instanceof CliError) throw new CliError(`${what}: ${e.message}`, 1);
    throw new CliError(`${what}: ${(e as Error).message}`, 1);
  }
}

export async function recordCommand(argv: string[], io: Io, openDb: () => Db, cfg: Config): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") return io.out(`usage: ${RECORD_USAGE}`);
  const { values, positionals } = parse(rest, { ttl: { type: "string" } }, RECORD_USAGE);
  if (values.help) return io.out(`usage: ${RECORD_USAGE}`);
  const db = openDb();
  switch (sub) {
    case "list": {
      if (positionals.length !== 1) throw new CliError(`record list takes one ZONE\nusage: ${RECORD_USAGE}`);
      const d = embedded(db, positionals[0]);
      const store = await openZoneStore(db, cfg, [d.name]);
      const rows = [...store.zone(d.name)!.records()].filter((r) => r.type !== "RRSIG").map((r) => ({ name: r.name, ttl: r.ttl, type: r.type, data: r.data }));
      return print(io, values.json, rows, () => table(rows, ["name", "ttl", "type", "data"]));
    }
    case "add":
    case "remove": {
      const [zone, name, typeIn, ...valueParts] = positionals;
      if (!zone || !name || !typeIn || (sub === "add" && valueParts.length === 0)) throw new CliError(`usage: ${RECORD_USAGE}`);
      const d = embedded(db, zone);
      const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
      // The same rules as the web UI: names in the zone, the types a zone owner manages, no dynamic host's name.
      const r = (() => {
        try {
          // RFC 3597 §5: "TYPE1" is A; a type without a mnemonic stays "TYPEnnn".
          return checkStaticRecord(db, d, { name, type: typeName(typeIn), ttl });
        } catch (e) {
          throw new CliError(`record ${sub}: ${(e as Error).message}`, 1);
        }
      })();
      const type = r.type as RRType;
      const value = valueParts.join(" ");
      const store = await openZoneStore(db, cfg, [d.name]);
      const what = `${r.owner} ${type}${value ? ` ${value}` : ""}`;
      const cs = await change(what, () =>
        store.transaction(d.name, (tx) => {
          if (sub === "add") {
            const data = rdataFromText(type, value, d.name);
            const have = tx.get(r.owner, type);
            if (have?.data.includes(data)) throw new CliError("already there");
            // RFC 2181 §5.2: one TTL per RRset, so the new record's TTL applies to the whole set.
            tx.replaceRRset(r.owner, type, ttl, [...(have?.data ?? []), data]);
          } else if (value) {
            const data = rdataFromText(type, value, d.name);
            if (!tx.get(r.owner, type)?.data.includes(data)) throw new CliError("no such record");
            tx.deleteRR({ name: r.owner, type, data });
          } else {
            if (!tx.get(r.owner, type)) throw new CliError("no such RRset");
            tx.deleteRRset(r.owner, type);
          }
        }),
      );
      // An address of one of the zone's own name servers is glue in the parent that delegates it.
      if (type === "A" || type === "AAAA") await delegate(db, await editorAround(db, cfg, d.name), d);
      return print(io, values.json, { zone: d.name, record: what, serial: cs?.serialTo }, () => `${sub === "add" ? "added" : "removed"} ${what} (serial ${cs?.serialTo})`);
    }
    default:
      throw new CliError(`unknown record command "${sub}"\nusage: ${RECORD_USAGE}`);
  }
}

export async function zoneCommand(argv: string[], io: Io, openDb: () => Db, cfg: Config): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") return io.out(`usage: ${ZONE_USAGE}`);
  const { values, positionals } = parse(rest, { owner: { type: "string" }, public: { type: "boolean" } }, ZONE_USAGE);
  if (values.help) return io.out(`usage: ${ZONE_USAGE}`);
  const db = openDb();
  switch (sub) {
    case "export": {
      if (positionals.length !== 1) throw new CliError(`zone export takes one ZONE\nusage: ${ZONE_USAGE}`);
      const d = embedded(db, positionals[0]);
      const store = await openZoneStore(db, cfg, [d.name]);
      return io.out(writeMasterFile(d.name, store.zone(d.name)!.records()));
    }
    case "import": {
      if (positionals.length !== 2) throw new CliError(`zone import takes ZONE and FILE\nusage: ${ZONE_USAGE}`);
      const [zoneIn, file] = positionals;
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (e) {
        throw new CliError(`zone import: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 1);
      }
      let records: RR[];
      try {
        records = parseMasterFile(text, zoneIn.replace(/\.$/, ""));
      } catch (e) {
        if (e instanceof MasterFileError) throw new CliError(`zone import: ${file}:${e.line}: ${e.message}`, 1);
        throw new CliError(`zone import: ${file}: ${(e as Error).message}`, 1);
      }
      const existing = (() => {
        try {
          return requireDomain(db, zoneIn);
        } catch {
          return null;
        }
      })();
      if (existing && existing.backend !== "embedded") throw new CliError(`${existing.name} is an rfc2136 zone: import needs an embedded zone`, 1);
      if (!existing) {
        const ownerId = values.owner ? requireUser(db, values.owner).id : undefined;
        const row = await change(`zone import ${zoneIn}`, () =>
          addEmbeddedZone(db, { name: zoneIn, ownerId, public: values.public }, async (z) => {
            const store = await openZoneStore(db, cfg, [z.name]);
            await store.createZoneFromRecords(z.name, records);
          }),
        );
        await delegateAround(db, await editorAround(db, cfg, row.name), row);
        return print(io, values.json, { zone: row.name, created: true, records: records.length }, () => `zone ${row.name} created from ${file} (${records.length} records)`);
      }
      // Names that dynamic hosts own stay as updns keeps them: the file cannot overwrite a router's address.
      const d = existing;
      const isOwned = hostOwnedNames(db, d);
      const store = await openZoneStore(db, cfg, [d.name]);
      const kept = [...store.zone(d.name)!.records()].filter((r) => isOwned(r.name) && r.type !== "RRSIG");
      const skipped = records.filter((r) => isOwned(r.name)).length;
      const cs = await change(`zone import ${d.name}`, () => store.importZone(d.name, [...records.filter((r) => !isOwned(r.name)), ...kept]));
      // The file replaced the zone: the delegations of its child zones are put back as the children say.
      await delegateAround(db, await editorAround(db, cfg, d.name), d);
      // The file's serial is kept when it is newer than the zone's (RFC 1982); else the zone's next one is taken.
      const fileSerial = records.find((r) => r.type === "SOA")?.data.split(/\s+/)[2];
      const notKept = cs && fileSerial !== undefined && Number(fileSerial) !== cs.serialTo ? [`the file's serial ${fileSerial} is not newer than the zone's ${cs.serialFrom}, so the zone's next serial was taken`] : [];
      return print(io, values.json, { zone: d.name, created: false, records: records.length, skipped, serial: cs?.serialTo }, () =>
        [`zone ${d.name} now holds ${file} (${records.length - skipped} records, serial ${cs?.serialTo ?? "unchanged"})`, ...notKept, ...(skipped ? [`${skipped} record(s) at dynamic hosts' names were left as they are`] : [])].join("\n"),
      );
    }
    default:
      throw new CliError(`unknown zone command "${sub}"\nusage: ${ZONE_USAGE}`);
  }
}
