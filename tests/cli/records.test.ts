// Static records and master files from the command line, while the server runs: each change is served at
// once with a new serial, an exported zone is one that BIND's named-checkzone accepts, and an operator can
// move an existing zone onto updns with one import.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, startBinary, type BinaryServer } from "../support/updns.ts";
import { dig, rdata } from "../support/dig.ts";
import { havePeers, tempDir, waitFor } from "../support/net.ts";

const ZONE = "static.example.test";
const ok = havePeers("dig", "named-checkzone");

const MASTER = `; an existing zone, as BIND had it
$ORIGIN moved.example.test.
$TTL 600
@   IN SOA ns1.example.test. hostmaster ( 2024010101 ; serial
        3600 600 1209600 300 )
    IN NS  ns1.example.test.
    IN NS  ns2.example.test.
    IN MX  10 mail
www IN A   192.0.2.10
    IN AAAA 2001:db8::10
mail 300 IN A 192.0.2.25
ftp IN CNAME www
_sip._tcp IN SRV 10 5 5060 sip.example.test.
@   IN TXT "v=spf1 mx -all"
@   IN CAA 0 issue "letsencrypt.org"
`;

describe.skipIf(!ok)("record and zone commands", () => {
  const d = tempDir();
  let s: BinaryServer;
  const run = (...args: string[]) => cli(args, { cwd: d.path });
  const serial = async (zone: string) => Number(rdata(await dig("127.0.0.1", s.dnsPort, zone, "SOA"), "SOA")[0]?.split(" ")[2]);

  beforeAll(async () => {
    s = await startBinary({}, d.path);
    await run("user", "add", "ops", "--email", "ops@example.test");
    await run("domain", "add", ZONE, "--embedded", "--owner", "ops");
    await run("host", "add", `home.${ZONE}`, "--owner", "ops");
    await waitFor("the zone", async () => (await serial(ZONE)) > 0);
  });
  afterAll(async () => {
    await s?.stop();
    d.cleanup();
  });

  test("record add: served at once, the serial moves, the RRset grows", async () => {
    const before = await serial(ZONE);
    expect((await run("record", "add", ZONE, "www", "A", "192.0.2.1", "--ttl", "300")).code).toBe(0);
    expect((await run("record", "add", ZONE, "www", "A", "192.0.2.2", "--ttl", "300")).code).toBe(0);
    expect((await run("record", "add", ZONE, "@", "MX", "10 mail." + ZONE + ".")).code).toBe(0);
    await waitFor("www to be served", async () => rdata(await dig("127.0.0.1", s.dnsPort, `www.${ZONE}`, "A"), "A").length === 2);
    expect(rdata(await dig("127.0.0.1", s.dnsPort, `www.${ZONE}`, "A"), "A").sort()).toEqual(["192.0.2.1", "192.0.2.2"]);
    // The running server picks each commit up within its poll interval: wait for the last one too.
    await waitFor("the MX to be served", async () => rdata(await dig("127.0.0.1", s.dnsPort, ZONE, "MX"), "MX").length === 1);
    expect(rdata(await dig("127.0.0.1", s.dnsPort, ZONE, "MX"), "MX")).toEqual([`10 mail.${ZONE}.`]);
    expect(await serial(ZONE)).not.toBe(before);
  });

  test("record remove: one record, then the whole RRset", async () => {
    expect((await run("record", "remove", ZONE, "www", "A", "192.0.2.1")).code).toBe(0);
    await waitFor("one www left", async () => rdata(await dig("127.0.0.1", s.dnsPort, `www.${ZONE}`, "A"), "A").length === 1);
    expect((await run("record", "remove", ZONE, "www", "A")).code).toBe(0);
    await waitFor("www gone", async () => (await dig("127.0.0.1", s.dnsPort, `www.${ZONE}`, "A")).status === "NXDOMAIN");
  });

  test("bad input is refused with a clear message and nothing changes", async () => {
    const before = await serial(ZONE);
    const cases: [string[], string][] = [
      [["record", "add", ZONE, "www", "A", "300.1.1.1"], "300.1.1.1"],
      [["record", "add", ZONE, "www", "CNAME", "a.example.test."], ""],
      [["record", "add", ZONE, "home", "A", "192.0.2.9"], "dynamic host"],
      [["record", "add", ZONE, "@", "CNAME", "x.example.test."], "apex"],
      [["record", "add", ZONE, "x", "NSEC", "y.example.test. A"], "One of"],
      [["record", "add", ZONE, "svc", "HTTPS", "1 . alpn=h2 port=99999"], "HTTPS port: 99999 is out of range"],
      [["record", "add", ZONE, "_443._tcp", "TLSA", "3 1 1 XYZ"], "TLSA data: bad hex"],
      [["record", "add", ZONE, "x", "TYPE65534", "\\# 3 0102"], "says 3 octets but the hex holds 2"],
      [["record", "add", ZONE, "x", "TYPE251", "\\# 0"], "TYPE251 is not served"],
      [["record", "remove", ZONE, "nothing", "A"], "no such RRset"],
      [["record", "add", "nowhere.example.test", "x", "A", "192.0.2.1"], 'no domain named "nowhere.example.test"'],
    ];
    expect((await run("record", "add", ZONE, "www", "A", "192.0.2.5")).code).toBe(0);
    const afterAdd = await waitFor("www back", async () => (rdata(await dig("127.0.0.1", s.dnsPort, `www.${ZONE}`, "A"), "A").length ? serial(ZONE) : 0));
    for (const [args, message] of cases) {
      const r = await run(...args);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(message);
    }
    // A CNAME beside the A of www is refused by the zone's rules (RFC 1034 §3.6.2).
    expect((await run("record", "add", ZONE, "www", "CNAME", "a.example.test.")).stderr).toMatch(/CNAME/);
    expect(await serial(ZONE)).toBe(afterAdd);
    expect(afterAdd).not.toBe(before);
  });

  test("record add takes DS (as the manual says), PTR, the newer types and TYPEnnn with \\# rdata", async () => {
    const adds: [string, string, string, string][] = [
      ["child", "DS", "12345 13 2 8B1B1F0E9F3E7D3A6B3C1F0E9F3E7D3A6B3C1F0E9F3E7D3A6B3C1F0E9F3E7D3A", "12345 13 2 8B1B1F0E9F3E7D3A6B3C1F0E9F3E7D3A6B3C1F0E9F3E7D3A6B3C1F0E 9F3E7D3A"],
      ["25", "PTR", "mail.example.test.", "mail.example.test."],
      ["_443._tcp.web", "TLSA", "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6", "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B566 64C5D3D6"],
      ["web", "HTTPS", "1 . port=8443 alpn=h2,h3", '1 . alpn="h2,h3" port=8443'],
      ["priv", "TYPE65534", "\\# 2 CAFE", "\\# 2 CAFE"],
    ];
    for (const [name, type, value] of adds) {
      const r = await run("record", "add", ZONE, name, type, value);
      expect(`${name} ${type}: ${r.code} ${r.stderr}`).toBe(`${name} ${type}: 0 `);
    }
    for (const [name, type, , shown] of adds) {
      await waitFor(`${name} ${type} to be served`, async () => rdata(await dig("127.0.0.1", s.dnsPort, `${name}.${ZONE}`, type), type).length === 1);
      expect(rdata(await dig("127.0.0.1", s.dnsPort, `${name}.${ZONE}`, type), type)).toEqual([shown]);
    }
  });

  test("zone import creates a zone from a master file; dig answers every record; errors name the line", async () => {
    const file = join(d.path, "moved.zone");
    writeFileSync(file, MASTER);
    const r = await run("zone", "import", "moved.example.test", file, "--owner", "ops", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ zone: "moved.example.test", created: true, records: 11 });
    await waitFor("moved zone served", async () => (await dig("127.0.0.1", s.dnsPort, "www.moved.example.test", "A")).status === "NOERROR");
    expect(rdata(await dig("127.0.0.1", s.dnsPort, "ftp.moved.example.test", "A"), "CNAME")).toEqual(["www.moved.example.test."]);
    expect(rdata(await dig("127.0.0.1", s.dnsPort, "_sip._tcp.moved.example.test", "SRV"), "SRV")).toEqual(["10 5 5060 sip.example.test."]);
    expect(rdata(await dig("127.0.0.1", s.dnsPort, "moved.example.test", "CAA"), "CAA")).toEqual(['0 issue "letsencrypt.org"']);
    expect((await dig("127.0.0.1", s.dnsPort, "mail.moved.example.test", "A")).answer[0]).toContain(" 300 IN A 192.0.2.25");
    const broken = join(d.path, "broken.zone");
    writeFileSync(broken, "$ORIGIN broken.example.test.\n@ IN SOA ns1. host. 1 2 3 4 5\n@ IN NS ns1.example.test.\nwww IN A 192.0.2.300\n");
    const bad = await run("zone", "import", "broken.example.test", broken);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${broken}:4:`);
    expect((await run("domain", "list", "--json")).stdout).not.toContain("broken.example.test");
  });

  test("zone export writes a file named-checkzone accepts, and re-importing it changes nothing but the serial", async () => {
    const out = await run("zone", "export", "moved.example.test");
    expect(out.code).toBe(0);
    const file = join(d.path, "exported.zone");
    writeFileSync(file, out.stdout);
    const check = Bun.spawnSync(["named-checkzone", "moved.example.test", file], { stdout: "pipe", stderr: "pipe" });
    expect(check.stdout.toString()).toContain("OK");
    expect(check.exitCode).toBe(0);
    const again = await run("zone", "import", "moved.example.test", file, "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({ created: false, records: 11 });
  });

  test("names keep the case of the file (RFC 4343 §4): the export shows them as written, dig answers in any case", async () => {
    const file = join(d.path, "case.zone");
    writeFileSync(file, "$ORIGIN case.example.test.\n@ IN SOA Ns1.Example.test. HostMaster 1 3600 600 1209600 300\n@ IN NS Ns1.Example.test.\n@ IN MX 10 Target.Case.Example.test.\nMixedCase IN A 192.0.2.80\nAlias IN CNAME Target.Case.Example.test.\nTarget IN A 192.0.2.81\n");
    expect((await run("zone", "import", "case.example.test", file, "--owner", "ops")).code).toBe(0);
    const out = (await run("zone", "export", "case.example.test")).stdout;
    expect(out).toContain("MixedCase.case.example.test.\t300\tIN\tA\t192.0.2.80");
    expect(out).toContain("Alias.case.example.test.\t300\tIN\tCNAME\tTarget.Case.Example.test.");
    expect(out).toContain("case.example.test.\t300\tIN\tMX\t10 Target.Case.Example.test.");
    await waitFor("case zone served", async () => (await dig("127.0.0.1", s.dnsPort, "mixedcase.case.example.test", "A")).status === "NOERROR");
    expect((await dig("127.0.0.1", s.dnsPort, "MIXEDCASE.case.example.test", "A")).answer).toEqual(["MIXEDCASE.case.example.test. 300 IN A 192.0.2.80"]);
    expect(rdata(await dig("127.0.0.1", s.dnsPort, "alias.case.example.test", "A"), "CNAME")).toEqual(["Target.Case.Example.test."]);
  });

  test("importing into a zone with dynamic hosts keeps the hosts' records", async () => {
    const host = (await run("host", "add", `router.moved.example.test`, "--owner", "ops", "--json")).stdout;
    const secret = JSON.parse(host).update_secret;
    const res = await fetch(`${s.url}/nic/update?myip=192.0.2.200`, { headers: { authorization: "Basic " + btoa(`router.moved.example.test:${secret}`) } });
    expect(await res.text()).toBe("good 192.0.2.200");
    const file = join(d.path, "moved.zone");
    writeFileSync(file, MASTER + "Router IN A 198.51.100.1\n");
    const r = await run("zone", "import", "moved.example.test", file, "--json");
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ skipped: 1 });
    // If the import changed the zone, wait until the server serves that version; then look at the router's name.
    if (out.serial !== undefined) await waitFor("the import to be served", async () => (await serial("moved.example.test")) === out.serial);
    expect(rdata(await dig("127.0.0.1", s.dnsPort, "router.moved.example.test", "A"), "A")).toEqual(["192.0.2.200"]);
  });
});
