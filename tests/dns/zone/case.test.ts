// The case of names in zone data (RFC 4343): kept as written in storage, changesets and master files
// (§4), compared without it everywhere (§3: lookups, duplicates, deleting a record), lower-cased only for
// signing (RFC 4034 §6.2; not the NSEC next name, RFC 6840 §5.1).
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { canonicalWire, MemoryZoneStorage, parseMasterFile, type RR, rdataKey, writeMasterFile, ZoneKeys } from "../../../src/dns/zone/index.ts";
import { checkSignedZone } from "../../support/dnssec.ts";

const ZONE = "example.test";
const TEXT = `
$ORIGIN ${ZONE}.
$TTL 300
@          IN SOA Ns1.Example.test. HostMaster 1 60 30 3600 60
@          IN NS  Ns1.Example.test.
@          IN MX  10 Target.Example.test.
Ns1        IN A   192.0.2.53
MixedCase  IN A   192.0.2.80
MixedCase  IN AAAA 2001:db8::80
Alias      IN CNAME Target.Example.test.
Target     IN A   192.0.2.81
Deep.Er.Name IN TXT "Deep"
Sub        IN NS  Ns.Sub.Example.test.
Ns.Sub     IN A   192.0.2.54
`;

async function open(storage = new MemoryZoneStorage(), masterKey?: Buffer) {
  const zoneKeys = await ZoneKeys.open(storage, masterKey ? { dnssec: { masterKey } } : {});
  return { store: zoneKeys.store, zoneKeys, storage };
}

async function imported() {
  const { store, storage } = await open();
  await store.createZoneFromRecords(ZONE, parseMasterFile(TEXT, ZONE));
  return { store, storage };
}

const rows = (rs: Iterable<RR>) => [...rs].filter((r) => r.type !== "SOA").map((r) => `${r.name} ${r.type} ${r.data}`);

describe("names keep the case they were written in", () => {
  test("the master file reader keeps owners and names in rdata as written", () => {
    const rs = parseMasterFile(TEXT, ZONE);
    expect(rs.find((r) => r.type === "CNAME")).toEqual({ name: `Alias.${ZONE}`, type: "CNAME", ttl: 300, data: "Target.Example.test." });
    expect(rs.find((r) => r.type === "SOA")!.data).toStartWith(`Ns1.Example.test. HostMaster.${ZONE}. 1 `);
  });

  test("storage, the snapshot and the export hold them as written; an A/AAAA-only name in mixed case too", async () => {
    const { store, storage } = await imported();
    const stored = rows((await storage.loadAll())[0].records);
    expect(stored).toContain(`MixedCase.${ZONE} A 192.0.2.80`);
    expect(stored).toContain(`MixedCase.${ZONE} AAAA 2001:db8::80`);
    expect(stored).toContain(`Alias.${ZONE} CNAME Target.Example.test.`);
    expect(stored).toContain(`Deep.Er.Name.${ZONE} TXT "Deep"`);
    expect(rows(store.zone(ZONE)!.records())).toEqual(expect.arrayContaining(stored));
    const text = writeMasterFile(ZONE, store.zone(ZONE)!.records());
    expect(text).toContain(`MixedCase.${ZONE}.\t300\tIN\tA\t192.0.2.80`);
    expect(text).toContain(`${ZONE}.\t300\tIN\tMX\t10 Target.Example.test.`);
  });

  test("a restart reads them back as written", async () => {
    const { storage } = await imported();
    const { store } = await open(storage);
    expect(store.zone(ZONE)!.get(`mixedcase.${ZONE}`, "A")!.name).toBe(`MixedCase.${ZONE}`);
    expect(store.zone(ZONE)!.get(`alias.${ZONE}`, "CNAME")!.data).toEqual(["Target.Example.test."]);
  });

  test("the export sorts names in canonical order whatever their case (RFC 4034 §6.1)", async () => {
    const { store } = await imported();
    const owners = writeMasterFile(ZONE, store.zone(ZONE)!.records())
      .split("\n")
      .slice(2)
      .filter(Boolean)
      .map((l) => l.split("\t")[0].toLowerCase());
    const order = [...new Set(owners)];
    expect(order).toEqual([`${ZONE}.`, `alias.${ZONE}.`, `mixedcase.${ZONE}.`, `deep.er.name.${ZONE}.`, `ns1.${ZONE}.`, `sub.${ZONE}.`, `ns.sub.${ZONE}.`, `target.${ZONE}.`]);
  });
});

