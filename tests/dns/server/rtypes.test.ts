// Every record type import accepts, differentially: the same zone file served by updns and loaded by NSD
// gives the same dig answers for every name and type (DNAME synthesis included), and an NSD secondary that
// pulled the zone from updns by AXFR answers the same again (so our wire form of each type is right).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { answer, RCODE_NAME } from "../../../src/dns/server/index.ts";
import { MemoryZoneStorage, parseMasterFile, ZoneStore } from "../../../src/dns/zone/index.ts";
import { collectOutput, nsdServerClause, stopProcess, waitForZone } from "../../support/daemon.ts";
import { dig } from "../../support/dig.ts";
import { freePort, havePeers, tempDir, waitFor, which } from "../../support/net.ts";
import { type PrimaryWithSecondaries, serveToSecondaries, type TransferKey } from "../../support/secondaries.ts";
import { ALL_TYPES_QUESTIONS, ALL_TYPES_TEXT, ALL_TYPES_ZONE } from "../zone/all-types.ts";

const run = havePeers("nsd", "dig");
const KEY: TransferKey = { name: "nsd.rtypes-test", algorithm: "hmac-sha256", secret: randomBytes(32).toString("base64") };

let updns: PrimaryWithSecondaries | undefined;
let nsd: { port: number; stop: () => Promise<void> } | undefined;
let store: ZoneStore;

/** NSD loading the zone file as written: the reference reading of the text. */
async function startNsdPrimary(): Promise<{ port: number; stop: () => Promise<void> }> {
  const dir = tempDir("updns-nsd-rtypes-");
  const port = await freePort();
  writeFileSync(join(dir.path, "zone.txt"), ALL_TYPES_TEXT);
  writeFileSync(join(dir.path, "nsd.conf"), `${nsdServerClause(dir.path, port)}\nzone:\n  name: ${ALL_TYPES_ZONE}\n  zonefile: "${dir.path}/zone.txt"\n`);
  const proc = Bun.spawn([which("nsd")!, "-d", "-c", join(dir.path, "nsd.conf")], { stdout: "pipe", stderr: "pipe", cwd: dir.path });
  const out = collectOutput(proc);
  const stop = async () => {
    await stopProcess(proc);
    dir.cleanup();
  };
  try {
    await waitForZone("nsd", proc, out, port, ALL_TYPES_ZONE, 15_000, 100);
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, stop };
}

/**
 * What a user compares: the rcode, the AA flag and the sections, each line whitespace-collapsed and sorted.
 * The authority section of a positive answer is left out: NSD adds the zone's NS there, updns answers
 * minimally, and RFC 2181 §6.1 asks neither.
 */
async function view(port: number, name: string, type: string): Promise<string> {
  const r = await dig("127.0.0.1", port, name, type);
  // No answer at all (a timeout) is never "the same answer".
  if (r.status === "NO-ANSWER") throw new Error(`no answer from port ${port} for ${name} ${type}`);
  const authority = r.answer.length > 0 && r.status === "NOERROR" ? [] : r.authority.sort();
  return [`${r.status} aa=${r.flags.includes("aa")}`, ...r.answer.sort(), "--", ...authority].join("\n");
}

beforeAll(async () => {
  if (!run) return;
  store = await ZoneStore.open(new MemoryZoneStorage());
  await store.createZoneFromRecords(ALL_TYPES_ZONE, parseMasterFile(ALL_TYPES_TEXT, ALL_TYPES_ZONE));
  [updns, nsd] = await Promise.all([serveToSecondaries(store, ALL_TYPES_ZONE, { nsd: KEY } as never, ["nsd"]), startNsdPrimary()]);
  const secondary = updns.secondaries.nsd!;
  await waitFor("the NSD secondary to load the zone", async () => (await dig("127.0.0.1", secondary.port, ALL_TYPES_ZONE, "SOA")).flags.includes("aa"), 20_000, 200);
}, 60_000);

afterAll(async () => {
  await updns?.stop();
  await nsd?.stop();
});

