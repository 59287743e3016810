// BIND, NSD and Knot as secondaries of a zone served by our primary, each with its own TSIG transfer key
// (so our transfer log tells them apart): AXFR at start, IXFR after a change (visible within 2 s thanks
// to NOTIFY), AXFR once the journal was trimmed, and a secondary without a key is refused.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import type { Responder } from "../../src/dns/server/index.ts";
import { MemoryZoneStorage, parseMasterFile, ZoneStore } from "../../src/dns/zone/index.ts";
import { type PrimaryWithSecondaries, type Secondary, SECONDARY_PROGRAMS, type SecondaryKind, serveToSecondaries, startSecondary, type TransferKey } from "../support/secondaries.ts";
import { havePeers, waitFor } from "../support/net.ts";

const KINDS: SecondaryKind[] = ["bind", "nsd", "knot"];
const HAVE = havePeers("dig", ...KINDS.map((k) => SECONDARY_PROGRAMS[k]));
const ZONE = "example.org";
const KEYS = Object.fromEntries(KINDS.map((k) => [k, { name: `xfr-${k}`, algorithm: "hmac-sha256", secret: randomBytes(32).toString("base64") }])) as Record<SecondaryKind, TransferKey>;

const ZONE_TEXT = `
$ORIGIN example.org.
$TTL 300
@    IN SOA ns1 hostmaster 1 60 30 3600 60
@    IN NS  ns1
ns1  IN A   192.0.2.53
www  IN A   192.0.2.80
`;

let store: ZoneStore;
let primary: PrimaryWithSecondaries | undefined;
let responder: Responder;
let primaryPort: number;
const secs: Partial<Record<SecondaryKind, Secondary>> = {};
let unkeyed: Secondary | null = null;

/** What our transfer log says each secondary (by its key) last received. */
const lastKind = (k: SecondaryKind) => responder.transferLog.filter((t) => t.key === KEYS[k].name).at(-1)?.kind;

beforeAll(async () => {
  if (!HAVE) return;
  store = await ZoneStore.open(new MemoryZoneStorage());
  await store.createZoneFromRecords(ZONE, parseMasterFile(ZONE_TEXT, ZONE), "unixtime");
  primary = await serveToSecondaries(store, ZONE, KEYS, KINDS);
  ({ responder, port: primaryPort } = primary);
  Object.assign(secs, primary.secondaries);
}, 30_000);

afterAll(async () => {
  await primary?.stop();
  await unkeyed?.stop();
});

const change = (addr: string) => store.transaction(ZONE, (tx) => tx.replaceRRset("www.example.org", "A", 300, [addr]));
const serves = (k: SecondaryKind, addr: string, ms: number) => waitFor(`${k} to serve ${addr}`, async () => (await secs[k]!.addresses("www.example.org"))[0] === addr, ms, 50);

describe.if(HAVE)("BIND, NSD and Knot as secondaries", () => {
  test("each gets the zone by AXFR", async () => {
    await Promise.all(KINDS.map((k) => serves(k, "192.0.2.80", 10_000)));
    for (const k of KINDS) expect(responder.transferLog.some((t) => t.key === KEYS[k].name && t.kind === "AXFR")).toBe(true);
  }, 20_000);

  test("a change reaches each within 2 s, by IXFR", async () => {
    const t0 = Date.now();
    await change("192.0.2.81");
    await Promise.all(KINDS.map((k) => serves(k, "192.0.2.81", 2000)));
    expect(Date.now() - t0).toBeLessThan(2000);
    for (const k of KINDS) expect(lastKind(k)).toBe("IXFR");
    // BIND and Knot say so in their own logs too (NSD does not log the transfer kind).
    expect(secs.bind!.log()).toContain("got incremental response");
    expect(secs.knot!.log()).toMatch(/IXFR, incoming, remote 127\.0\.0\.1@\d+, finished/);
  }, 10_000);

  test("after the journal was trimmed, the next change arrives by AXFR", async () => {
    await store.trimJournal(ZONE, 0);
    await change("192.0.2.82");
    // Trim again: the entry of this change alone no longer reaches back to the secondaries' serial.
    await store.trimJournal(ZONE, 0);
    await Promise.all(KINDS.map((k) => serves(k, "192.0.2.82", 5000)));
    for (const k of KINDS) expect(lastKind(k)).toBe("IXFR-as-AXFR");
    expect(secs.bind!.log()).toContain("got nonincremental response");
  }, 15_000);

  test("a secondary without the key is refused", async () => {
    unkeyed = await startSecondary("bind", ZONE, primaryPort, null);
    await waitFor("the refusal", () => responder.transferLog.some((t) => t.kind === "refused" && t.key === null), 5000);
    expect(await unkeyed.addresses("www.example.org")).toEqual([]);
  }, 15_000);
});
