// Taking a host's names out of DNS before its row goes (spec §3.2: deleting a host, a related host or a
// user removes their records). Nameserver errors are collected, not thrown: the deletion goes on, as in the
// baseline, and the caller reports what could not be removed.
import { eq } from "drizzle-orm";
import { domains, hosts, relatedHosts, type Db } from "../db/index.ts";
import { zoneRefOf } from "./hosts.ts";
import type { ZoneBackend, ZoneRef } from "./ports.ts";

export type BackendFor = (zone: ZoneRef) => ZoneBackend;

/** Remove A, AAAA and the ACME TXT of a host and its related hosts. Returns the errors met. */
export async function removeHostDns(db: Db, backendFor: BackendFor, hostId: number): Promise<string[]> {
  const row = db.select().from(hosts).innerJoin(domains, eq(hosts.domainId, domains.id)).where(eq(hosts.id, hostId)).get();
  if (!row) return [];
  const zone = zoneRefOf(row.domains);
  const backend = backendFor(zone);
  const names: [string, ("A" | "AAAA" | "TXT")[]][] = [
    [row.hosts.name, ["A", "AAAA"]],
    [`_acme-challenge.${row.hosts.name}`, ["TXT"]],
    ...db
      .select({ name: relatedHosts.name })
      .from(relatedHosts)
      .where(eq(relatedHosts.mainHostId, hostId))
      .all()
      .map((r): [string, ("A" | "AAAA")[]] => [`${r.name}.${row.hosts.name}`, ["A", "AAAA"]]),
  ];
  const errors: string[] = [];
  for (const [name, types] of names) {
    for (const type of types) {
      try {
        await backend.remove(zone, name, type);
      } catch (e) {
        errors.push(`${name}.${zone.name} ${type}: ${(e as Error).message}`);
      }
    }
  }
  return errors;
}

/** Every host of a user, before the account goes. */
export async function removeUserDns(db: Db, backendFor: BackendFor, userId: number): Promise<string[]> {
  const errors: string[] = [];
  for (const h of db.select({ id: hosts.id }).from(hosts).where(eq(hosts.ownerId, userId)).all()) errors.push(...(await removeHostDns(db, backendFor, h.id)));
  return errors;
}
