// Who may own which names (core/zone-ownership.ts and its callers in core): no zone equal to, inside or
// above another account's, no public suffix, [domains] add for embedded zones, child zones delegated by
// their parent (NS and glue at the cut, signed as a delegation), hosts and static records only where their
// zone really holds the name, and key names of one label or more.
import { beforeEach, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { EmbeddedZoneRecords, SqliteZoneStorage } from "../../src/backends/embedded/index.ts";
import { addDomain, addHost, delegate, deleteDomain, setStaticRRset, updateDomain, ValidationError, ZoneNotAllowedError, type ZoneCreator } from "../../src/core/index.ts";
import { addEmbeddedZone, addRfc2136Zone } from "../../src/core/admin/domains.ts";
import { createHost } from "../../src/core/admin/hosts.ts";
import { domains, hosts, openDatabase, users, type Db } from "../../src/db/index.ts";
import { answer, TYPE } from "../../src/dns/server/index.ts";
import { ZoneSet, ZoneKeys, ZoneStore } from "../../src/dns/zone/index.ts";
import { checkSignedZone } from "../support/dnssec.ts";

const ZONE = "dyn.example.org";
let db: Db;
let store: ZoneStore;
let zoneKeys: ZoneKeys;
let editor: EmbeddedZoneRecords;
let alice: number, bob: number, staff: number;
const as = (userId: number, isStaff = false): ZoneCreator => ({ userId, isStaff });

beforeEach(async () => {
  db = openDatabase(":memory:");
  [alice, bob, staff] = ["alice", "bob", "staff"].map((u, i) => db.insert(users).values({ username: u, email: `${u}@example.org`, isStaff: i === 2 }).returning().get().id);
  zoneKeys = await ZoneKeys.open(new SqliteZoneStorage(db), { dnssec: { masterKey: randomBytes(32) } });
  store = zoneKeys.store;
  editor = new EmbeddedZoneRecords(() => store, undefined, () => zoneKeys);
  await addDomain(db, editor, { name: ZONE, ownerId: alice, backend: "embedded", ns: [`ns1.${ZONE}`], by: as(staff, true) });
  addHost(db, { ownerId: alice, name: "home", domainId: zoneId(ZONE)!, comment: "" });
});

const zoneId = (name: string) => db.select().from(domains).where(eq(domains.name, name)).get()?.id;
const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof ValidationError) return { message: e.message, forbidden: e instanceof ZoneNotAllowedError };
    throw e;
  }
  throw new Error("not refused");
};
const add = (name: string, ownerId: number, by: ZoneCreator, backend: "embedded" | "rfc2136" = "embedded", policy: "staff" | "users" = "users") =>
  addDomain(db, editor, { name, ownerId, backend, by, policy, primary: "192.0.2.53" });
const parentOnly = () => new ZoneSet(new Map([[ZONE, store.zone(ZONE)!]]));

