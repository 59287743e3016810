// Transfer address lists (the UPDATE policy rules are core's: tests/core/update-policy.test.ts).
import { describe, expect, test } from "bun:test";
import { addressAllowed } from "../../../src/dns/server/index.ts";

describe("transfer address lists", () => {
  test("addresses and prefixes, IPv4-mapped IPv6 counted as IPv4, bad entries match nothing", () => {
    expect(addressAllowed("127.0.0.1", ["127.0.0.0/8"])).toBe(true);
    expect(addressAllowed("::ffff:127.0.0.1", ["127.0.0.1"])).toBe(true);
    expect(addressAllowed("10.0.0.1", ["127.0.0.0/8", "::1"])).toBe(false);
    expect(addressAllowed("::1", ["::1"])).toBe(true);
    expect(addressAllowed("2001:db8::5", ["2001:db8::/32"])).toBe(true);
    expect(addressAllowed("127.0.0.1", ["not-an-address", "300.0.0.0/8"])).toBe(false);
  });
});
