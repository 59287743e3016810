// NOTIFY out (RFC 1996): sent after each commit, signed with the zone's key, retried with back-off
// until answered, and the answer's TSIG verified.
import { afterEach, describe, expect, test } from "bun:test";
import { Notifier, newCounters, type NotifierOptions } from "../../../src/dns/server/index.ts";
import { scanMessage, signMessage, tsigKeyFromBase64, verifyMessage } from "../../../src/dns/wire/index.ts";
import { MemoryZoneStorage, ZoneStore } from "../../../src/dns/zone/index.ts";
import { waitFor } from "../../support/net.ts";

const KEY = tsigKeyFromBase64("notify-key", "hmac-sha256", Buffer.from("a-secret-of-32-bytes-for-notify!").toString("base64"));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A fake secondary: records NOTIFYs (and whom they came from), answers from the `answerFrom`-th one on (signed when asked). */
async function fakeSecondary(answerFrom: number, sign: "good" | "bad" | "none") {
  const got: { msg: Uint8Array; at: number; from: string }[] = [];
  const sock = await Bun.udpSocket({
    hostname: "127.0.0.1",
    binaryType: "uint8array",
    socket: {
      data(s, buf, port, addr) {
        got.push({ msg: buf, at: Date.now(), from: addr });
        if (got.length < answerFrom) return;
        const v = verifyMessage(buf, (n) => (n === KEY.name ? KEY : undefined));
        const reply = (v.ok ? v.unsigned : buf).slice();
        reply[2] |= 0x80; // QR
        reply[0] = buf[0];
        reply[1] = buf[1];
        if (sign === "none") {
          s.send(reply, port, addr);
          return;
        }
        const key = sign === "good" ? KEY : { ...KEY, secret: new Uint8Array(32) };
        s.send(signMessage(reply, key, { requestMac: v.ok ? v.mac : undefined }).wire, port, addr);
      },
    },
  });
  cleanups.push(() => sock.close());
  return { port: sock.port, got };
}

async function setup(port: number, extra: Partial<NotifierOptions> = {}) {
  const store = await ZoneStore.open(new MemoryZoneStorage());
  await store.createZone({ name: "example.org", soa: { mname: "ns1.example.org.", rname: "h.example.org.", serial: 5 }, ns: ["ns1.example.org."] });
  const counters = newCounters();
  const notifier = new Notifier({
    store,
    targets: () => [{ address: "127.0.0.1", port, key: KEY.name }],
    lookupKey: (n) => (n === KEY.name ? KEY : undefined),
    counters,
    firstTimeoutMs: 100,
    attempts: 4,
    ...extra,
  });
  cleanups.push(() => notifier.stop());
  return { store, notifier, counters };
}

describe("NOTIFY out", () => {
  test("a commit sends a signed NOTIFY for the zone with the new SOA", async () => {
    const sec = await fakeSecondary(1, "good");
    const { store, notifier, counters } = await setup(sec.port);
    notifier.start();
    await waitFor("the start-up NOTIFY", () => counters.notifies.acknowledged >= 1, 2000);
    const cs = await store.transaction("example.org", (tx) => tx.replaceRRset("a.example.org", "A", 60, ["192.0.2.1"]));
    await waitFor("the commit NOTIFY", () => counters.notifies.acknowledged >= 2, 2000);
    const m = scanMessage(sec.got.at(-1)!.msg);
    expect(m.opcode).toBe(4);
    expect(m.qr).toBe(false);
    expect(m.questions).toEqual([{ name: "example.org", type: 6, class: 1 }]);
    expect(verifyMessage(sec.got.at(-1)!.msg, (n) => (n === KEY.name ? KEY : undefined)).ok).toBe(true);
    // The SOA in the answer section carries the new serial (last 20 octets of rdata: serial first).
    const soa = m.records.find((r) => r.type === 6)!;
    const dv = new DataView(sec.got.at(-1)!.msg.buffer);
    expect(dv.getUint32(soa.rdataOffset + soa.rdlength - 20)).toBe(cs!.serialTo);
  });

  test("an unanswered NOTIFY is retried with growing intervals until answered", async () => {
    const sec = await fakeSecondary(3, "good");
    const { notifier, counters } = await setup(sec.port);
    expect(await notifier.notifyZone("example.org")).toEqual([true]);
    expect(sec.got.length).toBe(3);
    const gaps = [sec.got[1].at - sec.got[0].at, sec.got[2].at - sec.got[1].at];
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    expect(counters.notifies.sent).toBe(3);
  });

  test("an answer with a bad MAC does not count; the retries give up in the end", async () => {
    const sec = await fakeSecondary(1, "bad");
    const { notifier, counters } = await setup(sec.port);
    expect(await notifier.notifyZone("example.org")).toEqual([false]);
    expect(sec.got.length).toBe(4);
    expect(counters.notifies.failed).toBe(1);
    expect(counters.notifies.acknowledged).toBe(0);
  });

  test("it leaves from the configured source address, so a secondary's address ACL accepts it", async () => {
    const sec = await fakeSecondary(1, "good");
    const { notifier } = await setup(sec.port, { source: { v4: "127.0.0.2" } });
    expect(await notifier.notifyZone("example.org")).toEqual([true]);
    expect(sec.got.map((g) => g.from)).toEqual(["127.0.0.2"]);
  });

  test("without a source, the kernel chooses (127.0.0.1 towards 127.0.0.1)", async () => {
    const sec = await fakeSecondary(1, "good");
    const { notifier } = await setup(sec.port);
    expect(await notifier.notifyZone("example.org")).toEqual([true]);
    expect(sec.got[0].from).toBe("127.0.0.1");
  });

  test("a source that cannot be bound fails the NOTIFY with the reason, and nothing is sent", async () => {
    const sec = await fakeSecondary(1, "good");
    const events: { msg: string; fields: Record<string, unknown> }[] = [];
    const { notifier, counters } = await setup(sec.port, { source: { v4: "192.0.2.77" }, events: { info: () => {}, warn: (msg, fields) => void events.push({ msg, fields }) } as NotifierOptions["events"] });
    expect(await notifier.notifyZone("example.org")).toEqual([false]);
    expect(sec.got).toEqual([]);
    expect(counters.notifies.failed).toBe(1);
    expect(events[0].msg).toBe("notify failed");
    expect(String(events[0].fields.why)).toContain("cannot send from 192.0.2.77");
  });
});
