// Per-host forwarding to third-party dyndns2 services (spec §3.4, §5.1 updater_hostconfig pages). The
// services themselves are defined by staff; owners add their credentials at one of them.
import { asc, eq, like, or, sql } from "drizzle-orm";
import { sealColumn, serviceUpdaterHostConfigs, serviceUpdaters, type Db } from "../db/index.ts";
import { ValidationError } from "./errors.ts";

export type ServiceRow = typeof serviceUpdaters.$inferSelect;
export type HostConfigRow = typeof serviceUpdaterHostConfigs.$inferSelect;

export interface HostConfigInput {
  serviceId: number;
  hostname: string;
  name: string;
  password: string;
  giveIpv4: boolean;
  giveIpv6: boolean;
  comment: string;
}

export function listServices(db: Db): ServiceRow[] {
  return db.select().from(serviceUpdaters).orderBy(asc(serviceUpdaters.name)).all();
}

export function hostConfigs(db: Db, hostId: number): { config: HostConfigRow; service: ServiceRow }[] {
  return db
    .select({ config: serviceUpdaterHostConfigs, service: serviceUpdaters })
    .from(serviceUpdaterHostConfigs)
    .innerJoin(serviceUpdaters, eq(serviceUpdaterHostConfigs.serviceId, serviceUpdaters.id))
    .where(eq(serviceUpdaterHostConfigs.hostId, hostId))
    .orderBy(asc(serviceUpdaters.name), asc(serviceUpdaterHostConfigs.id))
    .all();
}

export function hostConfigById(db: Db, id: number): HostConfigRow | null {
  if (!Number.isSafeInteger(id)) return null;
  return db.select().from(serviceUpdaterHostConfigs).where(eq(serviceUpdaterHostConfigs.id, id)).get() ?? null;
}

function validate(db: Db, input: HostConfigInput, keepPassword?: string) {
  if (!db.select({ id: serviceUpdaters.id }).from(serviceUpdaters).where(eq(serviceUpdaters.id, input.serviceId)).get())
    throw new ValidationError("service", "Choose one of the offered services.");
  const hostname = input.hostname.trim();
  if (hostname.length > 255 || /[\s/?#&]/.test(hostname)) throw new ValidationError("hostname", "A host name without spaces, at most 255 characters.");
  const name = input.name.trim();
  if (!name || name.length > 255) throw new ValidationError("name", "The user name at the service is required (at most 255 characters).");
  const given = input.password || "";
  if ((!given && !keepPassword) || given.length > 255) throw new ValidationError("password", "The password at the service is required (at most 255 characters).");
  // The service needs the password itself, so it is sealed, not hashed; an empty field keeps the stored one.
  const password = given ? sealColumn(db, given, "service_updater_host_configs.password") : keepPassword!;
  const comment = input.comment.trim();
  if (comment.length > 255) throw new ValidationError("comment", "At most 255 characters.");
  // An empty host name is stored as null: the parameter is then not sent (spec §3.4).
  return { serviceId: input.serviceId, hostname: hostname || null, name, password, giveIpv4: input.giveIpv4, giveIpv6: input.giveIpv6, comment };
}

export function addHostConfig(db: Db, hostId: number, input: HostConfigInput): HostConfigRow {
  return db.insert(serviceUpdaterHostConfigs).values({ hostId, ...validate(db, input) }).returning().get();
}

/** An empty password keeps the stored one (the form never shows it back). */
export function updateHostConfig(db: Db, cfg: HostConfigRow, input: HostConfigInput): void {
  db.update(serviceUpdaterHostConfigs).set({ ...validate(db, input, cfg.password), lastUpdate: new Date() }).where(eq(serviceUpdaterHostConfigs.id, cfg.id)).run();
}

export function deleteHostConfig(db: Db, id: number): void {
  db.delete(serviceUpdaterHostConfigs).where(eq(serviceUpdaterHostConfigs.id, id)).run();
}

export interface ServiceInput {
  name: string;
  comment: string;
  server: string;
  path: string;
  secure: boolean;
  acceptIpv4: boolean;
  acceptIpv6: boolean;
}

/** Staff: a third-party dyndns2 service hosts may forward to. */
export function addService(db: Db, input: ServiceInput, createdById?: number): ServiceRow {
  const name = input.name.trim();
  if (!name || name.length > 32) throw new ValidationError("name", "A name of 1 to 32 characters.");
  const server = input.server.trim();
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(server)) throw new ValidationError("server", "A host name or IP address, optionally with :port.");
  const path = input.path.trim() || "/nic/update";
  if (!path.startsWith("/") || /\s/.test(path)) throw new ValidationError("path", "A path starting with /.");
  return db
    .insert(serviceUpdaters)
    .values({ name, comment: input.comment.trim().slice(0, 255), server, path, secure: input.secure, acceptIpv4: input.acceptIpv4, acceptIpv6: input.acceptIpv6, createdById })
    .returning()
    .get();
}

export function deleteService(db: Db, id: number): boolean {
  return db.delete(serviceUpdaters).where(eq(serviceUpdaters.id, id)).returning().all().length > 0;
}

export function searchServices(db: Db, q: string, offset: number, limit: number): { rows: ServiceRow[]; total: number } {
  const where = q ? or(like(serviceUpdaters.name, `%${q}%`), like(serviceUpdaters.server, `%${q}%`)) : undefined;
  const rows = db.select().from(serviceUpdaters).where(where).orderBy(asc(serviceUpdaters.name)).limit(limit).offset(offset).all();
  const total = db.select({ n: sql<number>`count(*)` }).from(serviceUpdaters).where(where).get()!.n;
  return { rows, total };
}

