// The data model: nsupdate.info's (spec §3) plus what updns adds (zone backends, records and journal of
// embedded zones, TSIG keys and their update policies, secondaries, API tokens, the forwarding queue).
// Times are UTC milliseconds (timestamp_ms). Changing this file means `npm run db:generate`, which appends a
// migration; migrations are never edited after they are committed.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const created = () => integer("created", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);
const lastUpdate = () => integer("last_update", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);
const bool = (name: string, dflt: boolean) => integer(name, { mode: "boolean" }).notNull().default(dflt);

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  username: text("username").notNull().unique(),
  email: text("email").notNull().default(""),
  /** PHC string (argon2id via Bun.password); "" for accounts that only sign in through OAuth. */
  passwordHash: text("password_hash").notNull().default(""),
  isActive: bool("is_active", true),
  isStaff: bool("is_staff", false),
  isSuperuser: bool("is_superuser", false),
  emailVerified: bool("email_verified", false),
  language: text("language").notNull().default(""),
  dateJoined: integer("date_joined", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`),
  lastLogin: integer("last_login", { mode: "timestamp_ms" }),
  /** For `users --stale-check`: when the owner was told the account will go. */
  stalenessNotifiedAt: integer("staleness_notified_at", { mode: "timestamp_ms" }),
});

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the session token (hex); the token itself lives only in the cookie. */
    idHash: text("id_hash").primaryKey(),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    longLived: bool("long_lived", false),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }).notNull(),
    /** Small JSON bag: detected addresses, CSRF secret, flash messages. */
    data: text("data").notNull().default("{}"),
    created: created(),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

/** Single-use e-mail tokens (verification, password reset, invitations, first-run setup). */
export const userTokens = sqliteTable("user_tokens", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  tokenHash: text("token_hash").notNull().unique(),
  purpose: text("purpose", { enum: ["verify_email", "reset_password", "invitation", "setup"] }).notNull(),
  userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
  email: text("email").notNull().default(""),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  usedAt: integer("used_at", { mode: "timestamp_ms" }),
  created: created(),
});

export const oauthIdentities = sqliteTable(
  "oauth_identities",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    subject: text("subject").notNull(),
    created: created(),
  },
  (t) => [uniqueIndex("oauth_provider_subject").on(t.provider, t.subject)],
);

export const tsigKeys = sqliteTable("tsig_keys", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  /** Key name as it appears on the wire, lower case, no trailing dot. */
  name: text("name").notNull().unique(),
  /** BIND spelling: hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384, hmac-sha512. */
  algorithm: text("algorithm").notNull().default("hmac-sha256"),
  /**
   * Base64, stored sealed under the master key (db/secret-columns.ts: written and read only through
   * sealColumn/openColumn) because it must be usable; never logged or rendered back in full.
   */
  secret: text("secret").notNull(),
  ownerId: integer("owner_id").references(() => users.id, { onDelete: "cascade" }),
  comment: text("comment").notNull().default(""),
  created: created(),
});

export const domains = sqliteTable("domains", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  /** Zone name, lower case, no trailing dot. */
  name: text("name").notNull().unique(),
  backend: text("backend", { enum: ["embedded", "rfc2136"] }).notNull().default("rfc2136"),
  ownerId: integer("owner_id").references(() => users.id, { onDelete: "cascade" }),
  public: bool("public", false),
  /** The owner's switch (baseline: "nameserver works"). The automatic back-off lives elsewhere (updns.md §2). */
  available: bool("available", true),
  comment: text("comment").notNull().default(""),
  // rfc2136: the external primary, an optional server asked first, and the key UPDATEs are signed with.
  primary: text("primary").notNull().default(""),
  queryServer: text("query_server").notNull().default(""),
  updateKeyName: text("update_key_name").notNull().default(""),
  updateKeyAlgorithm: text("update_key_algorithm").notNull().default("hmac-sha512"),
  /** Sealed under the master key like tsig_keys.secret; "" = no key. */
  updateKeySecret: text("update_key_secret").notNull().default(""),
  // embedded: the SOA and NS live as records in zone_records; `serial` mirrors the SOA serial after every
  // commit (a process that commits checks it first, so two processes never both move one serial).
  serial: integer("serial").notNull().default(0),
  serialScheme: text("serial_scheme", { enum: ["unixtime", "dateserial", "increment"] }).notNull().default("unixtime"),
  transferKeyId: integer("transfer_key_id").references(() => tsigKeys.id, { onDelete: "set null" }),
  /** Address list (comma separated CIDRs) allowed to transfer without a key. */
  transferAcl: text("transfer_acl").notNull().default(""),
  /** Bounds for host TTLs in this zone (updns.md §1.10). */
  ttlMin: integer("ttl_min").notNull().default(30),
  ttlMax: integer("ttl_max").notNull().default(86400),
  dnssec: bool("dnssec", false),
  /** embedded: its group in the catalog zone (RFC 9432 §4.4.2), "" = none. */
  catalogGroup: text("catalog_group").notNull().default(""),
  lastCheckAt: integer("last_check_at", { mode: "timestamp_ms" }),
  lastCheckResult: text("last_check_result").notNull().default(""),
  lastUpdate: lastUpdate(),
  created: created(),
});

/**
 * Secondaries of an embedded zone: NOTIFY targets, allowed to transfer with the zone's transfer key; one
 * with allowUnsignedTransfer may transfer from its address without a key (NSD's `provide-xfr: IP NOKEY`).
 */
export const zoneSecondaries = sqliteTable(
  "zone_secondaries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    domainId: integer("domain_id").notNull().references(() => domains.id, { onDelete: "cascade" }),
    /** "ip" or "ip:port" / "[v6]:port". */
    address: text("address").notNull(),
    allowUnsignedTransfer: bool("allow_unsigned_transfer", false),
    lastNotifyAt: integer("last_notify_at", { mode: "timestamp_ms" }),
    lastNotifyResult: text("last_notify_result").notNull().default(""),
    created: created(),
  },
  (t) => [uniqueIndex("zone_secondaries_unique").on(t.domainId, t.address)],
);

/**
 * Every resource record of an embedded zone, SOA and NS included: absolute lower-case owner name without the
 * trailing dot, canonical presentation rdata (dns/zone/rdata.ts). The zone store in memory is built from these.
 */
export const zoneRecords = sqliteTable(
  "zone_records",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    domainId: integer("domain_id").notNull().references(() => domains.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    type: text("type").notNull(),
    ttl: integer("ttl").notNull(),
    data: text("data").notNull(),
  },
  (t) => [index("zone_records_owner").on(t.domainId, t.name, t.type)],
);

/**
 * DNSSEC keys of signed embedded zones (dns/zone StoredKey). `secret` is the PKCS#8 private key sealed with
 * AES-256-GCM under the master key (the data dir's dnssec.key file or [dnssec] master_key), never clear text.
 */
export const dnssecKeys = sqliteTable(
  "dnssec_keys",
  {
    domainId: integer("domain_id").notNull().references(() => domains.id, { onDelete: "cascade" }),
    keyId: text("key_id").notNull(),
    role: text("role", { enum: ["csk", "ksk", "zsk"] }).notNull(),
    algorithm: integer("algorithm").notNull(),
    flags: integer("flags").notNull(),
    keyTag: integer("key_tag").notNull(),
    publicKey: text("public_key").notNull(),
    secret: text("secret").notNull(),
    state: text("state", { enum: ["published", "active", "retired"] }).notNull(),
    since: integer("since").notNull(),
    created: integer("created").notNull(),
  },
  (t) => [uniqueIndex("dnssec_keys_domain_key").on(t.domainId, t.keyId)],
);

/** One row per committed change of an embedded zone: what IXFR sends (RFC 1995). */
export const zoneJournal = sqliteTable(
  "zone_journal",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    domainId: integer("domain_id").notNull().references(() => domains.id, { onDelete: "cascade" }),
    serialFrom: integer("serial_from").notNull(),
    serialTo: integer("serial_to").notNull(),
    /** JSON arrays of records ({name,type,ttl,data}); the old SOA is the first removed, the new SOA the first added. */
    removed: text("removed").notNull(),
    added: text("added").notNull(),
    created: created(),
  },
  (t) => [index("zone_journal_domain").on(t.domainId, t.id)],
);

/** Which names and types a TSIG key may change by RFC 2136 UPDATE into an embedded zone (BIND-style grants). */
export const updatePolicies = sqliteTable("update_policies", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  keyId: integer("key_id").notNull().references(() => tsigKeys.id, { onDelete: "cascade" }),
  domainId: integer("domain_id").notNull().references(() => domains.id, { onDelete: "cascade" }),
  action: text("action", { enum: ["grant", "deny"] }).notNull().default("grant"),
  /**
   * name: exactly `name`; subdomain: `name` and below; wildcard: one label below `name`; acme: the ACME
   * challenge names `_acme-challenge.<name or below>` (RFC 8555 §8.4), whatever `types` says only TXT.
   */
  match: text("match", { enum: ["name", "subdomain", "wildcard", "acme"] }).notNull().default("subdomain"),
  name: text("name").notNull(),
  /** Comma-separated types; empty = any type except SOA/NS at the apex. */
  types: text("types").notNull().default(""),
  position: integer("position").notNull().default(0),
});

export const hosts = sqliteTable(
  "hosts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** First label only (spec §0: the FQDN splits at the first dot). */
    name: text("name").notNull(),
    domainId: integer("domain_id").notNull().references(() => domains.id, { onDelete: "cascade" }),
    ownerId: integer("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** Hashed update secret: `$hmac-sha256$salt$mac` for a generated one, argon2id PHC for a chosen or imported one (imported legacy formats are upgraded on first use). */
    updateSecret: text("update_secret").notNull().default(""),
    comment: text("comment").notNull().default(""),
    available: bool("available", true),
    netmaskIpv4: integer("netmask_ipv4").notNull().default(32),
    netmaskIpv6: integer("netmask_ipv6").notNull().default(64),
    ttl: integer("ttl").notNull().default(60),
    wildcard: bool("wildcard", false),
    abuse: bool("abuse", false),
    abuseBlocked: bool("abuse_blocked", false),
    clientFaults: integer("client_faults").notNull().default(0),
    /** The part of client_faults that were no-change updates (nochg): a router repeating its address, shown apart from real faults. */
    nochgFaults: integer("nochg_faults").notNull().default(0),
    clientResultMsg: text("client_result_msg").notNull().default(""),
    serverFaults: integer("server_faults").notNull().default(0),
    serverResultMsg: text("server_result_msg").notNull().default(""),
    apiAuthFaults: integer("api_auth_faults").notNull().default(0),
    apiAuthResultMsg: text("api_auth_result_msg").notNull().default(""),
    lastUpdateIpv4: integer("last_update_ipv4", { mode: "timestamp_ms" }),
    lastUpdateIpv6: integer("last_update_ipv6", { mode: "timestamp_ms" }),
    tlsUpdateIpv4: bool("tls_update_ipv4", false),
    tlsUpdateIpv6: bool("tls_update_ipv6", false),
    /** Set when we answered dnserr through our own (nameserver) fault: the next request is not a client fault. */
    lastServerFaultAt: integer("last_server_fault_at", { mode: "timestamp_ms" }),
    staleness: integer("staleness").notNull().default(0),
    stalenessNotificationTimestamp: integer("staleness_notification_timestamp", { mode: "timestamp_ms" }),
    lastUpdate: lastUpdate(),
    created: created(),
  },
  (t) => [uniqueIndex("unique_host_domain").on(t.name, t.domainId), index("hosts_owner").on(t.ownerId)],
);

/**
 * The addresses a host held over time, newest last: one row per change of its A or AAAA record (an update
 * that set a new address, or a delete). The host page draws it as a timeline. Bounded per host
 * (core/address-history.ts keeps the newest HISTORY_MAX), so a busy host cannot grow the table.
 */
export const hostAddresses = sqliteTable(
  "host_addresses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    hostId: integer("host_id").notNull().references(() => hosts.id, { onDelete: "cascade" }),
    type: text("type", { enum: ["A", "AAAA"] }).notNull(),
    /** The address set; "" when the record was removed (a delete, or a prefix-only update). */
    address: text("address").notNull().default(""),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("host_addresses_host").on(t.hostId, t.id)],
);

export const relatedHosts = sqliteTable(
  "related_hosts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    mainHostId: integer("main_host_id").notNull().references(() => hosts.id, { onDelete: "cascade" }),
    comment: text("comment").notNull().default(""),
    interfaceIdIpv4: text("interface_id_ipv4").notNull().default(""),
    interfaceIdIpv6: text("interface_id_ipv6").notNull().default(""),
    available: bool("available", true),
  },
  (t) => [uniqueIndex("unique_relatedhost_name_mainhost").on(t.name, t.mainHostId)],
);

export const serviceUpdaters = sqliteTable("service_updaters", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  comment: text("comment").notNull().default(""),
  /** Host name or IP, may include a port. */
  server: text("server").notNull(),
  path: text("path").notNull().default("/nic/update"),
  secure: bool("secure", true),
  acceptIpv4: bool("accept_ipv4", false),
  acceptIpv6: bool("accept_ipv6", false),
  createdById: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
  lastUpdate: lastUpdate(),
  created: created(),
});

export const serviceUpdaterHostConfigs = sqliteTable("service_updater_host_configs", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  serviceId: integer("service_id").notNull().references(() => serviceUpdaters.id, { onDelete: "cascade" }),
  hostId: integer("host_id").notNull().references(() => hosts.id, { onDelete: "cascade" }),
  /** null = the `hostname` parameter is not sent. */
  hostname: text("hostname"),
  name: text("name").notNull(),
  /** The third party's password: must be sent, so it is sealed under the master key, not hashed. Never logged. */
  password: text("password").notNull(),
  giveIpv4: bool("give_ipv4", false),
  giveIpv6: bool("give_ipv6", false),
  comment: text("comment").notNull().default(""),
  lastResult: text("last_result").notNull().default(""),
  lastResultAt: integer("last_result_at", { mode: "timestamp_ms" }),
  lastUpdate: lastUpdate(),
  created: created(),
});

/** Forwarding to third-party dyndns2 services runs off the request path (updns.md §1.11). */
export const forwardQueue = sqliteTable(
  "forward_queue",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    hostConfigId: integer("host_config_id").notNull().references(() => serviceUpdaterHostConfigs.id, { onDelete: "cascade" }),
    address: text("address").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    lastError: text("last_error").notNull().default(""),
    created: created(),
  },
  (t) => [index("forward_queue_due").on(t.nextAttemptAt)],
);

export const blacklistedHosts = sqliteTable("blacklisted_hosts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  /** A regular expression searched (not anchored) in a proposed host name. */
  nameRe: text("name_re").notNull().unique(),
  createdById: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
  lastUpdate: lastUpdate(),
  created: created(),
});

/** Account API tokens (JSON API and dyndns2 Bearer auth), stored hashed, with scopes. */
export const apiTokens = sqliteTable("api_tokens", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  name: text("name").notNull().default(""),
  /** SHA-256 hex of the token (tokens are 256-bit random, so a fast hash is enough). */
  tokenHash: text("token_hash").notNull().unique(),
  /** JSON: { hosts?: string[], zones?: string[], types?: string[], subnets?: string[], readOnly?: boolean } */
  scopes: text("scopes").notNull().default("{}"),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
  lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  lastUsedFrom: text("last_used_from").notNull().default(""),
  created: created(),
});

/** Small key/value settings the service keeps for itself (e.g. the data-dir secret's fingerprint). */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * acme-dns accounts (the acme-dns HTTP API): one challenge subdomain of [acme_dns] zone each. The key is
 * 240 random bits, so its SHA-256 is stored (like api_tokens), compared in constant time.
 */
export const acmeDnsAccounts = sqliteTable("acme_dns_accounts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  /** UUIDv4, lower case: the X-Api-User header. */
  username: text("username").notNull().unique(),
  /** SHA-256 hex of the 40-character X-Api-Key. */
  keyHash: text("key_hash").notNull(),
  /** UUIDv4, lower case: the label below [acme_dns] zone. */
  subdomain: text("subdomain").notNull().unique(),
  /** JSON array of CIDR prefixes the updates may come from; [] = anywhere. */
  allowfrom: text("allowfrom").notNull().default("[]"),
  /** Who registered it (web UI or staff Basic auth); null for anonymous registration. */
  ownerId: integer("owner_id").references(() => users.id, { onDelete: "cascade" }),
  lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
  lastUsedFrom: text("last_used_from").notNull().default(""),
  created: created(),
});

/** The TXT values an acme-dns account publishes, each with its expiry (the sweep removes expired ones). */
export const acmeDnsTxt = sqliteTable(
  "acme_dns_txt",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    accountId: integer("account_id").notNull().references(() => acmeDnsAccounts.id, { onDelete: "cascade" }),
    value: text("value").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    created: created(),
  },
  (t) => [index("acme_dns_txt_account").on(t.accountId), index("acme_dns_txt_expiry").on(t.expiresAt)],
);

/**
 * The `_acme-challenge.<host>` TXT values a host's dyndns2 `txt=` publishes, each with its expiry (the
 * acme-dns sweep removes expired ones): several at once, so a name and its wildcard validate in one run.
 */
export const hostTxt = sqliteTable(
  "host_txt",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    hostId: integer("host_id").notNull().references(() => hosts.id, { onDelete: "cascade" }),
    value: text("value").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    created: created(),
  },
  (t) => [index("host_txt_host").on(t.hostId), index("host_txt_expiry").on(t.expiresAt)],
);
