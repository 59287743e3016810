// The embedded zones of a running server: the zone store over SQLite, kept in step with commits made by
// other processes (a CLI command while the server runs). SQLite's data_version tells, cheaply, when another
// connection committed; then the zones whose stored serial differs from memory are reloaded.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import { canonicalName } from "../core/index.ts";
import { dnssecMasterKey } from "../dns/dnssec/index.ts";
import type { ZoneKeysOptions } from "../dns/zone/index.ts";
import { SqliteZoneStorage } from "../backends/embedded/index.ts";
import { ZoneKeys, type ZoneStore } from "../dns/zone/index.ts";
import type { Logger } from "../log/index.ts";

export interface ZoneRuntime {
  store: ZoneStore;
  /** The DNSSEC key lifecycle of the store's zones (on/off, rollovers, the resign job). */
  keys: ZoneKeys;
  storage: SqliteZoneStorage;
  /** Reload zones changed elsewhere; returns the names reloaded or removed. */
  refresh(): string[];
  /** Called whenever the database changed underneath (zones refreshed first). */
  onExternalChange(fn: () => void): void;
  stop(): void;
}

/**
 * The key that unseals DNSSEC private keys. A missing dnssec.key is created only while no key is sealed: a
 * fresh key beside sealed ones (a database restored without its key file) would only hide the real problem.
 */
function masterKey(cfg: Config, db?: Db): Uint8Array {
  const file = join(cfg.server.data_dir, "dnssec.key");
  if (db && !cfg.dnssec.master_key.trim() && !existsSync(file)) {
    const { n } = db.$client.query("SELECT count(*) AS n FROM dnssec_keys").get() as { n: number };
    if (n > 0) throw new Error(`the database holds ${n} DNSSEC private key(s) but their master key file ${file} is missing: copy it from the old data dir (mode 0600), restore a backup with "updns restore", or set [dnssec] master_key`);
  }
  try {
    return dnssecMasterKey({ configured: cfg.dnssec.master_key, dataDir: cfg.server.data_dir });
  } catch (e) {
    throw new Error(`${cfg.dnssec.master_key.trim() ? "dnssec.master_key" : file}: ${(e as Error).message}`);
  }
}

/** How every process opens zone stores: journal limits and the key that unseals DNSSEC private keys. */
export function zoneStoreOptions(cfg: Config, log?: Logger, db?: Db): ZoneKeysOptions {
  return {
    journalMaxChanges: cfg.dns.journal_max_changes,
    journalMaxAgeMs: cfg.dns.journal_max_age_days * 86400_000,
    dnssec: { masterKey: masterKey(cfg, db) },
    log: log ? (msg) => log.warn(msg) : undefined,
    catalog: cfg.dns.catalog_zone.trim() || undefined,
  };
}

/**
 * The keys and store of just the named zones, for a one-shot CLI command (and the catalog, which lists
 * them): `.store` commits (signed zones signed), the keys switch DNSSEC and roll.
 */
export function openZoneKeys(db: Db, cfg: Config, only: string[]): Promise<ZoneKeys> {
  const catalog = canonicalName(cfg.dns.catalog_zone);
  return ZoneKeys.open(new SqliteZoneStorage(db, catalog ? [...only, catalog] : only), zoneStoreOptions(cfg, undefined, db));
}

/** A store of just the named zones, for a one-shot CLI command (and the catalog, which lists them). */
export async function openZoneStore(db: Db, cfg: Config, only: string[]): Promise<ZoneStore> {
  return (await openZoneKeys(db, cfg, only)).store;
}

export async function openZones(db: Db, cfg: Config, log: Logger, opts: { pollMs?: number } = {}): Promise<ZoneRuntime> {
  const storage = new SqliteZoneStorage(db);
  const keys = await ZoneKeys.open(storage, zoneStoreOptions(cfg, log, db));
  const store = keys.store;
  const listeners: (() => void)[] = [];
  const dataVersion = () => (db.$client.query("PRAGMA data_version").get() as { data_version: number }).data_version;
  let seen = dataVersion();

  const refresh = (): string[] => {
    // A scheme changed elsewhere (`domain set --serial-scheme`) moves no serial: take it over in any case.
    for (const [name, scheme] of storage.serialSchemes()) store.setSerialScheme(name, scheme);
    const stored = storage.serials();
    const loaded = store.snapshot().zones;
    const changed = [...stored].filter(([name, serial]) => loaded.get(name)?.serial !== serial).map(([name]) => name);
    const gone = [...loaded.keys()].filter((name) => !stored.has(name));
    if (changed.length === 0 && gone.length === 0) return [];
    const zones = storage.loadZones(changed);
    store.reload(zones, gone);
    log.info("zones reloaded after a change by another process", { zones: [...zones.map((z) => z.name), ...gone].join(",") });
    return [...zones.map((z) => z.name), ...gone];
  };

  const timer = setInterval(() => {
    try {
      const v = dataVersion();
      if (v === seen) return;
      seen = v;
      refresh();
      for (const l of listeners) l();
    } catch (e) {
      log.error("watching the database failed", { error: (e as Error).message });
    }
  }, opts.pollMs ?? 250);

  return {
    store,
    keys,
    storage,
    refresh,
    onExternalChange: (fn) => listeners.push(fn),
    stop: () => clearInterval(timer),
  };
}