describe("names compare without case", () => {
  test("lookups and transactions find a name in any case", async () => {
    const { store } = await imported();
    const z = store.zone(ZONE)!;
    expect(z.get(`mixedcase.${ZONE}`, "A")!.data).toEqual(["192.0.2.80"]);
    await store.transaction(ZONE, (tx) => {
      expect(tx.get(`MIXEDCASE.EXAMPLE.TEST`, "A")!.data).toEqual(["192.0.2.80"]);
      expect(tx.types(`mixedCASE.${ZONE}.`).sort()).toEqual(["A", "AAAA"]);
    });
  });

  test("the same target in another case is a duplicate, not a second record", async () => {
    const { store } = await imported();
    await store.transaction(ZONE, (tx) => tx.replaceRRset(`www.${ZONE}`, "MX", 300, ["10 Mail.Example.test.", "10 mail.example.TEST."]));
    expect(store.zone(ZONE)!.get(`www.${ZONE}`, "MX")!.data).toEqual(["10 Mail.Example.test."]);
    const cs = await store.transaction(ZONE, (tx) => tx.addRR({ name: `WWW.${ZONE}`, type: "MX", ttl: 300, data: "10 MAIL.example.test." }));
    expect(cs).toBeNull();
  });

  test("deleting one record matches it in any case; the changeset names the row as stored", async () => {
    const { store } = await imported();
    const cs = await store.transaction(ZONE, (tx) => tx.deleteRR({ name: `ALIAS.${ZONE}`, type: "CNAME", data: "target.example.test." }));
    expect(cs!.removed.slice(1)).toEqual([{ name: `Alias.${ZONE}`, type: "CNAME", ttl: 300, data: "Target.Example.test." }]);
    expect(store.zone(ZONE)!.get(`alias.${ZONE}`, "CNAME")).toBeUndefined();
  });

  test("a CNAME beside data at the same name in another case is refused", async () => {
    const { store } = await imported();
    await expect(store.transaction(ZONE, (tx) => tx.replaceRRset(`MIXEDCASE.${ZONE}`, "CNAME", 300, ["x.example.test."]))).rejects.toThrow(/CNAME and other records/);
  });

  test("writing a set in a new case replaces its rows: IXFR and storage carry the new case", async () => {
    const { store, storage } = await imported();
    const cs = await store.transaction(ZONE, (tx) => tx.replaceRRset(`MIXEDCASE.${ZONE}`, "A", 300, ["192.0.2.80"]));
    expect(cs!.removed.slice(1).map((r) => r.name)).toEqual([`MixedCase.${ZONE}`]);
    expect(cs!.added.slice(1).map((r) => r.name)).toEqual([`MIXEDCASE.${ZONE}`]);
    expect(rows((await storage.loadAll())[0].records)).toContain(`MIXEDCASE.${ZONE} A 192.0.2.80`);
  });

  test("a re-import in other case changes only the case; the same file again changes nothing", async () => {
    const { store } = await imported();
    expect(await store.importZone(ZONE, parseMasterFile(TEXT, ZONE))).toBeNull();
    const cs = await store.importZone(ZONE, parseMasterFile(TEXT.replace("Alias      IN CNAME Target.Example.test.", "alias IN CNAME target.example.test."), ZONE));
    expect(cs!.removed.slice(1).map((r) => `${r.name} ${r.data}`)).toEqual([`Alias.${ZONE} Target.Example.test.`]);
    expect(cs!.added.slice(1).map((r) => `${r.name} ${r.data}`)).toEqual([`alias.${ZONE} target.example.test.`]);
  });

  test("rdataKey folds only names: TXT, CAA values and RRSIG signatures keep their case", () => {
    expect(rdataKey("MX", "10 Mail.Example.test.")).toBe("10 mail.example.test.");
    expect(rdataKey("SOA", "Ns1.X. Host.X. 1 2 3 4 5")).toBe("ns1.x. host.x. 1 2 3 4 5");
    expect(rdataKey("TXT", '"Keep Me"')).toBe('"Keep Me"');
    expect(rdataKey("CAA", '0 issue "Ca.Example"')).toBe('0 issue "Ca.Example"');
    expect(rdataKey("RRSIG", "A 13 2 300 20260101000000 20251201000000 1 Example.Test. AbC=")).toBe("A 13 2 300 20260101000000 20251201000000 1 example.test. AbC=");
  });

  test("rdataKey folds the names of the newer types too: DNAME, RP, the SVCB/HTTPS target, the NAPTR replacement", () => {
    expect(rdataKey("DNAME", "Other.Example.")).toBe(rdataKey("DNAME", "other.example."));
    expect(rdataKey("RP", "Admin.Example. Info.Example.")).toBe("admin.example. info.example.");
    expect(rdataKey("HTTPS", "1 Svc.Example. alpn=h2")).toBe(rdataKey("HTTPS", "1 svc.example. alpn=h2"));
    expect(rdataKey("SVCB", "1 svc.example. alpn=H2")).not.toBe(rdataKey("SVCB", "1 svc.example. alpn=h2"));
    expect(rdataKey("NAPTR", '100 10 "U" "E2U+sip" "!^.*$!sip:Info@Example.com!" Sip.Example.')).toBe('100 10 "U" "E2U+sip" "!^.*$!sip:Info@Example.com!" sip.example.');
  });
});

