// One zone with a record of every type import accepts, written as a homelab zone file would be: mixed
// forms (quoted and bare strings, split hex and base64, TYPEnnn and \# rdata), relative names.
export const ALL_TYPES_ZONE = "types.example";

export const ALL_TYPES_TEXT = `
$ORIGIN types.example.
$TTL 300
@        IN SOA   ns1 hostmaster 2026120701 3600 600 604800 300
@        IN NS    ns1
ns1      IN A     127.0.0.1
ns1      IN AAAA  ::1
@        IN MX    10 mail
mail     IN A     192.0.2.25
www      IN CNAME @
txt      IN TXT   "v=spf1 -all" "second string"
_sip._tcp IN SRV  10 5 5060 sip
sip      IN A     192.0.2.60
@        IN CAA   0 issue "letsencrypt.org"
sub      IN DS    12345 13 2 ( 8B1B1F0E9F3E7D3A6B3C1F0E9F3E7D3A
                               6B3C1F0E9F3E7D3A6B3C1F0E9F3E7D3A )
sub      IN NS    ns.sub
ns.sub   IN A     192.0.2.53
25.2.0.192.in-addr IN PTR mail
host     IN HINFO "PC-Intel-700mhz" "Linux 6.1"
host     IN RP    admin.types.example. txt
host     IN SSHFP 4 2 ( 123456789ABCDEF67890123456789ABCDEF67890123456789ABCDEF123456789 )
host     IN SSHFP 1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac
_443._tcp.www IN TLSA 3 1 1 ( 0C72AC70B745AC19998811B131D662C9
                              AC69DBDBE7CB23E5B514B56664C5D3D6 )
_25._tcp.mail IN TLSA 2 0 1 E8B54E0B4BAA815B06D3462D65FBC7C0CF556ECCF9F5303EBFBB77D022F834C0
abc._smimecert IN SMIMEA 3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6
c93f._openpgpkey IN OPENPGPKEY ( mQENBFVHm5sBCADNRC7Ldcl2Y2JYWTTqYXOgfXJGnqQ1z5Y8
                                 mQ0MG0KyWYtkdXJvbW9uQGV4YW1wbGUuY29tPg== )
@        IN HTTPS 1 . alpn=h3,h2 ipv4hint=192.0.2.1,192.0.2.2 ipv6hint=2001:db8::1 port=8443
svc      IN HTTPS 0 www
_dns     IN SVCB  1 dns port=853 mandatory=alpn,port alpn="dot"
_8443._https.svc IN SVCB 2 svc ( key65000="hello" ech=AEn+DQBFKwAgACABWIHUGj4u+PIggYXcR5JF0gYk3dCRioBW8uJq9H4mKAAIAAEAAQABAANAEnB1YmxpYy50bHMtZWNoLmRldgAA no-default-alpn alpn=h2 )
@        IN NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp
@        IN NAPTR 102 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .
old      IN DNAME new.types.example.
new      IN A     192.0.2.100
a.new    IN A     192.0.2.101
away     IN DNAME example.net.
@        IN LOC   52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m
loc2     IN LOC   42 21 54 N 71 06 18 W -24m 30m
loc3     IN LOC   60 N 20 E 10.5m
_ftp._tcp IN URI  10 1 "ftp://ftp1.example.com/public"
key      IN CERT  PGP 0 0 ( mQENBFVHm5sBCADNRC7Ldcl2Y2JYWTTqYXOgfXJGnqQ1z5Y8 )
key      IN CERT  1 65535 RSASHA256 MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A
priv     IN TYPE65534 \\# 5 ( 0102 030405 )
spf      IN TYPE99 \\# 12 0B763D73706631202D616C6C
hex      IN A     \\# 4 C0000263
empty    IN TYPE65000 \\# 0
`;

/** Every (name, type) of the zone, for asking both servers. */
export const ALL_TYPES_QUESTIONS: [string, string][] = [
  ["types.example", "SOA"], ["types.example", "NS"], ["types.example", "MX"], ["types.example", "CAA"],
  ["types.example", "HTTPS"], ["types.example", "NAPTR"], ["types.example", "LOC"],
  ["ns1.types.example", "A"], ["ns1.types.example", "AAAA"], ["mail.types.example", "A"], ["www.types.example", "CNAME"],
  ["www.types.example", "A"], ["txt.types.example", "TXT"], ["_sip._tcp.types.example", "SRV"],
  ["sub.types.example", "DS"], ["sub.types.example", "NS"], ["25.2.0.192.in-addr.types.example", "PTR"],
  ["host.types.example", "HINFO"], ["host.types.example", "RP"], ["host.types.example", "SSHFP"],
  ["_443._tcp.www.types.example", "TLSA"], ["_25._tcp.mail.types.example", "TLSA"], ["abc._smimecert.types.example", "SMIMEA"],
  ["c93f._openpgpkey.types.example", "OPENPGPKEY"], ["svc.types.example", "HTTPS"], ["_dns.types.example", "SVCB"],
  ["_8443._https.svc.types.example", "SVCB"], ["old.types.example", "DNAME"], ["x.old.types.example", "A"],
  ["a.new.types.example", "A"], ["a.old.types.example", "A"], ["a.old.types.example", "CNAME"], ["b.c.old.types.example", "TXT"],
  ["host.away.types.example", "A"], ["loc2.types.example", "LOC"], ["loc3.types.example", "LOC"],
  ["_ftp._tcp.types.example", "URI"], ["key.types.example", "CERT"], ["priv.types.example", "TYPE65534"],
  ["spf.types.example", "TYPE99"], ["hex.types.example", "A"], ["empty.types.example", "TYPE65000"],
];