describe("one owner per name", () => {
  test("a zone equal to, inside or above another account's zone is refused, and nothing is stored", async () => {
    const before = db.select().from(domains).all().length;
    expect((await refusal(add(ZONE, bob, as(bob)))).message).toBe(`a domain named "${ZONE}" already exists`);
    expect((await refusal(add(`home.${ZONE}`, bob, as(bob)))).message).toBe(`"home.${ZONE}" is inside ${ZONE}, another account's zone: only its owner or staff may create zones there`);
    expect((await refusal(add(`other.${ZONE}`, bob, as(bob), "rfc2136"))).message).toContain(`is inside ${ZONE}, another account's zone`);
    expect((await refusal(add("example.org", bob, as(bob)))).message).toBe(`"example.org" would be above ${ZONE}, another account's zone`);
    expect((await refusal(add("example.org", bob, as(bob), "rfc2136"))).message).toBe(`"example.org" would be above ${ZONE}, another account's zone`);
    expect(db.select().from(domains).all().length).toBe(before);
    expect(store.zone(`home.${ZONE}`)).toBeUndefined();
  });

  test("the operator's paths (CLI, zone import) keep the same rules", async () => {
    const refused = await refusal(addEmbeddedZone(db, { name: "example.org", ownerId: bob }, (z) => editor.create(z)));
    expect(refused.message).toContain("would be above");
    expect(() => addRfc2136Zone(db, { name: "example.org", ownerId: bob, primary: "192.0.2.1", algorithm: "hmac-sha256", secret: "c2VjcmV0LXNlY3JldC1zZWNyZXQ=" })).toThrow("would be above");
  });

  test("an owner may nest zones of their own", async () => {
    expect((await add("example.org", alice, as(alice), "rfc2136")).domain.name).toBe("example.org");
    expect((await add(`lab.${ZONE}`, alice, as(alice))).domain.name).toBe(`lab.${ZONE}`);
  });

  test("a public suffix is nobody's zone; the operator may take a private-section one (a dyndns service's own zone)", async () => {
    for (const [name, section] of [["co.uk", "ICANN"], ["github.io", "private"], ["in-addr.arpa", "ICANN"]]) {
      expect((await refusal(add(name, bob, as(bob), "rfc2136"))).message).toBe(`"${name}" is a public suffix (Public Suffix List, ${section} section): names below it belong to unrelated parties`);
      expect((await refusal(add(name, staff, as(staff, true), "rfc2136"))).message).toContain("is a public suffix");
    }
    expect(() => addRfc2136Zone(db, { name: "co.uk", primary: "192.0.2.1", algorithm: "hmac-sha256", secret: "c2VjcmV0LXNlY3JldC1zZWNyZXQ=" })).toThrow('"co.uk" is a public suffix');
    expect(addRfc2136Zone(db, { name: "nsupdate.info", primary: "192.0.2.1", algorithm: "hmac-sha256", secret: "c2VjcmV0LXNlY3JldC1zZWNyZXQ=" }).name).toBe("nsupdate.info");
    expect((await add("example.co.uk", bob, as(bob), "rfc2136")).domain.name).toBe("example.co.uk");
  });
});

describe("[domains] add", () => {
  test('"staff": an account\'s embedded zone is forbidden, its rfc2136 domain is not; staff may', async () => {
    const r = await refusal(add("bob.example.net", bob, as(bob), "embedded", "staff"));
    expect(r).toEqual({ forbidden: true, message: 'Only staff may add embedded zones on this server ([domains] add = "staff"); add an rfc2136 domain served by your own primary, or ask staff.' });
    expect(zoneId("bob.example.net")).toBeUndefined();
    expect((await add("bob.example.net", bob, as(bob), "rfc2136", "staff")).domain.backend).toBe("rfc2136");
    expect((await add("staff.example.net", staff, as(staff, true), "embedded", "staff")).domain.backend).toBe("embedded");
  });

  test('"users": any account adds embedded zones; the parent\'s owner adds zones below it even under "staff"', async () => {
    expect((await add("bob.example.net", bob, as(bob), "embedded", "users")).domain.backend).toBe("embedded");
    expect((await add(`kids.${ZONE}`, alice, as(alice), "embedded", "staff")).domain.name).toBe(`kids.${ZONE}`);
  });
});

