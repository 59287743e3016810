// Who may look at a host's or a domain's page: its owner, and staff, who answer for every account on this
// server (abuse reports, support) and so reach any host or domain from the admin lists. Looking only: every
// change still goes through ownedHost / ownedDomain, so staff change someone else's host only through the
// staff actions (the abuse block), never through the owner's forms.
import { asc, eq } from "drizzle-orm";
import { domains, hosts, users, type Db } from "../db/index.ts";
import { hostById } from "./hosts-edit.ts";
import type { DomainRow, HostRecord } from "./hosts.ts";

export interface Viewer {
  id: number;
  isStaff: boolean;
}

export interface Viewed<T> {
  item: T;
  /** Whether the viewer owns it (and so may change it); false = staff looking at someone else's. */
  own: boolean;
  /** The owner's user name ("" for a zone nobody owns). */
  owner: string;
}

const ownerName = (db: Db, id: number | null) => (id === null ? "" : (db.select({ username: users.username }).from(users).where(eq(users.id, id)).get()?.username ?? ""));

/** The host `hostId` if the viewer owns it or is staff, else null (the page answers 404 either way). */
export function viewableHost(db: Db, viewer: Viewer, hostId: number): Viewed<HostRecord> | null {
  const rec = hostById(db, hostId);
  if (!rec) return null;
  const own = rec.host.ownerId === viewer.id;
  if (!own && !viewer.isStaff) return null;
  return { item: rec, own, owner: ownerName(db, rec.host.ownerId) };
}

/** The domain `id` if the viewer owns it or is staff, else null. */
export function viewableDomain(db: Db, viewer: Viewer, id: number): Viewed<DomainRow> | null {
  if (!Number.isSafeInteger(id)) return null;
  const d = db.select().from(domains).where(eq(domains.id, id)).get();
  if (!d) return null;
  const own = d.ownerId === viewer.id;
  if (!own && !viewer.isStaff) return null;
  return { item: d, own, owner: ownerName(db, d.ownerId) };
}

/** The hosts of a zone with their owners, by name: what staff see on a domain's page. */
export function hostsInDomain(db: Db, domainId: number): { id: number; name: string; owner: string }[] {
  return db
    .select({ id: hosts.id, name: hosts.name, owner: users.username })
    .from(hosts)
    .innerJoin(users, eq(hosts.ownerId, users.id))
    .where(eq(hosts.domainId, domainId))
    .orderBy(asc(hosts.name))
    .all();
}
