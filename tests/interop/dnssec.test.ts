// Signed embedded zones checked by other people's validators: after AXFR, dnssec-verify (BIND),
// ldns-verify-zone and kzonecheck (Knot) accept every variant (NSEC3/NSEC, ECDSA/Ed25519, CSK/KSK+ZSK, with
// wildcards, CNAMEs, empty non-terminals and delegations); delv validates positive, NXDOMAIN, NODATA and
// wildcard answers with the zone's key as trust anchor; a change keeps it all true with a fresh RRSIG.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { listenDns, Responder, type DnsListener } from "../../src/dns/server/index.ts";
import { policyFromRules } from "../../src/core/index.ts";
import { tsigKeyFromBase64 } from "../../src/dns/wire/index.ts";
import { MemoryZoneStorage, parseMasterFile, ZoneKeys, ZoneStore, type DnssecSettings } from "../../src/dns/zone/index.ts";
import { axfr, delv, verifyZoneFile, writeAnchors } from "../support/dnssec.ts";
import { freePort, havePeers, tempDir, which } from "../support/net.ts";

const HAVE = havePeers("dig", "delv", "dnssec-verify", "ldns-verify-zone", "kzonecheck", "nsupdate");
const UPD = { name: "upd-key", secret: randomBytes(32).toString("base64") };

const VARIANTS: [string, DnssecSettings][] = [
  ["nsec3-ecdsa.test", { algorithm: 13, denial: "nsec3" }],
  ["nsec-ed25519.test", { algorithm: 15, denial: "nsec" }],
  ["nsec-ecdsa-split.test", { algorithm: 13, denial: "nsec", keys: "split" }],
  ["nsec3-ed25519-split.test", { algorithm: 15, denial: "nsec3", keys: "split" }],
];

const zoneText = (z: string) => `
$ORIGIN ${z}.
$TTL 300
@        IN SOA ns1 hostmaster 1 60 30 3600 60
@        IN NS  ns1
@        IN MX  10 mail
ns1      IN A   192.0.2.53
www      IN A   192.0.2.80
www      IN AAAA 2001:db8::80
mail     IN A   192.0.2.25
*.wild   IN A   192.0.2.99
alias    IN CNAME www
a.b.deep IN TXT "deep"
sub      IN NS  ns.sub
ns.sub   IN A   192.0.2.10
secure   IN NS  ns.secure
secure   IN DS  12345 13 2 ${"AB".repeat(32)}
ns.secure IN A  192.0.2.11
`;

let store: ZoneStore;
let zoneKeys: ZoneKeys;
let listener: DnsListener;
let port: number;
const dir = tempDir("updns-dnssec-");

beforeAll(async () => {
  if (!HAVE) return;
  zoneKeys = await ZoneKeys.open(new MemoryZoneStorage(), { dnssec: { masterKey: randomBytes(32) } });
  store = zoneKeys.store;
  const acl: Record<string, { transferKeys: string[]; transferAddresses: string[]; notify: [] }> = {};
  for (const [z, settings] of VARIANTS) {
    await store.createZoneFromRecords(z, parseMasterFile(zoneText(z), z), "unixtime");
    await zoneKeys.enableDnssec(z, settings);
    acl[z] = { transferKeys: [], transferAddresses: ["127.0.0.1/32"], notify: [] };
    writeAnchors(join(dir.path, `${z}.anchors`), z, zoneKeys.dnssecStatus(z)!.keys.filter((k) => k.role !== "zsk").map((k) => k.dnskey));
  }
  port = await freePort();
  const responder = new Responder({
    store,
    acl,
    keys: [tsigKeyFromBase64(UPD.name, "hmac-sha256", UPD.secret)],
    updatePolicy: policyFromRules(VARIANTS.map(([z]) => ({ action: "grant" as const, key: UPD.name, match: "zone" as const, name: z, types: "ANY" as const }))),
  });
  listener = await listenDns({ listen: [`127.0.0.1:${port}`], responder });
});

afterAll(async () => {
  await listener?.stop();
  dir.cleanup();
});

async function verifyAfterAxfr(z: string): Promise<string[]> {
  const file = join(dir.path, `${z}.zone`);
  writeFileSync(file, await axfr(port, z));
  return verifyZoneFile(file, z);
}

describe.if(HAVE)("signed zones after AXFR", () => {
  for (const [z] of VARIANTS) {
    test(`${z}: dnssec-verify, ldns-verify-zone and kzonecheck accept it`, async () => {
      expect(await verifyAfterAxfr(z)).toEqual([]);
    }, 20_000);
  }
});

describe.if(HAVE)("answers validated by delv", () => {
  const cases: [string, string, string][] = [
    ["www", "A", "validated"],
    ["alias", "A", "validated"],
    ["x.wild", "A", "validated"],
    ["nope", "A", "negative-validated"],
    ["x.nope.deep", "A", "negative-validated"],
    ["www", "TXT", "negative-validated"],
    ["b.deep", "A", "negative-validated"],
    ["x.wild", "TXT", "negative-validated"],
    ["sub", "DS", "negative-validated"],
    ["secure", "DS", "validated"],
    ["@", "DNSKEY", "validated"],
  ];
  for (const [z] of VARIANTS) {
    test(`${z}: positive, wildcard, CNAME, NXDOMAIN, NODATA, empty non-terminal and DS answers`, async () => {
      const results = await Promise.all(
        cases.map(async ([n, t, want]) => {
          const name = n === "@" ? z : `${n}.${z}`;
          const r = await delv(port, join(dir.path, `${z}.anchors`), z, name, t);
          return { q: `${name}/${t}`, verdict: r.verdict, want, out: r.verdict === want ? "" : r.out };
        }),
      );
      expect(results.filter((r) => r.verdict !== r.want)).toEqual([]);
    }, 30_000);
  }
});

