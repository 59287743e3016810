// Answers from a signed zone: DNSSEC records only with the DO bit (RFC 4035 §3.2.1), RRSIGs beside each
// set, NSEC3/NSEC proofs for NXDOMAIN, NODATA, wildcards and unsigned delegations (RFC 5155 §7.2), DNSKEY
// at the apex, and UDP answers within 1232 octets or truncated.
import { beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import * as packet from "dns-packet";
import { Responder } from "../../../src/dns/server/index.ts";
import { nsec3Hash } from "../../../src/dns/dnssec/index.ts";
import { MemoryZoneStorage, parseMasterFile, ZoneKeys, ZoneStore } from "../../../src/dns/zone/index.ts";
import { bigTxt, EXAMPLE_ORG, OTHER_TEST } from "./fixture.ts";

const TYPES: Record<string, number> = { A: 1, NS: 2, MX: 15, TXT: 16, AAAA: 28, DS: 43, RRSIG: 46, DNSKEY: 48 };

function query(name: string, type: string, dnssecOk: boolean): Uint8Array {
  const parts: number[] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1];
  for (const l of name.split(".")) parts.push(l.length, ...Buffer.from(l));
  parts.push(0, 0, TYPES[type], 0, 1);
  parts.push(0, 0, 41, 0x04, 0xd0, 0, 0, dnssecOk ? 0x80 : 0, 0, 0, 0);
  return Uint8Array.from(parts);
}

let responder: Responder;
let store: ZoneStore;
let zoneKeys: ZoneKeys;

function ask(name: string, type: string, dnssecOk = true, transport: "udp" | "tcp" = "udp"): { msg: packet.Packet; size: number } {
  let out: Uint8Array | null = null;
  void responder.handle(query(name, type, dnssecOk), { transport, address: "127.0.0.1", port: 5300 }, (m) => (out = m));
  return { msg: packet.decode(Buffer.from(out!)), size: out!.length };
}

const rcodeOf = (m: packet.Packet) => (m as { rcode?: string }).rcode;
const types = (rrs: packet.Answer[] | undefined) => (rrs ?? []).map((r) => r.type);
const owners = (rrs: packet.Answer[] | undefined, type: string) => (rrs ?? []).filter((r) => r.type === type).map((r) => r.name.toLowerCase());

beforeAll(async () => {
  zoneKeys = await ZoneKeys.open(new MemoryZoneStorage(), { dnssec: { masterKey: randomBytes(32) } });
  store = zoneKeys.store;
  await store.createZoneFromRecords("example.org", [...parseMasterFile(EXAMPLE_ORG, "example.org"), ...parseMasterFile(bigTxt(), "example.org")], "dateserial");
  await store.createZoneFromRecords("other.test", parseMasterFile(OTHER_TEST, "other.test"), "unixtime");
  await zoneKeys.enableDnssec("example.org");
  responder = new Responder({ store });
});

describe("the DO bit", () => {
  test("without it: no RRSIG, no NSEC3, and DO is not set in our OPT", () => {
    const { msg } = ask("www.example.org", "A", false);
    expect(types(msg.answers)).toEqual(["A"]);
    const nx = ask("nope.example.org", "A", false).msg;
    expect(rcodeOf(nx)).toBe("NXDOMAIN");
    expect(types(nx.authorities)).toEqual(["SOA"]);
  });
  test("with it: the answer's RRSIG, DO echoed, AD never set by an authoritative server", () => {
    const { msg } = ask("www.example.org", "A");
    expect(types(msg.answers)).toEqual(["A", "RRSIG"]);
    expect((msg.additionals?.find((r) => r.type === "OPT") as { flags?: number }).flags! & 0x8000).toBe(0x8000);
    expect(msg.flags! & 0x20).toBe(0);
  });
  test("an unsigned zone answers DO queries without DNSSEC records", () => {
    const { msg } = ask("host.other.test", "A");
    expect(types(msg.answers)).toEqual(["A"]);
  });
  test("DNSKEY at the apex, signed", () => {
    const { msg } = ask("example.org", "DNSKEY");
    expect(types(msg.answers)).toEqual(["DNSKEY", "RRSIG"]);
  });
});

