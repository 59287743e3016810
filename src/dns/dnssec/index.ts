// dns/dnssec: keys, signatures, DS digests, NSEC3 hashes and their encodings (RFC 4034, 5155, 6605, 8080,
// 9276). Pure functions over node:crypto; the zone store (dns/zone) does the signing of zones with them.
export * from "./encoding.ts";
export * from "./keys.ts";
export * from "./sign.ts";
export * from "./seal.ts";
