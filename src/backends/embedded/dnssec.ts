// Core's DnssecPort over the zone store: the DNSSEC operations of embedded zones, for the web UI (through
// `updns serve`) and the CLI alike, so both reach the same rules in core/dnssec-edit.ts.
import type { DnssecPort } from "../../core/index.ts";
import type { ZoneStore } from "../../dns/zone/index.ts";

/** The RFC 8078 §4 "delete" CDS at the apex: the first step of switching signing off is done. */
const CDS_DELETE = "0 0 0 00";

export function zoneStoreDnssec(store: () => ZoneStore): DnssecPort {
  return {
    status: (zone) => {
      const st = store().dnssecStatus(zone);
      return st && { ...st, removingDs: store().zone(st.zone)?.get(st.zone, "CDS")?.data[0] === CDS_DELETE };
    },
    enable: async (zone, settings) => void (await store().enableDnssec(zone, settings)),
    requestDsRemoval: async (zone, undo) => void (await store().requestDsRemoval(zone, undo)),
    disable: async (zone) => void (await store().disableDnssec(zone)),
    rollZsk: async (zone) => void (await store().rollZsk(zone)),
    rollKsk: async (zone) => void (await store().rollKsk(zone)),
    completeKskRollover: async (zone) => void (await store().completeKskRollover(zone)),
  };
}
