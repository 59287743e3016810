// Wiring of ACME DNS-01 into a running server: the acme-dns API plugin (when [acme_dns] zone is set), the
// sweep that removes expired TXT values (the hosts' dyndns2 txt= values too, so it always runs), and a low
// negative TTL on the challenge zone. Rules live in core/acme.ts; this file only connects them to the
// database, the zone store and the auth module.
import type { Config } from "../config/index.ts";
import { eq } from "drizzle-orm";
import { domains, type Db } from "../db/index.ts";
import type { Logger } from "../log/index.ts";
import { checkPasswordLogin, findLoginUser } from "../auth/index.ts";
import { acmeSettingsFrom, revokeUserAcmeAccounts, startAcmeSweep, type ZoneBackend, type ZoneRef } from "../core/index.ts";
import { acmeDnsApi, acmeSettings } from "../http/api/acme-dns/index.ts";
import { soaFields, type ZoneStore } from "../dns/zone/index.ts";

/** How often expired values are looked for: well below the shortest lifetime (60 s). */
export const SWEEP_INTERVAL_MS = 15_000;

/** Resolves to the user id of an active staff account whose password matches, else null. */
export function staffLogin(db: Db) {
  return async (username: string, password: string): Promise<number | null> => {
    const result = await checkPasswordLogin(db, findLoginUser(db, username), password, new Date());
    return result.ok && result.user.isStaff ? result.user.id : null;
  };
}

/**
 * RFC 2308 §5: a resolver caches NXDOMAIN/NODATA for min(SOA TTL, SOA MINIMUM). acme-dns uses 86400, so a
 * resolver that asked too early hides the new TXT for a day (acme-dns#342). The challenge zone gets txt_ttl.
 */
export async function lowerNegativeTtl(store: ZoneStore, zone: string, ttl: number): Promise<boolean> {
  const snap = store.zone(zone);
  const soa = snap?.get(zone, "SOA");
  if (!soa) return false;
  const minimum = soaFields(soa.data[0]).minimum;
  if (minimum <= ttl && soa.ttl <= ttl) return false;
  await store.transaction(zone, (tx) => tx.updateSoa({ minimum: Math.min(minimum, ttl), ttl: Math.min(soa.ttl, ttl) }));
  return true;
}

export interface AcmeRuntime {
  /** The acme-dns API plugin, or null when [acme_dns] zone is empty. */
  plugin: ReturnType<typeof acmeDnsApi> | null;
  /** For the user-delete hook: revokes the user's acme-dns accounts; returns what could not be removed. */
  removeUser(userId: number): Promise<string[]>;
  stop(): Promise<void>;
}

/** The same for the CLI (`updns user remove`), with the CLI's backends. */
export function removeUserAcme(cfg: Config, db: Db, backendFor: (zone: ZoneRef) => ZoneBackend, userId: number): Promise<string[]> {
  return revokeUserAcmeAccounts({ db, backendFor, settings: acmeSettingsFrom(cfg.acme_dns) }, userId);
}

export async function startAcme(cfg: Config, db: Db, store: () => ZoneStore, backendFor: (zone: ZoneRef) => ZoneBackend, log: Logger): Promise<AcmeRuntime> {
  const settings = acmeSettings(cfg);
  const acmeLog = log.child({ component: "acme-dns" });
  // One sweep for every expiring challenge value: the accounts' (when the API is on) and the hosts' txt=.
  const sweep = startAcmeSweep(
    { db, backendFor, settings },
    {
      intervalMs: SWEEP_INTERVAL_MS,
      onSwept: (n) => acmeLog.info("expired TXT values removed", { count: n }),
      onError: (e) => acmeLog.warn("TXT sweep failed; retrying later", { error: (e as Error).message }),
    },
  );
  if (!settings.zone) return { plugin: null, removeUser: async () => [], stop: () => sweep.stop() };
  const row = db.select({ backend: domains.backend }).from(domains).where(eq(domains.name, settings.zone)).get();
  if (!row) {
    acmeLog.warn("acme_dns.zone is no zone of this server: registrations fail until it is added", { zone: settings.zone });
  } else if (row.backend === "rfc2136") {
    // RFC 2308 §5: the primary's SOA decides how long resolvers cache "no such TXT"; keep it low there.
    acmeLog.info("acme_dns.zone is an rfc2136 zone: TXT values go to its primary by UPDATE; keep its SOA minimum low", { zone: settings.zone });
  } else if (await lowerNegativeTtl(store(), settings.zone, settings.txtTtl)) {
    acmeLog.info("lowered the challenge zone's negative TTL", { zone: settings.zone, ttl: settings.txtTtl });
  }
  return {
    plugin: acmeDnsApi({
      db,
      config: cfg,
      log: acmeLog,
      backendFor,
      staffLogin: staffLogin(db),
      prepareZone: async () => {
        if (await lowerNegativeTtl(store(), settings.zone, settings.txtTtl)) acmeLog.info("lowered the challenge zone's negative TTL", { zone: settings.zone, ttl: settings.txtTtl });
      },
    }),
    removeUser: (userId) => revokeUserAcmeAccounts({ db, backendFor, settings }, userId),
    stop: () => sweep.stop(),
  };
}
