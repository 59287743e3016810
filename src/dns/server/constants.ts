// Numbers of the DNS protocol used by the server (IANA registries).
import { type KnownType, type RRType, TYPE_CODE } from "../zone/index.ts";

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, YXDOMAIN: 6, YXRRSET: 7, NXRRSET: 8, NOTAUTH: 9, NOTZONE: 10, BADVERS: 16 } as const;
export const RCODE_NAME: Record<number, string> = Object.fromEntries(Object.entries(RCODE).map(([k, v]) => [v, k]));
export const OPCODE = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

export const TYPE: Record<KnownType, number> = TYPE_CODE;
export const TYPE_NAME: Record<number, RRType> = Object.fromEntries(Object.entries(TYPE).map(([k, v]) => [v, k as RRType]));
export const QTYPE = { OPT: 41, TSIG: 250, IXFR: 251, AXFR: 252, MAILB: 253, MAILA: 254, ANY: 255 } as const;
export const CLASS = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

/** A readable name for counters: "A", "TYPE99", "AXFR". */
export function typeLabel(t: number): string {
  if (TYPE_NAME[t]) return TYPE_NAME[t];
  for (const [k, v] of Object.entries(QTYPE)) if (v === t) return k;
  if (t === 13) return "HINFO";
  if (t === 43) return "DS";
  if (t === 48) return "DNSKEY";
  if (t === 65) return "HTTPS";
  return `TYPE${t}`;
}
