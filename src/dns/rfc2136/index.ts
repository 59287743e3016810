// dns/rfc2136: the client for external primaries (RFC 2136 UPDATE signed with TSIG, RD-off queries).
export { DnsError, exchange, query, querySoa, reverseLookup, sendUpdate } from "./client.ts";
export type { DnsErrorKind, ExchangeOptions, ExchangeResult, QueryOptions, QueryResult } from "./client.ts";
export { reverseResolver, resolvConfServers, systemResolvers } from "./resolver.ts";
export type { ReverseLookup, ReverseResolverOptions } from "./resolver.ts";
export { buildQuery, buildUpdate, decodeResponse, rcodeName, replaceOps, reverseName } from "./message.ts";
export type { AnswerRecord, DecodedResponse, Prerequisite, RecordTypeName, UpdateOp } from "./message.ts";
export { formatServer, parseServer, UDP_LIMIT } from "./transport.ts";
export type { ServerAddress } from "./transport.ts";
// What users of this client need from dns/wire, so they depend on dns/rfc2136 alone (DESIGN.md).
export { absolutize, parseAlgorithm, tsigKeyFromBase64, TSIG_ALGORITHMS } from "../wire/index.ts";
export type { SourceAddresses, TsigAlgorithm, TsigKey } from "../wire/index.ts";
