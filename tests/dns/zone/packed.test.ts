import { describe, expect, test } from "bun:test";
import ipaddr from "ipaddr.js";
import { buildSnapshot, type Node, type RR, type RRType } from "../../../src/dns/zone/index.ts";
import { LayeredMap } from "../../../src/dns/zone/layered.ts";
import { NodeSets } from "../../../src/dns/zone/node.ts";
import { packA, packAAAA, PackedNodes, unpackA, unpackAAAA } from "../../../src/dns/zone/packed.ts";

const ZONE = "z.test";
const apex: RR[] = [
  { name: ZONE, type: "SOA", ttl: 3600, data: "ns1.z.test. hostmaster.z.test. 7 3600 600 1209600 60" },
  { name: ZONE, type: "NS", ttl: 3600, data: "ns1.z.test." },
];
const rr = (name: string, type: RRType, data: string, ttl = 60): RR => ({ name, type, ttl, data });
/** A node as plain data, to compare what a snapshot hands out. */
const plain = (n: Node | undefined) => (n ? [...n.values()].map((s) => ({ type: s.type, ttl: s.ttl, data: [...s.data], sigs: s.sigs ? [...s.sigs] : undefined })) : undefined);

/** A deterministic pseudo-random source (the cases must be the same on every run). */
function rng(seed: number) {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
}