describe.if(run)("every record type, updns against NSD", () => {
  test("updns answers every name and type of the zone as NSD does", async () => {
    for (const [name, type] of ALL_TYPES_QUESTIONS) {
      const [ours, theirs] = await Promise.all([view(updns!.port, name, type), view(nsd!.port, name, type)]);
      expect(`${name} ${type}\n${ours}`).toBe(`${name} ${type}\n${theirs}`);
    }
  }, 60_000);

  test("an NSD secondary that took the zone from updns by AXFR answers as the NSD that read the file", async () => {
    const secondary = updns!.secondaries.nsd!;
    for (const [name, type] of ALL_TYPES_QUESTIONS) {
      const [pulled, read] = await Promise.all([view(secondary.port, name, type), view(nsd!.port, name, type)]);
      expect(`${name} ${type}\n${pulled}`).toBe(`${name} ${type}\n${read}`);
    }
  }, 60_000);

  test("a change of the newer types reaches the NSD secondary by IXFR (NOTIFY, then the difference)", async () => {
    const added = [
      { name: `new.${ALL_TYPES_ZONE}`, type: "HTTPS" as const, data: "1 . alpn=h2 port=443" },
      { name: `new.${ALL_TYPES_ZONE}`, type: "TYPE65280" as const, data: "\\# 2 BEEF" },
    ];
    await store.transaction(ALL_TYPES_ZONE, (tx) => {
      for (const r of added) tx.replaceRRset(r.name, r.type, 300, [r.data]);
      tx.deleteRRset(`host.${ALL_TYPES_ZONE}`, "SSHFP");
    });
    const secondary = updns!.secondaries.nsd!;
    await waitFor("the secondary to serve the change", async () => (await dig("127.0.0.1", secondary.port, `new.${ALL_TYPES_ZONE}`, "HTTPS")).answer.length === 1, 20_000, 200);
    for (const [name, type] of [[`new.${ALL_TYPES_ZONE}`, "HTTPS"], [`new.${ALL_TYPES_ZONE}`, "TYPE65280"], [`host.${ALL_TYPES_ZONE}`, "SSHFP"]]) {
      expect(await view(secondary.port, name, type)).toBe(await view(updns!.port, name, type));
    }
    expect((await dig("127.0.0.1", secondary.port, `new.${ALL_TYPES_ZONE}`, "TYPE65280")).answer).toEqual([`new.${ALL_TYPES_ZONE}. 300 IN TYPE65280 \\# 2 BEEF`]);
    // NSD logs the size of each transfer it took in: the change came as a difference, not the whole zone again.
    const sizes = [...secondary.log().matchAll(/received update to serial \d+ .* of (\d+) bytes/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBe(2);
    expect(sizes[1]).toBeLessThan(sizes[0] / 2);
  }, 40_000);

  test("a name below a DNAME gets the DNAME and a CNAME synthesised with the DNAME's TTL, followed in the zone (RFC 6672 §3.1)", async () => {
    const r = await dig("127.0.0.1", updns!.port, "a.old.types.example", "A");
    expect(r.status).toBe("NOERROR");
    expect(r.answer).toEqual([
      "old.types.example. 300 IN DNAME new.types.example.",
      "a.old.types.example. 300 IN CNAME a.new.types.example.",
      "a.new.types.example. 300 IN A 192.0.2.101",
    ]);
  });
});

describe("DNAME answers (RFC 6672), without peers", () => {
  const zoneText = `$ORIGIN d.test.\n$TTL 60\n@ IN SOA ns1 h 1 3600 600 86400 60\n@ IN NS ns1\nns1 IN A 192.0.2.1\nlong IN DNAME ${"x".repeat(60)}.${"y".repeat(60)}.${"z".repeat(60)}.\nin IN DNAME @\nwww IN A 192.0.2.80\n`;
  const line = (r: { name: string; ttl: number; type: string; data: string }) => `${r.name} ${r.ttl} ${r.type} ${r.data}`;
  const ask = async (qname: string, qtype: number) => {
    const store = await ZoneStore.open(new MemoryZoneStorage());
    await store.createZoneFromRecords("d.test", parseMasterFile(zoneText, "d.test"));
    return answer(store.snapshot(), qname, qtype);
  };

  test("a synthesised name longer than 255 octets is YXDOMAIN with the DNAME (§2.2)", async () => {
    const a = await ask(`${"a".repeat(63)}.${"b".repeat(63)}.long.d.test`, 1);
    expect(RCODE_NAME[a.rcode]).toBe("YXDOMAIN");
    expect(a.answer.map(line)).toEqual([`long.d.test 60 DNAME ${"x".repeat(60)}.${"y".repeat(60)}.${"z".repeat(60)}.`]);
  });

  test("a DNAME to its own zone's apex is followed in the zone; the DNAME's owner itself is not rewritten", async () => {
    expect((await ask("www.in.d.test", 1)).answer.map(line)).toEqual(["in.d.test 60 DNAME d.test.", "www.in.d.test 60 CNAME www.d.test.", "www.d.test 60 A 192.0.2.80"]);
    expect((await ask("in.d.test", 1)).answer).toEqual([]);
    expect((await ask("in.d.test", 39)).answer.map(line)).toEqual(["in.d.test 60 DNAME d.test."]);
  });
});
