// RFC 1982 serial arithmetic and the next-serial schemes.
import { expect, test } from "bun:test";
import { commitSerial, nextSerial, serialAdd, serialGt, serialLt, type SerialScheme } from "../../../src/dns/wire/index.ts";

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

test("increment: one more, whatever the clock says", () => {
  const now = new Date("2026-12-07T12:00:00Z");
  expect(nextSerial(2026120701, "increment", now)).toBe(2026120702);
  expect(nextSerial(0, "increment", now)).toBe(1);
});

test("the serial wraps from 2^32 - 1 to 0, which is newer (RFC 1982 §3.1)", () => {
  expect(nextSerial(0xffffffff, "increment", new Date())).toBe(0);
  // In 2106 the unix time is 0xfffffffe: one second behind, so +1, which wraps.
  expect(nextSerial(0xffffffff, "unixtime", new Date(0xfffffffe * 1000))).toBe(0);
  // And past the wrap the clock (now small) is ahead of 0xffffffff in serial arithmetic: it is taken.
  expect(nextSerial(0xffffffff, "unixtime", new Date(0x1_0000_0010 * 1000))).toBe(0x10);
  expect(serialGt(0, 0xffffffff)).toBe(true);
});

test("a serial imported ahead of the scheme is never left behind: the scheme falls back to +1", () => {
  // A date serial from the old primary (2026120701) is ahead of the unix time (1796...): going to the
  // clock would be backwards in RFC 1982 terms, so the serial counts up instead.
  const now = new Date("2026-12-07T12:00:00Z");
  expect(Math.floor(now.getTime() / 1000)).toBeLessThan(2026120701);
  expect(nextSerial(2026120701, "unixtime", now)).toBe(2026120702);
  // And a unix-time serial switched to dateserial jumps forward to the date, which is newer.
  expect(nextSerial(1796644800, "dateserial", now)).toBe(2026120700);
});

test("never backwards, never a jump of 2^31 or more, for any current serial and scheme", () => {
  const now = new Date("2026-12-07T12:00:00Z");
  const currents = [0, 1, 2026120700, 2026120799, 1796644800, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 0xfffffffe, 0xffffffff];
  for (let i = 0; i < 200; i++) currents.push(Math.floor((i * 2654435761) % 2 ** 32));
  for (const scheme of ["unixtime", "dateserial", "increment"] as SerialScheme[])
    for (const c of currents) {
      const n = nextSerial(c, scheme, now);
      expect(serialGt(n, c)).toBe(true);
      expect((n - c + 2 ** 32) % 2 ** 32).toBeLessThan(2 ** 31);
    }
});

test("a commit asking for a serial (a master file's) gets it only when it is newer", () => {
  const now = new Date("2026-12-07T12:00:00Z");
  expect(commitSerial(1796644800, 2026120701, "unixtime", now)).toBe(2026120701);
  expect(commitSerial(2026120701, 2026120701, "unixtime", now)).toBe(2026120702); // equal: the change still needs a new serial
  expect(commitSerial(2026120705, 2026120701, "dateserial", now)).toBe(2026120706); // older: never backwards
  expect(commitSerial(0xfffffff0, 5, "increment", now)).toBe(5); // newer across the wrap
  expect(commitSerial(5, 5 + 2 ** 31, "increment", now)).toBe(6); // 2^31 away is undefined (RFC 1982 §3.2): not taken
  expect(commitSerial(5, undefined, "increment", now)).toBe(6);
});
