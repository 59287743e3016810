// The hand-written hot-path parser: what it takes, and that everything unusual goes to the slow path.
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import * as packet from "dns-packet";
import { answer, encodeResponse, encodeWithin, parseFastQuery, type ResponseParts, udpLimit } from "../../../src/dns/server/index.ts";
import type { RR } from "../../../src/dns/zone/index.ts";
import { MemoryZoneStorage, parseMasterFile, ZoneKeys } from "../../../src/dns/zone/index.ts";

function q(name: string, type = 1, tail: number[] = [], ar = 0): Uint8Array {
  const b = [0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, ar];
  for (const l of name.split(".")) b.push(l.length, ...new TextEncoder().encode(l));
  b.push(0, type >> 8, type & 0xff, 0, 1, ...tail);
  return Uint8Array.from(b);
}

describe("parseFastQuery", () => {
  test("a plain query: lower-cased name, type, class, no EDNS", () => {
    expect(parseFastQuery(q("WWW.Example.org"))).toEqual({ id: 0xabcd, flags: 0x0100, qnameEnd: 29, qname: "www.example.org", qtype: 1, qclass: 1, edns: null });
  });
  test("with an OPT record: size, version and DO", () => {
    const p = parseFastQuery(q("a.b", 28, [0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0], 1))!;
    expect(p.edns).toEqual({ udpSize: 1232, version: 0, do: true });
  });
  test("everything unusual returns null (slow path)", () => {
    const compressed = q("a.b");
    compressed[12] = 0xc0;
    const trailing = Uint8Array.from([...q("a.b"), 1, 2, 3]);
    const twoQ = q("a.b");
    twoQ[5] = 2;
    const response = q("a.b");
    response[2] |= 0x80;
    const badOpt = q("a.b", 1, [0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 9], 1);
    const dotted = q("a.b");
    dotted[13] = 0x2e;
    for (const p of [compressed, trailing, twoQ, response, badOpt, dotted, q("a.b").slice(0, 15)]) expect(parseFastQuery(p)).toBeNull();
  });
});

describe("udpLimit", () => {
  test("512 without EDNS; the client's size within [512, max]", () => {
    expect(udpLimit(null, 1232)).toBe(512);
    expect(udpLimit({ udpSize: 4096, version: 0, do: false }, 1232)).toBe(1232);
    expect(udpLimit({ udpSize: 100, version: 0, do: false }, 1232)).toBe(512);
    expect(udpLimit({ udpSize: 800, version: 0, do: false }, 1232)).toBe(800);
  });
});

describe("encodeWithin (RFC 2181 §9, RFC 4035 §3.1.1)", () => {
  const text = `
$ORIGIN fit.test.
$TTL 300
@    IN SOA ns1 hostmaster 1 60 30 3600 60
@    IN NS ns1
@    IN NS ns2
ns1  IN A 192.0.2.1
ns1  IN AAAA 2001:db8::1
ns2  IN A 192.0.2.2
sub  IN NS ns.sub
sub  IN NS ns2.sub
ns.sub  IN A 192.0.2.10
ns2.sub IN A 192.0.2.11
`;
  const store = ZoneKeys.open(new MemoryZoneStorage(), { dnssec: { masterKey: randomBytes(32) } }).then(async (zoneKeys) => {
    const s = zoneKeys.store;
    await s.createZoneFromRecords("fit.test", parseMasterFile(text, "fit.test"), "unixtime");
    await zoneKeys.enableDnssec("fit.test");
    return s;
  });
  const parts = async (qname: string, qtype: number): Promise<ResponseParts> => {
    const a = answer((await store).snapshot(), qname, qtype, true);
    return { id: 1, flags: 0x8400, rcode: 0, question: { nameBytes: nameBytesOf(qname), qname, qtype, qclass: 1 }, answer: a.answer, authority: a.authority, additional: a.additional, edns: { udpSize: 1232, do: true } };
  };
  const decode = (b: Uint8Array) => packet.decode(Buffer.from(b));
  const additional = (b: Uint8Array) => (decode(b).additionals ?? []).filter((r) => r.type !== "OPT").map((r) => `${r.name} ${r.type}`);
  const tc = (b: Uint8Array) => (decode(b).flags! & 0x200) !== 0;

  test("the additional RRSIGs follow all the addresses and go first, one covered set at a time, without TC", async () => {
    const p = await parts("fit.test", 2);
    expect(p.additional.map((r) => `${r.name} ${r.type}`)).toEqual(["ns1.fit.test A", "ns1.fit.test AAAA", "ns2.fit.test A", "ns1.fit.test RRSIG", "ns1.fit.test RRSIG", "ns2.fit.test RRSIG"]);
    const full = encodeResponse(p);
    const lessOne = encodeWithin(p, full.length - 1);
    expect(additional(lessOne)).toEqual(["ns1.fit.test A", "ns1.fit.test AAAA", "ns2.fit.test A", "ns1.fit.test RRSIG", "ns1.fit.test RRSIG"]);
    expect(tc(lessOne)).toBe(false);
    const lessTwo = encodeWithin(p, lessOne.length - 1);
    expect(additional(lessTwo)).toEqual(["ns1.fit.test A", "ns1.fit.test AAAA", "ns2.fit.test A", "ns1.fit.test RRSIG"]);
    expect((decode(lessTwo).additionals!.find((r) => r.type === "RRSIG") as { data: { typeCovered: string } }).data.typeCovered).toBe("A");
    const addressesOnly = encodeResponse({ ...p, additional: p.additional.filter((r: RR) => r.type !== "RRSIG") });
    const out = encodeWithin(p, addressesOnly.length);
    expect(additional(out)).toEqual(["ns1.fit.test A", "ns1.fit.test AAAA", "ns2.fit.test A"]);
    expect(tc(out)).toBe(false);
    // Then the addresses themselves, still without TC: they are not required in an authoritative answer.
    const fewer = encodeWithin(p, addressesOnly.length - 1);
    expect(additional(fewer)).toEqual(["ns1.fit.test A", "ns1.fit.test AAAA"]);
    expect(tc(fewer)).toBe(false);
    expect(decode(fewer).answers!.map((r) => r.type)).toEqual(["NS", "NS", "RRSIG"]);
  });

  test("referral glue that does not all fit sets TC", async () => {
    const p = await parts("host.sub.fit.test", 1);
    expect(p.additional.map((r) => r.type)).toEqual(["A", "A"]);
    const full = encodeResponse(p);
    const out = encodeWithin(p, full.length - 1, true);
    expect(additional(out)).toEqual(["ns.sub.fit.test A"]);
    expect(tc(out)).toBe(true);
  });

  test("an answer whose RRSIG does not fit is not sent without it: TC and empty sections", async () => {
    const p = await parts("fit.test", 2);
    const answerOnly = encodeResponse({ ...p, additional: [] });
    const out = encodeWithin(p, answerOnly.length - 1);
    expect(tc(out)).toBe(true);
    expect(decode(out).answers ?? []).toEqual([]);
  });
});

function nameBytesOf(name: string): Uint8Array {
  const b: number[] = [];
  for (const l of name.split(".")) b.push(l.length, ...new TextEncoder().encode(l));
  b.push(0);
  return Uint8Array.from(b);
}
