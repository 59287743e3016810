// Account API tokens (scoped like deSEC's, peers §1): created by the CLI and the web UI, shown
// once, stored as SHA-256 (they are 256 random bits), checked on every JSON API and dyndns2 request.
//
// Scopes narrow what the token's account may do; absent lists mean "no restriction":
// - hosts: FQDNs the token may see and change; zones: zones whose hosts (and, for zone owners, static
//   records) it may see and change. With both absent the whole account is in scope.
// - types: record types it may write (A, AAAA, TXT for hosts; any zone type for static records).
// - subnets: client addresses (CIDRs) it may be used from; elsewhere it is refused (403).
// - readOnly: it may read, never write. The dyndns2 API refuses read-only tokens altogether.
// - expiry: after expiresAt it is refused (401) as if unknown.
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { apiTokens, users } from "../db/index.ts";
import { AddressSet, parseAddress } from "../net/index.ts";
import { normalizeZoneName } from "./admin/index.ts";
import { ValidationError } from "./errors.ts";
import { canonicalName, splitFqdn } from "./names.ts";
import { generateApiToken, hashApiToken } from "./secrets.ts";

/** The scope JSON of an API token (schema.ts api_tokens.scopes). Absent lists mean "no restriction". */
export interface TokenScopes {
  hosts?: string[];
  zones?: string[];
  types?: string[];
  subnets?: string[];
  readOnly?: boolean;
}

/** Record types a scope may name: the dynamic ones and those of static records in embedded zones. */
export const SCOPE_TYPES = ["A", "AAAA", "TXT", "CNAME", "MX", "SRV", "CAA", "PTR", "NS", "DS"] as const;

/** Most a token can be asked for at once; longer lists are a mistake, and every check walks them. */
const MAX_SCOPE_ITEMS = 100;

export function parseScopes(json: string): TokenScopes {
  try {
    const v = JSON.parse(json) as unknown;
    if (!v || typeof v !== "object" || Array.isArray(v)) return { readOnly: true, hosts: [], zones: [] };
    const o = v as Record<string, unknown>;
    const list = (x: unknown) => (Array.isArray(x) ? x.filter((s): s is string => typeof s === "string").map((s) => s.toLowerCase()) : undefined);
    return { hosts: list(o.hosts), zones: list(o.zones), types: list(o.types)?.map((t) => t.toUpperCase()), subnets: list(o.subnets), readOnly: o.readOnly === true };
  } catch {
    // Unreadable scopes grant nothing.
    return { readOnly: true, hosts: [], zones: [] };
  }
}

/** Whether the token's host/zone scope includes `fqdn` in `zone` (reading). */
export function tokenSees(scopes: TokenScopes, fqdn: string, zone: string): boolean {
  if (!scopes.hosts && !scopes.zones) return true;
  return Boolean(scopes.hosts?.includes(fqdn) || scopes.zones?.includes(zone));
}

/** Whether a token may change `fqdn` (in `zone`). */
export function tokenCovers(scopes: TokenScopes, fqdn: string, zone: string): boolean {
  return !scopes.readOnly && tokenSees(scopes, fqdn, zone);
}

/** Whether the token's zone scope includes the whole zone (static records need that, a host scope is not enough). */
export function tokenSeesZone(scopes: TokenScopes, zone: string): boolean {
  if (!scopes.hosts && !scopes.zones) return true;
  return Boolean(scopes.zones?.includes(zone));
}

/** Whether the token may write records of `type`. */
export function tokenAllowsType(scopes: TokenScopes, type: string): boolean {
  return !scopes.types || scopes.types.includes(type.toUpperCase());
}

export interface TokenInput {
  name?: string;
  hosts?: string[];
  zones?: string[];
  types?: string[];
  subnets?: string[];
  readOnly?: boolean;
  expiresAt?: Date | null;
}

/** Checks every scope item and returns the normalised scopes; a bad item throws naming its option. */
export function validateScopes(input: TokenInput): TokenScopes {
  const scopes: TokenScopes = {};
  const bounded = (field: string, list: string[]) => {
    if (list.length > MAX_SCOPE_ITEMS) throw new ValidationError(field, `${field}: at most ${MAX_SCOPE_ITEMS} entries`);
    return list.map((s) => s.trim()).filter((s) => s !== "");
  };
  if (input.hosts) {
    scopes.hosts = [
      ...new Set(
        bounded("hosts", input.hosts).map((h) => {
          const split = splitFqdn(h);
          if (!split) throw new ValidationError("hosts", `hosts: "${h}" is not a host name inside a zone (e.g. home.dyn.example.org)`);
          return canonicalName(h);
        }),
      ),
    ];
  }
  if (input.zones) scopes.zones = [...new Set(bounded("zones", input.zones).map((z) => normalizeZoneName(z, "zones")))];
  if (input.types) {
    scopes.types = [
      ...new Set(
        bounded("types", input.types).map((t) => {
          const u = t.toUpperCase();
          if (!(SCOPE_TYPES as readonly string[]).includes(u)) throw new ValidationError("types", `types: "${t}" is not one of ${SCOPE_TYPES.join(", ")}`);
          return u;
        }),
      ),
    ];
  }
  if (input.subnets) {
    scopes.subnets = bounded("subnets", input.subnets).map((s) => {
      const norm = normalizeSubnet(s);
      if (!norm) throw new ValidationError("subnets", `subnets: "${s}" is not an address or a prefix (e.g. 192.0.2.0/24, 2001:db8::/48)`);
      return norm;
    });
    if (scopes.subnets.length === 0) throw new ValidationError("subnets", "subnets: an empty list would let the token be used from nowhere");
  }
  if (input.readOnly) scopes.readOnly = true;
  return scopes;
}

