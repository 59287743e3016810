// SOA serial arithmetic (RFC 1982 with SERIAL_BITS = 32) and the ways updns picks the next serial.

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

/** How a zone's next serial is proposed: seconds since the epoch, YYYYMMDDnn, or simply the last one + 1. */
export type SerialScheme = "unixtime" | "dateserial" | "increment";

export const SERIAL_SCHEMES: readonly SerialScheme[] = ["unixtime", "dateserial", "increment"];

export function isSerialScheme(s: string): s is SerialScheme {
  return (SERIAL_SCHEMES as readonly string[]).includes(s);
}

/** YYYYMMDD00 of `now` in UTC, the base of a date serial. */
function dateBase(now: Date): number {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  const d = now.getUTCDate();
  return (y * 10000 + m * 100 + d) * 100;
}

/**
 * The serial after `current`: max(the scheme's value for `now`, current + 1) in RFC 1982 terms. The
 * scheme's value (seconds since the epoch, YYYYMMDD00, or nothing for "increment") is taken only when it
 * is greater than `current` — which also means less than 2^31 ahead (RFC 1982 §3.2), so the serial never
 * jumps so far that secondaries would read it as older. Otherwise (several changes in one second, more
 * than 99 in one day, a clock going back, a serial imported from elsewhere that is ahead of the scheme)
 * the serial simply grows by one, as BIND does, so it always increases and secondaries see every change.
 */
export function nextSerial(current: number, scheme: SerialScheme, now: Date): number {
  const plusOne = serialAdd(current, 1);
  if (scheme === "increment") return plusOne;
  const candidate = scheme === "unixtime" ? Math.floor(now.getTime() / 1000) % MOD : dateBase(now) % MOD;
  return serialGt(candidate, current) ? candidate : plusOne;
}

/**
 * The serial of a commit that asks for `wanted` (a master file's SOA on import): kept when it is greater
 * than `current` in RFC 1982 terms, so a secondary that already holds it sees the zone continue; else the
 * scheme's next serial, because the zone changed and secondaries must see that.
 */
export function commitSerial(current: number, wanted: number | undefined, scheme: SerialScheme, now: Date): number {
  return wanted !== undefined && serialGt(wanted, current) ? wanted >>> 0 : nextSerial(current, scheme, now);
}

/** The SOA rdata fields (RFC 1035 §3.3.13): names absolute, the timers in seconds. */
export interface SoaFields {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}
