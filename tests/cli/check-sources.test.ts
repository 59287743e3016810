// The source addresses of outgoing DNS (dns.notify_source, dns.rfc2136_source and their _v6 twins):
// `updns check` refuses an address of the wrong family, naming the key and the one to use instead; the
// defaults follow dns.listen as the README says.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { outgoingSources } from "../../src/cli/dns.ts";
import { loadConfig } from "../../src/config/index.ts";
import { cli } from "../support/updns.ts";
import { tempDir } from "../support/net.ts";

const d = tempDir("updns-check-sources-");
afterAll(() => d.cleanup());

describe("updns check and the source addresses", () => {
  for (const [toml, message] of [
    ['notify_source = "::1"', 'dns.notify_source = "::1": "::1" is an IPv6 address, this key takes IPv4 (set dns.notify_source_v6 for IPv6)'],
    ['notify_source_v6 = "127.0.0.2"', 'dns.notify_source_v6 = "127.0.0.2": "127.0.0.2" is an IPv4 address, this key takes IPv6 (set dns.notify_source for IPv4)'],
    ['rfc2136_source = "2001:db8::1"', 'dns.rfc2136_source = "2001:db8::1": "2001:db8::1" is an IPv6 address, this key takes IPv4 (set dns.rfc2136_source_v6 for IPv6)'],
    ['rfc2136_source_v6 = "ns1.example.org"', 'dns.rfc2136_source_v6 = "ns1.example.org": "ns1.example.org" is not an IPv6 address'],
  ]) {
    test(`refuses ${toml}, naming the key`, async () => {
      const f = join(d.path, "bad.toml");
      writeFileSync(f, `[dns]\n${toml}\n`);
      chmodSync(f, 0o600);
      const check = await cli(["check", "--config", f], { cwd: d.path });
      expect(check.code).toBe(1);
      expect(check.stderr).toContain(`${f}: ${message}`);
    });
  }

  test("accepts an address of the right family for each", async () => {
    const f = join(d.path, "good.toml");
    writeFileSync(f, '[dns]\nnotify_source = "127.0.0.2"\nnotify_source_v6 = "::1"\nrfc2136_source = "0.0.0.0"\nrfc2136_source_v6 = "::"\n');
    chmodSync(f, 0o600);
    const check = await cli(["check", "--config", f], { cwd: d.path });
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
  });
});

describe("where outgoing DNS leaves from", () => {
  const sources = (env: Record<string, string>) => outgoingSources(loadConfig({ env: { UPDNS_DNS_LISTEN: "127.0.0.1:5353", ...env } }).dns);

  test("by default, from the first specific address of each family DNS listens on, for NOTIFY and external primaries alike", () => {
    const s = sources({ UPDNS_DNS_LISTEN: "127.0.0.2:53,[::1]:53,127.0.0.3:53" });
    expect(s.notify).toEqual({ v4: "127.0.0.2", v6: "::1" });
    expect(s.rfc2136).toEqual({ v4: "127.0.0.2", v6: "::1" });
  });

  test("the kernel chooses for a family DNS listens on as a wildcard", () => {
    expect(sources({ UPDNS_DNS_LISTEN: "0.0.0.0:53,[::]:53" }).notify).toEqual({ v4: undefined, v6: undefined });
    expect(sources({ UPDNS_DNS_LISTEN: "0.0.0.0:53,[2001:db8::53]:53" }).notify).toEqual({ v4: undefined, v6: "2001:db8::53" });
  });

  test("set keys win, and the rfc2136 source follows the notify source unless set itself", () => {
    const s = sources({ UPDNS_DNS_LISTEN: "0.0.0.0:53", UPDNS_DNS_NOTIFY_SOURCE: "192.0.2.1", UPDNS_DNS_RFC2136_SOURCE_V6: "2001:db8::2" });
    expect(s.notify).toEqual({ v4: "192.0.2.1", v6: undefined });
    expect(s.rfc2136).toEqual({ v4: "192.0.2.1", v6: "2001:db8::2" });
  });
});
