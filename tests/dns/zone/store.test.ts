// The zone store: one transaction per change, one serial bump, storage before swap, journal, restart.
import { describe, expect, test } from "bun:test";
import { MemoryZoneStorage, ZoneError, ZoneStore } from "../../../src/dns/zone/index.ts";
import { serialGt } from "../../../src/dns/wire/index.ts";

async function fresh(serial = 100, now = () => new Date("2026-01-01T00:00:00Z")) {
  const storage = new MemoryZoneStorage();
  const store = await ZoneStore.open(storage, { now });
  await store.createZone({
    name: "example.org",
    soa: { mname: "ns1.example.org.", rname: "hostmaster.example.org.", serial },
    ns: ["ns1.example.org."],
    records: [{ name: "ns1.example.org", type: "A", ttl: 300, data: "192.0.2.53" }],
  });
  return { storage, store };
}

describe("zone transactions", () => {
  test("a change bumps the serial once and yields the changeset", async () => {
    const { store } = await fresh();
    const cs = await store.transaction("example.org", (tx) => {
      tx.replaceRRset("home.example.org", "A", 60, ["192.0.2.1", "192.0.2.2"]);
      tx.addRR({ name: "home.example.org", type: "TXT", ttl: 60, data: '"hello"' });
    });
    expect(cs).not.toBeNull();
    expect(cs!.serialFrom).toBe(100);
    expect(serialGt(cs!.serialTo, 100)).toBe(true);
    expect(cs!.removed.map((r) => r.type)).toEqual(["SOA"]);
    expect(cs!.added.map((r) => `${r.type} ${r.data}`)).toEqual([expect.stringMatching(/^SOA /), "A 192.0.2.1", "A 192.0.2.2", 'TXT "hello"']);
    expect(store.zone("example.org")!.serial).toBe(cs!.serialTo);
    expect(store.zone("example.org")!.get("home.example.org", "A")!.data).toEqual(["192.0.2.1", "192.0.2.2"]);
  });

  test("an empty transaction changes nothing and bumps nothing", async () => {
    const { store, storage } = await fresh();
    const before = store.zone("example.org");
    const cs = await store.transaction("example.org", (tx) => {
      tx.replaceRRset("ns1.example.org", "A", 300, ["192.0.2.53"]);
      tx.deleteRRset("nothing.example.org", "A");
    });
    expect(cs).toBeNull();
    expect(store.zone("example.org")).toBe(before);
    expect(storage.commits).toBe(0);
  });

  test("a reader keeps its snapshot while a commit swaps in a new one", async () => {
    const { store } = await fresh();
    const old = store.snapshot();
    await store.transaction("example.org", (tx) => tx.replaceRRset("a.example.org", "A", 60, ["192.0.2.9"]));
    expect(old.find("a.example.org")!.get("a.example.org", "A")).toBeUndefined();
    expect(store.snapshot().find("a.example.org")!.get("a.example.org", "A")!.data).toEqual(["192.0.2.9"]);
  });

  test("CNAME exclusivity, names outside the zone and the apex SOA/NS are refused; nothing is applied", async () => {
    const { store } = await fresh();
    const serial = store.zone("example.org")!.serial;
    const tries: [string, (tx: any) => void][] = [
      ["cname", (tx) => { tx.replaceRRset("w.example.org", "A", 60, ["192.0.2.1"]); tx.replaceRRset("w.example.org", "CNAME", 60, ["x.example.org."]); }],
      ["notzone", (tx) => tx.replaceRRset("www.example.com", "A", 60, ["192.0.2.1"])],
      ["apex", (tx) => tx.deleteRRset("example.org", "NS")],
      ["apex", (tx) => tx.replaceRRset("example.org", "SOA", 60, ["a. b. 1 2 3 4 5"])],
      ["cname", (tx) => tx.replaceRRset("example.org", "CNAME", 60, ["x.example.net."])],
      ["invalid", (tx) => tx.replaceRRset("a.example.org", "A", 60, ["300.1.1.1"])],
    ];
    for (const [reason, fn] of tries) {
      const err = await store.transaction("example.org", fn).catch((e) => e);
      expect(err).toBeInstanceOf(ZoneError);
      expect((err as ZoneError).reason).toBe(reason as any);
    }
    expect(store.zone("example.org")!.serial).toBe(serial);
    expect(store.zone("example.org")!.get("w.example.org", "A")).toBeUndefined();
  });

  test("deleteName at the apex keeps SOA and NS (RFC 2136 §3.4.2.3)", async () => {
    const { store } = await fresh();
    await store.transaction("example.org", (tx) => tx.replaceRRset("example.org", "MX", 60, ["10 mail.example.org."]));
    await store.transaction("example.org", (tx) => tx.deleteName("example.org"));
    const z = store.zone("example.org")!;
    expect(z.get("example.org", "MX")).toBeUndefined();
    expect(z.get("example.org", "NS")).toBeDefined();
  });

  test("a failing storage commit leaves memory unchanged", async () => {
    const { store, storage } = await fresh();
    storage.failNext = new Error("disk full");
    const err = await store.transaction("example.org", (tx) => tx.replaceRRset("a.example.org", "A", 60, ["192.0.2.9"])).catch((e) => e);
    expect(String(err)).toContain("disk full");
    expect(store.zone("example.org")!.get("a.example.org", "A")).toBeUndefined();
    expect(store.zone("example.org")!.serial).toBe(100);
  });

  test("transactions that arrive together share one commit; a failing one does not spoil the others", async () => {
    const { store, storage } = await fresh();
    const results = await Promise.allSettled([
      store.transaction("example.org", (tx) => tx.replaceRRset("a.example.org", "A", 60, ["192.0.2.1"])),
      store.transaction("example.org", (tx) => tx.replaceRRset("b.example.org", "A", 60, ["192.0.2.2"])),
      store.transaction("example.org", () => {
        throw new Error("no");
      }),
      store.transaction("example.org", (tx) => tx.replaceRRset("c.example.org", "A", 60, ["192.0.2.3"])),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const z = store.zone("example.org")!;
    for (const n of ["a", "b", "c"]) expect(z.get(`${n}.example.org`, "A")).toBeDefined();
    expect(storage.commits).toBeLessThanOrEqual(2);
  });

  test("commit listeners hear zone and serial after the swap", async () => {
    const { store } = await fresh();
    const heard: [string, number, boolean][] = [];
    store.onCommit((z, s) => heard.push([z, s, store.zone(z)!.serial === s]));
    const cs = await store.transaction("example.org", (tx) => tx.replaceRRset("a.example.org", "A", 60, ["192.0.2.1"]));
    expect(heard).toEqual([["example.org", cs!.serialTo, true]]);
  });
});

describe("serials and the journal", () => {
  test("the serial wraps around 2^32 and the journal chain still connects", async () => {
    let t = new Date("2026-01-01T00:00:00Z");
    const { store } = await fresh(0xffffffff, () => t);
    // unixtime candidates (1.7e9) are greater than 0xffffffff in RFC 1982 terms, so pick a clock at 0.
    t = new Date(0);
    const a = await store.transaction("example.org", (tx) => tx.replaceRRset("a.example.org", "A", 60, ["192.0.2.1"]));
    const b = await store.transaction("example.org", (tx) => tx.replaceRRset("a.example.org", "A", 60, ["192.0.2.2"]));
    expect(a!.serialTo).toBe(0);
    expect(b!.serialTo).toBe(1);
    expect(serialGt(a!.serialTo, 0xffffffff)).toBe(true);
    expect((await store.journalSince("example.org", 0xffffffff))!.map((c) => c.serialTo)).toEqual([0, 1]);
  });

  test("the next serial always grows even when the clock stands still", async () => {
    const { store } = await fresh(100);
    const serials: number[] = [];
    for (let i = 0; i < 3; i++) serials.push((await store.transaction("example.org", (tx) => tx.replaceRRset("a.example.org", "A", 60, [`192.0.2.${i + 1}`])))!.serialTo);
    expect(serialGt(serials[1], serials[0]) && serialGt(serials[2], serials[1])).toBe(true);
  });

  test("journalSince: [] when current, the chain when reachable, null when trimmed away", async () => {
    const { store } = await fresh();
    const s0 = store.zone("example.org")!.serial;
    for (let i = 0; i < 5; i++) await store.transaction("example.org", (tx) => tx.replaceRRset("a.example.org", "A", 60, [`192.0.2.${i + 1}`]));
    const cur = store.zone("example.org")!.serial;
    expect(await store.journalSince("example.org", cur)).toEqual([]);
    expect((await store.journalSince("example.org", s0))!.length).toBe(5);
    expect(await store.trimJournal("example.org", 2)).toBe(3);
    expect(await store.journalSince("example.org", s0)).toBeNull();
    expect((await store.journalSince("example.org", cur - 0) ?? []).length).toBe(0);
  });

  test("a restart over the same storage continues the serial and the journal", async () => {
    const { store, storage } = await fresh();
    const s0 = store.zone("example.org")!.serial;
    const cs = await store.transaction("example.org", (tx) => tx.replaceRRset("a.example.org", "A", 60, ["192.0.2.1"]));
    const again = await ZoneStore.open(storage, { now: () => new Date("2026-01-01T00:00:00Z") });
    expect(again.zone("example.org")!.serial).toBe(cs!.serialTo);
    expect(again.zone("example.org")!.get("a.example.org", "A")!.data).toEqual(["192.0.2.1"]);
    const next = await again.transaction("example.org", (tx) => tx.replaceRRset("a.example.org", "A", 60, ["192.0.2.2"]));
    expect(serialGt(next!.serialTo, cs!.serialTo)).toBe(true);
    expect((await again.journalSince("example.org", s0))!.map((c) => c.serialTo)).toEqual([cs!.serialTo, next!.serialTo]);
  });
});

describe("journal trimming by count and age", () => {
  test("the store trims on its own every 64 commits, keeping the configured count", async () => {
    const storage = new MemoryZoneStorage();
    const store = await ZoneStore.open(storage, { journalMaxChanges: 10 });
    await store.createZone({ name: "t.test", soa: { mname: "ns.t.test.", rname: "h.t.test.", serial: 1 }, ns: ["ns.t.test."] });
    for (let i = 0; i < 64; i++) await store.transaction("t.test", (tx) => tx.replaceRRset("a.t.test", "A", 60, [`192.0.2.${i}`]));
    await Bun.sleep(10);
    expect(storage.journalLength("t.test")).toBe(10);
  });

  test("entries older than the age limit go, however few there are", async () => {
    let now = new Date("2026-01-01T00:00:00Z");
    const storage = new MemoryZoneStorage();
    const store = await ZoneStore.open(storage, { now: () => now, journalMaxAgeMs: 3600_000 });
    await store.createZone({ name: "t.test", soa: { mname: "ns.t.test.", rname: "h.t.test.", serial: 1 }, ns: ["ns.t.test."] });
    await store.transaction("t.test", (tx) => tx.replaceRRset("a.t.test", "A", 60, ["192.0.2.1"]));
    now = new Date("2026-01-01T02:00:00Z");
    await store.transaction("t.test", (tx) => tx.replaceRRset("a.t.test", "A", 60, ["192.0.2.2"]));
    expect(await store.trimJournal("t.test")).toBe(1);
    expect(storage.journalLength("t.test")).toBe(1);
  });
});

describe("TXT values from the outside", () => {
  test("txtRdata quotes any text and splits it at 255 octets; the store keeps it as given", async () => {
    const { txtRdata } = await import("../../../src/dns/zone/index.ts");
    expect(txtRdata('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
    expect(txtRdata("")).toBe('""');
    expect(txtRdata("x".repeat(300)).split('" "').length).toBe(2);
    const { store } = await fresh();
    await store.transaction("example.org", (tx) => tx.replaceRRset("_acme-challenge.example.org", "TXT", 60, [txtRdata("token with spaces")]));
    expect(store.zone("example.org")!.get("_acme-challenge.example.org", "TXT")!.data).toEqual(['"token with spaces"']);
  });
});

describe("serials of a master file import", () => {
  const file = (serial: number, a: string) => [
    { name: "example.org", type: "SOA" as const, ttl: 3600, data: `ns1.example.org. hostmaster.example.org. ${serial} 3600 600 1209600 60` },
    { name: "example.org", type: "NS" as const, ttl: 3600, data: "ns1.example.org." },
    { name: "ns1.example.org", type: "A" as const, ttl: 300, data: a },
  ];

  test("a new zone from a file keeps the file's serial, and the next change follows it", async () => {
    const store = await ZoneStore.open(new MemoryZoneStorage(), { now: () => new Date("2026-12-07T12:00:00Z") });
    await store.createZoneFromRecords("example.org", file(2026120701, "192.0.2.53"));
    expect(store.zone("example.org")!.serial).toBe(2026120701);
    const cs = await store.transaction("example.org", (tx) => tx.replaceRRset("home.example.org", "A", 60, ["192.0.2.1"]));
    expect(cs!.serialTo).toBe(2026120702); // the unix time 1796... is behind in RFC 1982 terms
  });

  test("importing into an existing zone takes the file's serial when it is newer", async () => {
    const { store } = await fresh(1796600000, () => new Date("2026-12-07T12:00:00Z"));
    const cs = await store.importZone("example.org", file(2026120701, "192.0.2.54"));
    expect(cs!.serialTo).toBe(2026120701);
    expect(store.zone("example.org")!.serial).toBe(2026120701);
  });

  test("a file with an older or equal serial still moves the serial forward (never backwards)", async () => {
    const { store } = await fresh(2026120705, () => new Date("2026-12-07T12:00:00Z"));
    const older = await store.importZone("example.org", file(2026120701, "192.0.2.54"));
    expect(older!.serialTo).toBe(2026120706);
    const equal = await store.importZone("example.org", file(2026120706, "192.0.2.55"));
    expect(equal!.serialTo).toBe(2026120707);
  });

  test("the same file again changes nothing", async () => {
    const { store } = await fresh(100, () => new Date("2026-12-07T12:00:00Z"));
    await store.importZone("example.org", file(2026120701, "192.0.2.54"));
    expect(await store.importZone("example.org", file(2026120701, "192.0.2.54"))).toBeNull();
    expect(store.zone("example.org")!.serial).toBe(2026120701);
  });

  test("a scheme set while the zone is loaded proposes the next serial", async () => {
    const { store } = await fresh(1796600000, () => new Date("2026-12-07T12:00:00Z"));
    store.setSerialScheme("example.org", "dateserial");
    const cs = await store.transaction("example.org", (tx) => tx.replaceRRset("home.example.org", "A", 60, ["192.0.2.1"]));
    expect(cs!.serialTo).toBe(2026120700);
    store.setSerialScheme("example.org", "increment");
    const next = await store.transaction("example.org", (tx) => tx.replaceRRset("home.example.org", "A", 60, ["192.0.2.2"]));
    expect(next!.serialTo).toBe(2026120701);
  });
});
