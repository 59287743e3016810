// Core's DnssecPort over the zone keys (the key lifecycle above the zone store): the DNSSEC operations of embedded zones, for the web UI (through
// `updns serve`) and the CLI alike, so both reach the same rules in core/dnssec-edit.ts.
import type { DnssecPort } from "../../core/index.ts";
import type { ZoneKeys } from "../../dns/zone/index.ts";

/** The RFC 8078 §4 "delete" CDS at the apex: the first step of switching signing off is done. */
const CDS_DELETE = "0 0 0 00";

export function zoneStoreDnssec(keys: () => ZoneKeys): DnssecPort {
  return {
    status: (zone) => {
      const st = keys().dnssecStatus(zone);
      return st && { ...st, removingDs: keys().store.zone(st.zone)?.get(st.zone, "CDS")?.data[0] === CDS_DELETE };
    },
    enable: async (zone, settings) => void (await keys().enableDnssec(zone, settings)),
    requestDsRemoval: async (zone, undo) => void (await keys().requestDsRemoval(zone, undo)),
    disable: async (zone) => void (await keys().disableDnssec(zone)),
    rollZsk: async (zone) => void (await keys().rollZsk(zone)),
    rollKsk: async (zone) => void (await keys().rollKsk(zone)),
    completeKskRollover: async (zone) => void (await keys().completeKskRollover(zone)),
  };
}
