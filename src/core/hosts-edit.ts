// Hosts as their owners manage them (spec §5.1 host pages): add, settings, new secret, delete. UI-agnostic:
// the web UI and the JSON API both call these; errors are ValidationError naming the field.
import { and, asc, eq, or } from "drizzle-orm";
import { domains, hosts, users, type Db } from "../db/index.ts";
import { ValidationError } from "./errors.ts";
import { removeHostDns, type BackendFor } from "./dns-cleanup.ts";
import { zoneRefOf, type DomainRow, type HostRecord, type HostRow } from "./hosts.ts";
import { checkNewHostName } from "./names.ts";
import { generateSecret, hashSecret } from "./secrets.ts";
import { requireNotDelegated } from "./zone-ownership.ts";

const record = (row: { host: HostRow; domain: DomainRow; ownerActive: boolean }): HostRecord => ({ ...row, fqdn: `${row.host.name}.${row.domain.name}` });

function selectHosts(db: Db) {
  return db.select({ host: hosts, domain: domains, ownerActive: users.isActive }).from(hosts).innerJoin(domains, eq(hosts.domainId, domains.id)).innerJoin(users, eq(hosts.ownerId, users.id));
}

/** The host `hostId` if `userId` owns it, else null (the UI answers 404 either way). */
export function ownedHost(db: Db, userId: number, hostId: number): HostRecord | null {
  if (!Number.isSafeInteger(hostId)) return null;
  const row = selectHosts(db).where(and(eq(hosts.id, hostId), eq(hosts.ownerId, userId))).get();
  return row ? record(row) : null;
}

export function hostById(db: Db, hostId: number): HostRecord | null {
  if (!Number.isSafeInteger(hostId)) return null;
  const row = selectHosts(db).where(eq(hosts.id, hostId)).get();
  return row ? record(row) : null;
}

/** A user's hosts, by zone then name (spec §3.2 ordering). */
export function userHosts(db: Db, userId: number): HostRecord[] {
  return selectHosts(db).where(eq(hosts.ownerId, userId)).orderBy(asc(domains.name), asc(hosts.name)).all().map(record);
}

/** The zones a user may add hosts to: their own, and public ones that are available (spec §5.1 add_host). */
export function domainsForNewHosts(db: Db, userId: number): DomainRow[] {
  return db
    .select()
    .from(domains)
    .where(or(eq(domains.ownerId, userId), and(eq(domains.public, true), eq(domains.available, true))))
    .orderBy(asc(domains.name))
    .all();
}

/**
 * A new host `name` in zone `domainId` for `ownerId`. Writes nothing to DNS (updns.md §1.12) and has no
 * secret yet: the owner generates one, which is shown once.
 */
export function addHost(db: Db, input: { ownerId: number; name: string; domainId: number; comment?: string }): HostRecord {
  const name = input.name.trim().toLowerCase();
  const problem = checkNewHostName(db, name);
  if (problem) throw new ValidationError("name", problem);
  const domain = domainsForNewHosts(db, input.ownerId).find((d) => d.id === input.domainId);
  if (!domain) throw new ValidationError("domain", "Choose one of the offered domains.");
  requireNotDelegated(db, domain.name, `${name}.${domain.name}`, "name");
  const comment = (input.comment ?? "").trim();
  if (comment.length > 255) throw new ValidationError("comment", "At most 255 characters.");
  if (db.select({ id: hosts.id }).from(hosts).where(and(eq(hosts.name, name), eq(hosts.domainId, domain.id))).get())
    throw new ValidationError("name", "A host with this name already exists in this domain.");
  const row = db.insert(hosts).values({ name, domainId: domain.id, ownerId: input.ownerId, comment }).returning().get();
  return hostById(db, row.id)!;
}

export interface HostSettings {
  comment: string;
  available: boolean;
  /** The owner may clear the abuse flag (not abuse_blocked, which is staff-only). */
  abuse: boolean;
  netmaskIpv4: number;
  netmaskIpv6: number;
  ttl: number;
  wildcard: boolean;
}