function normalizeSubnet(s: string): string | null {
  const [a, l, extra] = s.split("/");
  if (extra !== undefined) return null;
  const addr = parseAddress(a);
  if (!addr) return null;
  const bits = addr.kind === "ipv4" ? 32 : 128;
  if (l !== undefined && !/^\d{1,3}$/.test(l)) return null;
  const len = l === undefined ? bits : Number(l);
  if (len > bits) return null;
  return `${addr.text}/${len}`;
}

/**
 * A date the CLI or a form gives: "2027-01-31" (end of that day, UTC), an ISO date-time, or a duration from
 * now ("90d", "12h"). Must lie in the future.
 */
export function parseExpiry(text: string, now: Date): Date {
  const s = text.trim();
  let d: Date;
  const rel = s.match(/^(\d{1,5})([dhw])$/);
  if (rel) d = new Date(now.getTime() + Number(rel[1]) * { h: 3600_000, d: 86400_000, w: 7 * 86400_000 }[rel[2] as "h" | "d" | "w"]);
  else if (/^\d{4}-\d{2}-\d{2}$/.test(s)) d = new Date(`${s}T23:59:59.999Z`);
  else if (/^\d{4}-\d{2}-\d{2}T/.test(s)) d = new Date(s);
  else d = new Date(NaN);
  if (Number.isNaN(d.getTime())) throw new ValidationError("expires", `expires: "${text}" is not a date (2027-01-31, 2027-01-31T12:00:00Z) or a duration (90d, 12h, 4w)`);
  if (d.getTime() <= now.getTime()) throw new ValidationError("expires", `expires: ${d.toISOString()} is not in the future`);
  return d;
}

export interface CreatedToken {
  id: number;
  /** Cleartext, returned once; only its hash is stored. */
  token: string;
  info: TokenInfo;
}

export interface TokenInfo {
  id: number;
  userId: number;
  username: string;
  name: string;
  scopes: TokenScopes;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedFrom: string;
  created: Date;
}

export function createToken(db: Db, userId: number, input: TokenInput): CreatedToken {
  const scopes = validateScopes(input);
  const name = (input.name ?? "").trim();
  if (name.length > 100) throw new ValidationError("name", "name: at most 100 characters");
  const token = generateApiToken();
  const row = db
    .insert(apiTokens)
    .values({ userId, name, tokenHash: hashApiToken(token), scopes: JSON.stringify(scopes), expiresAt: input.expiresAt ?? null })
    .returning({ id: apiTokens.id })
    .get();
  return { id: row.id, token, info: listTokens(db, { id: row.id })[0] };
}

/** Tokens of one user (or all, for staff and the CLI), oldest first. */
export function listTokens(db: Db, filter: { userId?: number; id?: number } = {}): TokenInfo[] {
  const conds = [filter.userId !== undefined ? eq(apiTokens.userId, filter.userId) : undefined, filter.id !== undefined ? eq(apiTokens.id, filter.id) : undefined].filter((c) => c !== undefined);
  return db
    .select({ t: apiTokens, username: users.username })
    .from(apiTokens)
    .innerJoin(users, eq(apiTokens.userId, users.id))
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(apiTokens.id))
    .all()
    .map(({ t, username }) => ({
      id: t.id,
      userId: t.userId,
      username,
      name: t.name,
      scopes: parseScopes(t.scopes),
      expiresAt: t.expiresAt,
      lastUsedAt: t.lastUsedAt,
      lastUsedFrom: t.lastUsedFrom,
      created: t.created,
    }));
}

/** Revoke (delete) a token; `userId` limits it to that user's tokens. */
export function revokeToken(db: Db, id: number, userId?: number): void {
  const where = userId === undefined ? eq(apiTokens.id, id) : and(eq(apiTokens.id, id), eq(apiTokens.userId, userId));
  const gone = db.delete(apiTokens).where(where).returning({ id: apiTokens.id }).all();
  if (gone.length === 0) throw new ValidationError("id", `no API token with id ${id}`);
}

export interface CheckedToken {
  tokenId: number;
  userId: number;
  isStaff: boolean;
  name: string;
  scopes: TokenScopes;
}

/**
 * Why a token was refused: `unknown` (no such token, or its account is disabled), `expired` — both mean
 * "these credentials are no good" (401) — or `subnet`: a valid token used from an address outside its
 * subnets (403: the credentials are fine, the place is not).
 */
export type TokenCheck = { ok: true; token: CheckedToken } | { ok: false; reason: "unknown" | "expired" | "subnet" };

/** Check a presented token; on success record when and from where it was used. */
export function checkApiToken(db: Db, token: string, clientAddress: string, now: Date): TokenCheck {
  const row = db
    .select({ t: apiTokens, active: users.isActive, staff: users.isStaff })
    .from(apiTokens)
    .innerJoin(users, eq(apiTokens.userId, users.id))
    .where(eq(apiTokens.tokenHash, hashApiToken(token)))
    .get();
  if (!row || !row.active) return { ok: false, reason: "unknown" };
  if (row.t.expiresAt && row.t.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  const scopes = parseScopes(row.t.scopes);
  if (scopes.subnets) {
    const addr = parseAddress(clientAddress);
    if (!addr || !new AddressSet(scopes.subnets).has(addr)) return { ok: false, reason: "subnet" };
  }
  db.update(apiTokens).set({ lastUsedAt: now, lastUsedFrom: clientAddress }).where(eq(apiTokens.id, row.t.id)).run();
  return { ok: true, token: { tokenId: row.t.id, userId: row.t.userId, isStaff: row.staff, name: row.t.name, scopes } };
}
