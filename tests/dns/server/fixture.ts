// Zones every server test answers from, as master-file text, and a store built from them.
import { MemoryZoneStorage, parseMasterFile, ZoneStore } from "../../../src/dns/zone/index.ts";

export const EXAMPLE_ORG = `
$ORIGIN example.org.
$TTL 300
@       3600 IN SOA ns1 hostmaster 2026010100 ( 3600 600
                 1209600 120 ) ; refresh retry expire minimum
@            IN NS  ns1
@            IN NS  ns2.example.net.
@            IN MX  10 mail
ns1          IN A   192.0.2.53
mail         IN A   192.0.2.25
www          IN A   192.0.2.80
www          IN AAAA 2001:db8::80
alias        IN CNAME www
ext          IN CNAME www.example.net.
cross        IN CNAME host.other.test.
loop1        IN CNAME loop2
loop2        IN CNAME loop1
*.wild       IN A   192.0.2.99
*.wild       IN TXT "wild card"
a.b.deep     IN A   192.0.2.7
sub          IN NS  ns.sub
ns.sub       IN A   192.0.2.10
_sip._tcp    IN SRV 10 5 5060 sip
sip          IN A   192.0.2.60
@            IN CAA 0 issue "letsencrypt.org"
`;

export const OTHER_TEST = `
$ORIGIN other.test.
@    60 IN SOA ns1.example.org. hostmaster.other.test. 7 3600 600 86400 30
@    60 IN NS  ns1.example.org.
host 60 IN A   198.51.100.1
`;

/** A TXT RRset too large for 512 octets. */
export function bigTxt(): string {
  let s = "$ORIGIN example.org.\n";
  for (let i = 0; i < 20; i++) s += `big 300 IN TXT "${"x".repeat(40)}-${i}"\n`;
  return s;
}

export async function fixtureStore(storage = new MemoryZoneStorage()): Promise<{ store: ZoneStore; storage: MemoryZoneStorage }> {
  const store = await ZoneStore.open(storage);
  await store.createZoneFromRecords("example.org", [...parseMasterFile(EXAMPLE_ORG, "example.org"), ...parseMasterFile(bigTxt(), "example.org")], "dateserial");
  await store.createZoneFromRecords("other.test", parseMasterFile(OTHER_TEST, "other.test"), "unixtime");
  return { store, storage };
}
