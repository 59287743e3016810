// Zone backends for one-shot CLI commands: an embedded zone is loaded alone (not every zone of the server),
// changed through the same zone transaction, and the running server reloads it when it sees the commit.
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import type { ZoneBackend, ZoneRef } from "../core/index.ts";
import { EmbeddedBackend } from "../backends/embedded/index.ts";
import { openZoneStore } from "./zones.ts";
import { outgoingSources } from "./dns.ts";
import { Rfc2136Backend } from "../backends/rfc2136/index.ts";
import type { ZoneStore } from "../dns/zone/index.ts";

export function cliBackends(db: Db, cfg: Config): (zone: ZoneRef) => ZoneBackend {
  const rfc2136 = new Rfc2136Backend({ backoffMs: 0, timeoutMs: cfg.dns.query_timeout * 1000, retries: 1, masterKey: db.$masterKey, source: outgoingSources(cfg.dns).rfc2136 });
  const stores = new Map<string, Promise<ZoneStore>>();
  const storeOf = (zone: string) => {
    if (!stores.has(zone)) stores.set(zone, openZoneStore(db, cfg, [zone]));
    return stores.get(zone)!;
  };
  return (zone) => {
    if (zone.backend !== "embedded") return rfc2136;
    // The store is opened on first use; EmbeddedBackend wants it synchronously, so wrap each call.
    const call = async <T>(fn: (b: EmbeddedBackend) => Promise<T>) => {
      const store = await storeOf(zone.name);
      return fn(new EmbeddedBackend(() => store));
    };
    return {
      read: (z, name, type) => call((b) => b.read(z, name, type)),
      replace: (z, name, type, values, ttl) => call((b) => b.replace(z, name, type, values, ttl)),
      remove: (z, name, type) => call((b) => b.remove(z, name, type)),
    };
  };
}
