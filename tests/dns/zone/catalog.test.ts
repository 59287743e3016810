// The catalog zone (RFC 9432, version 2) the zone store keeps of its zones: created and dropped zones are
// listed and unlisted in the same step, with stable random unique ids, through the catalog's own commits.
import { describe, expect, test } from "bun:test";
import { catalogZoneDefinition, isCatalog, MemoryZoneStorage, ZoneStore } from "../../../src/dns/zone/index.ts";

const CATALOG = "catalog.invalid";
let clock = Date.parse("2026-01-01T00:00:00Z");
const now = () => new Date((clock += 1000));

async function withCatalog(storage = new MemoryZoneStorage()) {
  const store = await ZoneStore.open(storage, { now, catalog: CATALOG });
  if (!store.zone(CATALOG)) await store.createZone({ ...catalogZoneDefinition(CATALOG), serialScheme: "unixtime" });
  return { storage, store };
}

const addZone = (store: ZoneStore, name: string) => store.createZone({ name, soa: { mname: `ns1.${name}.`, rname: `hostmaster.${name}.` }, ns: [`ns1.${name}.`] });

/** Member zone → unique id, read from the catalog's PTR records as a consumer would. */
function members(store: ZoneStore): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of store.zone(CATALOG)!.rrsets()) {
    if (r.type !== "PTR") continue;
    const m = r.name.match(/^([^.]+)\.zones\.catalog\.invalid$/);
    expect(m).not.toBeNull();
    for (const d of r.data) out.set(d, m![1]);
  }
  return out;
}

