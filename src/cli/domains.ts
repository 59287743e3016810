import type { Db } from "../db/index.ts";
import {
  addEmbeddedZone,
  addRfc2136Zone,
  addSecondary,
  delegate,
  delegateAround,
  disableDomainDnssec,
  domainDnssecStatus,
  enableDomainDnssec,
  enclosingZone,
  listDomains,
  listSecondaries,
  removeDomain,
  removeSecondary,
  requireDomain,
  requireUser,
  rollDomainKeys,
  undelegate,
  updateDomain,
  ValidationError,
  zoneRefOf,
} from "../core/index.ts";
import { EmbeddedZoneRecords, zoneStoreDnssec } from "../backends/embedded/index.ts";
import { Rfc2136Backend } from "../backends/rfc2136/index.ts";
import { checkSecondaries } from "../jobs/index.ts";
import { outgoingSources } from "./dns.ts";
import type { Config } from "../config/index.ts";
import { tsigKeys } from "../db/index.ts";
import { eq } from "drizzle-orm";
import { openZoneKeys, openZoneStore } from "./zones.ts";
import { CliError, givenSecret, parse, print, table, type Io, type OpenDb } from "./args.ts";

const USAGE = `updns domain add ZONE --embedded [--owner USER] [--public] [--ns NAME]... [--secondary IP[:PORT]]... [--transfer-key KEYNAME] [--update-key KEYNAME] [--serial-scheme unixtime|dateserial|increment] [--catalog-group NAME]
       updns domain add ZONE --rfc2136 --primary IP[:PORT] [--query-server IP[:PORT]] --key-name NAME --algorithm ALG --secret-stdin|--secret BASE64 [--owner USER] [--public]
         (--secret-stdin reads the base64 secret from standard input; --secret shows it in \`ps\` and shell history)
       updns domain set ZONE [--transfer-key KEYNAME | --no-transfer-key] [--update-key KEYNAME]... [--serial-scheme unixtime|dateserial|increment] [--catalog-group NAME | --no-catalog-group]
       updns domain list
       updns domain remove ZONE
       updns domain secondary add ZONE IP[:PORT] [--allow-unsigned-transfer]
       updns domain secondary remove ZONE IP[:PORT]
       updns domain check ZONE
       updns domain dnssec ZONE on [--algorithm 13|15] [--nsec] [--split] | off [--force] | status | roll-zsk | roll-ksk | complete-ksk
       updns domain ds ZONE`;

