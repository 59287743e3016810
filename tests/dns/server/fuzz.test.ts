// Robustness: well over 100,000 random and mutated packets into the responder in-process, and a sample
// over real UDP and TCP sockets. Every packet gets FORMERR-or-another-answer within size, or nothing;
// nothing throws; the server still answers correctly afterwards.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { listenDns, Responder, type DnsListener, type Peer } from "../../../src/dns/server/index.ts";
import { signMessage, tsigKeyFromBase64 } from "../../../src/dns/wire/index.ts";
import { dig } from "../../support/dig.ts";
import { freePort, havePeers } from "../../support/net.ts";
import { fixtureStore } from "./fixture.ts";
import { rng } from "../../support/rng.ts";

function q(name: string, type: number, opts: { opcode?: number; edns?: number[]; an?: number[]; ns?: number[]; counts?: number[] } = {}): Uint8Array {
  const out = [0x12, 0x34, (opts.opcode ?? 0) << 3, 0, 0, 1, 0, opts.an ? 1 : 0, 0, opts.ns ? 1 : 0, 0, opts.edns ? 1 : 0];
  for (const l of name.split(".").filter(Boolean)) out.push(l.length, ...new TextEncoder().encode(l));
  out.push(0, type >> 8, type & 0xff, 0, 1);
  if (opts.an) out.push(...opts.an);
  if (opts.ns) out.push(...opts.ns);
  if (opts.edns) out.push(...opts.edns);
  return Uint8Array.from(out);
}