describe.if(HAVE)("a change through the transaction API", () => {
  test("the zone still verifies and the new A has a fresh RRSIG that delv accepts", async () => {
    for (const [z] of VARIANTS) {
      const before = store.zone(z)!.get(`www.${z}`, "A")!.sigs![0];
      await store.transaction(z, (tx) => {
        tx.replaceRRset(`www.${z}`, "A", 300, ["192.0.2.81"]);
        tx.replaceRRset(`new.host.${z}`, "A", 60, ["192.0.2.7"]);
        tx.deleteRRset(`mail.${z}`, "A");
      });
      const after = store.zone(z)!.get(`www.${z}`, "A")!.sigs![0];
      expect(after).not.toBe(before);
      const inception = after.split(" ")[5];
      expect(Math.abs(Date.parse(`${inception.slice(0, 4)}-${inception.slice(4, 6)}-${inception.slice(6, 8)}T${inception.slice(8, 10)}:${inception.slice(10, 12)}:${inception.slice(12)}Z`) - (Date.now() - 3600_000))).toBeLessThan(120_000);
      expect(await verifyAfterAxfr(z)).toEqual([]);
      const anchors = join(dir.path, `${z}.anchors`);
      expect((await delv(port, anchors, z, `www.${z}`, "A")).out).toContain("192.0.2.81");
      expect((await delv(port, anchors, z, `www.${z}`, "A")).verdict).toBe("validated");
      expect((await delv(port, anchors, z, `new.host.${z}`, "A")).verdict).toBe("validated");
      expect((await delv(port, anchors, z, `mail.${z}`, "A")).verdict).toBe("negative-validated");
    }
  }, 60_000);
});

describe.if(HAVE)("RFC 2136 UPDATE on a signed zone", () => {
  test("nsupdate adds and deletes; the zone verifies and delv validates the new answers; DNSSEC types are refused", async () => {
    const z = VARIANTS[0][0];
    const nsupdate = async (lines: string[]) => {
      const script = [`server 127.0.0.1 ${port}`, `zone ${z}.`, ...lines, "send", ""].join("\n");
      const p = Bun.spawn([which("nsupdate")!, "-y", `hmac-sha256:${UPD.name}:${UPD.secret}`], { stdin: new TextEncoder().encode(script), stdout: "pipe", stderr: "pipe" });
      const out = (await new Response(p.stdout).text()) + (await new Response(p.stderr).text());
      return { code: await p.exited, out };
    };
    expect((await nsupdate([`update add dyn.${z}. 60 A 192.0.2.44`, `update delete alias.${z}. CNAME`])).code).toBe(0);
    const anchors = join(dir.path, `${z}.anchors`);
    const added = await delv(port, anchors, z, `dyn.${z}`, "A");
    expect(added.verdict).toBe("validated");
    expect(added.out).toContain("192.0.2.44");
    expect((await delv(port, anchors, z, `alias.${z}`, "A")).verdict).toBe("negative-validated");
    expect(await verifyAfterAxfr(z)).toEqual([]);
    const refused = await nsupdate([`update add x.${z}. 60 NSEC3PARAM 1 0 0 -`]);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toMatch(/REFUSED/);
  }, 30_000);
});

describe.if(HAVE)("a signed child served here too", () => {
  test("the parent publishes the child's DS (dsRecords) and delv validates the child from the parent's anchor", async () => {
    const [parent] = VARIANTS[0];
    const child = `child.${parent}`;
    await store.createZoneFromRecords(child, parseMasterFile(`$ORIGIN ${child}.\n@ 300 IN SOA ns1 hostmaster 1 60 30 3600 60\n@ 300 IN NS ns1\nns1 300 IN A 192.0.2.60\nwww 300 IN A 192.0.2.61\n`, child));
    await zoneKeys.enableDnssec(child, { algorithm: 15 });
    await store.transaction(parent, (tx) => {
      tx.replaceRRset(child, "NS", 300, [`ns1.${child}.`]);
      tx.replaceRRset(`ns1.${child}`, "A", 300, ["192.0.2.60"]);
      tx.replaceRRset(child, "DS", 300, zoneKeys.dsRecords(child));
    });
    const anchors = join(dir.path, `${parent}.anchors`);
    const ds = await delv(port, anchors, parent, child, "DS");
    expect(ds.verdict).toBe("validated");
    const www = await delv(port, anchors, parent, `www.${child}`, "A");
    expect(www.verdict).toBe("validated");
    expect(www.out).toContain("192.0.2.61");
    expect((await delv(port, anchors, parent, `nope.${child}`, "A")).verdict).toBe("negative-validated");
    // A wrong DS at the parent breaks the chain: delv says so instead of validating.
    await store.transaction(parent, (tx) => tx.replaceRRset(child, "DS", 300, [`1 15 2 ${"00".repeat(32)}`]));
    expect((await delv(port, anchors, parent, `www.${child}`, "A")).verdict).toBe("failed");
  }, 30_000);
});
