// RFC 1982 serial arithmetic and the next-serial schemes.
import { expect, test } from "bun:test";
import { nextSerial, serialAdd, serialGt, serialLt } from "../../../src/dns/wire/index.ts";

test("comparison wraps at 2^32 (RFC 1982 §3.2)", () => {
  expect(serialGt(2, 1)).toBe(true);
  expect(serialGt(0, 0xffffffff)).toBe(true);
  expect(serialLt(0xffffffff, 0)).toBe(true);
  expect(serialGt(1, 1)).toBe(false);
  expect(serialGt(2 ** 31, 0)).toBe(false); // undefined distance: neither greater
  expect(serialGt(0, 2 ** 31)).toBe(false);
});

test("addition wraps and refuses increments of 2^31 or more (RFC 1982 §3.1)", () => {
  expect(serialAdd(0xffffffff, 1)).toBe(0);
  expect(serialAdd(5, 2 ** 31 - 1)).toBe(2 ** 31 + 4);
  expect(() => serialAdd(5, 2 ** 31)).toThrow();
});

test("unixtime: the clock when it is ahead, else one more", () => {
  const now = new Date(1_700_000_000_000);
  expect(nextSerial(1, "unixtime", now)).toBe(1_700_000_000);
  expect(nextSerial(1_700_000_000, "unixtime", now)).toBe(1_700_000_001);
  expect(nextSerial(1_800_000_000, "unixtime", now)).toBe(1_800_000_001);
});

test("dateserial: YYYYMMDD00, then counting up (past 99 into the next day, as BIND)", () => {
  const now = new Date("2026-11-26T12:00:00Z");
  expect(nextSerial(2026112507, "dateserial", now)).toBe(2026112600);
  expect(nextSerial(2026112600, "dateserial", now)).toBe(2026112601);
  expect(nextSerial(2026112699, "dateserial", now)).toBe(2026112700);
});
