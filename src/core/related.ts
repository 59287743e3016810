// Related hosts (spec §1.7): after every successful update of the main host (prefix-only ones included), each
// available related host gets the main address's network plus its interface id, or loses its record of that
// family when it has no id. Their DNS errors count on the main host; they never change the main answer.
// A transient nameserver failure (timeout, SERVFAIL) is tried again a few times right away: the main host's
// change has just gone through, so the nameserver is up, and the client will not resend an unchanged address
// (its next request is a nochg, which does not touch related hosts) — a lost change here would stay lost.
//
// Departure from the baseline: a related host that already holds the computed address is not a client fault.
// The client changed the main host correctly; only the interface-id part moved, so the related host stays.
import type { Logger } from "../log/index.ts";
import { recordType, withInterfaceId, type Address } from "../net/index.ts";
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

/** Attempts of one related host's change, and the pause before the second (doubled before each further one). */
export const RELATED_ATTEMPTS = 3;
export const RELATED_RETRY_DELAY_MS = 150;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `change` until it succeeds, fails for good (not transient), or has had its attempts. */
async function withRetry(change: () => Promise<unknown>, onRetry: (error: string, attempt: number) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await change();
      return;
    } catch (e) {
      if (!(e instanceof ZoneBackendError) || !e.transient || attempt >= RELATED_ATTEMPTS) throw e;
      onRetry(e.message, attempt);
      await sleep(RELATED_RETRY_DELAY_MS * 2 ** (attempt - 1));
    }
  }
}

export async function updateRelatedHosts(u: RelatedUpdate, main: Address, prefixLength: number): Promise<void> {
  const type = recordType(main.kind);
  for (const rh of u.related) {
    if (!rh.available) continue;
    const name = `${rh.name}.${u.hostName}`;
    const fqdn = `${name}.${u.zone.name}`;
    const id = (main.kind === "ipv4" ? rh.interfaceIdIpv4 : rh.interfaceIdIpv6).trim();
    const addr = id === "" ? null : withInterfaceId(main, prefixLength, id);
    if (id !== "" && !addr) {
      u.log.warn("related host skipped: interface id does not fit the address", { related: fqdn, interface_id: id, family: main.kind });
      continue;
    }
    const change = () => (addr ? u.backend.replace(u.zone, name, type, [addr.text], u.ttl) : u.backend.remove(u.zone, name, type));
    try {
      await withRetry(change, (error, attempt) => u.log.warn("related host change failed, trying again", { related: fqdn, attempt, error }));
    } catch (e) {
      const err = e instanceof ZoneBackendError ? e.message : String(e);
      u.log.warn("related host change failed", { related: fqdn, host: u.hostFqdn, error: err });
      u.ledger.serverMessage(resultLine("relatedDnsError", { fqdn, action: addr ? "update" : "deletion", error: err }), true);
    }
  }
}
