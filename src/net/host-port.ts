// "host:port" as settings, stored rows and command lines write a network endpoint: "192.0.2.1:53",
// "[2001:db8::1]:53" (brackets, since the address holds colons: RFC 3986 §3.2.2), "ns1.example.org:53", and
// where a default port applies "192.0.2.1", "2001:db8::1" or "[2001:db8::1]". One reading for every
// listener, secondary, primary and resolver, so a value that one part accepts no other part reads otherwise.
// What a host may be (an IP address only, or a host name too) is the caller's rule, not this one's.
import { isIP } from "node:net";

export interface HostPort {
  /** Without brackets. */
  host: string;
  port: number;
  /** Whether it was written "[v6]…" (then host is an IPv6 address). */
  bracketed: boolean;
}

export interface HostPortForm {
  /** The port when none is written; absent: the port must be written. */
  defaultPort?: number;
  /** The lowest port accepted: 0 for a listener (the system chooses one), else 1 (the default). */
  minPort?: number;
}

/** A value that is not "host:port"; the message says what is wrong with it, without the value itself. */
export class HostPortError extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = "HostPortError";
  }
}

const BRACKETS = 'with the IPv6 address in brackets, e.g. "[::1]:53"';

function portProblem(text: string, min: number): string | null {
  if (!/^\d{1,5}$/.test(text)) return `port "${text}" is not a number`;
  const n = Number(text);
  return n >= min && n <= 65535 ? null : `port must be ${min}–65535, got ${n}`;
}

/** The parts of `text`, or what is wrong with it. */
export function parseHostPort(text: string, form: HostPortForm = {}): HostPort | { problem: string } {
  const { defaultPort, minPort = 1 } = form;
  const shape = defaultPort === undefined ? `must be "address:port" ${BRACKETS}` : `must be "address" or "address:port" ${BRACKETS}`;
  const parts = (host: string, port: string | undefined, bracketed: boolean): HostPort | { problem: string } => {
    if (host === "") return { problem: "the address is missing" };
    if (port === undefined) return defaultPort === undefined ? { problem: 'must be "address:port" (IPv6 as "[::1]:port"): the port is missing' } : { host, port: defaultPort, bracketed };
    const bad = portProblem(port, minPort);
    return bad ? { problem: bad } : { host, port: Number(port), bracketed };
  };
  if (text.startsWith("[")) {
    const m = text.match(/^\[([^\]]*)\](?::(.*))?$/);
    if (!m || (m[2] === undefined && defaultPort === undefined)) return { problem: shape };
    if (m[1] !== "" && isIP(m[1]) !== 6) return { problem: `"${m[1]}" is not an IPv6 address` };
    return parts(m[1], m[2], true);
  }
  const colon = text.indexOf(":");
  if (colon < 0) return parts(text, undefined, false);
  // More than one colon: an IPv6 address, which may stand alone only where the port may be left out.
  if (text.indexOf(":", colon + 1) >= 0) return defaultPort !== undefined && isIP(text) === 6 ? { host: text, port: defaultPort, bracketed: false } : { problem: shape };
  return parts(text.slice(0, colon), text.slice(colon + 1), false);
}

/** The parts of `text`; throws HostPortError saying what is wrong. */
export function splitHostPort(text: string, form: HostPortForm = {}): HostPort {
  const r = parseHostPort(text, form);
  if ("problem" in r) throw new HostPortError(r.problem);
  return r;
}
