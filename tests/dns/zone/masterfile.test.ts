// RFC 1035 §5 master files: what we read, the errors (naming the line), and what we write — which
// BIND's named-checkzone must accept.
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { MasterFileError, parseMasterFile, writeMasterFile } from "../../../src/dns/zone/index.ts";
import { havePeers, tempDir, which } from "../../support/net.ts";

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
      ["$TTL 60\nwww IN HINFO a b\n", /^line 2: record type HINFO is not supported/],
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