describe("denial proofs (NSEC3, RFC 5155 §7.2)", () => {
  const h = (n: string) => `${nsec3Hash(n)}.example.org`;
  test("NXDOMAIN: closest encloser matched, next closer and wildcard covered, SOA signed", () => {
    const { msg } = ask("a.nope.example.org", "A");
    expect(rcodeOf(msg)).toBe("NXDOMAIN");
    expect(owners(msg.authorities, "SOA")).toEqual(["example.org"]);
    expect(owners(msg.authorities, "RRSIG")).toContain("example.org");
    const nsec3 = owners(msg.authorities, "NSEC3");
    expect(nsec3).toContain(h("example.org"));
    expect(nsec3.length).toBeGreaterThanOrEqual(2);
    expect(nsec3.length).toBeLessThanOrEqual(3);
    expect(owners(msg.authorities, "RRSIG").filter((o) => o !== "example.org").sort()).toEqual([...nsec3].sort());
  });
  test("NODATA: the NSEC3 matching the name, whose bitmap lacks the type", () => {
    const { msg } = ask("mail.example.org", "AAAA");
    expect(rcodeOf(msg)).toBe("NOERROR");
    expect(msg.answers).toEqual([]);
    expect(owners(msg.authorities, "NSEC3")).toEqual([h("mail.example.org")]);
    const rr = msg.authorities!.find((r) => r.type === "NSEC3") as unknown as { data: { rrtypes: string[] } };
    expect(rr.data.rrtypes).toContain("A");
    expect(rr.data.rrtypes).not.toContain("AAAA");
  });
  test("empty non-terminal: NODATA with its own NSEC3", () => {
    const { msg } = ask("b.deep.example.org", "A");
    expect(rcodeOf(msg)).toBe("NOERROR");
    expect(owners(msg.authorities, "NSEC3")).toEqual([h("b.deep.example.org")]);
  });
  test("wildcard answer: the RRSIG's labels show the wildcard, the next closer name is covered", () => {
    const { msg } = ask("x.wild.example.org", "A");
    expect(types(msg.answers)).toEqual(["A", "RRSIG"]);
    const sig = msg.answers!.find((r) => r.type === "RRSIG") as unknown as { name: string; data: { labels: number } };
    expect(sig.name.toLowerCase()).toBe("x.wild.example.org");
    expect(sig.data.labels).toBe(3);
    expect(owners(msg.authorities, "NSEC3").length).toBe(1);
  });
  test("wildcard NODATA: closest encloser, next closer and the wildcard's NSEC3", () => {
    const { msg } = ask("x.wild.example.org", "AAAA");
    expect(msg.answers).toEqual([]);
    const nsec3 = owners(msg.authorities, "NSEC3");
    expect(nsec3).toContain(h("wild.example.org"));
    expect(nsec3).toContain(h("*.wild.example.org"));
  });
  test("referral to an unsigned delegation: NS and the NSEC3 proving there is no DS", () => {
    const { msg } = ask("host.sub.example.org", "A");
    expect(msg.flags! & 0x400).toBe(0);
    expect(types(msg.authorities)).toEqual(["NS", "NSEC3", "RRSIG"]);
    expect(owners(msg.authorities, "NSEC3")).toEqual([h("sub.example.org")]);
  });
  test("DS at the delegation is the parent's answer: authoritative NODATA, not a referral", () => {
    const { msg } = ask("sub.example.org", "DS");
    expect(msg.flags! & 0x400).toBe(0x400);
    expect(owners(msg.authorities, "NSEC3")).toEqual([h("sub.example.org")]);
  });
  test("an NSEC3 owner name is not a name of the zone", () => {
    const { msg } = ask(h("www.example.org"), "A", false);
    expect(rcodeOf(msg)).toBe("NXDOMAIN");
  });
});

const sigsOf = (rrs: packet.Answer[] | undefined) =>
  (rrs ?? []).filter((r) => r.type === "RRSIG").map((r) => `${r.name.toLowerCase()} ${(r.data as { typeCovered: string }).typeCovered}`).sort();