export async function domainCommand(argv: string[], io: Io, openDb: OpenDb, cfg: Config): Promise<void> {
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
      "no-transfer-key": { type: "boolean" },
      "update-key": { type: "string", multiple: true },
      "allow-unsigned-transfer": { type: "boolean" },
      "serial-scheme": { type: "string" },
      "catalog-group": { type: "string" },
      "no-catalog-group": { type: "boolean" },
      primary: { type: "string" },
      "query-server": { type: "string" },
      "key-name": { type: "string" },
      algorithm: { type: "string" },
      secret: { type: "string" },
      "secret-stdin": { type: "boolean" },
      nsec: { type: "boolean" },
      split: { type: "boolean" },
      force: { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) return io.out(`usage: ${USAGE}`);
  // Read before the database is opened: a refused secret leaves nothing behind.
  const secret = sub === "add" && values.rfc2136 ? await givenSecret(io, values) : undefined;
  // `domain add` may be the first command of an installation; the others need its domains.
  const db = openDb({ create: sub === "add" });
  switch (sub) {
    case "add": {
      if (positionals.length !== 1) throw new CliError(`domain add takes one ZONE\nusage: ${USAGE}`);
      if (Boolean(values.embedded) === Boolean(values.rfc2136)) throw new CliError("domain add needs exactly one of --embedded or --rfc2136");
      const ownerId = values.owner ? requireUser(db, values.owner).id : undefined;
      let row;
      if (values.embedded) {
        const scheme = values["serial-scheme"] ?? "unixtime";
        if (scheme !== "unixtime" && scheme !== "dateserial" && scheme !== "increment") throw new CliError('--serial-scheme must be "unixtime", "dateserial" or "increment"');
        if ((values["update-key"]?.length ?? 0) > 1) throw new CliError("domain add takes one --update-key; grant more keys with \"updns domain set ZONE --update-key KEYNAME\"");
        row = await addEmbeddedZone(db, {
          name: positionals[0],
          ownerId,
          public: values.public,
          ns: values.ns,
          secondaries: values.secondary,
          transferKey: values["transfer-key"],
          updateKey: values["update-key"]?.[0],
          serialScheme: scheme,
          catalogGroup: values["catalog-group"],
        }, async (z) => {
          // Only this zone is loaded: the command must stay quick however many zones the server holds.
          const store = await openZoneStore(db, cfg, [z.name]);
          // Names end in a dot: the zone store reads rdata as master-file text, where a name without one is relative.
          await store.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`), catalogGroup: z.catalogGroup });
        });
        await delegateAround(db, await editorAround(db, cfg, row.name), row);
      } else {
        for (const req of ["primary", "algorithm"] as const) if (!values[req]) throw new CliError(`domain add --rfc2136 needs --${req}`);
        if (!secret) throw new CliError("domain add --rfc2136 needs the key's secret: --secret-stdin (or --secret BASE64)");
        if (values["catalog-group"] !== undefined) throw new CliError("--catalog-group goes with --embedded: the catalog zone lists the embedded zones only");
        row = addRfc2136Zone(db, {
          name: positionals[0],
          ownerId,
          public: values.public,
          primary: values.primary!,
          queryServer: values["query-server"],
          keyName: values["key-name"],
          algorithm: values.algorithm!,
          secret,
        });
      }
      return print(io, values.json, { id: row.id, name: row.name, backend: row.backend, serial: row.serial }, () => `domain ${row.name} (${row.backend}) added`);
    }
    case "set":
      return setCommand(db, cfg, io, values, positionals);
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
      const gone = requireDomain(db, positionals[0]);
      const editor = await editorAround(db, cfg, gone.name);
      await undelegate(db, editor, gone);
      removeDomain(db, positionals[0]);
      // The zone store drops it, and takes it out of the catalog zone (when one is kept) in the same step.
      if (gone.backend === "embedded") await editor.forget(gone.name);
      return print(io, values.json, { removed: positionals[0] }, () => `domain ${positionals[0]} removed`);
    }
    case "secondary": {
      const [action, zone, address] = positionals;
      if ((action !== "add" && action !== "remove") || !zone || !address || positionals.length !== 3) throw new CliError(`usage: updns domain secondary add ZONE IP[:PORT] [--allow-unsigned-transfer] | remove ZONE IP[:PORT]`);
      const unsigned = Boolean(values["allow-unsigned-transfer"]);
      if (action === "add") addSecondary(db, zone, address, { allowUnsignedTransfer: unsigned });
      else if (unsigned) throw new CliError("--allow-unsigned-transfer goes with \"domain secondary add\"");
      else removeSecondary(db, zone, address);
      const how = unsigned ? " (may transfer without a key from its address)" : "";
      return print(io, values.json, { zone, secondary: address, action, allow_unsigned_transfer: unsigned }, () => `secondary ${address} ${action === "add" ? "added to" : "removed from"} ${zone}${how}`);
    }
    case "check": {
      if (positionals.length !== 1) throw new CliError(`domain check takes one ZONE\nusage: ${USAGE}`);
      const d = requireDomain(db, positionals[0]);
      const result =
        d.backend === "rfc2136"
          ? await new Rfc2136Backend({ timeoutMs: 5000, retries: 1, masterKey: db.$masterKey, source: outgoingSources(cfg.dns).rfc2136 }).checkZone(zoneRefOf(d))
          : await checkSecondaries(d.name, d.serial, listSecondaries(db, d.id).map((s) => s.address), { notifySource: outgoingSources(cfg.dns).notify });
      const text = () => [`${d.name}: ${result.ok ? "ok" : "FAILED"}`, ...result.steps.map((s) => `  ${s.ok ? "ok  " : "FAIL"} ${s.step}: ${s.message}`)].join("\n");
      print(io, values.json, { zone: d.name, ...result }, text);
      if (!result.ok) throw new CliError(`domain check of ${d.name} failed`, 1);
      return;
    }
    case "dnssec":
      return dnssecCommand(db, cfg, io, values, positionals);
    case "ds": {
      if (positionals.length !== 1) throw new CliError(`domain ds takes one ZONE\nusage: ${USAGE}`);
      const d = requireDomain(db, positionals[0]);
      const keys = await openZoneKeys(db, cfg, [d.name]);
      if (d.backend !== "embedded" || !keys.isSigned(d.name)) throw new CliError(`${d.name} is not a signed embedded zone (turn signing on with "updns domain dnssec ${d.name} on")`, 1);
      const ds = keys.dsRecords(d.name).map((r) => `${d.name}. IN DS ${r}`);
      return print(io, values.json, { zone: d.name, ds }, () => ds.join("\n"));
    }
    default:
      throw new CliError(`unknown domain command "${sub}"\nusage: ${USAGE}`);
  }
}

/**
 * `domain set ZONE …`: the settings of the web UI's domain page, through the same use case (updateDomain);
 * what is not given stays as it is.
 */
async function setCommand(db: Db, cfg: Config, io: Io, values: { json: boolean; "transfer-key"?: string; "no-transfer-key"?: boolean; "update-key"?: string[]; "serial-scheme"?: string; "catalog-group"?: string; "no-catalog-group"?: boolean }, positionals: string[]) {
  if (positionals.length !== 1) throw new CliError(`domain set takes one ZONE\nusage: ${USAGE}`);
  if (values["transfer-key"] !== undefined && values["no-transfer-key"]) throw new CliError("give either --transfer-key KEYNAME or --no-transfer-key, not both");
  if (values["catalog-group"] !== undefined && values["no-catalog-group"]) throw new CliError("give either --catalog-group NAME or --no-catalog-group, not both");
  const transferKey = values["no-transfer-key"] ? null : values["transfer-key"];
  const catalogGroup = values["no-catalog-group"] ? null : values["catalog-group"];
  if (transferKey === undefined && !values["update-key"]?.length && values["serial-scheme"] === undefined && catalogGroup === undefined)
    throw new CliError("domain set needs at least one of --transfer-key, --no-transfer-key, --update-key, --serial-scheme, --catalog-group, --no-catalog-group");
  const d = requireDomain(db, positionals[0]);
  // Only this zone (and the catalog, which openZoneStore adds) is loaded: a new group is one catalog commit.
  const store = catalogGroup !== undefined && d.backend === "embedded" ? await openZoneStore(db, cfg, [d.name]) : undefined;
  const editor = store && new EmbeddedZoneRecords(() => store);
  return updateDomain(db, d, {
    comment: d.comment,
    public: d.public,
    available: d.available,
    primary: d.primary,
    queryServer: d.queryServer,
    keyName: d.updateKeyName,
    algorithm: d.updateKeyAlgorithm,
    transferKey,
    updateKeys: values["update-key"],
    serialScheme: values["serial-scheme"],
    catalogGroup,
  }, undefined, editor).then(() => {
    const now = requireDomain(db, d.name);
    const key = now.transferKeyId ? db.select({ name: tsigKeys.name }).from(tsigKeys).where(eq(tsigKeys.id, now.transferKeyId)).get()?.name ?? "" : "";
    const group = now.catalogGroup ? `, catalog group "${now.catalogGroup}"` : "";
    print(io, values.json, { zone: now.name, transfer_key: key || null, serial_scheme: now.serialScheme, catalog_group: now.catalogGroup || null }, () => `domain ${now.name}: transfer key ${key || "none"}, serial scheme ${now.serialScheme}${group}`);
  });
}

/**
 * A zone editor over `zone`, the zone enclosing it and the zones below it: what a delegation (or its
 * removal) touches. Only these are loaded, so the command stays quick however many zones there are.
 */
export async function editorAround(db: Db, cfg: Config, zone: string): Promise<EmbeddedZoneRecords> {
  const names = [zone, enclosingZone(db, zone)?.name, ...listDomains(db).map((d) => d.name).filter((n) => n.endsWith(`.${zone}`))].filter((n): n is string => Boolean(n));
  const keys = await openZoneKeys(db, cfg, names);
  return new EmbeddedZoneRecords(() => keys.store, undefined, () => keys);
}

/**
 * `domain dnssec ZONE on|off|status|roll-zsk|roll-ksk|complete-ksk`: the rules of the domain page's DNSSEC
 * section (core/dnssec-edit.ts) over the zone store; `--force` is the page's confirmation of the second step
 * of switching off.
 */
async function dnssecCommand(db: Db, cfg: Config, io: Io, values: { json: boolean; algorithm?: string; nsec?: boolean; split?: boolean; force?: boolean }, positionals: string[]): Promise<void> {
  const [zoneName, action] = positionals;
  if (!zoneName || !action || positionals.length !== 2) throw new CliError("usage: updns domain dnssec ZONE on [--algorithm 13|15] [--nsec] [--split] | off [--force] | status | roll-zsk | roll-ksk | complete-ksk");
  const d = requireDomain(db, zoneName);
  const keys = d.backend === "embedded" ? await openZoneKeys(db, cfg, [d.name]) : undefined;
  const port = zoneStoreDnssec(() => keys!);
  // A parent zone served here publishes the child's DS (or drops it) in step.
  const syncParent = async () => {
    if (enclosingZone(db, d.name)?.backend === "embedded") await delegate(db, await editorAround(db, cfg, d.name), d);
  };
  const dsLines = (ds: string[]) => ds.map((r) => `${d.name}. IN DS ${r}`);
  switch (action) {
    case "on": {
      await enableDomainDnssec(db, port, d, { algorithm: values.algorithm, denial: values.nsec ? "nsec" : "nsec3", keys: values.split ? "split" : "csk" }, cfg.dnssec.default_algorithm);
      await syncParent();
      const ds = domainDnssecStatus(port, d)?.ds ?? [];
      return print(io, values.json, { zone: d.name, signed: true, ds }, () => [`${d.name} is signed. Give the parent zone this DS record:`, ...dsLines(ds)].join("\n"));
    }
    case "off": {
      // A DS left at the parent makes the unsigned zone bogus for every validating resolver: two steps.
      const again = `Remove the DS at the parent, wait for its TTL, then run "updns domain dnssec ${d.name} off --force"`;
      let done;
      try {
        done = await disableDomainDnssec(db, port, d, Boolean(values.force));
      } catch (e) {
        if (e instanceof ValidationError && e.field === "confirm") throw new CliError(`${d.name}: the CDS/CDNSKEY "delete" records (RFC 8078) are published. ${again}`, 1);
        throw e;
      }
      await syncParent();
      if (done === "requested") throw new CliError(`${d.name}: published CDS/CDNSKEY "delete" records (RFC 8078). ${again}`, 1);
      return print(io, values.json, { zone: d.name, signed: false }, () => `${d.name} is no longer signed`);
    }
    case "status": {
      const st = domainDnssecStatus(port, d);
      return print(io, values.json, st ? { zone: d.name, ...st } : { zone: d.name, signed: false }, () =>
        st ? [`${d.name}: signed, ${st.denial}`, ...st.keys.map((k) => `  key ${k.keyTag} ${k.role} ${k.state} algorithm ${k.algorithm}`), ...st.ds.map((r) => `  DS ${r}`)].join("\n") : `${d.name}: not signed`,
      );
    }
    case "roll-zsk":
    case "roll-ksk":
    case "complete-ksk": {
      const done = await rollDomainKeys(port, d, action);
      if (done) await syncParent();
      const st = domainDnssecStatus(port, d)!;
      const what = done ? `${action} done` : action === "roll-zsk" ? "a ZSK rollover is already under way" : "no KSK rollover to complete";
      return print(io, values.json, { zone: d.name, done, ...st }, () => [`${d.name}: ${what}`, ...st.ds.map((r) => `  DS ${r}`)].join("\n"));
    }
    default:
      throw new CliError(`unknown dnssec action "${action}" (on, off, status, roll-zsk, roll-ksk, complete-ksk)`);
  }
}
