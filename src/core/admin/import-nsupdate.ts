// Moving an nsupdate.info installation over: read its SQLite database (as Django wrote it) and create the
// same users, domains, hosts, related hosts, forwarders and blacklist here. Password and update-secret
// hashes are kept as they are (Django's argon2, nsupdate's weakargon2 and legacy sha1): people log in
// with their old passwords and routers keep working; the hashes are upgraded on first successful use.
// One transaction (all or nothing); objects that already exist are left alone, so a second run changes
// nothing; a dry run reports the plan and rolls back.
import { Database } from "bun:sqlite";
import { and, eq, isNull } from "drizzle-orm";
import { existsSync } from "node:fs";
import {
  blacklistedHosts,
  domains,
  hosts,
  relatedHosts,
  sealColumn,
  serviceUpdaterHostConfigs,
  serviceUpdaters,
  users,
  type Db,
} from "../../db/index.ts";
import { checkNewZone } from "../zone-ownership.ts";
import { canonicalName } from "../names.ts";
import { ValidationError } from "./names.ts";
import { normalizeAlgorithm } from "./tsig.ts";

export interface ImportCounts {
  created: number;
  existing: number;
}

export type ImportReport = Record<"users" | "domains" | "hosts" | "relatedHosts" | "serviceUpdaters" | "hostConfigs" | "blacklist", ImportCounts>;

/** Django stores naive UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]"; NULL means never. */
function djangoTime(v: string | null | undefined): Date | null {
  if (!v) return null;
  const d = new Date(v.replace(" ", "T").replace(/(\.\d{3})\d*$/, "$1") + "Z");
  return Number.isNaN(d.getTime()) ? null : d;
}
const req = (v: string | null | undefined, fallback = new Date()) => djangoTime(v) ?? fallback;
const bool = (v: unknown) => v === 1 || v === true || v === "1";
const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));

type Row = Record<string, unknown>;

function readSource(path: string): Source {
  if (!existsSync(path)) throw new ValidationError("--from", `no such file: ${path}`);
  let src: Database;
  try {
    src = new Database(path, { readonly: true });
  } catch (e) {
    throw new ValidationError("--from", `${path} is not an SQLite database: ${(e as Error).message}`);
  }
  try {
    const tables = new Set((src.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name));
    for (const t of ["auth_user", "main_domain", "main_host"]) {
      if (!tables.has(t)) throw new ValidationError("--from", `${path} does not look like an nsupdate.info database (table ${t} is missing)`);
    }
    const all = (sql: string, table: string) => (tables.has(table) ? (src.query(sql).all() as Row[]) : []);
    return {
      users: all("SELECT * FROM auth_user ORDER BY id", "auth_user"),
      profiles: all("SELECT * FROM accounts_userprofile", "accounts_userprofile"),
      domains: all("SELECT * FROM main_domain ORDER BY id", "main_domain"),
      hosts: all("SELECT * FROM main_host ORDER BY id", "main_host"),
      related: all("SELECT * FROM main_relatedhost ORDER BY id", "main_relatedhost"),
      services: all("SELECT * FROM main_serviceupdater ORDER BY id", "main_serviceupdater"),
      hostConfigs: all("SELECT * FROM main_serviceupdaterhostconfig ORDER BY id", "main_serviceupdaterhostconfig"),
      blacklist: all("SELECT * FROM main_blacklistedhost ORDER BY id", "main_blacklistedhost"),
    };
  } finally {
    src.close();
  }
}

class DryRun extends Error {}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type Source = Record<string, Row[]>;

/** What one step of the import works with: the transaction, the source rows, the report, and source id → our id. */
interface Step {
  tx: Tx;
  /** For sealing secret columns (the key lives outside the transaction). */
  db: Db;
  src: Source;
  report: ImportReport;
  userId: Map<number, number>;
  domainId: Map<number, number>;
  hostId: Map<number, number>;
  serviceId: Map<number, number>;
}

export function importNsupdate(db: Db, path: string, opts: { dryRun?: boolean } = {}): ImportReport {
  const src = readSource(path);
  const counts = (): ImportCounts => ({ created: 0, existing: 0 });
  const report: ImportReport = { users: counts(), domains: counts(), hosts: counts(), relatedHosts: counts(), serviceUpdaters: counts(), hostConfigs: counts(), blacklist: counts() };
  try {
    db.transaction((tx) => {
      const step: Step = { tx, db, src, report, userId: new Map(), domainId: new Map(), hostId: new Map(), serviceId: new Map() };
      // In the order of the foreign keys: each step rewrites the ids the ones before it mapped.
      importUsers(step);
      importDomains(step);
      importHosts(step);
      importRelatedHosts(step);
      importServiceUpdaters(step);
      importHostConfigs(step);
      importBlacklist(step);
      if (opts.dryRun) throw new DryRun();
    });
  } catch (e) {
    if (!(e instanceof DryRun)) throw e;
  }
  return report;
}

