// The same rule table over the wire, with the real dig against a running server, plus the rules that
// only exist on the wire: case echo, EDNS sizes, TC, BADVERS, FORMERR, NOTIMP, CHAOS, TCP pipelining.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import dnsPacket from "dns-packet";
import { listenDns, type DnsListener, Responder } from "../../../src/dns/server/index.ts";
import { dig } from "../../support/dig.ts";
import { freePort, havePeers } from "../../support/net.ts";
import { fixtureStore } from "./fixture.ts";
import { RULES } from "./rules.ts";

const HAVE = havePeers("dig");
let server: DnsListener;
let port: number;

beforeAll(async () => {
  const { store } = await fixtureStore();
  const responder = new Responder({ store, chaos: { version: "updns test" } });
  port = await freePort();
  server = await listenDns({ listen: [`127.0.0.1:${port}`], responder, tcpIdleMs: 2000 });
});
afterAll(async () => {
  await server?.stop();
});

describe.if(HAVE)("rule table over the wire (dig)", () => {
  for (const r of RULES) {
    for (const transport of ["udp", "tcp"]) {
      test(`${r.rule} (${transport})`, async () => {
        const d = await dig("127.0.0.1", port, r.qname, r.qtype, transport === "tcp" ? ["+tcp"] : []);
        expect(d.status).toBe(r.rcode);
        expect(d.flags.includes("aa")).toBe(r.aa);
        expect(d.flags.includes("ra")).toBe(false);
        expect(d.answer).toEqual(r.answer);
        expect(d.authority).toEqual(r.authority);
        if (r.additional) expect(d.additional).toEqual(r.additional);
      });
    }
  }
});

/** Send one raw UDP query and return the answer (or null after 1 s). */
async function udpQuery(msg: Uint8Array): Promise<Uint8Array | null> {
  let resolve!: (b: Uint8Array | null) => void;
  const got = new Promise<Uint8Array | null>((r) => (resolve = r));
  const s = await Bun.udpSocket({ binaryType: "uint8array", socket: { data: (_s, buf) => resolve(buf) } });
  s.send(msg, port, "127.0.0.1");
  const t = setTimeout(() => resolve(null), 1000);
  const out = await got;
  clearTimeout(t);
  s.close();
  return out;
}

function query(name: string, type: number, opts: { id?: number; edns?: { size: number; version?: number }; flags?: number } = {}): Uint8Array {
  const parts: number[] = [(opts.id ?? 0x1234) >> 8, (opts.id ?? 0x1234) & 0xff, (opts.flags ?? 0x0100) >> 8, (opts.flags ?? 0x0100) & 0xff, 0, 1, 0, 0, 0, 0, 0, opts.edns ? 1 : 0];
  for (const l of name.split(".")) parts.push(l.length, ...new TextEncoder().encode(l));
  parts.push(0, type >> 8, type & 0xff, 0, 1);
  if (opts.edns) parts.push(0, 0, 41, opts.edns.size >> 8, opts.edns.size & 0xff, 0, opts.edns.version ?? 0, 0, 0, 0, 0);
  return Uint8Array.from(parts);
}

