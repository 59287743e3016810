// How `domains --check` probes a zone (spec §6.2). This is the one file of jobs/ that speaks
// DNS: the jobs themselves take a ZoneChecker, so tests and other runners can put their own in.
//   rfc2136: an SOA query to the primary (RD off), answered authoritatively. No UPDATE: a daily job must
//            not move the zone's serial (`updns domain check ZONE` runs the full add/remove test).
//   embedded: the zone loads from the database, and each secondary answers our serial (per secondary).
import { SqliteZoneStorage } from "../backends/embedded/index.ts";
import { listSecondaries, zoneRefOf, type DomainRow } from "../core/index.ts";
import type { Db } from "../db/index.ts";
import { parseServer, querySoa, type SourceAddresses } from "../dns/rfc2136/index.ts";
import { ZoneStore } from "../dns/zone/index.ts";

export interface CheckStep {
  step: string;
  ok: boolean;
  message: string;
}

export interface ZoneCheck {
  /** Every step passed. */
  ok: boolean;
  /**
   * The zone itself failed: its nameserver does not answer for it (rfc2136) or it does not load (embedded).
   * Only this makes the domain unavailable; a lagging secondary is a warning.
   */
  broken: boolean;
  steps: CheckStep[];
}

export type ZoneChecker = (db: Db, domain: DomainRow) => Promise<ZoneCheck>;

export interface CheckOptions {
  timeoutMs?: number;
  retries?: number;
  /** Where SOA queries to secondaries leave from (dns.notify_source: the address they know us by). */
  notifySource?: SourceAddresses;
  /** Where SOA queries to an external primary leave from (dns.rfc2136_source). */
  rfc2136Source?: SourceAddresses;
}

/** For an embedded zone: each secondary answers with `serial` (SOA query, RD off), one step per secondary. */
export async function checkSecondaries(zone: string, serial: number, secondaries: string[], o: CheckOptions = {}): Promise<{ ok: boolean; steps: CheckStep[] }> {
  const steps: CheckStep[] = [];
  for (const s of secondaries) {
    try {
      const r = await querySoa([parseServer(s)], zone, { timeoutMs: o.timeoutMs ?? 3000, retries: o.retries ?? 1, source: o.notifySource });
      const theirs = r.soa.serial;
      steps.push({ step: `secondary ${s}`, ok: theirs === serial, message: theirs === serial ? `serves serial ${serial}` : `serves serial ${theirs}, ours is ${serial}` });
    } catch (e) {
      steps.push({ step: `secondary ${s}`, ok: false, message: (e as Error).message });
    }
  }
  if (steps.length === 0) steps.push({ step: "secondaries", ok: true, message: "none configured" });
  return { ok: steps.every((s) => s.ok), steps };
}

/** The checker the jobs use unless given another. */
export function zoneChecker(o: CheckOptions = {}): ZoneChecker {
  return async (db, d) => {
    if (d.backend === "rfc2136") {
      const zone = zoneRefOf(d);
      try {
        if (!zone.primary) throw new Error("no primary configured");
        const r = await querySoa([parseServer(zone.primary)], zone.name, { timeoutMs: o.timeoutMs ?? 5000, retries: o.retries ?? 1, source: o.rfc2136Source });
        return { ok: true, broken: false, steps: [{ step: "soa", ok: true, message: `${zone.primary} is authoritative for ${zone.name}, SOA serial ${r.soa.serial}` }] };
      } catch (e) {
        return { ok: false, broken: true, steps: [{ step: "soa", ok: false, message: (e as Error).message }] };
      }
    }
    let serial: number;
    try {
      // Only this zone: the check must not read every other zone's records.
      const store = await ZoneStore.open(new SqliteZoneStorage(db, [d.name]));
      const z = store.snapshot().zones.get(d.name);
      if (!z) throw new Error("the zone has no SOA record in the database");
      serial = z.serial;
    } catch (e) {
      return { ok: false, broken: true, steps: [{ step: "zone", ok: false, message: `does not load: ${(e as Error).message}` }] };
    }
    const load: CheckStep = { step: "zone", ok: true, message: `loads, serial ${serial}` };
    const sec = await checkSecondaries(d.name, serial, listSecondaries(db, d.id).map((s) => s.address), o);
    return { ok: sec.ok, broken: false, steps: [load, ...sec.steps] };
  };
}
