// The RFC 2136 client against a scripted server: what it believes, what it refuses and why, and how it
// falls back and retries. Real primaries are in tests/backends/rfc2136/.
import { afterEach, describe, expect, test } from "bun:test";
import { DnsError, buildUpdate, decodeResponse, exchange, query, reverseLookup, sendUpdate, buildQuery } from "../../../src/dns/rfc2136/index.ts";
import { signMessage, tsigKeyFromBase64, findTsig } from "../../../src/dns/wire/index.ts";
import { freePort } from "../../support/net.ts";
import { answer, startFakeServer, type FakeServer } from "./fake-server.ts";

const key = tsigKeyFromBase64("k.updns-test", "hmac-sha256", Buffer.from("the right secret").toString("base64"));
const wrongKey = { ...key, secret: new TextEncoder().encode("another secret") };
const A = 1;
let server: FakeServer | undefined;
afterEach(() => {
  server?.stop();
  server = undefined;
});
const at = (s: FakeServer) => ({ host: "127.0.0.1", port: s.port });
const fail = (p: Promise<unknown>) => p.then(() => { throw new Error("expected a failure"); }, (e) => e as DnsError);

/** Sign a response to a signed request, chained to its MAC (RFC 8945 §4.3.1). */
function signedAnswer(request: Uint8Array, k = key, opts: Parameters<typeof answer>[1] = {}): Uint8Array {
  const t = findTsig(request)!;
  const unsigned = request.slice(0, t.offset);
  unsigned[11] -= 1;
  return signMessage(answer(unsigned, opts), k, { requestMac: t.mac, time: Math.floor(Date.now() / 1000) }).wire;
}

