// Hostile DNS over the wire against dist/updns (the in-process fuzzer is tests/dns/server/fuzz.test.ts):
// random and mutated queries, mutated TSIG-signed UPDATEs made with the real update key, unsigned UPDATEs,
// over UDP and TCP, broken length prefixes. Every answer is a DNS response (QR set, ID echoed, within 512
// octets over UDP without EDNS), nothing in the zone changes, the server keeps answering, logs no failure.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { havePeers } from "../support/net.ts";
import { dig, rdata } from "../support/dig.ts";
import { axfrLines, nicUpdate, startWorld, type World } from "../support/world.ts";
import { tcpDns, udpBlast } from "../support/raw.ts";
import { buildQuery, buildUpdate } from "../../src/dns/rfc2136/index.ts";
import { signMessage } from "../../src/dns/wire/index.ts";
import { rng } from "../support/rng.ts";

const ok = havePeers("dig");
const SEED = Number(process.env.UPDNS_FUZZ_SEED ?? 1126);
const UDP_PACKETS = 4000;
const TCP_MESSAGES = 150;

describe.skipIf(!ok)("DNS fuzzing over the wire against dist/updns", () => {
  let world: World;
  let seeds: Uint8Array[] = [];
  let zoneBefore: string[] = [];

  beforeAll(async () => {
    world = await startWorld({ hosts: 1 });
    expect((await nicUpdate(world.url, world.hosts[0], "192.0.2.1")).body).toBe("good 192.0.2.1");
    const z = world.zone;
    const upd = buildUpdate(7, z, [{ op: "add", name: `fuzz.${z}`, type: "A", ttl: 60, value: "192.0.2.66" }]);
    // The signed seed deletes a name that does not exist: a replay of it with another ID is still valid
    // (RFC 8945 §4.3.1: the MAC covers the original ID), so it must be one that changes nothing.
    const noop = buildUpdate(8, z, [{ op: "deleteName", name: `nothere.${z}` }]);
    seeds = [
      buildQuery(1, world.hosts[0].fqdn, "A"),
      buildQuery(2, z, "SOA"),
      buildQuery(3, `nothere.${z}`, "AAAA"),
      buildQuery(4, z, "ANY"),
      buildQuery(5, "version.bind", "TXT"),
      upd, // unsigned: REFUSED
      signMessage(noop, world.updateKey).wire, // signed: mutations break the MAC
      signMessage(buildQuery(6, z, "SOA"), world.updateKey).wire,
    ];
    zoneBefore = (await axfrLines("127.0.0.1", world.dnsPort, z, world.xfer)).sort();
  }, 30_000);

  afterAll(async () => {
    await world?.close();
  });

  function mutate(r: () => number): Uint8Array {
    const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
    const b = pick(seeds).slice();
    switch (Math.floor(r() * 8)) {
      case 0: // noise of any length a datagram may have
        return Uint8Array.from({ length: Math.floor(r() * 600) }, () => Math.floor(r() * 256));
      case 1: // flipped bits
        for (let i = 0; i < 1 + r() * 6; i++) b[Math.floor(r() * b.length)] ^= 1 << Math.floor(r() * 8);
        return b;
      case 2: // cut short
        return b.slice(0, Math.floor(r() * b.length));
      case 3: // absurd section counts
        b[4 + 2 * Math.floor(r() * 4)] = 0xff;
        return b;
      case 4: // a compression pointer to itself or beyond the end
        b[12] = 0xc0;
        b[13] = pick([12, 0xff, 0]);
        return b;
      case 5: // opcode and flags at random
        b[2] = Math.floor(r() * 256);
        b[3] = Math.floor(r() * 256);
        return b;
      case 6: // trailing garbage
        return Uint8Array.from([...b, ...Array.from({ length: 1 + Math.floor(r() * 40) }, () => Math.floor(r() * 256))]);
      default: // the seed, intact except for its ID
        b[0] = Math.floor(r() * 256);
        return b;
    }
  }

  test(`${UDP_PACKETS} hostile datagrams: only well-formed answers, the zone unchanged`, async () => {
    const r = rng(SEED);
    const packets = Array.from({ length: UDP_PACKETS }, () => mutate(r));
    const answers = await udpBlast("127.0.0.1", world.dnsPort, packets, 800);
    const rcodes = new Map<number, number>();
    const bad: string[] = [];
    for (const a of answers) {
      if (a.length < 12 || !(a[2] & 0x80)) bad.push(`not a response: ${Buffer.from(a.slice(0, 16)).toString("hex")}`);
      if (a.length > 512 && !a.includes(41)) bad.push(`UDP answer of ${a.length} octets`);
      rcodes.set(a[3] & 15, (rcodes.get(a[3] & 15) ?? 0) + 1);
    }
    const names = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"];
    console.log(`dns fuzz: ${UDP_PACKETS} datagrams (seed ${SEED}), ${answers.length} answers: ${[...rcodes].sort().map(([c, n]) => `${names[c] ?? c}:${n}`).join(" ")}`);
    expect(bad.slice(0, 5)).toEqual([]);
    // Most hostile packets deserve an answer (FORMERR at least); silence is only for ones without a header.
    // (A loose bound: UDP on a busy 2-core machine drops some answers, which is no fault of the server.)
    expect(answers.length).toBeGreaterThan(UDP_PACKETS / 4);
    expect(rcodes.get(2) ?? 0).toBe(0); // SERVFAIL would mean our own failure
  });

  test(`${TCP_MESSAGES} hostile TCP messages and broken length prefixes: answers or a clean close`, async () => {
    const r = rng(SEED + 1);
    let answered = 0;
    const messages = Array.from({ length: TCP_MESSAGES }, () => mutate(r));
    // Ten connections at a time; a message that gets no answer is given 200 ms.
    for (let i = 0; i < messages.length; i += 10) {
      const results = await Promise.all(messages.slice(i, i + 10).map((m) => tcpDns("127.0.0.1", world.dnsPort, m, true, 200)));
      for (const res of results) {
        if (!res.answer) continue;
        answered++;
        expect(res.answer[2] & 0x80).toBe(0x80);
      }
    }
    // Length prefixes that lie: longer than what follows, zero, a lone octet.
    for (const raw of [Uint8Array.from([0xff, 0xff, 1, 2, 3]), Uint8Array.from([0, 0]), Uint8Array.from([0]), Uint8Array.from([0, 5, 1, 2, 3, 4, 5, 0, 3])]) {
      const res = await tcpDns("127.0.0.1", world.dnsPort, raw, false, 500);
      expect(res.answer === null || (res.answer[2] & 0x80) === 0x80).toBe(true);
    }
    console.log(`dns fuzz: ${TCP_MESSAGES + 4} TCP messages, ${answered} answered`);
    expect(answered).toBeGreaterThan(TCP_MESSAGES / 2);
  }, 60_000);

  test("afterwards the zone is what it was, the server answers, and logged no failure", async () => {
    const soa = await dig("127.0.0.1", world.dnsPort, world.hosts[0].fqdn, "A");
    expect(rdata(soa, "A")).toEqual(["192.0.2.1"]);
    expect((await axfrLines("127.0.0.1", world.dnsPort, world.zone, world.xfer)).sort()).toEqual(zoneBefore);
    expect(world.server.proc.exitCode).toBeNull();
    expect(world.server.output()).not.toMatch(/level=error|uncaught|unhandled/i);
  });
});