describe("wire-only rules", () => {
  test("the question's case is echoed, ID and RD copied", async () => {
    const r = (await udpQuery(query("WwW.ExAmple.ORG", 1, { id: 0xbeef })))!;
    expect((r[0] << 8) | r[1]).toBe(0xbeef);
    expect(r[2] & 0x01).toBe(1);
    expect(new TextDecoder().decode(r.subarray(13, 16))).toBe("WwW");
    expect(new TextDecoder().decode(r.subarray(17, 24))).toBe("ExAmple");
  });

  test("a cached answer is patched per query: ID, RD and the question's case differ, the rest is equal", async () => {
    const a = (await udpQuery(query("alias.EXAMPLE.org", 1, { id: 1, edns: { size: 1232 } })))!;
    const b = (await udpQuery(query("ALIAS.example.ORG", 1, { id: 2, flags: 0, edns: { size: 1232 } })))!;
    expect(a.length).toBe(b.length);
    expect([(a[0] << 8) | a[1], (b[0] << 8) | b[1]]).toEqual([1, 2]);
    expect([a[2] & 1, b[2] & 1]).toEqual([1, 0]);
    expect(new TextDecoder().decode(b.subarray(13, 18))).toBe("ALIAS");
    expect(new TextDecoder().decode(a.subarray(13, 18))).toBe("alias");
    expect(Buffer.from(a.subarray(3 + 0, 12)).equals(Buffer.from(b.subarray(3, 12)))).toBe(true);
    expect(Buffer.from(a.subarray(31)).equals(Buffer.from(b.subarray(31)))).toBe(true);
  });

  test("without EDNS an answer over 512 octets is truncated (TC) and no larger than 512", async () => {
    const r = (await udpQuery(query("big.example.org", 16)))!;
    expect(r.length).toBeLessThanOrEqual(512);
    expect(r[2] & 0x02).toBe(2);
  });

  test("with EDNS the client's size is honoured up to max_udp_size", async () => {
    const r = (await udpQuery(query("big.example.org", 16, { edns: { size: 4096 } })))!;
    expect(r[2] & 0x02).toBe(0);
    expect(r.length).toBeGreaterThan(512);
    expect(r.length).toBeLessThanOrEqual(1232);
    const d = await dig("127.0.0.1", port, "big.example.org", "TXT", ["+bufsize=1232"]);
    expect(d.answer.length).toBe(20);
    const tcp = await dig("127.0.0.1", port, "big.example.org", "TXT", ["+tcp"]);
    expect(tcp.answer.length).toBe(20);
  });

  test("EDNS version 1 gets BADVERS (RFC 6891 §6.1.3)", async () => {
    const d = await dig("127.0.0.1", port, "www.example.org", "A", ["+edns=1", "+noednsneg"]);
    expect(d.status).toBe("BADVERS");
  });

  test("an unknown opcode gets NOTIMP, a malformed query FORMERR, a response nothing", async () => {
    const q = query("www.example.org", 1);
    q[2] = (q[2] & 0x87) | (2 << 3); // opcode STATUS
    expect((await udpQuery(q))![3] & 0xf).toBe(4);
    const bad = query("www.example.org", 1);
    bad[5] = 2; // QDCOUNT 2 but only one question
    const f = (await udpQuery(bad))!;
    expect(f[3] & 0xf).toBe(1);
    expect(f.length).toBeLessThanOrEqual(bad.length);
    const resp = query("www.example.org", 1, { flags: 0x8100 });
    expect(await udpQuery(resp)).toBeNull();
  });

  test("CHAOS version.bind only as configured; id.server refused when not set", async () => {
    const v = await dig("127.0.0.1", port, "version.bind", "TXT", ["-c", "CH"]);
    expect(v.answer).toEqual(['version.bind. 0 CH TXT "updns test"']);
    const i = await dig("127.0.0.1", port, "id.server", "TXT", ["-c", "CH"]);
    expect(i.status).toBe("REFUSED");
  });

  test("QCLASS ANY gets the IN answer without AA (RFC 1035 §6.2), over UDP and TCP", async () => {
    for (const extra of [[], ["+tcp"]]) {
      const d = await dig("127.0.0.1", port, "www.example.org", "A", ["-c", "ANY", ...extra]);
      expect(d.status).toBe("NOERROR");
      expect(d.flags).not.toContain("aa");
      expect(d.answer).toEqual(["www.example.org. 300 IN A 192.0.2.80"]);
    }
    const nx = await dig("127.0.0.1", port, "nope.example.org", "A", ["-c", "ANY"]);
    expect([nx.status, nx.flags.includes("aa")]).toEqual(["NXDOMAIN", false]);
  });

  test("REFUSED for a name we do not serve carries EDE 20 Not Authoritative when the query had EDNS (RFC 8914)", async () => {
    const d = await dig("127.0.0.1", port, "www.example.com", "A");
    expect(d.status).toBe("REFUSED");
    expect(d.raw).toContain("; EDE: 20 (Not Authoritative)");
    const plain = await dig("127.0.0.1", port, "www.example.com", "A", ["+noedns"]);
    expect(plain.status).toBe("REFUSED");
    expect(plain.raw).not.toContain("EDE");
    expect(plain.raw).not.toContain("OPT PSEUDOSECTION");
  });

  test("REFUSED for a class or CHAOS name we do not serve carries EDE 21 Not Supported, as NSD sends it", async () => {
    const hs = await dig("127.0.0.1", port, "www.example.org", "A", ["-c", "HS"]);
    expect(hs.status).toBe("REFUSED");
    expect(hs.raw).toContain("; EDE: 21 (Not Supported)");
    const id = await dig("127.0.0.1", port, "id.server", "TXT", ["-c", "CH"]);
    expect(id.raw).toContain("; EDE: 21 (Not Supported)");
  });

  test("TCP: pipelined queries on one connection each get their answer", async () => {
    const msgs = [query("www.example.org", 1, { id: 1 }), query("nothing.example.org", 1, { id: 2 }), query("www.example.com", 1, { id: 3 })];
    const framed: number[] = [];
    for (const m of msgs) framed.push(m.length >> 8, m.length & 0xff, ...m);
    const answers: Uint8Array[] = [];
    let buf = new Uint8Array(0);
    const done = Promise.withResolvers<void>();
    const sock = await Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        data(_s, chunk) {
          const j = new Uint8Array(buf.length + chunk.length);
          j.set(buf);
          j.set(chunk, buf.length);
          buf = j;
          while (buf.length >= 2 && buf.length >= 2 + ((buf[0] << 8) | buf[1])) {
            const l = (buf[0] << 8) | buf[1];
            answers.push(buf.slice(2, 2 + l));
            buf = buf.slice(2 + l);
          }
          if (answers.length === 3) done.resolve();
        },
      },
    });
    sock.write(Uint8Array.from(framed));
    await Promise.race([done.promise, Bun.sleep(2000)]);
    sock.end();
    expect(answers.map((a) => [(a[0] << 8) | a[1], a[3] & 0xf])).toEqual([
      [1, 0],
      [2, 3],
      [3, 5],
    ]);
  });
});

