// Staff lists with search and pages (the baseline's Django admin, updns.md §3): hosts, domains, blacklist.
import { and, asc, eq, or, sql, type SQL } from "drizzle-orm";
import { blacklistedHosts, domains, hosts, users, type Db } from "../../db/index.ts";
import { validateBlacklistPattern } from "../names.ts";
import { ValidationError } from "./names.ts";

export interface Paged<T> {
  rows: T[];
  total: number;
}

const pattern = (q: string) => `%${q.replace(/[%_\\]/g, (c) => "\\" + c)}%`;
const likeEsc = (col: SQL.Aliased | import("drizzle-orm").Column, q: string) => sql`${col} LIKE ${pattern(q)} ESCAPE '\\'`;

/** `owner`: only that account's (its exact user name), as the users list links to them. */
export function searchHosts(db: Db, q: string, offset: number, limit: number, owner = "") {
  const where: SQL | undefined = and(q ? or(likeEsc(hosts.name, q), likeEsc(domains.name, q), likeEsc(users.username, q), likeEsc(hosts.comment, q)) : undefined, owner ? eq(users.username, owner) : undefined);
  const base = () => db.select({ host: hosts, zone: domains.name, owner: users.username }).from(hosts).innerJoin(domains, eq(hosts.domainId, domains.id)).innerJoin(users, eq(hosts.ownerId, users.id));
  const rows = base().where(where).orderBy(asc(domains.name), asc(hosts.name)).limit(limit).offset(offset).all();
  const total = db.select({ n: sql<number>`count(*)` }).from(hosts).innerJoin(domains, eq(hosts.domainId, domains.id)).innerJoin(users, eq(hosts.ownerId, users.id)).where(where).get()!.n;
  return { rows, total };
}

export function searchDomains(db: Db, q: string, offset: number, limit: number, owner = "") {
  const where: SQL | undefined = and(q ? or(likeEsc(domains.name, q), likeEsc(users.username, q), likeEsc(users.email, q)) : undefined, owner ? eq(users.username, owner) : undefined);
  const rows = db.select({ domain: domains, owner: users.username }).from(domains).leftJoin(users, eq(domains.ownerId, users.id)).where(where).orderBy(asc(domains.name)).limit(limit).offset(offset).all();
  const total = db.select({ n: sql<number>`count(*)` }).from(domains).leftJoin(users, eq(domains.ownerId, users.id)).where(where).get()!.n;
  return { rows: rows.map((r) => ({ domain: r.domain, owner: r.owner ?? "" })), total };
}

export type BlacklistRow = typeof blacklistedHosts.$inferSelect;

export function searchBlacklist(db: Db, q: string, offset: number, limit: number): Paged<BlacklistRow> {
  const where = q ? likeEsc(blacklistedHosts.nameRe, q) : undefined;
  const rows = db.select().from(blacklistedHosts).where(where).orderBy(asc(blacklistedHosts.nameRe)).limit(limit).offset(offset).all();
  const total = db.select({ n: sql<number>`count(*)` }).from(blacklistedHosts).where(where).get()!.n;
  return { rows, total };
}

export function addBlacklistEntry(db: Db, nameRe: string, createdById?: number): BlacklistRow {
  const problem = validateBlacklistPattern(nameRe);
  if (problem) throw new ValidationError("name_re", problem);
  if (db.select({ id: blacklistedHosts.id }).from(blacklistedHosts).where(eq(blacklistedHosts.nameRe, nameRe)).get()) throw new ValidationError("name_re", "This pattern is already on the list.");
  return db.insert(blacklistedHosts).values({ nameRe, createdById }).returning().get();
}

export function deleteBlacklistEntry(db: Db, id: number): boolean {
  return db.delete(blacklistedHosts).where(eq(blacklistedHosts.id, id)).returning().all().length > 0;
}