describe("child zones", () => {
  test("a zone that would hide the parent's host is refused, even for staff (the shadowing attack)", async () => {
    expect((await refusal(add(`home.${ZONE}`, bob, as(staff, true)))).message).toBe(`"home.${ZONE}" would hide the host home.${ZONE} in ${ZONE}: remove it first`);
    expect((await refusal(add(`pc.home.${ZONE}`, bob, as(staff, true)))).message).toBe(`"pc.home.${ZONE}" would hide the host home.${ZONE} in ${ZONE}: remove it first`);
  });

  test("staff create a child below alice's zone: the parent answers a referral with NS and glue; removing it removes them", async () => {
    const child = `kids.${ZONE}`;
    const made = await addDomain(db, editor, { name: child, ownerId: bob, backend: "embedded", ns: [`ns1.${child}`], by: as(staff, true), policy: "staff" });
    await setStaticRRset(db, editor, made.domain, { name: "ns1", type: "A", ttl: 300, data: ["192.0.2.77"] });
    const parent = store.zone(ZONE)!;
    expect([...parent.get(child, "NS")!.data]).toEqual([`ns1.${child}.`]);
    expect([...parent.get(`ns1.${child}`, "A")!.data]).toEqual(["192.0.2.77"]);
    const a = answer(parentOnly(), `www.${child}`, TYPE.A);
    expect(a.aa).toBe(false);
    expect(a.answer).toEqual([]);
    expect(a.authority.map((r) => `${r.name} ${r.type} ${r.data}`)).toEqual([`${child} NS ns1.${child}.`]);
    expect(a.additional.map((r) => `${r.name} ${r.type} ${r.data}`)).toEqual([`ns1.${child} A 192.0.2.77`]);
    await deleteDomain(db, undefined, editor, db.select().from(domains).where(eq(domains.name, child)).get()!);
    expect(store.zone(ZONE)!.get(child, "NS")).toBeUndefined();
    expect(store.zone(ZONE)!.get(`ns1.${child}`, "A")).toBeUndefined();
    expect(answer(parentOnly(), `www.${child}`, TYPE.A).aa).toBe(true);
  });

  test("with DNSSEC on, the delegation is signed: NSEC3 proves there is no DS, and the chain stays whole", async () => {
    await zoneKeys.enableDnssec(ZONE, { algorithm: 13, denial: "nsec3" });
    const child = `kids.${ZONE}`;
    await addDomain(db, editor, { name: child, ownerId: bob, backend: "embedded", ns: [`ns1.${ZONE}`], by: as(alice) });
    expect(checkSignedZone(store.zone(ZONE)!)).toEqual([]);
    const a = answer(parentOnly(), `www.${child}`, TYPE.A, true);
    expect(a.aa).toBe(false);
    const types = a.authority.map((r) => r.type);
    expect(types).toContain("NS");
    expect(types).toContain("NSEC3");
    expect(types).not.toContain("DS");
    // The NS at the cut is not signed (RFC 4035 §2.2): only the NSEC3 proof carries signatures.
    expect(a.authority.filter((r) => r.type === "RRSIG").map((r) => r.data.split(" ")[0])).toEqual(["NSEC3"]);
  });

  test("a signed child's DS is published in the signed parent, and goes when the child asks for its removal", async () => {
    await zoneKeys.enableDnssec(ZONE, { algorithm: 13, denial: "nsec3" });
    const child = `kids.${ZONE}`;
    const made = await addDomain(db, editor, { name: child, ownerId: bob, backend: "embedded", ns: [`ns1.${ZONE}`], by: as(alice) });
    await zoneKeys.enableDnssec(child, { algorithm: 13 });
    await delegate(db, editor, made.domain);
    expect([...store.zone(ZONE)!.get(child, "DS")!.data]).toEqual(zoneKeys.dsRecords(child));
    expect(checkSignedZone(store.zone(ZONE)!)).toEqual([]);
    const a = answer(parentOnly(), `www.${child}`, TYPE.A, true);
    expect(a.authority.filter((r) => r.type === "DS").map((r) => r.data)).toEqual(zoneKeys.dsRecords(child));
    expect(a.authority.filter((r) => r.type === "RRSIG").map((r) => r.data.split(" ")[0])).toEqual(["DS"]);
    await zoneKeys.requestDsRemoval(child);
    await delegate(db, editor, made.domain);
    expect(store.zone(ZONE)!.get(child, "DS")).toBeUndefined();
    expect(checkSignedZone(store.zone(ZONE)!)).toEqual([]);
  });

  test("names in another case are the same names: glue written Ns1 is found, Www.Kids is refused in the parent", async () => {
    const child = `kids.${ZONE}`;
    const made = await addDomain(db, editor, { name: child, ownerId: bob, backend: "embedded", ns: [`ns1.${child}`], by: as(staff, true), policy: "staff" });
    await setStaticRRset(db, editor, made.domain, { name: "Ns1", type: "A", ttl: 300, data: ["192.0.2.77"] });
    expect(store.zone(child)!.get(`ns1.${child}`, "A")!.name).toBe(`Ns1.${child}`);
    expect([...store.zone(ZONE)!.get(`ns1.${child}`, "A")!.data]).toEqual(["192.0.2.77"]);
    const d = db.select().from(domains).where(eq(domains.name, ZONE)).get()!;
    expect((await refusal(setStaticRRset(db, editor, d, { name: "Www.Kids", type: "A", ttl: 300, data: ["192.0.2.1"] }))).message).toContain("delegated from");
    await deleteDomain(db, undefined, editor, db.select().from(domains).where(eq(domains.name, child)).get()!);
    expect(store.zone(ZONE)!.get(`ns1.${child}`, "A")).toBeUndefined();
  });

  test("hosts and static records at or below a child zone are refused in the parent", async () => {
    await add(`kids.${ZONE}`, alice, as(alice));
    const d = db.select().from(domains).where(eq(domains.name, ZONE)).get()!;
    expect(() => addHost(db, { ownerId: alice, name: "kids", domainId: d.id })).toThrow(`kids.${ZONE} is in the zone kids.${ZONE}, delegated from ${ZONE}: change it there`);
    expect((await refusal(setStaticRRset(db, editor, d, { name: "www.kids", type: "A", ttl: 300, data: ["192.0.2.1"] }))).message).toBe(`www.kids.${ZONE} is in the zone kids.${ZONE}, delegated from ${ZONE}: change it there`);
    expect((await refusal(setStaticRRset(db, editor, d, { name: "*.kids", type: "A", ttl: 300, data: ["192.0.2.1"] }))).message).toContain("delegated from");
    expect(store.zone(ZONE)!.get(`www.kids.${ZONE}`, "A")).toBeUndefined();
  });

  test("the CLI's host add puts hosts only in their owner's zone, a public zone or nobody's", async () => {
    await expect(createHost(db, { fqdn: `nas.${ZONE}`, owner: "bob" })).rejects.toThrow(`${ZONE} is another account's zone and not public: hosts there are its owner's`);
    expect(db.select().from(hosts).where(eq(hosts.ownerId, bob)).all()).toEqual([]);
    expect((await createHost(db, { fqdn: `nas.${ZONE}`, owner: "alice" })).fqdn).toBe(`nas.${ZONE}`);
  });
});

describe("key names", () => {
  test("one label is a key name (tsig-keygen's tsig-key, ddns-key), for a new rfc2136 domain and its settings", async () => {
    const made = await addDomain(db, editor, { name: "ext.example.net", ownerId: bob, backend: "rfc2136", primary: "192.0.2.53", keyName: "ext-key", by: as(bob) });
    expect(made.key.name).toBe("ext-key");
    expect(addRfc2136Zone(db, { name: "other.example.net", primary: "192.0.2.1", keyName: "tsig-key", algorithm: "hmac-sha256", secret: "c2VjcmV0LXNlY3JldC1zZWNyZXQ=" }).updateKeyName).toBe("tsig-key");
    await updateDomain(db, made.domain, { comment: "", public: false, available: false, primary: "192.0.2.53", keyName: "ddns-key." });
    expect(db.select().from(domains).where(eq(domains.id, made.domain.id)).get()!.updateKeyName).toBe("ddns-key");
    expect((await refusal(updateDomain(db, made.domain, { comment: "", public: false, available: false, primary: "192.0.2.53", keyName: "bad key" }))).message).toContain('key_name "bad key" must be a domain-style name');
  });
});
