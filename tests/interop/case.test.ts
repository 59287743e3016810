// Names keep the case they were written in (RFC 4343 §4) and compare without it (RFC 4343 §3): a zone
// imported with MixedCase owners and Target.Example.test targets transfers and exports as written,
// answers a query in any case, validates when signed (names are lower-cased only inside the signatures,
// RFC 4034 §6.2), and NSD and Knot, secondaries of it, answer the same as we do.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Responder } from "../../src/dns/server/index.ts";
import { MemoryZoneStorage, parseMasterFile, writeMasterFile, ZoneKeys, ZoneStore } from "../../src/dns/zone/index.ts";
import { verifyZoneFile } from "../support/dnssec.ts";
import { dig, type DigResult } from "../support/dig.ts";
import { havePeers, tempDir, waitFor, which } from "../support/net.ts";
import { type PrimaryWithSecondaries, type Secondary, SECONDARY_PROGRAMS, type SecondaryKind, serveToSecondaries, type TransferKey } from "../support/secondaries.ts";

const KINDS: SecondaryKind[] = ["nsd", "knot"];
const HAVE = havePeers("dig", "dnssec-verify", "ldns-verify-zone", "kzonecheck", ...KINDS.map((k) => SECONDARY_PROGRAMS[k]));
const ZONE = "example.test";
const KEYS = Object.fromEntries(KINDS.map((k) => [k, { name: `xfr-${k}`, algorithm: "hmac-sha256", secret: randomBytes(32).toString("base64") }])) as Record<SecondaryKind, TransferKey>;

const TEXT = `
$ORIGIN ${ZONE}.
$TTL 300
@          IN SOA Ns1.Example.test. HostMaster 1 60 30 3600 60
@          IN NS  Ns1.Example.test.
@          IN MX  10 Target.Example.test.
Ns1        IN A   192.0.2.53
MixedCase  IN A   192.0.2.80
MixedCase  IN TXT "Keep Me"
Alias      IN CNAME Target.Example.test.
Target     IN A   192.0.2.81
Sub        IN NS  Ns.Sub.Example.test.
Ns.Sub     IN A   192.0.2.54
_Sip._TCP  IN SRV 0 5 5060 Target.Example.test.
`;

let store: ZoneStore;
let zoneKeys: ZoneKeys;
let primary: PrimaryWithSecondaries | undefined;
let responder: Responder;
const secs: Partial<Record<SecondaryKind, Secondary>> = {};
const dir = tempDir("updns-case-");

beforeAll(async () => {
  if (!HAVE) return;
  zoneKeys = await ZoneKeys.open(new MemoryZoneStorage(), { dnssec: { masterKey: randomBytes(32) } });
  store = zoneKeys.store;
  await store.createZoneFromRecords(ZONE, parseMasterFile(TEXT, ZONE), "unixtime");
  await zoneKeys.enableDnssec(ZONE);
  primary = await serveToSecondaries(store, ZONE, KEYS, KINDS);
  responder = primary.responder;
  Object.assign(secs, primary.secondaries);
  await Promise.all(KINDS.map((k) => waitFor(`${k} to serve the zone`, async () => (await secs[k]!.addresses(`target.${ZONE}`)).includes("192.0.2.81"), 10_000, 50)));
}, 30_000);

afterAll(async () => {
  await primary?.stop();
  dir.cleanup();
});

/** A zone transfer with dig, signed with a transfer key (RFC 8945), as lines without comments. */
async function transfer(type: string): Promise<string[]> {
  const k = KEYS.nsd;
  const p = Bun.spawn([which("dig")!, "@127.0.0.1", "-p", String(primary!.port), "-y", `${k.algorithm}:${k.name}:${k.secret}`, ZONE, type, "+nocomments", "+nostats", "+time=3", "+tries=1"], { stdout: "pipe", stderr: "pipe" });
  const out = await new Response(p.stdout).text();
  await p.exited;
  return out.split("\n").filter((l) => l.trim() && !l.startsWith(";")).map((l) => l.split(/\s+/).join(" "));
}