function importUsers({ tx, src, report, userId }: Step): void {
  const language = new Map(src.profiles.map((p) => [Number(p.user_id), text(p.language)]));
  for (const u of src.users) {
    const username = text(u.username);
    const found = tx.select({ id: users.id }).from(users).where(eq(users.username, username)).get();
    if (found) {
      userId.set(Number(u.id), found.id);
      report.users.existing++;
      continue;
    }
    const row = tx
      .insert(users)
      .values({
        username,
        email: text(u.email),
        // Kept as Django wrote it ("argon2$argon2id$...", "pbkdf2_sha256$..."): verified as is at login.
        passwordHash: text(u.password),
        isActive: bool(u.is_active),
        isStaff: bool(u.is_staff),
        isSuperuser: bool(u.is_superuser),
        // nsupdate.info only activated accounts after the e-mail link was followed.
        emailVerified: bool(u.is_active),
        language: language.get(Number(u.id)) ?? "",
        dateJoined: req(text(u.date_joined)),
        lastLogin: djangoTime(text(u.last_login)),
      })
      .returning({ id: users.id })
      .get();
    userId.set(Number(u.id), row.id);
    report.users.created++;
  }
}

function importDomains({ tx, db, src, report, userId, domainId }: Step): void {
  for (const d of src.domains) {
    const name = canonicalName(text(d.name));
    const found = tx.select({ id: domains.id }).from(domains).where(eq(domains.name, name)).get();
    if (found) {
      domainId.set(Number(d.id), found.id);
      report.domains.existing++;
      continue;
    }
    const ownerId = userId.get(Number(d.created_by_id));
    checkImportedZone(tx, name, ownerId ?? null);
    const row = tx
      .insert(domains)
      .values({
        name,
        backend: "rfc2136",
        ownerId,
        public: bool(d.public),
        available: bool(d.available),
        comment: text(d.comment),
        primary: text(d.nameserver_ip).trim(),
        queryServer: text(d.nameserver2_ip).trim(),
        // The baseline always named the TSIG key like the zone (spec §4.1).
        updateKeyName: name,
        updateKeyAlgorithm: importedAlgorithm(d),
        updateKeySecret: sealColumn(db, text(d.nameserver_update_secret), "domains.update_key_secret"),
        created: req(text(d.created)),
        lastUpdate: req(text(d.last_update)),
      })
      .returning({ id: domains.id })
      .get();
    domainId.set(Number(d.id), row.id);
    report.domains.created++;
  }
}

/** The same ownership rules as every other way in: one refused zone stops the whole import. */
function checkImportedZone(tx: Tx, name: string, ownerId: number | null): void {
  try {
    checkNewZone(tx as unknown as Db, { name, backend: "rfc2136", ownerId, by: "operator" });
  } catch (e) {
    if (e instanceof ValidationError) throw new ValidationError("--from", `domain ${name}: ${e.message}`);
    throw e;
  }
}

/** The domain's TSIG algorithm; an unknown name is kept at the baseline's default (hmac-sha512). */
function importedAlgorithm(d: Row): string {
  try {
    return normalizeAlgorithm(text(d.nameserver_update_algorithm) || "HMAC_SHA512");
  } catch {
    return "hmac-sha512";
  }
}

function importHosts({ tx, src, report, userId, domainId, hostId }: Step): void {
  for (const h of src.hosts) {
    const dom = domainId.get(Number(h.domain_id));
    const owner = userId.get(Number(h.created_by_id));
    if (dom === undefined || owner === undefined) continue;
    const name = text(h.name).toLowerCase();
    const found = tx.select({ id: hosts.id }).from(hosts).where(and(eq(hosts.name, name), eq(hosts.domainId, dom))).get();
    if (found) {
      hostId.set(Number(h.id), found.id);
      report.hosts.existing++;
      continue;
    }
    const row = tx.insert(hosts).values(hostValues(h, name, dom, owner)).returning({ id: hosts.id }).get();
    hostId.set(Number(h.id), row.id);
    report.hosts.created++;
  }
}

/** A host row as nsupdate.info kept it: its secret hash, fault counters and last updates carry over. */
function hostValues(h: Row, name: string, domainId: number, ownerId: number): typeof hosts.$inferInsert {
  return {
    name,
    domainId,
    ownerId,
    updateSecret: text(h.update_secret),
    comment: text(h.comment),
    available: bool(h.available),
    netmaskIpv4: Number(h.netmask_ipv4 ?? 32),
    netmaskIpv6: Number(h.netmask_ipv6 ?? 64),
    abuse: bool(h.abuse),
    abuseBlocked: bool(h.abuse_blocked),
    clientFaults: Number(h.client_faults ?? 0),
    clientResultMsg: text(h.client_result_msg),
    serverFaults: Number(h.server_faults ?? 0),
    serverResultMsg: text(h.server_result_msg),
    apiAuthFaults: Number(h.api_auth_faults ?? 0),
    apiAuthResultMsg: text(h.api_auth_result_msg),
    lastUpdateIpv4: djangoTime(text(h.last_update_ipv4)),
    lastUpdateIpv6: djangoTime(text(h.last_update_ipv6)),
    tlsUpdateIpv4: bool(h.tls_update_ipv4),
    tlsUpdateIpv6: bool(h.tls_update_ipv6),
    staleness: Number(h.staleness ?? 0),
    stalenessNotificationTimestamp: djangoTime(text(h.staleness_notification_timestamp)),
    created: req(text(h.created)),
    lastUpdate: req(text(h.last_update)),
  };
}