describe("signing uses the canonical form", () => {
  test("canonical wire lower-cases names in rdata (RFC 4034 §6.2) but not the NSEC next name (RFC 6840 §5.1)", () => {
    expect(Buffer.from(canonicalWire("CNAME", "Target.Example.")).toString("latin1")).toBe("\x06target\x07example\x00");
    expect(Buffer.from(canonicalWire("NSEC", "Next.Example. A")).toString("latin1")).toStartWith("\x04Next\x07Example\x00");
  });

  for (const denial of ["nsec3", "nsec"] as const) {
    test(`a mixed-case zone signed with ${denial} validates, before and after a change, and keeps its case`, async () => {
      const { store, zoneKeys } = await open(new MemoryZoneStorage(), randomBytes(32));
      await store.createZoneFromRecords(ZONE, parseMasterFile(TEXT, ZONE));
      await zoneKeys.enableDnssec(ZONE, { denial });
      expect(checkSignedZone(store.zone(ZONE)!)).toEqual([]);
      await store.transaction(ZONE, (tx) => {
        tx.replaceRRset(`NewName.${ZONE}`, "TXT", 300, ['"New"']);
        tx.deleteRRset(`deep.er.name.${ZONE}`, "TXT");
      });
      const z = store.zone(ZONE)!;
      expect(checkSignedZone(z)).toEqual([]);
      expect(z.get(`newname.${ZONE}`, "TXT")!.name).toBe(`NewName.${ZONE}`);
      expect(z.get(`mixedcase.${ZONE}`, "A")!.name).toBe(`MixedCase.${ZONE}`);
      if (denial === "nsec") {
        // The chain runs in canonical (lower-case) order; its records sit at the owners as written.
        expect(z.get(`mixedcase.${ZONE}`, "NSEC")!.name).toBe(`MixedCase.${ZONE}`);
        expect(z.get(`mixedcase.${ZONE}`, "NSEC")!.data[0]).toStartWith(`newname.${ZONE}. `);
      }
    });
  }
});