/** Validates and stores the settings of a host page (spec §5.1 host_view; TTL bounded by the zone). */
export function updateHostSettings(db: Db, rec: HostRecord, s: HostSettings): void {
  const int = (v: number, lo: number, hi: number, field: string) => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new ValidationError(field, `A whole number from ${lo} to ${hi}.`);
    return v;
  };
  const comment = s.comment.trim();
  if (comment.length > 255) throw new ValidationError("comment", "At most 255 characters.");
  const values = {
    comment,
    available: s.available,
    // Setting abuse is the faults job's business; the owner can only clear it.
    abuse: rec.host.abuse && s.abuse,
    netmaskIpv4: int(s.netmaskIpv4, 0, 32, "netmask_ipv4"),
    netmaskIpv6: int(s.netmaskIpv6, 0, 64, "netmask_ipv6"),
    ttl: int(s.ttl, rec.domain.ttlMin, rec.domain.ttlMax, "ttl"),
    wildcard: s.wildcard,
    lastUpdate: new Date(),
  };
  db.update(hosts).set(values).where(eq(hosts.id, rec.host.id)).run();
}

/** A new update secret: the old one stops working now. Returns the cleartext, to be shown once. */
export async function regenerateHostSecret(db: Db, hostId: number): Promise<string> {
  const secret = generateSecret();
  db.update(hosts).set({ updateSecret: hashSecret(secret) }).where(eq(hosts.id, hostId)).run();
  return secret;
}

/**
 * The owner's delete (host page, API, CLI): refused for a host blocked for abuse (its owner would simply make
 * it again), else the host goes. Returns the nameserver errors met (the row goes anyway).
 */
export async function deleteHost(db: Db, backendFor: BackendFor, rec: HostRecord): Promise<string[]> {
  if (rec.host.abuseBlocked) throw new ValidationError("host", "A host blocked for abuse cannot be deleted.");
  return removeHost(db, backendFor, rec.host.id);
}

/** A host goes: its names out of DNS first (once the row is gone nobody knows which were its), then the row. */
export async function removeHost(db: Db, backendFor: BackendFor, hostId: number): Promise<string[]> {
  const errors = await removeHostDns(db, backendFor, hostId);
  db.delete(hosts).where(eq(hosts.id, hostId)).run();
  return errors;
}

/**
 * Staff: set or clear abuse_blocked (and abuse with it when setting). A blocked host loses its A and AAAA
 * (spec §3.2 signal after save). Returns the nameserver errors met.
 */
export async function setAbuseBlocked(db: Db, backendFor: BackendFor, rec: HostRecord, blocked: boolean): Promise<string[]> {
  db.update(hosts)
    .set(blocked ? { abuseBlocked: true, abuse: true } : { abuseBlocked: false, abuse: false })
    .where(eq(hosts.id, rec.host.id))
    .run();
  if (!blocked) return [];
  const zone = zoneRefOf(rec.domain);
  const errors: string[] = [];
  for (const type of ["A", "AAAA"] as const) {
    try {
      await backendFor(zone).remove(zone, rec.host.name, type);
    } catch (e) {
      errors.push(`${rec.fqdn} ${type}: ${(e as Error).message}`);
    }
  }
  return errors;
}

/** Current A and AAAA of a host as its zone's server answers them; "error: …" when it could not be asked. */
export async function currentAddresses(backendFor: BackendFor, rec: HostRecord, name = rec.host.name): Promise<{ a: string[] | string; aaaa: string[] | string }> {
  const zone = zoneRefOf(rec.domain);
  const read = async (type: "A" | "AAAA") => {
    try {
      return await backendFor(zone).read(zone, name, type);
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  };
  const [a, aaaa] = await Promise.all([read("A"), read("AAAA")]);
  return { a, aaaa };
}