describe.if(HAVE)("listening on IPv6", () => {
  test("an [::1]:port listen address answers over UDP and TCP", async () => {
    const { store } = await fixtureStore();
    const p6 = await freePort("::1");
    const l6 = await listenDns({ listen: [`[::1]:${p6}`], responder: new Responder({ store }) });
    try {
      expect(l6.addresses).toEqual([{ host: "::1", udpPort: p6, tcpPort: p6 }]);
      for (const extra of [[], ["+tcp"]]) {
        const d = await dig("::1", p6, "www.example.org", "AAAA", extra);
        expect(d.answer).toEqual(["www.example.org. 300 IN AAAA 2001:db8::80"]);
      }
    } finally {
      await l6.stop();
    }
  });
});

describe("TCP connection handling", () => {
  /** Open a connection; resolves `closed` when the server hangs up. */
  async function open(p: number) {
    const closed = Promise.withResolvers<number>();
    const t0 = Date.now();
    const sock = await Bun.connect({ hostname: "127.0.0.1", port: p, socket: { data() {}, close: () => closed.resolve(Date.now() - t0) } });
    return { sock, closed: closed.promise };
  }

  test("an idle connection is closed after the idle timeout (RFC 7766 §6.2.3)", async () => {
    const c = await open(port);
    const after = await Promise.race([c.closed, Bun.sleep(5000).then(() => -1)]);
    // tcpIdleMs is 2000 here: never before it, and soon after it.
    expect(after).toBeGreaterThanOrEqual(2000);
    expect(after).toBeLessThan(3500);
  }, 10_000);

  test("a connection that keeps asking stays open past the idle time, and each question is answered", async () => {
    let answers = 0;
    const closed = Promise.withResolvers<void>();
    const sock = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() { answers++; }, close: () => closed.resolve() } });
    const q = dnsPacket.streamEncode({ type: "query", id: 7, questions: [{ type: "SOA", name: "example.org" }] });
    let open = true;
    void closed.promise.then(() => (open = false));
    // Four questions 800 ms apart: 2.4 s in all, beyond the 2 s idle time, never 2 s quiet.
    for (let i = 0; i < 4; i++) {
      sock.write(q);
      await Bun.sleep(800);
      expect(open).toBe(true);
    }
    expect(answers).toBeGreaterThanOrEqual(4);
    sock.end();
  }, 10_000);

  test("connections beyond the limit are closed at once; the others still work", async () => {
    const { store } = await fixtureStore();
    const p = await freePort();
    const l = await listenDns({ listen: [`127.0.0.1:${p}`], responder: new Responder({ store }), maxTcpConnections: 2, tcpIdleMs: 5000 });
    try {
      const a = await open(p);
      const b = await open(p);
      const c = await open(p);
      expect(await Promise.race([c.closed, Bun.sleep(1000).then(() => -1)])).toBeGreaterThanOrEqual(0);
      expect(await Promise.race([a.closed, Bun.sleep(200).then(() => -1)])).toBe(-1);
      a.sock.end();
      b.sock.end();
    } finally {
      await l.stop();
    }
  });

  test("a length prefix shorter than a header closes the connection", async () => {
    const c = await open(port);
    c.sock.write(Uint8Array.from([0, 3, 1, 2, 3]));
    expect(await Promise.race([c.closed, Bun.sleep(1000).then(() => -1)])).toBeGreaterThanOrEqual(0);
  });
});
