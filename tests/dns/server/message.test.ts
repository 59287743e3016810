// The hand-written hot-path parser: what it takes, and that everything unusual goes to the slow path.
import { describe, expect, test } from "bun:test";
import { parseFastQuery, udpLimit } from "../../../src/dns/server/index.ts";

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