describe("queries", () => {
  test("an answer with our ID and question is read, RD off in the request", async () => {
    server = await startFakeServer((req) => answer(req, { answers: [{ type: A, rdata: [192, 0, 2, 1] }, { type: A, rdata: [192, 0, 2, 2] }] }));
    const r = await query([at(server)], "Home.Example.test.", "A", { timeoutMs: 500 });
    expect(r.values).toEqual(["192.0.2.1", "192.0.2.2"]);
    expect(r.authoritative).toBe(true);
    expect(server.requests[0].wire[2] & 0x01).toBe(0);
  });

  test("the query server first, the primary when it fails", async () => {
    server = await startFakeServer((req) => answer(req, { answers: [{ type: A, rdata: [192, 0, 2, 3] }] }));
    const dead = await freePort();
    const r = await query([{ host: "127.0.0.1", port: dead }, at(server)], "h.example.test", "A", { timeoutMs: 500 });
    expect(r.values).toEqual(["192.0.2.3"]);
    expect(r.server.port).toBe(server.port);
  });

  test("NXDOMAIN is an empty answer, REFUSED an error naming the server", async () => {
    server = await startFakeServer((req) => answer(req, { rcode: 3 }));
    expect((await query([at(server)], "nx.example.test", "A", { timeoutMs: 500 })).values).toEqual([]);
    server.respond = (req) => answer(req, { rcode: 5 });
    const e = await fail(query([at(server)], "x.example.test", "A", { timeoutMs: 500 }));
    expect(e.message).toBe(`127.0.0.1:${server.port} answered REFUSED for x.example.test A`);
  });

  test("reverse lookups ask for the PTR of in-addr.arpa / ip6.arpa", async () => {
    const ptr = [4, ...Buffer.from("host"), 7, ...Buffer.from("example"), 0];
    server = await startFakeServer((req) => answer(req, { answers: [{ type: 12, rdata: ptr }] }));
    expect(await reverseLookup([at(server)], "192.0.2.5", { timeoutMs: 500 })).toEqual(["host.example"]);
    expect(decodeResponse(server.requests[0].wire).question!.name).toBe("5.2.0.192.in-addr.arpa");
    await reverseLookup([at(server)], "2001:db8::1", { timeoutMs: 500 });
    expect(decodeResponse(server.requests[1].wire).question!.name).toBe("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  });
});

describe("hostile or broken answers are refused with the reason, never a crash", () => {
  const update = () => sendUpdate({ host: "127.0.0.1", port: server!.port }, "example.test", [{ op: "add", name: "h.example.test", type: "A", ttl: 60, value: "192.0.2.1" }], { key, timeoutMs: 300, retries: 0 });

  test("wrong ID", async () => {
    server = await startFakeServer((req) => {
      const r = signedAnswer(req);
      r[1] ^= 0xff;
      return r;
    });
    const e = await fail(update());
    expect(e.kind).toBe("invalid-response");
    expect(e.message).toMatch(/refused an answer because its ID \d+ does not match our ID \d+/);
  });

  test("wrong question", async () => {
    server = await startFakeServer((req) => {
      const r = req.slice();
      r[13] = "x".charCodeAt(0); // first letter of the zone name
      return signedAnswer(r);
    });
    const e = await fail(update());
    expect(e.message).toContain("its question (xxample.test type 6) is not ours (example.test type 6)");
  });

  test("truncated garbage", async () => {
    server = await startFakeServer((req) => signedAnswer(req).slice(0, 20));
    const e = await fail(update());
    expect(e.message).toContain("it is malformed");
  });

  test("answer signed with another secret", async () => {
    server = await startFakeServer((req) => signedAnswer(req, wrongKey));
    const e = await fail(update());
    expect(e.message).toContain("its TSIG does not verify: BADSIG");
  });

  test("answer not signed at all", async () => {
    server = await startFakeServer((req) => {
      const t = findTsig(req)!;
      const u = req.slice(0, t.offset);
      u[11] -= 1;
      return answer(u);
    });
    const e = await fail(update());
    expect(e.message).toContain('it is not signed (we signed with key "k.updns-test")');
  });

  test("unsigned REFUSED to a signed update (PowerDNS's way to say bad TSIG) is taken and explained", async () => {
    server = await startFakeServer((req) => {
      const t = findTsig(req)!;
      const u = req.slice(0, t.offset);
      u[11] -= 1;
      return answer(u, { rcode: 5 });
    });
    const e = await fail(update());
    expect(e.kind).toBe("tsig");
    expect(e.message).toContain('answered REFUSED without signing it: it did not accept our TSIG key "k.updns-test" (shared secret mismatch?');
  });

  test("oversize UDP answer (over 512 octets without EDNS)", async () => {
    server = await startFakeServer((req) => {
      const t = findTsig(req)!;
      const u = req.slice(0, t.offset);
      u[11] -= 1;
      const txt = Array.from({ length: 3 }, () => ({ type: 16, rdata: [200, ...new Array(200).fill(0x61)] }));
      return answer(u, { answers: txt });
    });
    const e = await fail(update());
    expect(e.message).toMatch(/it is \d+ octets, more than the 512 allowed over UDP/);
  });

  test("a forged answer first, then the real one: the real one is taken", async () => {
    server = await startFakeServer((req) => {
      const forged = signedAnswer(req, wrongKey);
      return [forged, signedAnswer(req)];
    });
    await update();
  });

  test("random datagrams never crash the client", async () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff;
    server = await startFakeServer((req) => {
      const junk = Uint8Array.from({ length: 12 + (rnd() % 100) }, rnd);
      junk[0] = req[0];
      junk[1] = req[1];
      return [junk, Uint8Array.from({ length: rnd() % 12 }, rnd)];
    });
    for (let i = 0; i < 3; i++) {
      const e = await fail(update());
      expect(e).toBeInstanceOf(DnsError);
      expect(["invalid-response", "timeout"]).toContain(e.kind);
    }
  });

  test("TCP: a connection closed without an answer", async () => {
    server = await startFakeServer(() => null);
    const e = await fail(exchange(at(server), buildQuery(1, "example.test", "SOA"), { tcp: true, timeoutMs: 500 }));
    expect(e.message).toContain("closed the TCP connection before answering");
  });
});

describe("transport", () => {
  test("TC set: asked again over TCP and the TCP answer is used", async () => {
    server = await startFakeServer((req, via) =>
      via === "udp" ? answer(req, { tc: true }) : answer(req, { answers: [{ type: A, rdata: [192, 0, 2, 44] }] }),
    );
    const r = await query([at(server)], "big.example.test", "A", { timeoutMs: 500 });
    expect(r.values).toEqual(["192.0.2.44"]);
    expect(server.requests.map((x) => x.via)).toEqual(["udp", "tcp"]);
  });

  test("TCP: one connection serves exchange after exchange; one the server closed while idle is replaced", async () => {
    server = await startFakeServer((req) => answer(req, { answers: [{ type: A, rdata: [192, 0, 2, 45] }] }));
    for (let i = 0; i < 3; i++) expect((await query([at(server)], "kept.example.test", "A", { tcp: true, timeoutMs: 500 })).values).toEqual(["192.0.2.45"]);
    expect(server.connections).toBe(1);
    server.dropConnections();
    await Bun.sleep(50);
    expect((await query([at(server)], "kept.example.test", "A", { tcp: true, timeoutMs: 500 })).values).toEqual(["192.0.2.45"]);
    expect(server.connections).toBe(2);
    expect(server.requests.length).toBe(4);
    // Closed at the moment of asking: the request is sent again on a new connection.
    server.dropConnections();
    expect((await query([at(server)], "kept.example.test", "A", { tcp: true, timeoutMs: 500 })).values).toEqual(["192.0.2.45"]);
    expect(server.connections).toBe(3);
  });

  test("a message over 512 octets goes over TCP directly", async () => {
    server = await startFakeServer((req) => signedAnswer(req));
    const values = Array.from({ length: 3 }, (_, i) => `${i}`.repeat(250));
    await sendUpdate(at(server), "example.test", values.map((value) => ({ op: "add" as const, name: "t.example.test", type: "TXT" as const, ttl: 60, value })), { key, timeoutMs: 500 });
    expect(server.requests.map((x) => x.via)).toEqual(["tcp"]);
    expect(server.requests[0].wire.length).toBeGreaterThan(512);
  });

  test("one retry after a UDP timeout", async () => {
    let n = 0;
    server = await startFakeServer((req) => (n++ === 0 ? null : signedAnswer(req)));
    await sendUpdate(at(server), "example.test", [{ op: "deleteRRset", name: "h.example.test", type: "A" }], { key, timeoutMs: 300 });
    expect(server.requests.length).toBe(2);
  });

  test("an UPDATE too big for UDP gets its second attempt over TCP too", async () => {
    let n = 0;
    server = await startFakeServer((req) => (n++ === 0 ? [] : signedAnswer(req)));
    const ops = Array.from({ length: 20 }, (_, i) => ({ op: "add" as const, name: `host-${i}.example.test`, type: "A" as const, ttl: 60, value: "192.0.2.1" }));
    await sendUpdate(at(server), "example.test", ops, { key, timeoutMs: 300 });
    expect(server.requests.map((r) => r.via)).toEqual(["tcp", "tcp"]);
  });

  test("a silent server: timeout after both attempts, within the configured time", async () => {
    server = await startFakeServer(() => null);
    const t0 = Date.now();
    const e = await fail(query([at(server)], "example.test", "SOA", { timeoutMs: 300 }));
    const took = Date.now() - t0;
    expect(e.kind).toBe("timeout");
    expect(e.transient).toBe(true);
    expect(e.message).toBe(`timeout: no answer from 127.0.0.1:${server.port} within 300 ms (2 attempts)`);
    expect(took).toBeGreaterThanOrEqual(590);
    expect(took).toBeLessThan(1500);
  });

  test("a UDP socket serves the next query after a valid answer; after a timeout a fresh one is used", async () => {
    let silent = false;
    server = await startFakeServer((req) => (silent ? null : answer(req, { answers: [{ type: A, rdata: [192, 0, 2, 1] }] })));
    await query([at(server)], "a.example.test", "A", { timeoutMs: 500 });
    await query([at(server)], "b.example.test", "A", { timeoutMs: 500 });
    const [first, second] = server.requests.map((r) => r.port);
    expect(second).toBe(first);
    silent = true;
    await fail(query([at(server)], "c.example.test", "A", { timeoutMs: 200, retries: 0 }));
    silent = false;
    expect((await query([at(server)], "d.example.test", "A", { timeoutMs: 500 })).values).toEqual(["192.0.2.1"]);
    const ports = server.requests.map((r) => r.port);
    // The socket that timed out is closed: a late answer to it can never meet the next query.
    expect(ports[3]).not.toBe(ports[2]);
  });

  test("a port nobody listens on: connection refused, at once", async () => {
    const port = await freePort();
    const t0 = Date.now();
    const e = await fail(query([{ host: "127.0.0.1", port }], "example.test", "SOA", { timeoutMs: 2000 }));
    expect(e.kind).toBe("refused");
    expect(e.message).toContain(`connection refused by 127.0.0.1:${port}`);
    expect(Date.now() - t0).toBeLessThan(1000);
    const e2 = await fail(query([{ host: "127.0.0.1", port }], "example.test", "SOA", { timeoutMs: 2000, tcp: true }));
    expect(e2.message).toBe(`connection refused by 127.0.0.1:${port}`);
  });
});

describe("UPDATE answers", () => {
  const cases: [number, RegExp][] = [
    [5, /refused the update of zone example\.test \(REFUSED\)/],
    [9, /is not authoritative for zone example\.test \(NOTAUTH\)/],
    [10, /not within zone example\.test \(NOTZONE\)/],
    [2, /failed to apply the update to zone example\.test \(SERVFAIL\)/],
  ];
  for (const [rcode, msg] of cases)
    test(`rcode ${rcode} gives a clear message`, async () => {
      server = await startFakeServer((req) => signedAnswer(req, key, { rcode }));
      const e = await fail(sendUpdate(at(server), "example.test", [{ op: "deleteName", name: "h.example.test" }], { key, timeoutMs: 500 }));
      expect(e.kind).toBe("rcode");
      expect(e.message).toMatch(msg);
      expect(e.transient).toBe(rcode === 2);
    });

  test("the signed answer verifies against our request MAC (a replayed answer to another request does not)", async () => {
    let previous: Uint8Array | undefined;
    server = await startFakeServer((req) => {
      const fresh = signedAnswer(req);
      if (!previous) {
        previous = fresh;
        return fresh;
      }
      // Replay the first answer with the new ID: the MAC chains to the old request, so it fails.
      const replay = previous.slice();
      replay[0] = req[0];
      replay[1] = req[1];
      return replay;
    });
    const up = () => sendUpdate(at(server!), "example.test", [{ op: "deleteName", name: "h.example.test" }], { key, timeoutMs: 300, retries: 0 });
    await up();
    const e = await fail(up());
    expect(e.message).toContain("its TSIG does not verify");
  });

  test("bad values are refused before sending", async () => {
    server = await startFakeServer(() => null);
    const e = await fail(sendUpdate(at(server), "example.test", [{ op: "add", name: "h.example.test", type: "A", ttl: 60, value: "1.2.3" }]));
    expect(e.kind).toBe("bad-request");
    expect(e.message).toContain('"1.2.3" is not an IPv4 address');
    expect(server.requests.length).toBe(0);
  });
});

test("UPDATE layout (RFC 2136 §2.5): zone (lower-cased), then delete RRset (ANY), add (IN), delete RR (NONE), delete name", () => {
  const w = buildUpdate(0x4242, "Example.test", [
    { op: "deleteRRset", name: "h.example.test", type: "A" },
    { op: "add", name: "h.example.test", type: "A", ttl: 60, value: "192.0.2.1" },
    { op: "deleteRR", name: "h.example.test", type: "AAAA", value: "2001:db8::1" },
    { op: "deleteName", name: "old.example.test" },
  ]);
  expect([...w.subarray(0, 12)]).toEqual([0x42, 0x42, 0x28, 0, 0, 1, 0, 0, 0, 4, 0, 0]);
  const h = [1, 0x68];
  const zone = [7, ...Buffer.from("example"), 4, ...Buffer.from("test"), 0];
  const name = [...h, 7, ...Buffer.from("example"), 4, ...Buffer.from("test"), 0];
  const rest = [...w.subarray(12)];
  expect(rest).toEqual([
    ...zone, 0, 6, 0, 1,
    ...name, 0, 1, 0, 255, 0, 0, 0, 0, 0, 0,
    ...name, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1,
    ...name, 0, 28, 0, 254, 0, 0, 0, 0, 0, 16, 0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1,
    3, ...Buffer.from("old"), 7, ...Buffer.from("example"), 4, ...Buffer.from("test"), 0, 0, 255, 0, 255, 0, 0, 0, 0, 0, 0,
  ]);
});

describe("source address (dns.rfc2136_source)", () => {
  test("UDP and TCP leave from the configured source, so a primary's address ACL sees it", async () => {
    server = await startFakeServer((req) => signedAnswer(req));
    const upd = [{ op: "add" as const, name: "t.example.test", type: "TXT" as const, ttl: 60, value: "x" }];
    await sendUpdate(at(server), "example.test", upd, { key, timeoutMs: 500, source: { v4: "127.0.0.2" } });
    await sendUpdate(at(server), "example.test", upd, { key, timeoutMs: 500, tcp: true, source: { v4: "127.0.0.2" } });
    expect(server.requests.map((r) => [r.via, r.from])).toEqual([["udp", "127.0.0.2"], ["tcp", "127.0.0.2"]]);
  });

  test("a pooled socket of one source is not reused for another", async () => {
    server = await startFakeServer((req) => answer(req, { answers: [{ type: A, rdata: [192, 0, 2, 1] }] }));
    await query([at(server)], "h.example.test", "A", { timeoutMs: 500, source: { v4: "127.0.0.2" } });
    await query([at(server)], "h.example.test", "A", { timeoutMs: 500, source: { v4: "127.0.0.3" } });
    await query([at(server)], "h.example.test", "A", { timeoutMs: 500 });
    expect(server.requests.map((r) => r.from)).toEqual(["127.0.0.2", "127.0.0.3", "127.0.0.1"]);
  });

  test("a source of the other family is not used: the kernel chooses", async () => {
    server = await startFakeServer((req) => answer(req, { answers: [{ type: A, rdata: [192, 0, 2, 1] }] }));
    await query([at(server)], "h.example.test", "A", { timeoutMs: 500, source: { v6: "::1" } });
    expect(server.requests[0].from).toBe("127.0.0.1");
  });

  test("a source this host does not have: an error naming it", async () => {
    server = await startFakeServer((req) => answer(req));
    const e = await fail(query([at(server)], "h.example.test", "A", { timeoutMs: 500, tcp: true, source: { v4: "192.0.2.77" } }));
    expect(e.message).toContain("from 192.0.2.77");
  });
});
