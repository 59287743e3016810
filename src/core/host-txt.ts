// A host's ACME DNS-01 challenge values (updns.md §1.9): dyndns2 `txt=` keeps up to acme_dns.max_txt values
// at `_acme-challenge.<host>`, each for acme_dns.txt_lifetime. Several at once, because a name and its
// wildcard share one challenge name (RFC 8555 §8.4 drops the "*.") and certbot or lego set both values
// before the CA looks. The acme-dns sweep (acme.ts) removes expired values.
import { and, asc, desc, eq, inArray, lte, notInArray, sql } from "drizzle-orm";
import { domains, hosts, hostTxt, type Db } from "../db/index.ts";
import { effectiveTtl, zoneRefOf, type DomainRow, type HostRow } from "./hosts.ts";
import { serialised } from "./serial.ts";
import type { ZoneBackend, ZoneRef } from "./ports.ts";

export interface ChallengeTxtSettings {
  /** Values kept per host; a new one pushes out the oldest. */
  maxTxt: number;
  /** How long a value lives before the sweep removes it (ms). */
  txtLifetimeMs: number;
}

/** acme_dns.max_txt and acme_dns.txt_lifetime at their defaults. */
export const DEFAULT_CHALLENGE_TXT: ChallengeTxtSettings = { maxTxt: 10, txtLifetimeMs: 3_600_000 };

/** The settings from the [acme_dns] config section. */
export const challengeTxtFrom = (section: { max_txt: number; txt_lifetime: number }): ChallengeTxtSettings => ({ maxTxt: section.max_txt, txtLifetimeMs: section.txt_lifetime * 1000 });

/** The relative name of a host's challenge RRset. */
export const challengeName = (host: Pick<HostRow, "name">) => `_acme-challenge.${host.name}`;

/** Challenge records want a short TTL (peers §7.5), still inside the zone's bounds. */
export const challengeTtl = (host: HostRow, domain: DomainRow) => Math.max(domain.ttlMin, Math.min(effectiveTtl(host, domain), 60));

/**
 * A TXT value we store and serve: one character-string (RFC 1035 §3.3), so at most 255 octets, of printable
 * ASCII, which keeps ACME tokens sane and needs no escapes. Empty is a value here (dyndns2 `txt=` clears);
 * callers that need one say so.
 */
export const validTxt = (v: string): boolean => v.length <= 255 && /^[\x20-\x7e]*$/.test(v);

interface HostTxtTarget {
  host: HostRow;
  domain: DomainRow;
  backend: ZoneBackend;
  zone: ZoneRef;
}

function liveValues(db: Db, hostId: number, now: number): string[] {
  return db
    .select({ value: hostTxt.value })
    .from(hostTxt)
    .where(and(eq(hostTxt.hostId, hostId), sql`${hostTxt.expiresAt} > ${now}`))
    .orderBy(asc(hostTxt.id))
    .all()
    .map((r) => r.value);
}

/** Makes the challenge RRset hold exactly the host's live values (none: no RRset). */
function publish(db: Db, t: HostTxtTarget, now: number) {
  return t.backend.replace(t.zone, challengeName(t.host), "TXT", liveValues(db, t.host.id, now), challengeTtl(t.host, t.domain));
}

/**
 * Adds a value, or gives a live one a fresh expiry ("refreshed": the client sent it before). The oldest
 * values beyond maxTxt go. The RRset is published before the answer, so the CA can look right after.
 */
export function addHostTxt(db: Db, t: HostTxtTarget, value: string, settings: ChallengeTxtSettings, now: Date): Promise<"added" | "refreshed"> {
  return serialised(`host:${t.host.id}`, async () => {
    const at = now.getTime();
    const refreshed = db.transaction((tx) => {
      const old = tx.delete(hostTxt).where(and(eq(hostTxt.hostId, t.host.id), eq(hostTxt.value, value))).returning({ expiresAt: hostTxt.expiresAt }).all();
      tx.insert(hostTxt).values({ hostId: t.host.id, value, expiresAt: new Date(at + settings.txtLifetimeMs) }).run();
      const keep = tx.select({ id: hostTxt.id }).from(hostTxt).where(eq(hostTxt.hostId, t.host.id)).orderBy(desc(hostTxt.id)).limit(settings.maxTxt).all();
      tx.delete(hostTxt).where(and(eq(hostTxt.hostId, t.host.id), notInArray(hostTxt.id, keep.map((r) => r.id)))).run();
      return old.some((r) => r.expiresAt.getTime() > at);
    });
    await publish(db, t, at);
    return refreshed ? "refreshed" : "added";
  });
}

/** `txt=` empty: every value of the host goes, and the RRset with them (DNS first: a failure keeps the rows). */
export function clearHostTxt(db: Db, t: HostTxtTarget): Promise<void> {
  return serialised(`host:${t.host.id}`, async () => {
    await t.backend.remove(t.zone, challengeName(t.host), "TXT");
    db.delete(hostTxt).where(eq(hostTxt.hostId, t.host.id)).run();
  });
}

/**
 * Republishes every host with expired values, then forgets those values: a host whose nameserver fails
 * keeps its rows and is tried again on the next sweep. Returns how many values went; throws the first
 * failure after trying every host.
 */
export async function sweepHostTxt(db: Db, backendFor: (zone: ZoneRef) => ZoneBackend, now: Date): Promise<number> {
  const at = now.getTime();
  const ids = db.selectDistinct({ hostId: hostTxt.hostId }).from(hostTxt).where(lte(hostTxt.expiresAt, now)).all().map((r) => r.hostId);
  if (ids.length === 0) return 0;
  const rows = db.select({ host: hosts, domain: domains }).from(hosts).innerJoin(domains, eq(hosts.domainId, domains.id)).where(inArray(hosts.id, ids)).all();
  let removed = 0;
  let failure: unknown = null;
  for (const { host, domain } of rows) {
    const zone = zoneRefOf(domain);
    try {
      removed += await serialised(`host:${host.id}`, async () => {
        await publish(db, { host, domain, zone, backend: backendFor(zone) }, at);
        return db.delete(hostTxt).where(and(eq(hostTxt.hostId, host.id), lte(hostTxt.expiresAt, now))).returning({ id: hostTxt.id }).all().length;
      });
    } catch (e) {
      failure ??= e;
    }
  }
  if (failure) throw failure;
  return removed;
}