describe("additional section with DO (RFC 4035 §3.1.1)", () => {
  test("an MX answer's exchange address comes with its RRSIG, after the addresses", () => {
    const { msg } = ask("example.org", "MX");
    const add = (msg.additionals ?? []).filter((r) => r.type !== "OPT");
    expect(add.map((r) => `${r.name} ${r.type}`)).toEqual(["mail.example.org A", "mail.example.org RRSIG"]);
    expect(sigsOf(add)).toEqual(["mail.example.org A"]);
  });
  test("NS at the apex: the in-zone name server's address is signed, the out-of-zone one has none here", () => {
    const { msg } = ask("example.org", "NS");
    expect(sigsOf(msg.additionals)).toEqual(["ns1.example.org A"]);
  });
  test("without DO no RRSIG in the additional section", () => {
    expect(sigsOf(ask("example.org", "MX", false).msg.additionals)).toEqual([]);
  });
  test("an unsigned zone's NS in a signed zone: the address is the signed zone's data and keeps its RRSIG", () => {
    expect(sigsOf(ask("other.test", "NS").msg.answers)).toEqual([]);
    expect(sigsOf(ask("other.test", "NS").msg.additionals)).toEqual(["ns1.example.org A"]);
  });
  test("when the other zone changes, the cached answer shows its new address and signature", async () => {
    const dataOf = (rrs: packet.Answer[], type: string) => rrs.filter((r) => r.type === type).map((r) => JSON.stringify((r as { data: unknown }).data));
    const before = dataOf(ask("other.test", "NS").msg.additionals!, "RRSIG");
    await store.transaction("example.org", (tx) => tx.replaceRRset("ns1.example.org", "A", 300, ["192.0.2.153"]));
    try {
      const add = ask("other.test", "NS").msg.additionals!;
      expect(dataOf(add, "A")).toEqual(['"192.0.2.153"']);
      expect(dataOf(add, "RRSIG")).not.toEqual(before);
    } finally {
      await store.transaction("example.org", (tx) => tx.replaceRRset("ns1.example.org", "A", 300, ["192.0.2.53"]));
    }
  });
  test("a referral's glue has no signatures", () => {
    const { msg } = ask("host.sub.example.org", "A");
    expect(types((msg.additionals ?? []).filter((r) => r.type !== "OPT"))).toEqual(["A"]);
  });
});

describe("qtype RRSIG", () => {
  test("answers with the RRSIGs at the name, with or without DO (RFC 4035 §3.2.1)", () => {
    for (const dnssecOk of [true, false]) {
      const { msg } = ask("www.example.org", "RRSIG", dnssecOk);
      expect(rcodeOf(msg)).toBe("NOERROR");
      expect(msg.flags! & 0x400).toBe(0x400);
      expect(sigsOf(msg.answers)).toEqual(["www.example.org A", "www.example.org AAAA"]);
      expect(msg.authorities ?? []).toEqual([]);
    }
  });
  test("at a CNAME: the CNAME's RRSIG, and the alias is not followed", () => {
    const { msg } = ask("alias.example.org", "RRSIG");
    expect(types(msg.answers)).toEqual(["RRSIG"]);
    expect(sigsOf(msg.answers)).toEqual(["alias.example.org CNAME"]);
  });
  test("at a wildcard: the wildcard's RRSIGs under the query name", () => {
    const { msg } = ask("x.wild.example.org", "RRSIG");
    expect(sigsOf(msg.answers)).toEqual(["x.wild.example.org A", "x.wild.example.org TXT"]);
  });
  test("a name without signatures is NODATA; a missing name NXDOMAIN", () => {
    const unsigned = ask("host.other.test", "RRSIG").msg;
    expect([rcodeOf(unsigned), types(unsigned.answers), types(unsigned.authorities)]).toEqual(["NOERROR", [], ["SOA"]]);
    expect(rcodeOf(ask("nope.example.org", "RRSIG").msg)).toBe("NXDOMAIN");
  });
});

describe("size", () => {
  test("UDP answers stay within 1232 octets; a signed set too large is truncated, TCP gets it whole", () => {
    for (const [n, t] of [["www.example.org", "A"], ["nope.example.org", "A"], ["example.org", "DNSKEY"], ["x.wild.example.org", "AAAA"]] as const) expect(ask(n, t).size).toBeLessThanOrEqual(1232);
    const big = ask("big.example.org", "TXT");
    expect(big.size).toBeLessThanOrEqual(1232);
    expect(big.msg.flags! & 0x200).toBe(0x200);
    const tcp = ask("big.example.org", "TXT", true, "tcp");
    expect(types(tcp.msg.answers).filter((t) => t === "RRSIG")).toEqual(["RRSIG"]);
  });
});

describe("robustness", () => {
  test("random names and types with DO: every answer decodes, fits 1232 octets, and is NOERROR or NXDOMAIN", () => {
    const labels = ["www", "wild", "x", "deep", "b", "a", "sub", "ns", "mail", "alias", "nope", "_tcp", "_sip", "*"];
    const typeNames = Object.keys(TYPES);
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    for (let i = 0; i < 400; i++) {
      const depth = rnd(4);
      const name = [...Array.from({ length: depth }, () => labels[rnd(labels.length)]), "example.org"].join(".");
      const { msg, size } = ask(name, typeNames[rnd(typeNames.length)]);
      expect(size).toBeLessThanOrEqual(1232);
      expect(["NOERROR", "NXDOMAIN"]).toContain(rcodeOf(msg)!);
    }
  });
});
