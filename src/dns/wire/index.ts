// dns/wire: names, RFC 1982 serials, TSIG (RFC 8945) and a raw message scanner. Depends on nothing of ours.
export * from "./names.ts";
export * from "./serial.ts";
export * from "./scan.ts";
export * from "./tsig.ts";
export * from "./source.ts";
export * from "./rdata.ts";