function importRelatedHosts({ tx, src, report, hostId }: Step): void {
  for (const r of src.related) {
    const main = hostId.get(Number(r.main_host_id));
    if (main === undefined) continue;
    const name = text(r.name).toLowerCase();
    if (tx.select({ id: relatedHosts.id }).from(relatedHosts).where(and(eq(relatedHosts.name, name), eq(relatedHosts.mainHostId, main))).get()) {
      report.relatedHosts.existing++;
      continue;
    }
    tx.insert(relatedHosts)
      .values({ name, mainHostId: main, comment: text(r.comment), interfaceIdIpv4: text(r.interface_id_ipv4).trim(), interfaceIdIpv6: text(r.interface_id_ipv6).trim(), available: bool(r.available) })
      .run();
    report.relatedHosts.created++;
  }
}

function importServiceUpdaters({ tx, src, report, userId, serviceId }: Step): void {
  for (const s of src.services) {
    const found = tx
      .select({ id: serviceUpdaters.id })
      .from(serviceUpdaters)
      .where(and(eq(serviceUpdaters.name, text(s.name)), eq(serviceUpdaters.server, text(s.server))))
      .get();
    if (found) {
      serviceId.set(Number(s.id), found.id);
      report.serviceUpdaters.existing++;
      continue;
    }
    const row = tx
      .insert(serviceUpdaters)
      .values({
        name: text(s.name),
        comment: text(s.comment),
        server: text(s.server),
        path: text(s.path) || "/nic/update",
        secure: bool(s.secure),
        acceptIpv4: bool(s.accept_ipv4),
        acceptIpv6: bool(s.accept_ipv6),
        createdById: userId.get(Number(s.created_by_id)),
        created: req(text(s.created)),
        lastUpdate: req(text(s.last_update)),
      })
      .returning({ id: serviceUpdaters.id })
      .get();
    serviceId.set(Number(s.id), row.id);
    report.serviceUpdaters.created++;
  }
}

function importHostConfigs({ tx, db, src, report, hostId, serviceId }: Step): void {
  for (const c of src.hostConfigs) {
    const host = hostId.get(Number(c.host_id));
    const service = serviceId.get(Number(c.service_id));
    if (host === undefined || service === undefined) continue;
    // null keeps its meaning: the hostname parameter is not sent (spec §3.4).
    const hostname = c.hostname === null || c.hostname === "" ? null : text(c.hostname);
    const found = tx
      .select({ id: serviceUpdaterHostConfigs.id })
      .from(serviceUpdaterHostConfigs)
      .where(
        and(
          eq(serviceUpdaterHostConfigs.hostId, host),
          eq(serviceUpdaterHostConfigs.serviceId, service),
          eq(serviceUpdaterHostConfigs.name, text(c.name)),
          hostname === null ? isNull(serviceUpdaterHostConfigs.hostname) : eq(serviceUpdaterHostConfigs.hostname, hostname),
        ),
      )
      .get();
    if (found) {
      report.hostConfigs.existing++;
      continue;
    }
    tx.insert(serviceUpdaterHostConfigs)
      .values({
        serviceId: service,
        hostId: host,
        hostname,
        name: text(c.name),
        password: sealColumn(db, text(c.password), "service_updater_host_configs.password"),
        giveIpv4: bool(c.give_ipv4),
        giveIpv6: bool(c.give_ipv6),
        comment: text(c.comment),
        created: req(text(c.created)),
        lastUpdate: req(text(c.last_update)),
      })
      .run();
    report.hostConfigs.created++;
  }
}

function importBlacklist({ tx, src, report, userId }: Step): void {
  for (const b of src.blacklist) {
    const nameRe = text(b.name_re);
    if (tx.select({ id: blacklistedHosts.id }).from(blacklistedHosts).where(eq(blacklistedHosts.nameRe, nameRe)).get()) {
      report.blacklist.existing++;
      continue;
    }
    tx.insert(blacklistedHosts).values({ nameRe, createdById: userId.get(Number(b.created_by_id)), created: req(text(b.created)), lastUpdate: req(text(b.last_update)) }).run();
    report.blacklist.created++;
  }
}
