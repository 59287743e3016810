// Who may transfer a zone and who is told about changes — plain data the integrator hands in (from config and
// the database) — and the shape of the UPDATE policy hook, whose rules are the integrator's (updns: core's
// updatePolicy, RFC 2136 §3.3).
import type { RRType } from "../zone/index.ts";
import { AddressSet } from "../../net/index.ts";

/** Per zone: transfer access (RFC 5936 §6: by TSIG key and/or address) and the secondaries to NOTIFY. */
export interface ZoneAcl {
  /** TSIG key names allowed to AXFR/IXFR. */
  transferKeys: string[];
  /** Addresses or CIDR prefixes allowed to AXFR/IXFR without a key ("127.0.0.1", "10.0.0.0/8", "::1"). */
  transferAddresses: string[];
  /** Secondaries to NOTIFY after each commit; `key` signs the NOTIFY (RFC 1996 + RFC 8945). */
  notify: { address: string; port: number; key?: string }[];
}

/** What the UPDATE handler asks for each record of the update section (RFC 2136 §3.3). */
export interface UpdateRequest {
  zone: string;
  /** Verified TSIG key name, lower case. */
  key: string;
  name: string;
  /** The record type touched; "ANY" for a delete-all-RRsets (class ANY, type ANY). */
  type: RRType | "ANY";
  address: string;
}

/** The policy hook: true grants the change. */
export type UpdatePolicy = (req: UpdateRequest) => boolean;

/** Lists parsed so far: an ACL is replaced whole when the configuration changes, never edited in place. */
const parsedLists = new WeakMap<readonly string[], AddressSet>();

/** `list` parsed, once (a transfer then only compares; the first one does not pay for parsing). */
export function addressSetOf(list: readonly string[]): AddressSet {
  let set = parsedLists.get(list);
  if (!set) parsedLists.set(list, (set = new AddressSet([...list])));
  return set;
}

/** Whether `address` is one of `list` (addresses or CIDR prefixes; IPv4-mapped IPv6 counts as IPv4). */
export function addressAllowed(address: string, list: string[]): boolean {
  return addressSetOf(list).contains(address);
}