const OPT = [0, 0, 41, 0x10, 0, 0, 0, 0x80, 0, 0, 4, 0, 10, 0, 0];
const KEY = tsigKeyFromBase64("fuzz-key", "hmac-sha256", Buffer.from("0123456789abcdef0123456789abcdef").toString("base64"));
const SOA_RR = [0xc0, 0x0c, 0, 6, 0, 1, 0, 0, 0, 0, 0, 22, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const SEEDS: Uint8Array[] = [
  q("www.example.org", 1),
  q("WWW.Example.ORG", 28, { edns: OPT }),
  q("big.example.org", 16, { edns: OPT }),
  q("alias.example.org", 1),
  q("host.wild.example.org", 255),
  q("host.sub.example.org", 1, { edns: OPT }),
  q("example.org", 252),
  q("example.org", 251, { ns: SOA_RR }),
  q("example.org", 6, { opcode: 5, ns: [0xc0, 0x0c, 0, 1, 0, 0xff, 0, 0, 0, 0, 0, 0] }),
  q("example.org", 6, { opcode: 4 }),
  signMessage(q("example.org", 6, { opcode: 5 }), KEY).wire,
  signMessage(q("www.example.org", 1), KEY).wire,
  q("version.bind", 16),
];

/** One hostile packet, derived from a seed packet or from nothing. */
function mutate(r: () => number): Uint8Array {
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const base = pick(SEEDS).slice();
  const kind = Math.floor(r() * 10);
  const b = base;
  switch (kind) {
    case 0: // pure random
      return Uint8Array.from({ length: Math.floor(r() * 600) }, () => Math.floor(r() * 256));
    case 1: // truncated
      return b.slice(0, Math.floor(r() * b.length));
    case 2: // bit flips
      for (let i = 0, n = 1 + Math.floor(r() * 8); i < n; i++) b[Math.floor(r() * b.length)] ^= 1 << Math.floor(r() * 8);
      return b;
    case 3: // huge counts
      for (let i = 4; i < 12; i += 2) if (r() < 0.5) b[i] = 0xff, (b[i + 1] = Math.floor(r() * 256));
      return b;
    case 4: // bad label length
      b[12] = 64 + Math.floor(r() * 192);
      return b;
    case 5: {
      // compression loop in the question name, a pointer forwards, or one back into the header
      const loop = Uint8Array.from([...b.slice(0, 12), 0xc0, pick([12, 14, 2, 4]), 0xc0, 12, 0, 1, 0, 1]);
      return loop;
    }
    case 6: {
      // bad EDNS: two OPTs, OPT with a name, wrong rdlength, version > 0
      const variants = [
        [...OPT, ...OPT],
        [1, 65, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 40, 0, 10],
        [0, 0, 41, 0x10, 0, 0, 3, 0, 0, 0, 0],
        [0, 0, 41, 0, 0, 0, 0, 0, 0, 0, 0],
      ];
      const v = pick(variants);
      const out = Uint8Array.from([...q("www.example.org", 1), ...v]);
      out[11] = v === variants[0] ? 2 : 1;
      return out;
    }
    case 7: // garbage appended
      return Uint8Array.from([...b, ...Array.from({ length: 1 + Math.floor(r() * 40) }, () => Math.floor(r() * 256))]);
    case 8: // random flags/opcode
      b[2] = Math.floor(r() * 256);
      b[3] = Math.floor(r() * 256);
      return b;
    default: // overwrite a random run
      for (let i = Math.floor(r() * b.length), n = 0; n < 6 && i < b.length; i++, n++) b[i] = Math.floor(r() * 256);
      return b;
  }
}

/** Largest answer a query may get over UDP: 512, or its EDNS size up to 1232 (we cannot know here which). */
const CEILING = 1232;

let server: DnsListener;
let port: number;
let responder: Responder;
const errors: string[] = [];

beforeAll(async () => {
  const { store } = await fixtureStore();
  responder = new Responder({ store, keys: [KEY], chaos: { version: "x" }, log: (m) => errors.push(m) });
  port = await freePort();
  server = await listenDns({ listen: [`127.0.0.1:${port}`], responder, tcpIdleMs: 1000 });
});
afterAll(async () => {
  await server?.stop();
});

describe("fuzzing", () => {
  test("120,000 packets in-process: no exception, FORMERR never larger than the query, nothing over the UDP ceiling", async () => {
    const r = rng(20261126);
    const peer: Peer = { transport: "udp", address: "127.0.0.1", port: 5353 };
    let answered = 0;
    let formerr = 0;
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 120_000; i++) {
      const pkt = mutate(r);
      const outs: Uint8Array[] = [];
      const res = responder.handle(pkt, peer, (o) => outs.push(o));
      if (res instanceof Promise) pending.push(res);
      for (const o of outs) {
        answered++;
        expect(o.length).toBeLessThanOrEqual(CEILING);
        // Without OPT in the query (no byte 41 after a root label is a cheap over-approximation) ≤ 512.
        if ((o[3] & 0xf) === 1) {
          formerr++;
          if (o.length > pkt.length) throw new Error(`FORMERR of ${o.length} octets to a ${pkt.length}-octet query: ${Buffer.from(pkt).toString("hex")}`);
        }
        if (o.length > 512 && ((pkt[10] << 8) | pkt[11]) === 0) throw new Error(`answer of ${o.length} octets to a query without EDNS: ${Buffer.from(pkt).toString("hex")}`);
      }
    }
    await Promise.all(pending);
    expect(errors).toEqual([]);
    expect(answered).toBeGreaterThan(10_000);
    expect(formerr).toBeGreaterThan(1000);
  }, 60_000);

  test.if(havePeers("dig"))("a sample over real UDP and TCP, garbage TCP lengths included; the server still answers", async () => {
    const r = rng(7);
    const udp = await Bun.udpSocket({ binaryType: "uint8array", socket: { data() {} } });
    for (let i = 0; i < 3000; i++) udp.send(mutate(r), port, "127.0.0.1");
    udp.close();
    for (let c = 0; c < 20; c++) {
      const sock = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
      const parts: number[] = [];
      for (let i = 0; i < 20; i++) {
        const p = mutate(r);
        // Half the time a length prefix that lies.
        const len = r() < 0.5 ? p.length : Math.floor(r() * 65536);
        parts.push(len >> 8, len & 0xff, ...p);
      }
      sock.write(Uint8Array.from(parts));
      sock.end();
    }
    await Bun.sleep(300);
    const d = await dig("127.0.0.1", port, "www.example.org", "A");
    expect(d.status).toBe("NOERROR");
    expect(d.answer).toEqual(["www.example.org. 300 IN A 192.0.2.80"]);
    const t = await dig("127.0.0.1", port, "www.example.org", "A", ["+tcp"]);
    expect(t.answer).toEqual(["www.example.org. 300 IN A 192.0.2.80"]);
    expect(errors).toEqual([]);
  }, 30_000);
});
