// Response rate limiting (src/dns/server/rrl.ts): per client network and answer kind, a token bucket;
// over it, every slip-th answer truncated (TC=1, empty) and the rest dropped; off at rate 0.
import { describe, expect, test } from "bun:test";
import { networkOf, ResponseRateLimiter, truncatedAnswer } from "../../../src/dns/server/index.ts";
import { buildQuery } from "../../../src/dns/rfc2136/index.ts";

/** A response: the query with QR set, `rcode`, and one made-up answer record after the question. */
function answer(name: string, rcode = 0): Uint8Array {
  const q = buildQuery(0x1234, name, "A");
  const rr = [0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1];
  const m = Uint8Array.from([...q, ...rr]);
  m[2] |= 0x80;
  m[3] = rcode;
  m[7] = 1;
  return m;
}

const decisions = (l: ResponseRateLimiter, addr: string, a: Uint8Array, n: number, now: number) => Array.from({ length: n }, () => l.decide(addr, a, now));

describe("response rate limiting", () => {
  test("off at rate 0: everything is sent", () => {
    const l = new ResponseRateLimiter({ responsesPerSecond: 0 });
    expect(l.enabled).toBe(false);
    expect(new Set(decisions(l, "192.0.2.1", answer("a.example"), 1000, 0))).toEqual(new Set(["send"]));
  });

  test("over the rate, every second answer slips (TC) and the others are dropped", () => {
    const l = new ResponseRateLimiter({ responsesPerSecond: 5, slip: 2 });
    const d = decisions(l, "192.0.2.1", answer("a.example"), 25, 1000);
    expect(d.slice(0, 5)).toEqual(["send", "send", "send", "send", "send"]);
    expect(d.slice(5).filter((x) => x === "slip").length).toBe(10);
    expect(d.slice(5).filter((x) => x === "drop").length).toBe(10);
    expect(l.stats).toEqual({ limited: 20, slipped: 10, dropped: 10 });
  });

  test("slipped and dropped answers are also counted where the server's /metrics reads them", () => {
    const counters = { slipped: 0, dropped: 0 };
    const l = new ResponseRateLimiter({ responsesPerSecond: 1, slip: 2, counters });
    decisions(l, "192.0.2.1", answer("a.example"), 5, 0);
    expect(counters).toEqual({ slipped: 2, dropped: 2 });
  });

  test("slip 0 drops every limited answer", () => {
    const l = new ResponseRateLimiter({ responsesPerSecond: 2, slip: 0 });
    expect(decisions(l, "192.0.2.1", answer("a.example"), 6, 0)).toEqual(["send", "send", "drop", "drop", "drop", "drop"]);
  });

  test("the bucket refills with time", () => {
    const l = new ResponseRateLimiter({ responsesPerSecond: 4, slip: 0 });
    const a = answer("a.example");
    decisions(l, "192.0.2.1", a, 10, 0);
    expect(l.decide("192.0.2.1", a, 100)).toBe("drop"); // 0.4 of a token after 100 ms
    expect(decisions(l, "192.0.2.1", a, 4, 1100)).toEqual(["send", "send", "send", "send"]);
  });

  test("one /24 shares a bucket; another network, or another question, has its own", () => {
    const l = new ResponseRateLimiter({ responsesPerSecond: 3, slip: 0 });
    const a = answer("a.example");
    expect(decisions(l, "192.0.2.1", a, 3, 0)).toEqual(["send", "send", "send"]);
    expect(l.decide("192.0.2.200", a, 0)).toBe("drop");
    expect(l.decide("198.51.100.1", a, 0)).toBe("send");
    expect(l.decide("192.0.2.1", answer("b.example"), 0)).toBe("send");
    expect(l.decide("192.0.2.1", answer("A.EXAMPLE"), 0)).toBe("drop"); // names compare case-blind
  });

  test("all NXDOMAIN answers to one network share one bucket (random-name floods)", () => {
    const l = new ResponseRateLimiter({ responsesPerSecond: 2, slip: 0 });
    expect([l.decide("192.0.2.1", answer("x1.example", 3), 0), l.decide("192.0.2.1", answer("x2.example", 3), 0), l.decide("192.0.2.1", answer("x3.example", 3), 0)]).toEqual(["send", "send", "drop"]);
  });

  test("networks: IPv4 /24, IPv4-mapped IPv6 as IPv4, IPv6 /56", () => {
    expect(networkOf("192.0.2.77", 24, 56)).toBe("192.0.2.0/24");
    expect(networkOf("::ffff:192.0.2.77", 24, 56)).toBe("192.0.2.0/24");
    expect(networkOf("2001:db8:1:2ff::1", 24, 56)).toBe(networkOf("2001:db8:1:200::9", 24, 56));
    expect(networkOf("2001:db8:1:300::1", 24, 56)).not.toBe(networkOf("2001:db8:1:200::1", 24, 56));
  });

  test("the truncated form keeps ID and question, sets TC, and carries no records", () => {
    const a = answer("a.example");
    const t = truncatedAnswer(a)!;
    expect(t.length).toBeLessThan(a.length);
    expect([t[0], t[1]]).toEqual([0x12, 0x34]);
    expect(t[2] & 0x02).toBe(0x02);
    expect([...t.slice(4, 12)]).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
    expect(truncatedAnswer(new Uint8Array(5))).toBeNull();
  });

  test("the table is bounded under a flood from spoofed networks", () => {
    const l = new ResponseRateLimiter({ responsesPerSecond: 1, maxBuckets: 1000 });
    for (let i = 0; i < 50_000; i++) l.decide(`10.${(i >> 8) & 255}.${i & 255}.1`, answer("a.example"), 0);
    expect((l as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(1000);
  });
});
