// dns/server: the embedded authoritative primary — answers, AXFR/IXFR out, NOTIFY out, UPDATE in.
export { answer, type Answer } from "./answer.ts";
export { Responder, type ResponderOptions, type Peer, type Send, type TransferRecord } from "./responder.ts";
export { BindError, listenDns, parseListen, type ListenOptions, type DnsListener } from "./listen.ts";
export { Notifier, type NotifierOptions } from "./notify.ts";
export { addressAllowed, type ZoneAcl, type UpdatePolicy, type UpdateRequest } from "./policy.ts";
export { newCounters, type DnsCounters } from "./counters.ts";
export type { DnsEvents, DnsEventFields } from "./events.ts";
export { RCODE, RCODE_NAME, TYPE, QTYPE, CLASS, OPCODE } from "./constants.ts";
export { parseFastQuery, udpLimit, encodeResponse, encodeWithin, type Edns, type ResponseParts } from "./message.ts";
export { ResponseRateLimiter, networkOf, truncatedAnswer, type RrlOptions, type RrlDecision, type RrlStats } from "./rrl.ts";
export { prepareTransfers } from "./xfr.ts";
export { startDnsThreads, type DnsThreads, type DnsThreadsOptions } from "./threads.ts";
