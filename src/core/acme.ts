// ACME DNS-01 through acme-dns accounts (peers-and-clients.md §4): registration, the checks of an update,
// TXT values with an expiry (N per account instead of acme-dns's two), deletion, revocation and the sweep
// that removes expired values (the hosts' dyndns2 txt= values too, host-txt.ts). The TXT records are written through the zone's backend, so they go through
// the same zone transaction as every other change. No HTTP here: http/api/acme-dns reads requests and
// writes the wire format.
import { and, asc, desc, eq, inArray, lte, sql } from "drizzle-orm";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import ipaddr from "ipaddr.js";
import { acmeDnsAccounts, acmeDnsTxt, domains, tsigKeys, updatePolicies, users, type Db } from "../db/index.ts";
import { zoneRefOf } from "./hosts.ts";
import { AddressSet } from "../net/index.ts";
import { canonicalName } from "./names.ts";
import { sweepHostTxt, validTxt } from "./host-txt.ts";
import { constantTimeEqual } from "./secrets.ts";
import { serialised } from "./serial.ts";
import { systemClock, type Clock, type ZoneBackend, type ZoneRef } from "./ports.ts";

export type AcmeAccountRow = typeof acmeDnsAccounts.$inferSelect;

export interface AcmeSettings {
  /** The zone holding the accounts' subdomains ("acme.example.org"), embedded or rfc2136; "" = off. */
  zone: string;
  /** Values kept per account; the oldest goes first. */
  maxTxt: number;
  /** TTL of the TXT records (seconds). */
  txtTtl: number;
  /** How long a value lives before the sweep removes it (ms). */
  txtLifetimeMs: number;
}

/** The settings from the [acme_dns] config section. */
export function acmeSettingsFrom(section: { zone: string; max_txt: number; txt_ttl: number; txt_lifetime: number }): AcmeSettings {
  return { zone: canonicalName(section.zone), maxTxt: section.max_txt, txtTtl: section.txt_ttl, txtLifetimeMs: section.txt_lifetime * 1000 };
}

export interface AcmeDeps {
  db: Db;
  backendFor: (zone: ZoneRef) => ZoneBackend;
  settings: AcmeSettings;
  clock?: Clock;
}

/** What /register answers (acme-dns field names and order). */
export interface AcmeRegistration {
  username: string;
  password: string;
  fulldomain: string;
  subdomain: string;
  allowfrom: string[];
}

import { AcmeError } from "./errors.ts";

export { AcmeError };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY = /^[A-Za-z0-9_-]{40}$/;
/** acme-dns's label check (one DNS label, LDH). */
const SUBDOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export const validUsername = (s: string) => UUID.test(s);
export const validKey = (s: string) => KEY.test(s);
export const validSubdomain = (s: string) => SUBDOMAIN.test(s);
/**
 * acme-dns takes exactly 43 base64url characters (a SHA-256 key authorization digest). §4 of the spec
 * notes that 1–255 printable characters is safe: a TXT value as every TXT we store, but never empty.
 */
export const validChallengeTxt = (s: string) => s !== "" && validTxt(s);

/** SHA-256 hex: the key carries 240 random bits, so a fast hash is enough (as for API tokens). */
const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");

/** 40 characters of [A-Za-z0-9_-] (acme-dns's alphabet), 6 bits each. */
function generateKey(): string {
  return randomBytes(30).toString("base64url");
}

/**
 * A JSON body read the way Go's encoding/json reads it into acme-dns's structs: any Content-Type, keys
 * matched without regard to case ({"AllowFrom":…} from old goacmedns, {"SubDomain":…,"Txt":…}). Returns
 * null when the body is not a JSON object. An empty body is an empty object (acme.sh's /register).
 */
export function parseLooseJson(body: string): Record<string, unknown> | null {
  if (body.trim() === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return null;
  }
  if (v === null) return {}; // Go decodes `null` into a struct as "nothing set"
  if (typeof v !== "object" || Array.isArray(v)) return null;
  const out: Record<string, unknown> = {};
  // An exact lower-case key wins over another spelling of it, like Go's exact-match-first rule.
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) if (!(k.toLowerCase() in out) || k === k.toLowerCase()) out[k.toLowerCase()] = val;
  return out;
}

