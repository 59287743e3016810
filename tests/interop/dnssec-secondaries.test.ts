// Secondaries cannot sign, so what they serve is what our transfers carried: BIND, Knot and NSD get a signed
// zone by AXFR, then a change by IXFR (its signatures and NSEC3 records in the difference), and delv,
// pointed at each secondary with the zone's key as trust anchor, validates their answers.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Responder } from "../../src/dns/server/index.ts";
import { MemoryZoneStorage, parseMasterFile, ZoneKeys, ZoneStore } from "../../src/dns/zone/index.ts";
import { delv, writeAnchors } from "../support/dnssec.ts";
import { havePeers, tempDir, waitFor } from "../support/net.ts";
import { type PrimaryWithSecondaries, type Secondary, SECONDARY_PROGRAMS, type SecondaryKind, serveToSecondaries, type TransferKey } from "../support/secondaries.ts";

const KINDS: SecondaryKind[] = ["bind", "knot", "nsd"];
const HAVE = havePeers("dig", "delv", ...KINDS.map((k) => SECONDARY_PROGRAMS[k]));
const ZONE = "signed.test";
const KEYS = Object.fromEntries(KINDS.map((k) => [k, { name: `xfr-${k}`, algorithm: "hmac-sha256", secret: randomBytes(32).toString("base64") }])) as Record<SecondaryKind, TransferKey>;

const TEXT = `
$ORIGIN ${ZONE}.
$TTL 300
@      IN SOA ns1 hostmaster 1 60 30 3600 60
@      IN NS  ns1
ns1    IN A   192.0.2.53
www    IN A   192.0.2.80
*.wild IN A   192.0.2.99
alias  IN CNAME www
`;

let store: ZoneStore;
let zoneKeys: ZoneKeys;
let primary: PrimaryWithSecondaries | undefined;
let responder: Responder;
const secs: Partial<Record<SecondaryKind, Secondary>> = {};
const dir = tempDir("updns-dnssec-sec-");
const anchors = join(dir.path, "anchors");

beforeAll(async () => {
  if (!HAVE) return;
  zoneKeys = await ZoneKeys.open(new MemoryZoneStorage(), { dnssec: { masterKey: randomBytes(32) } });
  store = zoneKeys.store;
  await store.createZoneFromRecords(ZONE, parseMasterFile(TEXT, ZONE), "unixtime");
  await zoneKeys.enableDnssec(ZONE);
  writeAnchors(anchors, ZONE, zoneKeys.dnssecStatus(ZONE)!.keys.map((k) => k.dnskey));
  primary = await serveToSecondaries(store, ZONE, KEYS, KINDS);
  responder = primary.responder;
  Object.assign(secs, primary.secondaries);
}, 30_000);

afterAll(async () => {
  await primary?.stop();
  dir.cleanup();
});

const lastKind = (k: SecondaryKind) => responder.transferLog.filter((t) => t.key === KEYS[k].name).at(-1)?.kind;
const serves = (k: SecondaryKind, name: string, addr: string, ms: number) => waitFor(`${k} to serve ${addr}`, async () => (await secs[k]!.addresses(name)).includes(addr), ms, 50);

async function validated(k: SecondaryKind): Promise<{ q: string; verdict: string }[]> {
  const port = secs[k]!.port;
  const cases: [string, string, string][] = [
    [`www.${ZONE}`, "A", "validated"],
    [`new.${ZONE}`, "A", "validated"],
    [`x.wild.${ZONE}`, "A", "validated"],
    [`alias.${ZONE}`, "A", "validated"],
    [`nope.${ZONE}`, "A", "negative-validated"],
    [`www.${ZONE}`, "TXT", "negative-validated"],
  ];
  const out = await Promise.all(cases.map(async ([n, t, want]) => ({ q: `${k} ${n}/${t}`, verdict: (await delv(port, anchors, ZONE, n, t)).verdict, want })));
  return out.filter((r) => r.verdict !== r.want);
}

describe.if(HAVE)("secondaries of a signed zone", () => {
  test("after AXFR and then IXFR of a signed change, each one's answers validate", async () => {
    await Promise.all(KINDS.map((k) => serves(k, `www.${ZONE}`, "192.0.2.80", 10_000)));
    await store.transaction(ZONE, (tx) => {
      tx.replaceRRset(`www.${ZONE}`, "A", 300, ["192.0.2.81"]);
      tx.replaceRRset(`new.${ZONE}`, "A", 60, ["192.0.2.7"]);
    });
    await Promise.all(KINDS.map((k) => serves(k, `new.${ZONE}`, "192.0.2.7", 5000)));
    for (const k of KINDS) expect(lastKind(k)).toBe("IXFR");
    const failures = (await Promise.all(KINDS.map(validated))).flat();
    expect(failures).toEqual([]);
  }, 40_000);
});
