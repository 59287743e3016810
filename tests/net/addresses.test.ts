import { describe, expect, test } from "bun:test";
import { AddressSet, isPrefixOnly, networkOf, parseAddress, sameAddress, stripPrefixLength, withInterfaceId } from "../../src/net/index.ts";

describe("address literals (spec §1.6)", () => {
  test("strict IPv4: four decimal parts, no leading zeros", () => {
    expect(parseAddress("192.0.2.1")?.text).toBe("192.0.2.1");
    for (const bad of ["1234", "192.0.2", "192.0.2.01", "256.0.0.1", "0x7f.0.0.1", "192.0.2.1 ", "", "1.2.3.4.5"]) expect(parseAddress(bad)).toBeNull();
  });
  test("IPv6 is canonicalised (RFC 5952) and scope ids are refused", () => {
    expect(parseAddress("2001:DB8:0:0::1")?.text).toBe("2001:db8::1");
    expect(parseAddress("::ffff:1.2.3.4")?.kind).toBe("ipv6");
    expect(parseAddress("fe80::1%eth0")).toBeNull();
    expect(parseAddress("::ffff:1.2.3.04")).toBeNull();
    expect(parseAddress("2001:db8::g")).toBeNull();
  });
  test("compared as addresses", () => {
    expect(sameAddress("2001:DB8::1", "2001:db8:0::1")).toBe(true);
    expect(sameAddress("::ffff:1.2.3.4", "1.2.3.4")).toBe(false);
  });
  test("/len suffixes are dropped", () => {
    expect(stripPrefixLength(" 2001:db8:1::/56 ")).toBe("2001:db8:1::");
  });
});

describe("prefixes and interface ids (spec §1.3 d, §1.7)", () => {
  const a = (s: string) => parseAddress(s)!;
  test("network and prefix-only", () => {
    expect(networkOf(a("1.2.3.4"), 29).text).toBe("1.2.3.0");
    expect(isPrefixOnly(a("2001:db8:1:2::"), 64)).toBe(true);
    expect(isPrefixOnly(a("2001:db8:1:2::1"), 64)).toBe(false);
    expect(isPrefixOnly(a("10.0.0.0"), 32)).toBe(false);
    expect(isPrefixOnly(a("::"), 128)).toBe(false);
  });
  test("the baseline's examples, no masking, and overflow", () => {
    expect(withInterfaceId(a("1.2.3.4"), 29, "0.0.0.1")?.text).toBe("1.2.3.1");
    expect(withInterfaceId(a("2000::3"), 64, "::1")?.text).toBe("2000::1");
    expect(withInterfaceId(a("2001:db8::5"), 64, "::1:2:3:4")?.text).toBe("2001:db8::1:2:3:4");
    expect(withInterfaceId(a("1.2.3.4"), 32, "0.0.0.0")?.text).toBe("1.2.3.4");
    expect(withInterfaceId(a("1.2.3.4"), 29, "0.0.0.9")?.text).toBe("1.2.3.9");
    expect(withInterfaceId(a("255.255.255.255"), 32, "0.0.0.1")).toBeNull();
    expect(withInterfaceId(a("1.2.3.4"), 29, "::1")).toBeNull();
    expect(withInterfaceId(a("1.2.3.4"), 29, "garbage")).toBeNull();
  });
  test("address sets for bad_ips", () => {
    const s = new AddressSet(["7.7.7.7", "10.0.0.0/8", "2001:db8::/32", "nonsense"]);
    expect(s.size).toBe(3);
    expect(s.has(a("7.7.7.7"))).toBe(true);
    expect(s.has(a("7.7.7.8"))).toBe(false);
    expect(s.has(a("10.200.0.1"))).toBe(true);
    expect(s.has(a("2001:db8:ffff::1"))).toBe(true);
    expect(s.has(a("2001:db9::1"))).toBe(false);
  });
  test("one address set for bad_ips, token subnets, acme-dns allowfrom and zone transfers: IPv4-mapped IPv6 is IPv4 on both sides", () => {
    const s = new AddressSet(["192.0.2.0/24", "::ffff:198.51.100.0/120", "2001:db8::1"]);
    expect(s.contains("::ffff:192.0.2.7")).toBe(true);
    expect(s.contains("198.51.100.9")).toBe(true);
    expect(s.contains("198.51.101.9")).toBe(false);
    expect(s.contains("[2001:db8::1]")).toBe(true);
    expect(s.contains("not an address")).toBe(false);
  });
});