const ask = (port: number, name: string, type: string, extra: string[] = []) => dig("127.0.0.1", port, name, type, extra);
/** What a user compares between two servers: status, flags and every section. */
const shown = (r: DigResult) => ({ status: r.status, flags: r.flags, answer: r.answer, authority: r.authority, additional: r.additional });

describe.if(HAVE)("names keep their case", () => {
  test("AXFR shows owners and names in rdata as written", async () => {
    const lines = await transfer("AXFR");
    const has = (s: string) => expect(lines.some((l) => l.startsWith(s))).toBe(true);
    has(`MixedCase.${ZONE}. 300 IN A 192.0.2.80`);
    has(`MixedCase.${ZONE}. 300 IN TXT "Keep Me"`);
    has(`Alias.${ZONE}. 300 IN CNAME Target.Example.test.`);
    has(`${ZONE}. 300 IN MX 10 Target.Example.test.`);
    has(`${ZONE}. 300 IN NS Ns1.Example.test.`);
    has(`${ZONE}. 300 IN SOA Ns1.Example.test. HostMaster.${ZONE}.`);
    has(`Sub.${ZONE}. 300 IN NS Ns.Sub.Example.test.`);
    has(`_Sip._TCP.${ZONE}. 300 IN SRV 0 5 5060 Target.Example.test.`);
    expect(lines.some((l) => l.startsWith(`mixedcase.${ZONE}.`))).toBe(false);
  });

  test("the export shows them as written too, and reads back to the same records", () => {
    const records = [...store.zone(ZONE)!.records()];
    const text = writeMasterFile(ZONE, records);
    expect(text).toContain(`MixedCase.${ZONE}.\t300\tIN\tA\t192.0.2.80`);
    expect(text).toContain(`Alias.${ZONE}.\t300\tIN\tCNAME\tTarget.Example.test.`);
    const key = (r: { name: string; type: string; ttl: number; data: string }) => `${r.name} ${r.ttl} ${r.type} ${r.data}`;
    expect(parseMasterFile(text, ZONE).map(key).sort()).toEqual(records.map(key).sort());
  });

  test("the signed zone, as transferred, validates (dnssec-verify, ldns-verify-zone, kzonecheck)", async () => {
    const path = join(dir.path, "axfr.zone");
    const lines = await transfer("AXFR");
    writeFileSync(path, lines.slice(0, -1).join("\n") + "\n");
    expect(await verifyZoneFile(path, ZONE)).toEqual([]);
  }, 30_000);

  // NSD and Knot answer with the owner in the query's case (the answer points to the question); both fold
  // names inside rdata to lower case when they load a zone, where RFC 4343 §4 asks to keep the case as
  // loaded, so rdata is compared without case and our answers must show it as written.
  const sameAnswers = (ours: DigResult, theirs: DigResult) => {
    const owners = (r: DigResult) => r.answer.map((l) => l.split(" ")[0]).sort();
    const folded = (r: DigResult) => r.answer.map((l) => l.toLowerCase()).sort();
    expect({ status: theirs.status, owners: owners(theirs), answer: folded(theirs) }).toEqual({ status: ours.status, owners: owners(ours), answer: folded(ours) });
  };

  for (const q of [`mixedcase.${ZONE}`, "MIXEDCASE.EXAMPLE.TEST", `MixedCase.${ZONE}`, `mIxEdCaSe.${ZONE}`, `ALIAS.${ZONE}`, `_sip._tcp.${ZONE}`]) {
    for (const type of ["A", "TXT", "SRV"]) {
      test(`${q} ${type} is answered in any case, as NSD and Knot answer it`, async () => {
        const ours = await ask(primary!.port, q, type, ["+dnssec"]);
        for (const k of KINDS) sameAnswers(ours, await ask(secs[k]!.port, q, type, ["+dnssec"]));
      });
    }
  }

  test("mixedcase answers A and TXT with the query's name as owner; CNAME and MX targets show as written", async () => {
    const a = await ask(primary!.port, `mIxEdCaSe.${ZONE}`, "A");
    expect(a.answer).toEqual([`mIxEdCaSe.${ZONE}. 300 IN A 192.0.2.80`]);
    const alias = await ask(primary!.port, `alias.${ZONE}`, "A");
    expect(alias.answer).toEqual([`alias.${ZONE}. 300 IN CNAME Target.Example.test.`, `target.${ZONE}. 300 IN A 192.0.2.81`]);
    const mx = await ask(primary!.port, ZONE, "MX");
    expect(mx.answer).toEqual([`${ZONE}. 300 IN MX 10 Target.Example.test.`]);
    expect(mx.additional).toContain(`target.${ZONE}. 300 IN A 192.0.2.81`);
  });

  test("the referral to Sub keeps its case, and a query below it in any case is referred", async () => {
    const r = await ask(primary!.port, `www.SUB.${ZONE}`, "A");
    expect(r.status).toBe("NOERROR");
    // The delegation's owner points into the question (its case, as NSD and Knot answer); its target as written.
    expect(r.authority).toContain(`SUB.${ZONE}. 300 IN NS Ns.Sub.Example.test.`);
    // The glue's owner shares the question's suffix, so it points there and shows the query's case.
    expect(r.additional.map((l) => l.toLowerCase())).toContain(`ns.sub.${ZONE}. 300 in a 192.0.2.54`);
    for (const k of KINDS) {
      const theirs = await ask(secs[k]!.port, `www.SUB.${ZONE}`, "A");
      expect(theirs.authority.map((l) => l.split(" ")[0])).toEqual(r.authority.map((l) => l.split(" ")[0]));
      expect(theirs.authority.map((l) => l.toLowerCase())).toEqual(r.authority.map((l) => l.toLowerCase()));
    }
  });

  test("after a change, IXFR carries the new records as written; the secondaries follow by IXFR and the zone still validates", async () => {
    const before = store.zone(ZONE)!.serial;
    await store.transaction(ZONE, (tx) => {
      tx.replaceRRset(`NewHost.${ZONE}`, "A", 300, ["192.0.2.90"]);
      tx.replaceRRset(`Alias.${ZONE}`, "CNAME", 300, ["MixedCase.Example.test."]);
    });
    await Promise.all(KINDS.map((k) => waitFor(`${k} to serve NewHost`, async () => (await secs[k]!.addresses(`newhost.${ZONE}`)).includes("192.0.2.90"), 10_000, 50)));
    for (const k of KINDS) expect(responder.transferLog.filter((t) => t.key === KEYS[k].name).at(-1)?.kind).toBe("IXFR");
    const ixfr = await transfer(`IXFR=${before}`);
    expect(ixfr.some((l) => l.startsWith(`NewHost.${ZONE}. 300 IN A 192.0.2.90`))).toBe(true);
    expect(ixfr.some((l) => l.startsWith(`Alias.${ZONE}. 300 IN CNAME Target.Example.test.`))).toBe(true);
    expect(ixfr.some((l) => l.startsWith(`Alias.${ZONE}. 300 IN CNAME MixedCase.Example.test.`))).toBe(true);
    for (const k of KINDS) sameAnswers(await ask(primary!.port, `NEWHOST.${ZONE}`, "A", ["+dnssec"]), await ask(secs[k]!.port, `NEWHOST.${ZONE}`, "A", ["+dnssec"]));
    const path = join(dir.path, "after.zone");
    writeFileSync(path, (await transfer("AXFR")).slice(0, -1).join("\n") + "\n");
    expect(await verifyZoneFile(path, ZONE)).toEqual([]);
  }, 40_000);
});
