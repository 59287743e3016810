// A catalog zone (RFC 9432, schema version 2): a zone whose records list other zones, so a secondary that
// consumes it serves each listed zone without configuration of its own. updns keeps one catalog of its
// embedded zones: `version.<catalog> TXT "2"` (§4.2.1) and one `<unique-id>.zones.<catalog> PTR <zone>`
// per member (§4.2.2). The unique id is random and lives in the catalog zone itself, so it is stable across
// restarts and a zone removed and added again gets a new one: consumers then drop its old data (§5.5).
// A member may carry a group (§4.4.2, `group.<unique-id>.zones.<catalog> TXT "<name>"`): consumers map it to
// settings of their own (Knot: a catalog-template of that name; BIND 9.18 ignores it).
import { randomBytes } from "node:crypto";
import { normalizeName } from "../wire/index.ts";
import type { ZoneTx } from "./transaction.ts";
import type { ZoneSnapshot } from "./snapshot.ts";

/** The schema version this catalog is written in (RFC 9432 §4.2.1). */
export const CATALOG_VERSION = "2";
/** TTL of the catalog's records: consumers ignore it (§4.1), 0 keeps resolvers from caching them anyway. */
const TTL = 0;

/** The SOA, NS and version of a new catalog: its NS is "invalid." (§4.1), it is never meant to be resolved. */
export function catalogZoneDefinition(catalog: string) {
  const name = normalizeName(catalog);
  return {
    name,
    soa: { mname: "invalid.", rname: "invalid.", ttl: TTL, refresh: 600, retry: 300 },
    ns: ["invalid."],
    nsTtl: TTL,
    records: [{ name: `version.${name}`, type: "TXT" as const, ttl: TTL, data: `"${CATALOG_VERSION}"` }],
  };
}

/** Whether a zone snapshot is a catalog of this schema (it holds `version.<zone> TXT "2"`). */
export function isCatalog(snap: ZoneSnapshot): boolean {
  return snap.get(`version.${snap.name}`, "TXT")?.data.some((d) => d === `"${CATALOG_VERSION}"`) ?? false;
}

const zonesLabel = (catalog: string) => `zones.${normalizeName(catalog)}`;

/** Member zone → its unique id, as the catalog holds them now (inside a transaction). */
export function catalogMembers(tx: ZoneTx): Map<string, string> {
  const zones = zonesLabel(tx.zone);
  const out = new Map<string, string>();
  for (const owner of tx.namesBelow(zones)) {
    const ptr = tx.get(owner, "PTR");
    const id = owner.slice(0, -(zones.length + 1));
    if (ptr && !id.includes(".")) for (const d of ptr.data) out.set(normalizeName(d), id);
  }
  return out;
}

/** A fresh unique id: 64 random bits as hex, one DNS label (§4.2.2 leaves its form to the producer). */
export const newMemberId = () => randomBytes(8).toString("hex");

/** A group name as TXT rdata: one character-string, `"` and `\` escaped (RFC 1035 §5.1). */
const groupTxt = (group: string) => `"${group.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/**
 * List `zone` in the catalog (nothing happens when it is listed already: its id stays), with its group
 * when it has one ("" is none).
 */
export function addMember(tx: ZoneTx, zone: string, group = "", id = newMemberId()): void {
  const z = normalizeName(zone);
  if (z === tx.zone || catalogMembers(tx).has(z)) return;
  tx.replaceRRset(`${id}.${zonesLabel(tx.zone)}`, "PTR", TTL, [`${z}.`]);
  if (group) setMemberGroup(tx, z, group);
}

/**
 * Give a listed zone its group (§4.4.2: `group.<id>.zones.<catalog> TXT`), or none with "". The member's
 * id stays: a consumer keeps the zone's data and applies the settings of its new group (§5.4).
 */
export function setMemberGroup(tx: ZoneTx, zone: string, group: string): void {
  const id = catalogMembers(tx).get(normalizeName(zone));
  if (id === undefined) return;
  const owner = `group.${id}.${zonesLabel(tx.zone)}`;
  if (group) tx.replaceRRset(owner, "TXT", TTL, [groupTxt(group)]);
  else if (tx.get(owner, "TXT")) tx.deleteRRset(owner, "TXT");
}

/** Take `zone` out of the catalog, with the properties below its member node (`group.<id>…`, §4.4). */
export function removeMember(tx: ZoneTx, zone: string): void {
  const id = catalogMembers(tx).get(normalizeName(zone));
  if (id === undefined) return;
  const node = `${id}.${zonesLabel(tx.zone)}`;
  tx.deleteName(node);
  for (const n of tx.namesBelow(node)) tx.deleteName(n);
}

/**
 * Make the catalog list exactly `zones` (start-up: zones added or removed while no catalog was kept), each
 * with the group `groups` names for it (zones missing there keep the group the catalog holds).
 */
export function syncMembers(tx: ZoneTx, zones: Iterable<string>, groups?: ReadonlyMap<string, string>): void {
  const want = new Set([...zones].map(normalizeName).filter((z) => z !== tx.zone));
  for (const z of catalogMembers(tx).keys()) if (!want.has(z)) removeMember(tx, z);
  const group = new Map([...(groups ?? [])].map(([z, g]) => [normalizeName(z), g]));
  for (const z of want) {
    addMember(tx, z);
    const g = group.get(z);
    if (g !== undefined) setMemberGroup(tx, z, g);
  }
}
