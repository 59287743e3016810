// Reverse names of visitors' addresses through a recursive resolver (spec §2.4): RD set, retries only on
// "try again", a deadline the page can rely on, and a cache bounded by the record's TTL.
import { afterEach, describe, expect, test } from "bun:test";
import dnsPacket from "dns-packet";
import { resolvConfServers, reverseResolver } from "../../../src/dns/rfc2136/index.ts";
import { freePort } from "../../support/net.ts";
import { answer, startFakeServer, type FakeServer } from "./fake-server.ts";

const PTR = 12;
const SERVFAIL = 2;
const NXDOMAIN = 3;
const REFUSED = 5;
/** A name in uncompressed wire form. */
const wireName = (n: string) => [...n.split(".").filter(Boolean).flatMap((l) => [l.length, ...Buffer.from(l)]), 0];

let server: FakeServer | undefined;
afterEach(() => {
  server?.stop();
  server = undefined;
});
const at = (s: FakeServer) => [{ host: "127.0.0.1", port: s.port }];
const qnameOf = (wire: Uint8Array) => (dnsPacket.decode(Buffer.from(wire)).questions ?? [])[0]?.name;

describe("reverse names", () => {
  test("the PTR of an IPv4 and an IPv6 address, asked with RD set, without the final dot", async () => {
    server = await startFakeServer((req) => answer(req, { answers: [{ type: PTR, rdata: wireName(qnameOf(req)!.startsWith("5.2") ? "gw.example.net" : "six.example.net") }] }));
    const reverse = reverseResolver({ servers: at(server) });
    expect(await reverse("192.0.2.5")).toBe("gw.example.net");
    expect(await reverse("2001:db8::5")).toBe("six.example.net");
    expect(server.requests.map((r) => qnameOf(r.wire))).toEqual(["5.2.0.192.in-addr.arpa", `5.${"0.".repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa`]);
    // RD (RFC 1035 §4.1.1): a recursive resolver is asked, not the zone's servers.
    expect(server.requests.every((r) => (r.wire[2] & 0x01) === 1)).toBe(true);
  });

  test("a CNAME in front of the PTR (RFC 2317 classless delegation) is followed", async () => {
    server = await startFakeServer((req) => {
      const q = dnsPacket.decode(Buffer.from(req));
      const target = "5.0-25.2.0.192.in-addr.arpa";
      return dnsPacket.encode({
        type: "response",
        id: q.id,
        flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
        questions: q.questions,
        answers: [
          { type: "CNAME", name: q.questions![0].name, ttl: 300, data: target },
          { type: "PTR", name: target, ttl: 300, data: "small.example.net" },
        ],
      });
    });
    expect(await reverseResolver({ servers: at(server) })("192.0.2.5")).toBe("small.example.net");
  });

  test("no name: NXDOMAIN, an empty answer, REFUSED and a non-address all give '' without retries", async () => {
    let rcode = NXDOMAIN;
    server = await startFakeServer((req) => answer(req, { rcode }));
    const reverse = reverseResolver({ servers: at(server) });
    expect(await reverse("192.0.2.6")).toBe("");
    rcode = 0;
    expect(await reverse("192.0.2.7")).toBe("");
    rcode = REFUSED;
    expect(await reverse("192.0.2.8")).toBe("");
    expect(server.requests.length).toBe(3);
    expect(await reverse("not an address")).toBe("");
    expect(await reverse("")).toBe("");
    expect(server.requests.length).toBe(3);
  });

  test("SERVFAIL is 'try again': asked again, and the later answer counts", async () => {
    let n = 0;
    server = await startFakeServer((req) => (++n < 3 ? answer(req, { rcode: SERVFAIL }) : answer(req, { answers: [{ type: PTR, rdata: wireName("late.example.net") }] })));
    expect(await reverseResolver({ servers: at(server), attempts: 3 })("192.0.2.9")).toBe("late.example.net");
    expect(n).toBe(3);
  });

  test("a resolver that never answers costs at most the deadline, and is not asked again on the next page", async () => {
    server = await startFakeServer(() => null);
    const reverse = reverseResolver({ servers: at(server), attemptTimeoutMs: 200, attempts: 2, deadlineMs: 300 });
    const t0 = performance.now();
    expect(await reverse("192.0.2.10")).toBe("");
    expect(performance.now() - t0).toBeLessThan(600);
    await Bun.sleep(300); // the lookup behind the deadline gives up too (2 attempts of 200 ms)
    const asked = server.requests.length;
    expect(asked).toBe(2);
    const t1 = performance.now();
    expect(await reverse("192.0.2.10")).toBe("");
    expect(performance.now() - t1).toBeLessThan(50);
    expect(server.requests.length).toBe(asked);
  });

  test("a dead first resolver: the next one is asked", async () => {
    server = await startFakeServer((req) => answer(req, { answers: [{ type: PTR, rdata: wireName("second.example.net") }] }));
    const dead = await freePort();
    const reverse = reverseResolver({ servers: [{ host: "127.0.0.1", port: dead }, ...at(server)], attemptTimeoutMs: 200 });
    expect(await reverse("192.0.2.11")).toBe("second.example.net");
  });

  test("names are cached no longer than their TTL; lookups of one address at once share one query", async () => {
    let clock = 1_000_000;
    server = await startFakeServer((req) => answer(req, { answers: [{ type: PTR, ttl: 10, rdata: wireName(`n${server!.requests.length}.example.net`) }] }));
    const reverse = reverseResolver({ servers: at(server), now: () => clock });
    expect(await Promise.all([reverse("192.0.2.12"), reverse("192.0.2.12"), reverse("192.0.2.12")])).toEqual(["n1.example.net", "n1.example.net", "n1.example.net"]);
    clock += 9_000;
    expect(await reverse("192.0.2.12")).toBe("n1.example.net");
    clock += 2_000; // past the record's 10 s
    expect(await reverse("192.0.2.12")).toBe("n2.example.net");
    expect(server.requests.length).toBe(2);
  });
});

describe("resolv.conf", () => {
  test("nameserver lines in order, IPv6 too; zone-indexed link-local and junk skipped; none: the local server", () => {
    const text = "# comment\nsearch example.net\nnameserver 192.0.2.53\nnameserver 2001:db8::53\nnameserver fe80::1%eth0\nnameserver\noptions edns0\n";
    expect(resolvConfServers(text)).toEqual([
      { host: "192.0.2.53", port: 53 },
      { host: "2001:db8::53", port: 53 },
    ]);
    expect(resolvConfServers("")).toEqual([{ host: "127.0.0.1", port: 53 }]);
  });
});
