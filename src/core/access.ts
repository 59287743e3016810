// Who may see and change what through an account credential (an API token, or the web UI's session with no
// scope): the account's own hosts, narrowed by the token's scopes (tokens.ts). Every JSON API route asks
// here; no route decides access itself.
//
// Answers: a host or zone that does not exist, or belongs to someone else, is `not_found` (its existence is
// not the caller's business); one of the caller's own that the token does not cover, or a write with a
// read-only token or a type outside the token's types, is `forbidden`.
import { and, eq, or, isNull } from "drizzle-orm";
import { domains, hosts, type Db } from "../db/index.ts";
import { findHost, type DomainRow, type HostRecord } from "./hosts.ts";
import { domainsForNewHosts, userHosts } from "./hosts-edit.ts";
import { canonicalName, splitFqdn } from "./names.ts";
import { tokenAllowsType, tokenSees, tokenSeesZone, type TokenScopes } from "./tokens.ts";

export interface Actor {
  userId: number;
  isStaff: boolean;
  scopes: TokenScopes;
  /** The token's name (or "#id"), for host messages. */
  name: string;
  /** For log lines: 'api token "ci"' or "web session". */
  label: string;
  tokenId?: number;
}

import { AccessError } from "./errors.ts";

export { AccessError };

export type Need = "read" | "write";

function requireWrite(actor: Actor): void {
  if (actor.scopes.readOnly) throw new AccessError("forbidden", "this token is read-only");
}

/** The caller's host `fqdn`, checked against the token's scope. */
export function hostFor(db: Db, actor: Actor, fqdn: string, need: Need): HostRecord {
  const rec = findHost(db, fqdn);
  if (!rec || rec.host.ownerId !== actor.userId) throw new AccessError("not_found", `no host named ${canonicalName(fqdn)}`);
  if (!tokenSees(actor.scopes, rec.fqdn, rec.domain.name)) throw new AccessError("forbidden", `host ${rec.fqdn} is outside this token's scope`);
  if (need === "write") requireWrite(actor);
  return rec;
}

/** The caller's hosts the token covers, by zone then name. */
export function hostsFor(db: Db, actor: Actor): HostRecord[] {
  return userHosts(db, actor.userId).filter((r) => tokenSees(actor.scopes, r.fqdn, r.domain.name));
}

/**
 * The zone a new host `fqdn` would go into, if the caller may create it there: a zone offered to the account
 * (its own, or public and available) and covered by the token.
 */
export function zoneForNewHost(db: Db, actor: Actor, fqdn: string): { host: string; domain: DomainRow } {
  requireWrite(actor);
  const split = splitFqdn(fqdn);
  if (!split) throw new AccessError("not_found", `"${fqdn}" is not a host name inside a zone (e.g. home.dyn.example.org)`);
  const domain = domainsForNewHosts(db, actor.userId).find((d) => d.name === split.zone);
  if (!domain) throw new AccessError("not_found", `no zone named ${split.zone} is offered to this account`);
  if (!tokenSees(actor.scopes, `${split.host}.${split.zone}`, split.zone)) throw new AccessError("forbidden", `${split.host}.${split.zone} is outside this token's scope`);
  return { host: split.host, domain };
}

/** Every record type in `types` must be in the token's types (writes only). */
export function requireTypes(actor: Actor, types: string[]): void {
  const missing = types.filter((t) => !tokenAllowsType(actor.scopes, t));
  if (missing.length) throw new AccessError("forbidden", `this token may not write ${missing.join(", ")} records`);
}

/** Zones the caller can see: offered for new hosts, holding one of its hosts, or (staff) owned by nobody; narrowed by the token. */
export function zonesFor(db: Db, actor: Actor): DomainRow[] {
  const byId = new Map<number, DomainRow>();
  for (const d of domainsForNewHosts(db, actor.userId)) byId.set(d.id, d);
  for (const r of userHosts(db, actor.userId)) byId.set(r.domain.id, r.domain);
  // Staff manage the zones nobody owns (ownsZone): they see them too.
  if (actor.isStaff) for (const d of db.select().from(domains).where(isNull(domains.ownerId)).all()) byId.set(d.id, d);
  const s = actor.scopes;
  const hostZones = new Set((s.hosts ?? []).map((h) => splitFqdn(h)?.zone));
  return [...byId.values()]
    .filter((d) => (!s.hosts && !s.zones) || s.zones?.includes(d.name) || hostZones.has(d.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function zoneFor(db: Db, actor: Actor, name: string): DomainRow {
  const zone = canonicalName(name);
  const d = zonesFor(db, actor).find((z) => z.name === zone);
  if (!d) throw new AccessError("not_found", `no zone named ${zone}`);
  return d;
}

/** Whether the caller manages the zone's own records: it owns the zone (staff: also zones nobody owns). */
export function ownsZone(actor: Actor, d: DomainRow): boolean {
  return d.ownerId === actor.userId || (actor.isStaff && d.ownerId === null);
}

/**
 * The embedded zone whose static records the caller may read or change: owned (ownsZone), and the whole
 * zone in the token's scope (a host scope is not enough).
 */
export function recordZoneFor(db: Db, actor: Actor, name: string, need: Need): DomainRow {
  const zone = canonicalName(name);
  const d = db
    .select()
    .from(domains)
    .where(and(eq(domains.name, zone), actor.isStaff ? or(eq(domains.ownerId, actor.userId), isNull(domains.ownerId)) : eq(domains.ownerId, actor.userId)))
    .get();
  if (!d) throw new AccessError("not_found", `no zone named ${zone} whose records this account manages`);
  if (!tokenSeesZone(actor.scopes, d.name)) throw new AccessError("forbidden", `zone ${d.name} is outside this token's scope`);
  if (d.backend !== "embedded") throw new AccessError("not_found", `${d.name} is an rfc2136 zone: its records live on its primary, not here`);
  if (need === "write") requireWrite(actor);
  return d;
}

/** Host labels of a zone: the names (and everything below them) that dynamic updates own. */
export function hostLabels(db: Db, domainId: number): Set<string> {
  return new Set(db.select({ name: hosts.name }).from(hosts).where(eq(hosts.domainId, domainId)).all().map((h) => h.name));
}
