// core's ZoneRecordStore (the JSON API) and ZoneEditor (the web UI) for embedded zones: records read from the
// zone's snapshot and changed through the zone store's transaction, so CNAME exclusivity, names inside the
// zone, the apex SOA/NS and rdata syntax are the store's rules, the serial moves, the journal (IXFR) and
// NOTIFY follow, as for every other change. One object serves both: serve.ts hands it to each.
import type { NewZoneRecords } from "../../core/index.ts";
import type { ZoneEditor } from "../../core/domains-edit.ts";
import type { ChangeOutcome } from "../../core/ports.ts";
import { ZoneRecordError } from "../../core/errors.ts";
import type { ZoneRecordStore } from "../../core/zone-records.ts";
import { isDnssecType, ZoneError, type RRType, type ZoneKeys, type ZoneStore } from "../../dns/zone/index.ts";
import { withRefreshRetry } from "./backend.ts";

export class EmbeddedZoneRecords implements ZoneRecordStore, ZoneEditor {
  /**
   * `refresh` as for EmbeddedBackend: reload zones another process committed to, then try once more.
   * `keys`: the DNSSEC keys of the store's zones (a signed child's DS); without them no zone has a DS.
   */
  constructor(
    private readonly store: () => ZoneStore,
    private readonly refresh?: () => void,
    private readonly keys?: () => ZoneKeys,
  ) {}

  /** A new zone's SOA and NS (names absolute, given without the trailing dot as core keeps them). */
  async create(z: NewZoneRecords): Promise<void> {
    await this.store().createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`), catalogGroup: z.catalogGroup });
  }

  /** The zone's group in the catalog zone (RFC 9432 §4.4.2), "" none: one catalog commit when it changes. */
  async setCatalogGroup(zone: string, group: string): Promise<void> {
    await withRefreshRetry(() => this.store().setCatalogGroup(zone, group), this.refresh);
  }

  /** The domain row (and with it the records, by cascade) went: drop the zone from memory. */
  async forget(zone: string): Promise<void> {
    if (this.store().zone(zone)) await this.store().reload([], [zone]);
  }

  async rrsets(zone: string) {
    const snap = this.store().zone(zone);
    if (!snap) throw new ZoneRecordError(`zone ${zone} is not loaded`, "nozone");
    return [...snap.rrsets()].filter((r) => !isDnssecType(r.type)).map((r) => ({ name: r.name, type: r.type as string, ttl: r.ttl, data: [...r.data] }));
  }

  /** A signed zone's DS for its parent; none while the apex asks for DS removal (RFC 8078 §4 "delete" CDS). */
  dsOf(zone: string): string[] {
    const snap = this.store().zone(zone);
    if (snap?.get(zone, "CDS")?.data[0] === "0 0 0 00") return [];
    return this.keys?.().dsRecords(zone) ?? [];
  }

  /** ZoneEditor's replace (the web UI): the same change, outcome not needed. */
  async replace(zone: string, owner: string, type: string, ttl: number, data: string[]): Promise<void> {
    await this.replaceRRset(zone, owner, type, ttl, data);
  }

  async replaceRRset(zone: string, owner: string, type: string, ttl: number, data: string[]): Promise<ChangeOutcome> {
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
      await withRefreshRetry(attempt, this.refresh);
    } catch (e) {
      if (e instanceof ZoneError) throw new ZoneRecordError(e.message, e.reason, e.reason === "invalid" ? "data" : e.reason === "notzone" ? "name" : undefined);
      throw e;
    }
    return changed ? "changed" : "unchanged";
  }
}
