// Related hosts (spec §3.3, §5.1): names below a main host that follow its network with their own interface
// ids. Unlike the baseline, a duplicate name is a form error (not a 500) and interface ids are validated.
import { and, asc, eq, ne } from "drizzle-orm";
import { relatedHosts, type Db } from "../db/index.ts";
import { parseAddress } from "../net/index.ts";
import { ValidationError } from "./errors.ts";
import { zoneRefOf, type HostRecord, type RelatedHostRow } from "./hosts.ts";
import type { BackendFor } from "./dns-cleanup.ts";
import { validateHostName } from "./names.ts";

export interface RelatedInput {
  name: string;
  comment: string;
  interfaceIdIpv4: string;
  interfaceIdIpv6: string;
  available: boolean;
}

export function relatedOf(db: Db, hostId: number): RelatedHostRow[] {
  return db.select().from(relatedHosts).where(eq(relatedHosts.mainHostId, hostId)).orderBy(asc(relatedHosts.name)).all();
}

/** Related host `id` of main host `hostId`, or null. */
export function relatedById(db: Db, hostId: number, id: number): RelatedHostRow | null {
  if (!Number.isSafeInteger(id)) return null;
  return db.select().from(relatedHosts).where(and(eq(relatedHosts.id, id), eq(relatedHosts.mainHostId, hostId))).get() ?? null;
}

function validate(db: Db, hostId: number, input: RelatedInput, exceptId?: number) {
  const name = input.name.trim().toLowerCase();
  const problem = validateHostName(name);
  if (problem) throw new ValidationError("name", problem);
  const v4 = input.interfaceIdIpv4.trim();
  const v6 = input.interfaceIdIpv6.trim();
  if (v4 && parseAddress(v4)?.kind !== "ipv4") throw new ValidationError("interface_id_ipv4", "An IPv4 interface id is written like an IPv4 address, e.g. 0.0.0.12.");
  if (v6 && parseAddress(v6)?.kind !== "ipv6") throw new ValidationError("interface_id_ipv6", "An IPv6 interface id is written like an IPv6 address, e.g. ::1:2ff:fe3:4.");
  const comment = input.comment.trim();
  if (comment.length > 255) throw new ValidationError("comment", "At most 255 characters.");
  const dup = db
    .select({ id: relatedHosts.id })
    .from(relatedHosts)
    .where(and(eq(relatedHosts.mainHostId, hostId), eq(relatedHosts.name, name), ...(exceptId ? [ne(relatedHosts.id, exceptId)] : [])))
    .get();
  if (dup) throw new ValidationError("name", "This host already has a related host of that name.");
  return { name, comment, interfaceIdIpv4: v4, interfaceIdIpv6: v6, available: input.available };
}

/** No DNS change until the main host's next update (spec §5.1 add_related_host). */
export function addRelated(db: Db, hostId: number, input: RelatedInput): RelatedHostRow {
  return db.insert(relatedHosts).values({ mainHostId: hostId, ...validate(db, hostId, input) }).returning().get();
}

/** A renamed related host leaves its old name in DNS: remove it (errors returned, not thrown). */
export async function updateRelated(db: Db, backendFor: BackendFor, main: HostRecord, rh: RelatedHostRow, input: RelatedInput): Promise<string[]> {
  const values = validate(db, main.host.id, input, rh.id);
  db.update(relatedHosts).set(values).where(eq(relatedHosts.id, rh.id)).run();
  return values.name === rh.name ? [] : removeRelatedDns(backendFor, main, rh.name);
}

export async function deleteRelated(db: Db, backendFor: BackendFor, main: HostRecord, rh: RelatedHostRow): Promise<string[]> {
  const errors = await removeRelatedDns(backendFor, main, rh.name);
  db.delete(relatedHosts).where(eq(relatedHosts.id, rh.id)).run();
  return errors;
}

async function removeRelatedDns(backendFor: BackendFor, main: HostRecord, name: string): Promise<string[]> {
  const zone = zoneRefOf(main.domain);
  const errors: string[] = [];
  for (const type of ["A", "AAAA"] as const) {
    try {
      await backendFor(zone).remove(zone, `${name}.${main.host.name}`, type);
    } catch (e) {
      errors.push(`${name}.${main.fqdn} ${type}: ${(e as Error).message}`);
    }
  }
  return errors;
}