/**
 * The allowfrom list of a registration: every entry a CIDR prefix (Go's net.ParseCIDR; "[v6]/len" has its
 * brackets stripped). One bad entry rejects the registration (acme-dns PR #148: fail closed).
 */
export function parseAllowfrom(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new AcmeError("malformed_json_payload");
  const out: string[] = [];
  for (const item of value) {
    if (typeof item !== "string") throw new AcmeError("malformed_json_payload");
    const cidr = item.replace(/\[|\]/g, "").trim();
    try {
      if (!cidr.includes("/")) throw new Error("no prefix length");
      ipaddr.parseCIDR(cidr);
    } catch {
      throw new AcmeError("invalid_allowfrom_cidr", `invalid allowfrom entry ${JSON.stringify(item)}`);
    }
    out.push(cidr);
  }
  return out;
}

/** Whether `address` is inside one of `cidrs` ([] = anywhere). IPv4-mapped IPv6 counts as IPv4. */
export function allowedFrom(address: string, cidrs: string[]): boolean {
  return cidrs.length === 0 || new AddressSet(cidrs).contains(address);
}

/** The account's allowfrom list as stored. */
export function allowfromOf(account: AcmeAccountRow): string[] {
  try {
    const v = JSON.parse(account.allowfrom);
    return Array.isArray(v) ? v.filter((x) => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/**
 * The challenge zone as a backend sees it: an embedded zone, or an rfc2136 zone whose primary then gets the
 * TXT changes by UPDATE. AcmeError("db_error") when [acme_dns] zone names no zone of this server.
 */
export function challengeZone(db: Db, settings: AcmeSettings): ZoneRef {
  const d = settings.zone ? db.select().from(domains).where(eq(domains.name, canonicalName(settings.zone))).get() : undefined;
  if (!d) throw new AcmeError("db_error", `acme_dns.zone "${settings.zone}" is no zone of this server (create it with "updns domain add")`);
  return zoneRefOf(d);
}

export function fulldomainOf(settings: AcmeSettings, subdomain: string): string {
  return `${subdomain}.${canonicalName(settings.zone)}`;
}

/** A new account: the key is returned once and stored only as a hash. */
export function registerAcmeAccount(deps: Pick<AcmeDeps, "db" | "settings">, input: { allowfrom?: string[]; ownerId?: number | null } = {}): AcmeRegistration {
  challengeZone(deps.db, deps.settings);
  const username = randomUUID();
  const password = generateKey();
  const subdomain = randomUUID();
  const allowfrom = input.allowfrom ?? [];
  deps.db
    .insert(acmeDnsAccounts)
    .values({ username, keyHash: hashKey(password), subdomain, allowfrom: JSON.stringify(allowfrom), ownerId: input.ownerId ?? null })
    .run();
  return { username, password, fulldomain: fulldomainOf(deps.settings, subdomain), subdomain, allowfrom };
}

/**
 * Checks 1–3 of an update (§4): well-formed credentials, an existing account whose key matches (the same
 * hashing happens for an unknown user), and the client inside allowfrom. null = "forbidden".
 */
export function authenticateAcme(db: Db, username: string, key: string, clientAddress: string): AcmeAccountRow | null {
  if (!validUsername(username) || !validKey(key)) return null;
  const account = db.select().from(acmeDnsAccounts).where(eq(acmeDnsAccounts.username, username.toLowerCase())).get();
  const ok = constantTimeEqual(hashKey(key), account?.keyHash ?? "0".repeat(64));
  if (!account || !ok) return null;
  if (!allowedFrom(clientAddress, allowfromOf(account))) return null;
  return account;
}

function liveValues(db: Db, accountId: number, now: number): string[] {
  return db
    .select({ value: acmeDnsTxt.value })
    .from(acmeDnsTxt)
    .where(and(eq(acmeDnsTxt.accountId, accountId), sql`${acmeDnsTxt.expiresAt} > ${now}`))
    .orderBy(asc(acmeDnsTxt.id))
    .all()
    .map((r) => r.value);
}

/** Makes `<subdomain>.<zone>` TXT hold exactly the account's live values (no values: no RRset). */
async function publish(deps: AcmeDeps, account: Pick<AcmeAccountRow, "id" | "subdomain">): Promise<void> {
  const zone = challengeZone(deps.db, deps.settings);
  const now = (deps.clock ?? systemClock).now().getTime();
  const values = [...new Set(liveValues(deps.db, account.id, now))];
  await deps.backendFor(zone).replace(zone, account.subdomain, "TXT", values, deps.settings.txtTtl);
}

function touch(db: Db, account: AcmeAccountRow, clientAddress: string, now: Date): void {
  db.update(acmeDnsAccounts).set({ lastUsedAt: now, lastUsedFrom: clientAddress }).where(eq(acmeDnsAccounts.id, account.id)).run();
}

/**
 * Adds a TXT value (after checks 1–4 passed). The oldest values beyond max_txt go; a value sent again gets
 * a fresh expiry instead of a second row.
 */
export async function addAcmeTxt(deps: AcmeDeps, account: AcmeAccountRow, txt: string, clientAddress = ""): Promise<void> {
  if (!validChallengeTxt(txt)) throw new AcmeError("bad_txt");
  const now = (deps.clock ?? systemClock).now();
  await serialised(`acme:${account.id}`, async () => {
    deps.db.transaction((tx) => {
      tx.delete(acmeDnsTxt).where(and(eq(acmeDnsTxt.accountId, account.id), eq(acmeDnsTxt.value, txt))).run();
      tx.insert(acmeDnsTxt).values({ accountId: account.id, value: txt, expiresAt: new Date(now.getTime() + deps.settings.txtLifetimeMs) }).run();
      const keep = tx
        .select({ id: acmeDnsTxt.id })
        .from(acmeDnsTxt)
        .where(eq(acmeDnsTxt.accountId, account.id))
        .orderBy(desc(acmeDnsTxt.id))
        .limit(deps.settings.maxTxt)
        .all()
        .map((r) => r.id);
      tx.delete(acmeDnsTxt).where(and(eq(acmeDnsTxt.accountId, account.id), sql`${acmeDnsTxt.id} NOT IN (${sql.join(keep.map((id) => sql`${id}`), sql`, `)})`)).run();
    });
    touch(deps.db, account, clientAddress, now);
    await publish(deps, account);
  });
}

/** Removes one value, or every value of the account when `txt` is undefined. Returns how many went. */
export async function deleteAcmeTxt(deps: AcmeDeps, account: AcmeAccountRow, txt?: string, clientAddress = ""): Promise<number> {
  if (txt !== undefined && !validChallengeTxt(txt)) throw new AcmeError("bad_txt");
  const now = (deps.clock ?? systemClock).now();
  return serialised(`acme:${account.id}`, async () => {
    const where = txt === undefined ? eq(acmeDnsTxt.accountId, account.id) : and(eq(acmeDnsTxt.accountId, account.id), eq(acmeDnsTxt.value, txt));
    const removed = deps.db.delete(acmeDnsTxt).where(where).returning({ id: acmeDnsTxt.id }).all().length;
    touch(deps.db, account, clientAddress, now);
    await publish(deps, account);
    return removed;
  });
}

/**
 * Removes expired values and republishes what held them: the accounts' TXT (when the acme-dns API is on)
 * and the hosts' `_acme-challenge` TXT from dyndns2 `txt=` (always). Returns the number removed.
 */
export async function sweepAcmeTxt(deps: AcmeDeps): Promise<number> {
  const now = (deps.clock ?? systemClock).now();
  let removed = 0;
  let hostFailure: unknown = null;
  try {
    removed += await sweepHostTxt(deps.db, deps.backendFor, now);
  } catch (e) {
    hostFailure = e; // the accounts are still swept; the failure is reported after them
  }
  if (deps.settings.zone) {
    const expired = deps.db.delete(acmeDnsTxt).where(lte(acmeDnsTxt.expiresAt, now)).returning({ accountId: acmeDnsTxt.accountId }).all();
    const ids = [...new Set(expired.map((r) => r.accountId))];
    const accounts = ids.length === 0 ? [] : deps.db.select().from(acmeDnsAccounts).where(inArray(acmeDnsAccounts.id, ids)).all();
    for (const a of accounts) await serialised(`acme:${a.id}`, () => publish(deps, a));
    removed += expired.length;
  }
  if (hostFailure) throw hostFailure;
  return removed;
}

/** Runs the sweep every `intervalMs` until stop(); a failed sweep is reported and retried next time. */
export function startAcmeSweep(deps: AcmeDeps, opts: { intervalMs: number; onError?: (e: unknown) => void; onSwept?: (n: number) => void }): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = sweepAcmeTxt(deps)
      .then((n) => {
        if (n > 0) opts.onSwept?.(n);
      })
      .catch((e) => opts.onError?.(e))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, opts.intervalMs);
  tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

export interface AcmeAccountView {
  id: number;
  username: string;
  subdomain: string;
  fulldomain: string;
  allowfrom: string[];
  owner: string | null;
  ownerId: number | null;
  txt: { value: string; expiresAt: Date }[];
  lastUsedAt: Date | null;
  lastUsedFrom: string;
  created: Date;
}

/** Accounts for the web UI: one owner's, or every account (ownerId null, for staff). */
export function listAcmeAccounts(db: Db, settings: AcmeSettings, ownerId: number | null): AcmeAccountView[] {
  const q = db.select({ a: acmeDnsAccounts, owner: users.username }).from(acmeDnsAccounts).leftJoin(users, eq(acmeDnsAccounts.ownerId, users.id));
  const rows = (ownerId === null ? q : q.where(eq(acmeDnsAccounts.ownerId, ownerId))).orderBy(asc(acmeDnsAccounts.id)).all();
  return rows.map(({ a, owner }) => ({
    id: a.id,
    username: a.username,
    subdomain: a.subdomain,
    fulldomain: fulldomainOf(settings, a.subdomain),
    allowfrom: allowfromOf(a),
    owner: owner ?? null,
    ownerId: a.ownerId,
    txt: db.select({ value: acmeDnsTxt.value, expiresAt: acmeDnsTxt.expiresAt }).from(acmeDnsTxt).where(eq(acmeDnsTxt.accountId, a.id)).orderBy(asc(acmeDnsTxt.id)).all(),
    lastUsedAt: a.lastUsedAt,
    lastUsedFrom: a.lastUsedFrom,
    created: a.created,
  }));
}

export function acmeAccountById(db: Db, id: number): AcmeAccountRow | null {
  return db.select().from(acmeDnsAccounts).where(eq(acmeDnsAccounts.id, id)).get() ?? null;
}

/** Revokes an account: its credentials stop working at once and its TXT records leave the zone. */
export async function revokeAcmeAccount(deps: AcmeDeps, account: AcmeAccountRow): Promise<void> {
  await serialised(`acme:${account.id}`, async () => {
    // DNS first: if the nameserver fails, the account stays listed (and revocable again) rather than
    // leaving TXT records nobody can see or remove.
    const zone = challengeZone(deps.db, deps.settings);
    await deps.backendFor(zone).remove(zone, account.subdomain, "TXT");
    deps.db.delete(acmeDnsAccounts).where(eq(acmeDnsAccounts.id, account.id)).run();
  });
}

/**
 * RFC 8555 §8.4: the challenge name is "_acme-challenge." + the identifier (a wildcard's "*." dropped).
 * The RFC 2136 route's policy uses this to scope a key to challenge TXT records.
 */
export function isAcmeChallengeName(name: string, under: string): boolean {
  const n = canonicalName(name);
  const u = canonicalName(under);
  if (!n.startsWith("_acme-challenge.")) return false;
  const rest = n.slice("_acme-challenge.".length);
  return rest === u || rest.endsWith(`.${u}`) || u === "";
}

export type GrantMatch = "name" | "subdomain" | "wildcard" | "acme";

export interface GrantView {
  id: number;
  key: string;
  zone: string;
  action: "grant" | "deny";
  match: GrantMatch;
  name: string;
  types: string;
}

/** The embedded zone a name lies in (the longest enclosing one), or null. */
export function embeddedZoneOf(db: Db, name: string): { id: number; name: string } | null {
  const n = canonicalName(name);
  let best: { id: number; name: string } | null = null;
  for (const d of db.select({ id: domains.id, name: domains.name }).from(domains).where(eq(domains.backend, "embedded")).all()) {
    if ((n === d.name || n.endsWith(`.${d.name}`)) && (!best || d.name.length > best.name.length)) best = d;
  }
  return best;
}

const TYPE_LIST = /^[A-Za-z]+(,[A-Za-z]+)*$/;

/**
 * Lets a TSIG key change names of an embedded zone by RFC 2136 UPDATE. `acme` scopes it to ACME DNS-01:
 * TXT at `_acme-challenge.<name>` and `_acme-challenge.<anything below name>` only.
 */
export function grantUpdate(db: Db, input: { keyId: number; name: string; match: GrantMatch; types?: string }): GrantView {
  const name = canonicalName(input.name);
  const zone = embeddedZoneOf(db, name);
  if (!zone) throw new AcmeError("nozone", `"${input.name}" is in no embedded zone of this server`);
  const types = input.match === "acme" ? "TXT" : (input.types ?? "").toUpperCase().replace(/\s+/g, "");
  if (types !== "" && !TYPE_LIST.test(types)) throw new AcmeError("types", `types must be a comma-separated list such as "TXT" or "A,AAAA"`);
  const row = db.insert(updatePolicies).values({ keyId: input.keyId, domainId: zone.id, action: "grant", match: input.match, name, types }).returning().get();
  const key = db.select({ name: tsigKeys.name }).from(tsigKeys).where(eq(tsigKeys.id, input.keyId)).get();
  return { id: row.id, key: key?.name ?? "", zone: zone.name, action: row.action, match: row.match, name: row.name, types: row.types };
}

/** Every update grant, optionally of one key. */
export function listGrants(db: Db, keyId?: number): GrantView[] {
  const q = db
    .select({ p: updatePolicies, key: tsigKeys.name, zone: domains.name })
    .from(updatePolicies)
    .innerJoin(tsigKeys, eq(updatePolicies.keyId, tsigKeys.id))
    .innerJoin(domains, eq(updatePolicies.domainId, domains.id));
  return (keyId === undefined ? q : q.where(eq(updatePolicies.keyId, keyId)))
    .orderBy(asc(updatePolicies.position), asc(updatePolicies.id))
    .all()
    .map(({ p, key, zone }) => ({ id: p.id, key, zone, action: p.action, match: p.match, name: p.name, types: p.types }));
}

/**
 * Before a user account goes: revoke the acme-dns accounts it registered, so their TXT records leave DNS
 * (the rows would go with the user by ON DELETE CASCADE, the records would not). Returns what failed.
 */
export async function revokeUserAcmeAccounts(deps: AcmeDeps, userId: number): Promise<string[]> {
  if (!deps.settings.zone) return [];
  const errors: string[] = [];
  for (const a of deps.db.select().from(acmeDnsAccounts).where(eq(acmeDnsAccounts.ownerId, userId)).all()) {
    try {
      await revokeAcmeAccount(deps, a);
    } catch (e) {
      errors.push(`${fulldomainOf(deps.settings, a.subdomain)} TXT: ${(e as Error).message}`);
    }
  }
  return errors;
}
