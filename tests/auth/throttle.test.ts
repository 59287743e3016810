// Login throttling as a unit: free failures, doubling waits up to a cap, forgetting, keys.
import { describe, expect, test } from "bun:test";
import { Throttle, addressKey, loginKeys, MAX_BLOCK_MS, FORGET_MS, ACCOUNT_RULE } from "../../src/auth/index.ts";

const at = (ms: number) => new Date(1_800_000_000_000 + ms);

describe("Throttle", () => {
  test("the first failures are free, then each one doubles the wait, capped at 15 minutes", () => {
    const th = new Throttle();
    for (let i = 0; i < ACCOUNT_RULE.free; i++) {
      th.fail("k", ACCOUNT_RULE, at(0));
      expect(th.wait("k", at(0))).toBe(0);
    }
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      th.fail("k", ACCOUNT_RULE, at(0));
      waits.push(th.wait("k", at(0)));
    }
    expect(waits.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(Math.max(...waits)).toBe(MAX_BLOCK_MS);
  });

  test("a wait lifts when its time has passed; counters are forgotten an hour after the last failure", () => {
    const th = new Throttle();
    for (let i = 0; i < 6; i++) th.fail("k", ACCOUNT_RULE, at(0));
    expect(th.wait("k", at(999))).toBe(1);
    expect(th.wait("k", at(1000))).toBe(0);
    th.fail("k", ACCOUNT_RULE, at(1000));
    expect(th.wait("k", at(1000))).toBe(2000);
    th.fail("k", ACCOUNT_RULE, at(1000 + FORGET_MS + 1));
    expect(th.wait("k", at(1000 + FORGET_MS + 1))).toBe(0);
  });

  test("reset forgets a key; other keys are untouched", () => {
    const th = new Throttle();
    for (let i = 0; i < 7; i++) {
      th.fail("a", ACCOUNT_RULE, at(0));
      th.fail("b", ACCOUNT_RULE, at(0));
    }
    th.reset("a");
    expect(th.wait("a", at(0))).toBe(0);
    expect(th.wait("b", at(0))).toBeGreaterThan(0);
  });
});

describe("keys", () => {
  test("IPv6 clients count per /64, IPv4 per address", () => {
    expect(addressKey("2001:db8:1:2::10")).toBe(addressKey("2001:db8:1:2:ffff::1"));
    expect(addressKey("2001:db8:1:2::10")).not.toBe(addressKey("2001:db8:1:3::10"));
    expect(addressKey("192.0.2.1")).not.toBe(addressKey("192.0.2.2"));
  });

  test("a known device is counted apart from the account's strangers", () => {
    expect(loginKeys("192.0.2.1", "7", null).account).toBe("account:7");
    expect(loginKeys("192.0.2.1", "7", "dev1").account).toBe("device:7:dev1");
  });
});
