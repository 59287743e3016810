// The answering rules as a table: question → rcode, AA, and the three sections as dig prints them.
export interface Rule {
  rule: string;
  qname: string;
  qtype: string;
  rcode: string;
  aa: boolean;
  answer: string[];
  authority: string[];
  additional?: string[];
}

const SOA_ORG = "example.org. 120 IN SOA ns1.example.org. hostmaster.example.org. 2026010100 3600 600 1209600 120";

export const RULES: Rule[] = [
  { rule: "positive answer, AA set", qname: "www.example.org", qtype: "A", rcode: "NOERROR", aa: true, answer: ["www.example.org. 300 IN A 192.0.2.80"], authority: [] },
  { rule: "AAAA", qname: "www.example.org", qtype: "AAAA", rcode: "NOERROR", aa: true, answer: ["www.example.org. 300 IN AAAA 2001:db8::80"], authority: [] },
  { rule: "NXDOMAIN with SOA, negative TTL = min(SOA TTL, minimum)", qname: "nothing.example.org", qtype: "A", rcode: "NXDOMAIN", aa: true, answer: [], authority: [SOA_ORG] },
  { rule: "NODATA with SOA", qname: "www.example.org", qtype: "MX", rcode: "NOERROR", aa: true, answer: [], authority: [SOA_ORG] },
  { rule: "empty non-terminal is NODATA, not NXDOMAIN", qname: "b.deep.example.org", qtype: "A", rcode: "NOERROR", aa: true, answer: [], authority: [SOA_ORG] },
  { rule: "CNAME is chased inside the zone", qname: "alias.example.org", qtype: "A", rcode: "NOERROR", aa: true, answer: ["alias.example.org. 300 IN CNAME www.example.org.", "www.example.org. 300 IN A 192.0.2.80"], authority: [] },
  { rule: "a CNAME query gets the CNAME only", qname: "alias.example.org", qtype: "CNAME", rcode: "NOERROR", aa: true, answer: ["alias.example.org. 300 IN CNAME www.example.org."], authority: [] },
  { rule: "CNAME into another of our zones brings the target along", qname: "cross.example.org", qtype: "A", rcode: "NOERROR", aa: true, answer: ["cross.example.org. 300 IN CNAME host.other.test.", "host.other.test. 60 IN A 198.51.100.1"], authority: [] },
  { rule: "CNAME out of our zones stops at the CNAME", qname: "ext.example.org", qtype: "A", rcode: "NOERROR", aa: true, answer: ["ext.example.org. 300 IN CNAME www.example.net."], authority: [] },
  { rule: "CNAME loop ends", qname: "loop1.example.org", qtype: "A", rcode: "NOERROR", aa: true, answer: ["loop1.example.org. 300 IN CNAME loop2.example.org.", "loop2.example.org. 300 IN CNAME loop1.example.org."], authority: [] },
  { rule: "wildcard synthesis (RFC 4592)", qname: "host.wild.example.org", qtype: "A", rcode: "NOERROR", aa: true, answer: ["host.wild.example.org. 300 IN A 192.0.2.99"], authority: [] },
  { rule: "wildcard below an empty non-terminal", qname: "a.b.wild.example.org", qtype: "TXT", rcode: "NOERROR", aa: true, answer: ['a.b.wild.example.org. 300 IN TXT "wild card"'], authority: [] },
  { rule: "wildcard NODATA", qname: "host.wild.example.org", qtype: "MX", rcode: "NOERROR", aa: true, answer: [], authority: [SOA_ORG] },
  { rule: "wildcard does not cover existing names", qname: "x.deep.example.org", qtype: "A", rcode: "NXDOMAIN", aa: true, answer: [], authority: [SOA_ORG] },
  { rule: "delegation gives a referral with glue, not authoritative", qname: "host.sub.example.org", qtype: "A", rcode: "NOERROR", aa: false, answer: [], authority: ["sub.example.org. 300 IN NS ns.sub.example.org."], additional: ["ns.sub.example.org. 300 IN A 192.0.2.10"] },
  { rule: "outside our zones: REFUSED", qname: "www.example.com", qtype: "A", rcode: "REFUSED", aa: false, answer: [], authority: [] },
  { rule: "ANY gets one RRset (RFC 8482)", qname: "www.example.org", qtype: "ANY", rcode: "NOERROR", aa: true, answer: ["www.example.org. 300 IN A 192.0.2.80"], authority: [] },
  { rule: "MX brings the exchange's address as additional data", qname: "example.org", qtype: "MX", rcode: "NOERROR", aa: true, answer: ["example.org. 300 IN MX 10 mail.example.org."], authority: [], additional: ["mail.example.org. 300 IN A 192.0.2.25"] },
  { rule: "SRV", qname: "_sip._tcp.example.org", qtype: "SRV", rcode: "NOERROR", aa: true, answer: ["_sip._tcp.example.org. 300 IN SRV 10 5 5060 sip.example.org."], authority: [], additional: ["sip.example.org. 300 IN A 192.0.2.60"] },
  { rule: "CAA", qname: "example.org", qtype: "CAA", rcode: "NOERROR", aa: true, answer: ['example.org. 300 IN CAA 0 issue "letsencrypt.org"'], authority: [] },
  { rule: "negative TTL of another zone: min(60, 30)", qname: "none.other.test", qtype: "A", rcode: "NXDOMAIN", aa: true, answer: [], authority: ["other.test. 30 IN SOA ns1.example.org. hostmaster.other.test. 7 3600 600 86400 30"] },
  { rule: "unknown type at an existing name is NODATA", qname: "www.example.org", qtype: "TYPE99", rcode: "NOERROR", aa: true, answer: [], authority: [SOA_ORG] },
];
