// The operator's log lines of the DNS side: UPDATEs received, transfers served or refused, NOTIFYs, TSIG
// failures. A Logger (src/log) fits; dns/server only needs these two methods. Never called on the path of a
// plain query, and never given a key's secret: key names only.
export type DnsEventFields = Record<string, string | number | null | undefined>;

export interface DnsEvents {
  info(msg: string, fields: DnsEventFields): void;
  warn(msg: string, fields: DnsEventFields): void;
}
