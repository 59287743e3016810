// Related hosts (spec §1.7): after every successful update of the main host (prefix-only ones included), each
// available related host gets the main address's network plus its interface id, or loses its record of that
// family when it has no id. Their DNS errors count on the main host; they never change the main answer.
//
// Departure from the baseline: a related host that already holds the computed address is not a client fault.
// The client changed the main host correctly; only the interface-id part moved, so the related host stays.
import type { Logger } from "../log/index.ts";
import { recordType, withInterfaceId, type Address } from "./addresses.ts";
import type { HostLedger } from "./faults.ts";
import type { RelatedHostRow } from "./hosts.ts";
import { resultLine } from "./result-lines.ts";
import { ZoneBackendError, type ZoneBackend, type ZoneRef } from "./ports.ts";

export interface RelatedUpdate {
  backend: ZoneBackend;
  zone: ZoneRef;
  hostName: string;
  hostFqdn: string;
  ttl: number;
  related: RelatedHostRow[];
  ledger: HostLedger;
  log: Logger;
}

export async function updateRelatedHosts(u: RelatedUpdate, main: Address, prefixLength: number): Promise<void> {
  const type = recordType(main.kind);
  for (const rh of u.related) {
    if (!rh.available) continue;
    const name = `${rh.name}.${u.hostName}`;
    const fqdn = `${name}.${u.zone.name}`;
    const id = (main.kind === "ipv4" ? rh.interfaceIdIpv4 : rh.interfaceIdIpv6).trim();
    try {
      if (id === "") {
        await u.backend.remove(u.zone, name, type);
        continue;
      }
      const addr = withInterfaceId(main, prefixLength, id);
      if (!addr) {
        u.log.warn("related host skipped: interface id does not fit the address", { related: fqdn, interface_id: id, family: main.kind });
        continue;
      }
      await u.backend.replace(u.zone, name, type, [addr.text], u.ttl);
    } catch (e) {
      const err = e instanceof ZoneBackendError ? e.message : String(e);
      u.ledger.serverMessage(resultLine("relatedDnsError", { fqdn, action: id === "" ? "deletion" : "update", error: err }), true);
    }
  }
}
