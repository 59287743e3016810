// RFC 1035 §5 master files: what we read, the errors (naming the line), and what we write — which
// BIND's named-checkzone must accept.
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { MasterFileError, parseMasterFile, writeMasterFile } from "../../../src/dns/zone/index.ts";
import { havePeers, tempDir, which } from "../../support/net.ts";
import { ALL_TYPES_TEXT, ALL_TYPES_ZONE } from "./all-types.ts";

const TEXT = `
; a comment line
$ORIGIN example.org.
$TTL 1h
@   IN  SOA ns1 hostmaster.example.org. (
            2026010101 ; serial
            3600       ; refresh
            600 1w 300 )
        IN  NS  ns1
        IN  NS  ns2.example.net.
        IN  MX  10 mail
ns1     IN  A   192.0.2.53
mail    300 IN  A 192.0.2.25
mail    IN  300 AAAA 2001:DB8:0:0::25
www         CNAME @
txt     IN  TXT "hello world" "second; not a comment" "quote \\" and \\\\ backslash"
_sip._tcp IN SRV 10 5 5060 sip.example.org.
@       IN  CAA 0 issue "letsencrypt.org"
$ORIGIN sub.example.org.
host    IN  A   192.0.2.99
`;

describe("parsing master files", () => {
  test("$ORIGIN, $TTL, relative names, @, blank owners, parentheses, comments, TTL/class in either order", () => {
    const rrs = parseMasterFile(TEXT, "example.org");
    const lines = rrs.map((r) => `${r.name} ${r.ttl} ${r.type} ${r.data}`);
    expect(lines).toEqual([
      "example.org 3600 SOA ns1.example.org. hostmaster.example.org. 2026010101 3600 600 604800 300",
      "example.org 3600 NS ns1.example.org.",
      "example.org 3600 NS ns2.example.net.",
      "example.org 3600 MX 10 mail.example.org.",
      "ns1.example.org 3600 A 192.0.2.53",
      "mail.example.org 300 A 192.0.2.25",
      "mail.example.org 300 AAAA 2001:db8::25",
      "www.example.org 3600 CNAME example.org.",
      'txt.example.org 3600 TXT "hello world" "second; not a comment" "quote \\" and \\\\ backslash"',
      "_sip._tcp.example.org 3600 SRV 10 5 5060 sip.example.org.",
      'example.org 3600 CAA 0 issue "letsencrypt.org"',
      "host.sub.example.org 3600 A 192.0.2.99",
    ]);
  });

  test("errors name the line", () => {
    const cases: [string, RegExp][] = [
      ["$TTL 60\nwww IN A 192.0.2.1\nbad IN A 300.1.2.3\n", /^line 3: bad IPv4 address "300.1.2.3"/],
      ["$TTL 60\nwww IN TYPE3 \\# 1 00\n", /^line 2: record type TYPE3 is not supported/],
      ["$TTL 60\nwww IN TYPE251 \\# 0\n", /^line 2: record type TYPE251 is not supported/],
      ["$TTL 60\nwww IN BOGUS 1\n", /^line 2: unknown record type "BOGUS"/],
      ["$TTL 60\nwww IN HINFO a\n", /^line 2: HINFO needs 2 fields, got 1/],
      ["$TTL 60\nw IN SSHFP 4 2 12345\n", /^line 2: SSHFP data: bad hex/],
      ["$TTL 60\nw IN TLSA 3 1 256 00\n", /^line 2: TLSA matching type: 256 is out of range/],
      ["$TTL 60\nw IN OPENPGPKEY not*base64\n", /^line 2: OPENPGPKEY key: bad base64/],
      ["$TTL 60\nw IN HTTPS 1 . alpn\n", /^line 2: HTTPS alpn: needs a value/],
      ["$TTL 60\nw IN HTTPS 1 . port=1 port=2\n", /^line 2: HTTPS SvcParam port is given twice/],
      ["$TTL 60\nw IN SVCB 1 . mandatory=ipv4hint alpn=h2\n", /^line 2: SVCB mandatory lists ipv4hint, which is not given/],
      ["$TTL 60\nw IN SVCB 1 . ipv6hint=192.0.2.1\n", /^line 2: SVCB ipv6hint: bad IPv6 address "192.0.2.1"/],
      ["$TTL 60\nw IN SVCB 1 . foo=1\n", /^line 2: SVCB unknown SvcParam key "foo"/],
      ["$TTL 60\nw IN NAPTR 1 1 \"S!\" \"\" \"\" .\n", /^line 2: NAPTR flags: only letters and digits/],
      ["$TTL 60\nw IN LOC 91 N 1 E 0m\n", /^line 2: LOC latitude degrees: bad value "91"/],
      ["$TTL 60\nw IN LOC 52 22 61 N 4 E 0m\n", /^line 2: LOC latitude seconds: 61 is out of range/],
      ["$TTL 60\nw IN LOC 52 N 4 X 0m\n", /^line 2: LOC longitude: expected E or W, got "X"/],
      ["$TTL 60\nw IN LOC 52 N 4 E 0m 3.3m\n", /^line 2: LOC size: 3.3m is not one digit times a power of ten/],
      ["$TTL 60\nw IN URI 1 1 bare\n", /^line 2: URI target must be a quoted string/],
      ["$TTL 60\nw IN CERT PGP 0 NOALG AAAA\n", /^line 2: CERT algorithm: expected a number, got "NOALG"/],
      ["$TTL 60\nw IN DNAME a..b.\n", /^line 2: empty label/],
      ["$TTL 60\nw IN TYPE65534 0102\n", /^line 2: TYPE65534 rdata must be in the form \\# length hex/],
      ["$TTL 60\nw IN TYPE65534 \\# 3 0102\n", /^line 2: \\# says 3 octets but the hex holds 2/],
      ["$TTL 60\nw IN A \\# 3 010203\n", /^line 2: A rdata must be 4 octets/],
      ["$TTL 60\n@ IN SOA a b ( 1 2 3\n4\n", /^line 2: '\(' is never closed/],
      ["$TTL 60\nx IN TXT \"open\n", /^line 2: unterminated quoted string/],
      ["$TTL 60\nx IN MX mail\n", /^line 2: MX needs 2 fields, got 1/],
      ["$TTL 60\nx CH A 192.0.2.1\n", /^line 2: class CH is not served/],
      ["$INCLUDE other.zone\n", /^line 1: \$INCLUDE is not supported/],
      [`$TTL 60\n${"a".repeat(64)} IN A 192.0.2.1\n`, /^line 2: label longer than 63 octets/],
    ];
    for (const [text, re] of cases) {
      let err: unknown;
      try {
        parseMasterFile(text, "example.org");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MasterFileError);
      expect((err as Error).message).toMatch(re);
    }
  });

  test("written files read back to the same records", () => {
    const rrs = parseMasterFile(TEXT, "example.org");
    const again = parseMasterFile(writeMasterFile("example.org", rrs), "example.org");
    const key = (r: { name: string; type: string; ttl: number; data: string }) => `${r.name} ${r.ttl} ${r.type} ${r.data}`;
    expect(again.map(key).sort()).toEqual(rrs.map(key).sort());
  });

  test("RFC 3597: TYPEnnn of a known type is that type, \\# rdata of a known type is read as its wire form", () => {
    const rrs = parseMasterFile("$TTL 60\na IN TYPE1 192.0.2.1\nb IN A \\# 4 C0000202\nc IN MX \\# 3 000A 00\nd IN TYPE65534 \\# 0\n", "example.org");
    expect(rrs.map((r) => `${r.name} ${r.type} ${r.data}`)).toEqual(["a.example.org A 192.0.2.1", "b.example.org A 192.0.2.2", "c.example.org MX 10 .", "d.example.org TYPE65534 \\# 0"]);
  });

  test("every newer type reads to its canonical text, and that text reads back to itself", () => {
    const rrs = parseMasterFile(ALL_TYPES_TEXT, ALL_TYPES_ZONE);
    const shown = (type: string) => rrs.filter((r) => r.type === type).map((r) => `${r.name} ${r.data}`);
    // RFC 9460 §2.2: the SvcParams come out sorted by key, whatever order they were written in.
    expect(shown("HTTPS")).toEqual(["types.example 1 . alpn=h3,h2 port=8443 ipv4hint=192.0.2.1,192.0.2.2 ipv6hint=2001:db8::1", "svc.types.example 0 www.types.example."]);
    expect(shown("SVCB")[0]).toBe("_dns.types.example 1 dns.types.example. mandatory=alpn,port alpn=dot port=853");
    // RFC 1876 §3: the defaults for size and precision, and d m s always written out.
    expect(shown("LOC")).toContain("loc3.types.example 60 0 0.000 N 20 0 0.000 E 10.50m 1m 10000m 10m");
    expect(shown("NAPTR")).toContain('types.example 100 10 "S" "SIP+D2U" "" _sip._udp.types.example.');
    expect(shown("CERT")).toContain("key.types.example 3 0 0 mQENBFVHm5sBCADNRC7Ldcl2Y2JYWTTqYXOgfXJGnqQ1z5Y8");
    expect(shown("TYPE65534")).toEqual(["priv.types.example \\# 5 0102030405"]);
    const again = parseMasterFile(writeMasterFile(ALL_TYPES_ZONE, rrs), ALL_TYPES_ZONE);
    const key = (r: { name: string; type: string; ttl: number; data: string }) => `${r.name} ${r.ttl} ${r.type} ${r.data}`;
    expect(again.map(key).sort()).toEqual(rrs.map(key).sort());
  });

  test("names in the rdata of the newer types keep the case they were written in (RFC 4343)", () => {
    const rrs = parseMasterFile("$TTL 60\ns IN SVCB 1 Svc.Example.ORG.\nd IN DNAME Target.Example.NET.\nr IN RP Admin.Example.org. @\n", "example.org");
    expect(rrs.map((r) => r.data)).toEqual(["1 Svc.Example.ORG.", "Target.Example.NET.", "Admin.Example.org. example.org."]);
  });

  test.if(havePeers("named-checkzone"))("named-checkzone accepts what we write of every type", async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, "types.example.zone");
      writeFileSync(file, writeMasterFile(ALL_TYPES_ZONE, parseMasterFile(ALL_TYPES_TEXT, ALL_TYPES_ZONE)));
      const p = Bun.spawn([which("named-checkzone")!, ALL_TYPES_ZONE, file], { stdout: "pipe", stderr: "pipe" });
      const out = await new Response(p.stdout).text();
      expect(await p.exited).toBe(0);
      expect(out).toContain("loaded serial 2026120701");
      expect(out).toContain("OK");
    } finally {
      dir.cleanup();
    }
  });

  test.if(havePeers("named-checkzone"))("named-checkzone accepts what we write", async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, "example.org.zone");
      writeFileSync(file, writeMasterFile("example.org", parseMasterFile(TEXT, "example.org")));
      const p = Bun.spawn([which("named-checkzone")!, "example.org", file], { stdout: "pipe", stderr: "pipe" });
      const out = await new Response(p.stdout).text();
      expect(await p.exited).toBe(0);
      expect(out).toContain("loaded serial 2026010101");
      expect(out).toContain("OK");
    } finally {
      dir.cleanup();
    }
  });
});
