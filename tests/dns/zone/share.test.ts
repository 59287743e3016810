// Zone sets handed to another thread (share.ts): what the receiver rebuilds answers like the sender's
// snapshot after every kind of change, the packed names are the sender's memory (not a copy), and a commit
// sends the change, not the zone.
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { MemoryZoneStorage, ZoneKeys, ZoneSetReceiver, ZoneSetSharer, ZoneStore, type RR, type ZoneSet } from "../../../src/dns/zone/index.ts";

const ZONE = "share.test";

function records(hosts: number): RR[] {
  const rrs: RR[] = [
    { name: ZONE, type: "SOA", ttl: 3600, data: `ns1.${ZONE}. hostmaster.${ZONE}. 1 3600 600 86400 60` },
    { name: ZONE, type: "NS", ttl: 3600, data: `ns1.${ZONE}.` },
    { name: `ns1.${ZONE}`, type: "A", ttl: 3600, data: "192.0.2.1" },
    { name: `alias.${ZONE}`, type: "CNAME", ttl: 60, data: `h1.${ZONE}.` },
  ];
  for (let i = 1; i <= hosts; i++) rrs.push({ name: `h${i}.sub.${ZONE}`, type: "A", ttl: 60, data: `10.0.${i >> 8}.${i & 255}` });
  return rrs;
}

/** Every record of every zone, in order, as text: what the two sides must agree on. */
const dump = (set: ZoneSet) => [...set.zones.values()].map((z) => [z.name, z.serial, z.size, [...z.records()].map((r) => `${r.name} ${r.type} ${r.ttl} ${r.data}`), [...z.below].sort()]);

describe("zone sets shared with another thread", () => {
  test("the receiver's zones equal the sender's after changes, deletions, a fold, a new zone and a removed one", async () => {
    const storage = new MemoryZoneStorage();
    await storage.createZone({ name: ZONE, serialScheme: "increment", records: records(300) });
    const store = await ZoneStore.open(storage);
    const sharer = new ZoneSetSharer();
    const receiver = new ZoneSetReceiver();
    // Through structuredClone, as postMessage sends it. Counted: the messages that brought a new packed base.
    let packedBases = 0;
    const pass = () => {
      const m = sharer.share(store.snapshot());
      packedBases += m.zones.filter((z) => (z as { nodes?: { base: { packed?: unknown } } }).nodes?.base.packed).length;
      return receiver.receive(structuredClone(m));
    };
    expect(dump(pass())).toEqual(dump(store.snapshot()));
    for (let round = 0; round < 40; round++) {
      await store.transaction(ZONE, (tx) => {
        for (let k = 0; k < 40; k++) tx.replaceRRset(`h${(round * 40 + k) % 300 + 1}.sub.${ZONE}`, "A", 60, [`198.51.100.${round}`]);
        // New names below new parents (below-counts change); 40 rounds of 30 pass the layer's fold limit.
        for (let k = 0; k < 30; k++) tx.replaceRRset(`n${k}.new${round}.deep.${ZONE}`, "AAAA", 60, ["2001:db8::1"]);
        if (round % 3 === 0) tx.deleteRRset(`h${round + 1}.sub.${ZONE}`, "A");
      });
      expect(dump(pass())).toEqual(dump(store.snapshot()));
    }
    expect(packedBases).toBeGreaterThan(1); // the first one, and a fold's
    const msg = sharer.share(store.snapshot());
    expect(msg.zones).toEqual([{ name: ZONE, same: true }]);
    await store.createZone({ name: "other.test", serialScheme: "increment", soa: { mname: "ns1.other.test.", rname: "hostmaster.other.test." }, ns: ["ns1.other.test."], records: [{ name: "www.other.test", type: "A", ttl: 60, data: "192.0.2.7" }] });
    expect(dump(pass())).toEqual(dump(store.snapshot()));
    expect(receiver.current.zones.size).toBe(2);
    await store.deleteZone(ZONE);
    expect(dump(pass())).toEqual(dump(store.snapshot()));
    expect([...receiver.current.zones.keys()]).toEqual(["other.test"]);
  });

  for (const denial of ["nsec3", "nsec"] as const)
    test(`a signed zone (${denial}): the receiver's records and chain equal the sender's across commits, the chain sent only when it changed`, async () => {
      const storage = new MemoryZoneStorage();
      await storage.createZone({ name: ZONE, serialScheme: "increment", records: records(30) });
      const keys = await ZoneKeys.open(storage, { dnssec: { masterKey: randomBytes(32) } });
      const store = keys.store;
      await keys.enableDnssec(ZONE, { denial });
      const sharer = new ZoneSetSharer();
      const receiver = new ZoneSetReceiver();
      const chainOf = (set: ZoneSet) => {
        const c = set.zones.get(ZONE)!.chain!;
        return [c.kind, [...c.order.values()], c.order.atOrBefore("m"), c.order.after("a")];
      };
      const pass = () => {
        const m = sharer.share(store.snapshot());
        return { set: receiver.receive(structuredClone(m)), chain: (m.zones[0] as { chain?: unknown }).chain };
      };
      expect(dump(pass().set)).toEqual(dump(store.snapshot()));
      // A changed address: the chain's names stay, so it is not sent again.
      await store.transaction(ZONE, (tx) => tx.replaceRRset(`h3.sub.${ZONE}`, "A", 60, ["198.51.100.3"]));
      let r = pass();
      expect(r.chain).toBe("same");
      expect(dump(r.set)).toEqual(dump(store.snapshot()));
      expect(chainOf(r.set)).toEqual(chainOf(store.snapshot()));
      // A new name: the chain changes and travels.
      await store.transaction(ZONE, (tx) => tx.replaceRRset(`brand-new.${ZONE}`, "A", 60, ["198.51.100.99"]));
      r = pass();
      expect(r.chain).not.toBe("same");
      expect(dump(r.set)).toEqual(dump(store.snapshot()));
      expect(chainOf(r.set)).toEqual(chainOf(store.snapshot()));
    });

  test("a commit sends the changed names only, not the zone", async () => {
    const storage = new MemoryZoneStorage();
    await storage.createZone({ name: ZONE, serialScheme: "increment", records: records(5000) });
    const store = await ZoneStore.open(storage);
    const sharer = new ZoneSetSharer();
    const firstMsg = sharer.share(store.snapshot());
    // The packed names travel as SharedArrayBuffers: the receiver reads the sender's memory, not a copy.
    const packed = (firstMsg.zones[0] as { nodes: { base: { packed?: { arrays: Uint8Array[] } } } }).nodes.base.packed!;
    for (const a of packed.arrays) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    const first = JSON.stringify(firstMsg);
    await store.transaction(ZONE, (tx) => tx.replaceRRset(`h7.sub.${ZONE}`, "A", 60, ["198.51.100.7"]));
    const second = sharer.share(store.snapshot());
    const z = second.zones[0] as { nodes: { changed: [string, unknown][]; base: { id: number; packed?: unknown } } };
    expect(z.nodes.base.packed).toBeUndefined();
    expect(z.nodes.changed.map(([k]) => k).sort()).toEqual([`h7.sub.${ZONE}`, ZONE].sort());
    expect(JSON.stringify(second).length).toBeLessThan(first.length / 20);
  });
});
