// core's ZoneRecordStore for embedded zones: static records read from the zone's snapshot and changed through
// the zone store's transaction, so CNAME exclusivity, names inside the zone, the apex SOA/NS and rdata syntax
// are the store's rules, the serial moves, the journal (IXFR) and NOTIFY follow, as for every other change.
import type { ChangeOutcome } from "../../core/ports.ts";
import { ZoneRecordError, type ZoneRecordStore } from "../../core/zone-records.ts";
import { isDnssecType, ZoneError, type RRType, type ZoneStore } from "../../dns/zone/index.ts";

export class EmbeddedZoneRecords implements ZoneRecordStore {
  /** `refresh` as for EmbeddedBackend: reload zones another process committed to, then try once more. */
  constructor(
    private readonly store: () => ZoneStore,
    private readonly refresh?: () => void,
  ) {}

  async rrsets(zone: string) {
    const snap = this.store().zone(zone);
    if (!snap) throw new ZoneRecordError(`zone ${zone} is not loaded`, "nozone");
    return [...snap.rrsets()].filter((r) => !isDnssecType(r.type)).map((r) => ({ name: r.name, type: r.type as string, ttl: r.ttl, data: [...r.data] }));
  }

  async replace(zone: string, owner: string, type: string, ttl: number, data: string[]): Promise<ChangeOutcome> {
    let changed = false;
    const attempt = () =>
      this.store().transaction(zone, (tx) => {
        const t = type as RRType;
        const before = tx.get(owner, t);
        if (data.length === 0) {
          if (!before) return;
          tx.deleteRRset(owner, t);
        } else tx.replaceRRset(owner, t, ttl, data);
        const after = tx.get(owner, t);
        changed = !(before && after && before.ttl === after.ttl && before.data.length === after.data.length && before.data.every((d, i) => d === after.data[i]));
      });
    try {
      try {
        await attempt();
      } catch (e) {
        if (!this.refresh || !/changed underneath/.test((e as Error).message)) throw e;
        this.refresh();
        await attempt();
      }
    } catch (e) {
      if (e instanceof ZoneError) throw new ZoneRecordError(e.message, e.reason, e.reason === "invalid" ? "data" : e.reason === "notzone" ? "name" : undefined);
      throw e;
    }
    return changed ? "changed" : "unchanged";
  }
}