describe("address packing", () => {
  test("canonical A text packs and comes back as itself", () => {
    for (const s of ["0.0.0.0", "10.0.0.1", "192.0.2.255", "255.255.255.255", "1.22.133.4"]) expect(unpackA(packA(s))).toBe(s);
  });

  test("A text that would not come back the same is not packed", () => {
    for (const s of ["010.0.0.1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d", "", "1.2.3.4 "]) expect(packA(s)).toBe(-1);
  });

  test("AAAA text as rdata.ts writes it (RFC 5952) packs and comes back as itself", () => {
    const next = rng(42);
    const out = new Uint8Array(16);
    const seen: string[] = ["::", "::1", "1::", "2001:db8::", "2001:db8::1", "fe80::1:0:0:1", "1:0:0:2::3", "1:2:3:4:5:6:7:8", "0:1:0:1:0:1:0:1"];
    for (let i = 0; i < 2000; i++) {
      // Groups that are often zero, so the runs "::" replaces vary.
      const bytes: number[] = [];
      for (let g = 0; g < 8; g++) {
        const v = next() % 3 === 0 ? next() & 0xffff : 0;
        bytes.push(v >>> 8, v & 255);
      }
      seen.push(ipaddr.fromByteArray(bytes).toString());
    }
    for (const s of seen) {
      if (s.includes(".")) continue; // IPv4-mapped forms are kept as text (checked below)
      expect(packAAAA(s, out, 0)).toBe(true);
      expect(unpackAAAA(out, 0)).toBe(s);
      expect(Array.from(out)).toEqual(ipaddr.IPv6.parse(s).toByteArray());
    }
  });

  test("of many spellings of the same address, exactly the canonical one packs", () => {
    const next = rng(9);
    const out = new Uint8Array(16);
    for (let i = 0; i < 1000; i++) {
      const g: number[] = [];
      for (let k = 0; k < 8; k++) g.push(next() % 2 === 0 ? 0 : next() % 4 === 0 ? next() & 0xf : next() & 0xffff);
      const canonical = ipaddr.fromByteArray(g.flatMap((v) => [v >>> 8, v & 255])).toString();
      const spellings = new Set<string>([g.map((v) => v.toString(16)).join(":"), g.map((v) => v.toString(16).padStart(4, "0")).join(":")]);
      // "::" in place of every run of zero groups, long or short.
      for (let a = 0; a < 8; a++)
        for (let b = a + 1; b <= 8; b++)
          if (g.slice(a, b).every((v) => v === 0)) spellings.add(`${g.slice(0, a).map((v) => v.toString(16)).join(":")}::${g.slice(b).map((v) => v.toString(16)).join(":")}`);
      for (const text of spellings) {
        expect(ipaddr.IPv6.parse(text).toString()).toBe(canonical);
        expect([text, packAAAA(text, out, 0)]).toEqual([text, text === canonical]);
      }
    }
  });

  test("AAAA text that is not in canonical form is not packed", () => {
    const out = new Uint8Array(16);
    for (const s of ["2001:DB8::1", "2001:db8:0:0::1", "2001:0db8::1", "::ffff:192.0.2.1", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7", "1:0:0:2:0:0:0:3", "1:2:3:4:5:6:7:8:9", "1:", ":1", "12345::", "1:0:2:3:4:5:6:7x"])
      expect(packAAAA(s, out, 0)).toBe(false);
  });
});

describe("packed nodes in a snapshot", () => {
  const records: RR[] = [
    ...apex,
    rr("h1.z.test", "A", "10.0.0.1"),
    rr("h1.z.test", "AAAA", "2001:db8::1"),
    rr("ns1.z.test", "A", "192.0.2.1", 3600),
    // Several addresses, out of order, one twice, TTLs that differ: one set, sorted, lowest TTL.
    rr("multi.z.test", "A", "10.0.0.9", 300),
    rr("multi.z.test", "A", "10.0.0.10", 120),
    rr("multi.z.test", "A", "10.0.0.9", 300),
    rr("multi.z.test", "AAAA", "2001:db8::b"),
    rr("multi.z.test", "AAAA", "2001:db8::a"),
    // Beside other types, the address rows stay with the name's NodeSets.
    rr("mixed.z.test", "AAAA", "2001:db8::5"),
    rr("mixed.z.test", "TXT", '"hello"'),
    rr("mixed.z.test", "A", "10.0.0.5"),
    // Deeper names and an empty non-terminal (b.z.test).
    rr("a.b.z.test", "A", "10.0.1.1"),
    rr("x.a.b.z.test", "AAAA", "2001:db8::11"),
    rr("www.z.test", "CNAME", "h1.z.test."),
  ];
  const snap = buildSnapshot(ZONE, "unixtime", records);

  test("host names are packed, the rest kept as NodeSets, and the map counts both", () => {
    const base = (snap.nodes as unknown as { base: unknown }).base;
    expect(base).toBeInstanceOf(PackedNodes);
    expect(snap.nodes.size).toBe(8);
    expect(new Set(snap.nodes.keys())).toEqual(new Set([ZONE, "h1.z.test", "ns1.z.test", "multi.z.test", "mixed.z.test", "a.b.z.test", "x.a.b.z.test", "www.z.test"]));
  });

  test("a packed name reads back as the records it was built from", () => {
    expect(plain(snap.nodes.get("h1.z.test"))).toEqual([
      { type: "A", ttl: 60, data: ["10.0.0.1"], sigs: undefined },
      { type: "AAAA", ttl: 60, data: ["2001:db8::1"], sigs: undefined },
    ]);
    expect(plain(snap.nodes.get("multi.z.test"))).toEqual([
      { type: "A", ttl: 120, data: ["10.0.0.10", "10.0.0.9"], sigs: undefined },
      { type: "AAAA", ttl: 60, data: ["2001:db8::a", "2001:db8::b"], sigs: undefined },
    ]);
    expect(snap.get("x.a.b.z.test", "AAAA")?.data).toEqual(["2001:db8::11"]);
    expect(snap.get("h1.z.test", "AAAA")?.name).toBe("h1.z.test");
    expect(snap.get("h1.z.test", "TXT")).toBeUndefined();
    expect(snap.nodes.get("h2.z.test")).toBeUndefined();
    expect(snap.nodes.has("h1.z.test")).toBe(true);
    expect(snap.nodes.has("H1.z.test")).toBe(false);
  });

  test("a name with other types keeps all its records", () => {
    const mixed = snap.nodes.get("mixed.z.test")!;
    expect(new Set(mixed.keys())).toEqual(new Set(["A", "AAAA", "TXT"]));
    expect(mixed.get("A")?.data).toEqual(["10.0.0.5"]);
    expect(mixed.get("AAAA")?.data).toEqual(["2001:db8::5"]);
  });

  test("names and empty non-terminals exist as before; the record count is unchanged", () => {
    expect(snap.exists("b.z.test")).toBe(true);
    expect(snap.exists("a.b.z.test")).toBe(true);
    expect(snap.exists("c.z.test")).toBe(false);
    expect(snap.below.get(ZONE)).toBe(7);
    expect(snap.below.get("b.z.test")).toBe(2);
    expect(snap.below.get("a.b.z.test")).toBe(1);
    // 15 rows above, one of them a duplicate.
    expect(snap.size).toBe(15);
    expect([...snap.records()].length).toBe(15);
  });

  test("built without packing (a signed zone), the snapshot holds the very same records", () => {
    const loose = buildSnapshot(ZONE, "unixtime", records, { pack: false });
    expect((loose.nodes as unknown as { base: PackedNodes }).base.count).toBe(0);
    // (The order of the sets within one name may differ; the sets do not.)
    const rows = (z: typeof snap) => [...z.records()].map((r) => `${r.name} ${r.type} ${r.ttl} ${r.data}`).sort();
    expect(rows(loose)).toEqual(rows(snap));
    expect(loose.below).toEqual(snap.below);
  });

  test("a signature on an address set keeps that name whole, with its signature", () => {
    const signed = buildSnapshot(ZONE, "unixtime", [
      ...apex,
      rr("h1.z.test", "A", "10.0.0.1"),
      rr("h1.z.test", "RRSIG", "A 13 3 60 20300101000000 20200101000000 1 z.test. AAAA"),
    ]);
    expect(signed.get("h1.z.test", "A")?.sigs).toEqual(["A 13 3 60 20300101000000 20200101000000 1 z.test. AAAA"]);
  });

  test("a name set aside for a signature that covers nothing is packed after all, and counted once", () => {
    const z = buildSnapshot(ZONE, "unixtime", [
      ...apex,
      rr("h1.z.test", "A", "10.0.0.1"),
      rr("h2.z.test", "A", "10.0.0.2"),
      rr("h2.z.test", "RRSIG", "TXT 13 3 60 20300101000000 20200101000000 1 z.test. AAAA"),
    ]);
    expect(z.get("h2.z.test", "A")).toEqual({ name: "h2.z.test", type: "A", ttl: 60, data: ["10.0.0.2"] });
    expect(z.below.get(ZONE)).toBe(2);
    expect(z.nodes.size).toBe(3);
  });
});

describe("folding changes into a packed base", () => {
  const N = 3000;
  const hosts: RR[] = [];
  for (let i = 0; i < N; i++) hosts.push(rr(`h${i}.z.test`, "A", `10.0.${i >> 8}.${i & 255}`), rr(`h${i}.z.test`, "AAAA", `2001:db8::${i.toString(16)}`));
  const snap = buildSnapshot(ZONE, "unixtime", [...apex, ...hosts, rr("t.z.test", "TXT", '"x"')]);
  const set = (name: string, type: RRType, data: string[], ttl = 60) => ({ name, type, ttl, data });

  test("a layer past its limit folds into a new packed base; the old map still reads as before", () => {
    const changes: [string, Node | undefined][] = [];
    for (let i = 0; i < 1500; i++) changes.push([`h${i}.z.test`, undefined]); // deleted
    for (let i = 1500; i < 2000; i++) changes.push([`h${i}.z.test`, new NodeSets([set(`h${i}.z.test`, "A", ["192.0.2.7"], 30)])]); // replaced
    changes.push(["new.z.test", new NodeSets([set("new.z.test", "AAAA", ["2001:db8::99"])])]); // a new host
    changes.push(["h2500.z.test", new NodeSets([set("h2500.z.test", "TXT", ['"now text"'])])]); // no longer packable
    changes.push(["t.z.test", undefined]); // a NodeSets name removed
    changes.push(["mx.z.test", new NodeSets([set("mx.z.test", "MX", ["10 h1600.z.test."])])]);
    const before = snap.nodes as LayeredMap<string, Node>;
    const after = before.with(changes);
    expect((after as unknown as { base: unknown }).base).toBeInstanceOf(PackedNodes);
    expect((after as unknown as { layer: Map<string, unknown> }).layer.size).toBe(0);

    // The apex, the 1,500 hosts left (h2500 among them, now text), new.z.test and mx.z.test; t.z.test went.
    expect(after.size).toBe(1 + (N - 1500) + 2);
    expect(after.has("h0.z.test")).toBe(false);
    expect(after.get("h1499.z.test")).toBeUndefined();
    expect(plain(after.get("h1500.z.test"))).toEqual([{ type: "A", ttl: 30, data: ["192.0.2.7"], sigs: undefined }]);
    expect(plain(after.get("h2999.z.test"))).toEqual([
      { type: "A", ttl: 60, data: ["10.0.11.183"], sigs: undefined },
      { type: "AAAA", ttl: 60, data: ["2001:db8::bb7"], sigs: undefined },
    ]);
    expect(after.get("new.z.test")?.get("AAAA")?.data).toEqual(["2001:db8::99"]);
    expect(after.get("h2500.z.test")?.get("TXT")?.data).toEqual(['"now text"']);
    expect(after.get("h2500.z.test")?.get("A")).toBeUndefined();
    expect(after.get("t.z.test")).toBeUndefined();
    expect(after.get("mx.z.test")?.get("MX")?.data).toEqual(["10 h1600.z.test."]);
    expect(after.get(ZONE)?.get("SOA")).toBeDefined();
    expect([...after.keys()].length).toBe(after.size);

    // The snapshot the changes were made on is immutable.
    expect(before.size).toBe(N + 2);
    expect(before.get("h0.z.test")?.get("A")?.data).toEqual(["10.0.0.0"]);
    expect(before.get("h1500.z.test")?.get("A")?.data).toEqual(["10.0.5.220"]);
    expect(before.has("new.z.test")).toBe(false);
    expect(before.get("t.z.test")?.get("TXT")).toBeDefined();
  });

  test("folds of folds keep every untouched name as it was, around names that moved out", () => {
    const next = rng(7);
    // Names with one or two addresses of each kind, some with a TXT (those are kept as NodeSets).
    const rows: RR[] = [...apex];
    const want = new Map<string, { type: RRType; data: string[] }[]>();
    for (let i = 0; i < 400; i++) {
      const name = `n${i}.z.test`;
      const sets: { type: RRType; data: string[] }[] = [];
      const a = Array.from({ length: next() % 3 }, (_, k) => `10.1.${i & 255}.${k}`);
      const aaaa = Array.from({ length: next() % 3 }, (_, k) => `2001:db8:${i.toString(16)}::${k + 1}`);
      if (a.length + aaaa.length === 0) a.push("10.9.9.9");
      if (a.length) sets.push({ type: "A", data: a });
      if (aaaa.length) sets.push({ type: "AAAA", data: aaaa });
      if (i % 37 === 0) sets.push({ type: "TXT", data: ['"t"'] });
      for (const s of sets) for (const d of s.data) rows.push(rr(name, s.type, d));
      want.set(name, sets);
    }
    const view = (n: Node | undefined) => (n ? [...n.values()].map((s) => `${s.type}=${s.data.join(",")}`).sort() : undefined);
    const expectAll = (m: ReadonlyMap<string, Node>) => {
      for (const [name, sets] of want) expect(view(m.get(name))).toEqual(sets.map((s) => `${s.type}=${[...s.data].sort().join(",")}`).sort());
      expect(m.size).toBe(want.size + 1);
    };
    let base = (buildSnapshot(ZONE, "unixtime", rows).nodes as unknown as { base: PackedNodes }).base;
    expectAll(base);
    for (let round = 0; round < 3; round++) {
      const changes = new Map<string, Node | undefined>();
      for (let k = 0; k < 40; k++) {
        const name = `n${next() % 400}.z.test`;
        const sets = [{ type: "AAAA" as RRType, data: [`2001:db8:ffff::${round + 1}`, `2001:db8:ffff::${k + 100}`] }];
        changes.set(name, new NodeSets(sets.map((s) => set(name, s.type, s.data))));
        want.set(name, sets);
      }
      const old = base;
      base = base.fold(changes);
      expectAll(base);
      expect(old.get([...changes.keys()][0])?.get("AAAA")?.data).not.toEqual(changes.get([...changes.keys()][0])?.get("AAAA")?.data);
    }
  });
});