describe("catalog zone", () => {
  test("a new catalog has an SOA, NS invalid. and version TXT \"2\" (RFC 9432 §4.1, §4.2.1) and no members", async () => {
    const { store } = await withCatalog();
    const snap = store.zone(CATALOG)!;
    expect(isCatalog(snap)).toBe(true);
    expect(snap.get(CATALOG, "NS")!.data).toEqual(["invalid."]);
    expect(snap.get(`version.${CATALOG}`, "TXT")!.data).toEqual(['"2"']);
    expect(members(store).size).toBe(0);
  });

  test("creating a zone lists it as <id>.zones.<catalog> PTR <zone>, with a new serial; the catalog does not list itself", async () => {
    const { store } = await withCatalog();
    const before = store.zone(CATALOG)!.serial;
    await addZone(store, "dyn.example.org");
    await addZone(store, "home.example.net");
    const m = members(store);
    expect([...m.keys()].sort()).toEqual(["dyn.example.org.", "home.example.net."]);
    for (const id of m.values()) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(m.values()).size).toBe(2);
    expect(store.zone(CATALOG)!.serial).not.toBe(before);
  });

  test("deleting a zone takes it out; adding it again gives it a new unique id (RFC 9432 §5.5)", async () => {
    const { store } = await withCatalog();
    await addZone(store, "dyn.example.org");
    await addZone(store, "keep.example.org");
    const first = members(store);
    await store.deleteZone("dyn.example.org");
    expect([...members(store).keys()]).toEqual(["keep.example.org."]);
    await addZone(store, "dyn.example.org");
    const again = members(store);
    expect(again.get("dyn.example.org.")).not.toBe(first.get("dyn.example.org."));
    expect(again.get("keep.example.org.")).toBe(first.get("keep.example.org."));
  });

  test("unique ids are stable across a restart (they live in the stored catalog)", async () => {
    const { storage, store } = await withCatalog();
    await addZone(store, "dyn.example.org");
    const ids = members(store);
    const { store: reopened } = await withCatalog(storage);
    await reopened.syncCatalog();
    expect(members(reopened)).toEqual(ids);
  });

  test("a zone dropped or appearing through reload (another process) is unlisted or listed", async () => {
    const { store } = await withCatalog();
    await addZone(store, "gone.example.org");
    await store.reload([], ["gone.example.org"]);
    expect(members(store).size).toBe(0);
    const other = new MemoryZoneStorage();
    const elsewhere = await ZoneStore.open(other, { now });
    await addZone(elsewhere, "new.example.org");
    await store.reload(await other.loadAll());
    expect([...members(store).keys()]).toEqual(["new.example.org."]);
  });

  test("syncCatalog lists missing zones and drops stale members, keeping the ids of the rest", async () => {
    const storage = new MemoryZoneStorage();
    const plain = await ZoneStore.open(storage, { now });
    await addZone(plain, "early.example.org"); // made while no catalog was kept
    const { store } = await withCatalog(storage);
    await store.transaction(CATALOG, (tx) => tx.replaceRRset(`0123456789abcdef.zones.${CATALOG}`, "PTR", 0, ["stale.example.org."]));
    await addZone(store, "kept.example.org");
    const keptId = members(store).get("kept.example.org.");
    await store.syncCatalog();
    const m = members(store);
    expect([...m.keys()].sort()).toEqual(["early.example.org.", "kept.example.org."]);
    expect(m.get("kept.example.org.")).toBe(keptId);
  });

  test("each catalog change is a journal entry, so secondaries get it by IXFR", async () => {
    const { store } = await withCatalog();
    const serial = store.zone(CATALOG)!.serial;
    await addZone(store, "dyn.example.org");
    await store.deleteZone("dyn.example.org");
    const journal = await store.journalSince(CATALOG, serial);
    expect(journal!.length).toBe(2);
    expect(journal![0].added.filter((r) => r.type === "PTR").map((r) => r.data)).toEqual(["dyn.example.org."]);
    expect(journal![1].removed.filter((r) => r.type === "PTR").map((r) => r.data)).toEqual(["dyn.example.org."]);
  });

  test("a store without the catalog loaded (catalog configured, zone not made yet) creates zones as before", async () => {
    const store = await ZoneStore.open(new MemoryZoneStorage(), { now, catalog: CATALOG });
    await addZone(store, "dyn.example.org");
    expect(store.zone("dyn.example.org")).toBeDefined();
    expect(store.zone(CATALOG)).toBeUndefined();
  });

  describe("group property (RFC 9432 §4.4.2)", () => {
    const groupOf = (store: ZoneStore, zone: string) => store.zone(CATALOG)!.get(`group.${members(store).get(`${zone}.`)}.zones.${CATALOG}`, "TXT")?.data;

    test("a member without a group has only its PTR; one with a group has group.<id>.zones TXT, listed in the same catalog commit", async () => {
      const { store } = await withCatalog();
      await addZone(store, "plain.example.org");
      const serial = store.zone(CATALOG)!.serial;
      await store.createZone({ name: "grouped.example.org", soa: { mname: "ns1.grouped.example.org.", rname: "hostmaster.grouped.example.org." }, ns: ["ns1.grouped.example.org."], catalogGroup: "tmpl-b" });
      expect(groupOf(store, "plain.example.org")).toBeUndefined();
      expect(groupOf(store, "grouped.example.org")).toEqual(['"tmpl-b"']);
      const journal = await store.journalSince(CATALOG, serial);
      expect(journal!.length).toBe(1);
      expect(journal![0].added.map((r) => `${r.name} ${r.type} ${r.data}`).filter((r) => !r.includes(" SOA ")).sort()).toEqual([
        `${members(store).get("grouped.example.org.")}.zones.${CATALOG} PTR grouped.example.org.`,
        `group.${members(store).get("grouped.example.org.")}.zones.${CATALOG} TXT "tmpl-b"`,
      ]);
    });

    test("changing the group is one catalog commit that swaps the TXT (IXFR); the member keeps its unique id", async () => {
      const { store } = await withCatalog();
      await addZone(store, "dyn.example.org");
      const id = members(store).get("dyn.example.org.");
      await store.setCatalogGroup("dyn.example.org", "tmpl-a");
      const serial = store.zone(CATALOG)!.serial;
      await store.setCatalogGroup("dyn.example.org", "tmpl-b");
      expect(groupOf(store, "dyn.example.org")).toEqual(['"tmpl-b"']);
      expect(members(store).get("dyn.example.org.")).toBe(id);
      const journal = await store.journalSince(CATALOG, serial);
      expect(journal!.length).toBe(1);
      const txt = (rs: { type: string; data: string }[]) => rs.filter((r) => r.type === "TXT").map((r) => r.data);
      expect(txt(journal![0].removed)).toEqual(['"tmpl-a"']);
      expect(txt(journal![0].added)).toEqual(['"tmpl-b"']);
    });

    test("setting the group it has already is no commit; clearing it deletes the TXT", async () => {
      const { store } = await withCatalog();
      await addZone(store, "dyn.example.org");
      await store.setCatalogGroup("dyn.example.org", "tmpl-a");
      const serial = store.zone(CATALOG)!.serial;
      await store.setCatalogGroup("dyn.example.org", "tmpl-a");
      expect(store.zone(CATALOG)!.serial).toBe(serial);
      await store.setCatalogGroup("dyn.example.org", "");
      expect(groupOf(store, "dyn.example.org")).toBeUndefined();
      expect(store.zone(CATALOG)!.serial).not.toBe(serial);
    });

    test("a group with quotes or backslashes is one escaped character-string", async () => {
      const { store } = await withCatalog();
      await addZone(store, "dyn.example.org");
      await store.setCatalogGroup("dyn.example.org", 'say "hi" \\ there');
      expect(groupOf(store, "dyn.example.org")).toEqual(['"say \\"hi\\" \\\\ there"']);
    });

    test("removing a member removes its group too", async () => {
      const { store } = await withCatalog();
      await addZone(store, "dyn.example.org");
      await store.setCatalogGroup("dyn.example.org", "tmpl-a");
      await store.deleteZone("dyn.example.org");
      expect([...store.zone(CATALOG)!.rrsets()].filter((r) => r.type === "TXT").map((r) => r.name)).toEqual([`version.${CATALOG}`]);
    });

    test("syncCatalog sets the groups it is given and leaves the others", async () => {
      const { store } = await withCatalog();
      await addZone(store, "a.example.org");
      await addZone(store, "b.example.org");
      await store.setCatalogGroup("b.example.org", "old");
      await store.syncCatalog(new Map([["a.example.org", "tmpl-a"]]));
      expect(groupOf(store, "a.example.org")).toEqual(['"tmpl-a"']);
      expect(groupOf(store, "b.example.org")).toEqual(['"old"']);
      await store.syncCatalog(new Map([["b.example.org", ""]]));
      expect(groupOf(store, "b.example.org")).toBeUndefined();
    });
  });
});
