// SOA serial arithmetic (RFC 1982 with SERIAL_BITS = 32) and the two ways updns picks the next serial.

const MOD = 2 ** 32;
const HALF = 2 ** 31;

/** s1 > s2 in serial number arithmetic (RFC 1982 §3.2). Undefined pairs (distance exactly 2^31) are false. */
export function serialGt(s1: number, s2: number): boolean {
  const a = s1 >>> 0;
  const b = s2 >>> 0;
  return (a < b && b - a > HALF) || (a > b && a - b < HALF);
}

/** s1 < s2 in serial number arithmetic. */
export function serialLt(s1: number, s2: number): boolean {
  return serialGt(s2, s1);
}

/** s + n (RFC 1982 §3.1): n must be in 0 .. 2^31 - 1. */
export function serialAdd(s: number, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > HALF - 1) throw new RangeError(`serial increment ${n} outside 0..2^31-1`);
  return ((s >>> 0) + n) % MOD;
}

export type SerialScheme = "unixtime" | "dateserial";

/** YYYYMMDD00 of `now` in UTC, the base of a date serial. */
function dateBase(now: Date): number {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  const d = now.getUTCDate();
  return (y * 10000 + m * 100 + d) * 100;
}

/**
 * The serial after `current`. The candidate is the scheme's value for `now` (seconds since the epoch,
 * or YYYYMMDD00); when that is not greater than `current` (several changes in one second or more than
 * 99 in one day, or a clock going back) the serial simply grows by one, as BIND does, so it always
 * increases in RFC 1982 terms and secondaries see every change.
 */
export function nextSerial(current: number, scheme: SerialScheme, now: Date): number {
  const candidate = scheme === "unixtime" ? Math.floor(now.getTime() / 1000) % MOD : dateBase(now) % MOD;
  return serialGt(candidate, current) ? candidate : serialAdd(current, 1);
}
