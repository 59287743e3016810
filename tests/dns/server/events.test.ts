// The DNS side's lines in the operator's log, with the real clients: nsupdate's UPDATEs applied and
// refused, dig's AXFR and IXFR served and refused, TSIG failures (BADSIG, BADKEY, BADTIME) with the peer
// and the key name, NOTIFY sent and failed. No key secret ever appears.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import dnsPacket from "dns-packet";
import { listenDns, Notifier, Responder, type DnsListener } from "../../../src/dns/server/index.ts";
import { policyFromRules } from "../../../src/core/index.ts";
import { signMessage, tsigKeyFromBase64, verifyMessage } from "../../../src/dns/wire/index.ts";
import type { ZoneStore } from "../../../src/dns/zone/index.ts";
import { memoryLogger } from "../../../src/log/index.ts";
import { dig } from "../../support/dig.ts";
import { freePort, havePeers, which } from "../../support/net.ts";
import { fixtureStore } from "./fixture.ts";

const HAVE = havePeers("nsupdate", "dig");
const DYN = { name: "dyn-key", secret: randomBytes(32).toString("base64") };
const XFR = { name: "xfr-key", secret: randomBytes(32).toString("base64") };
const WRONG = randomBytes(32).toString("base64");

let store: ZoneStore;
let server: DnsListener;
let port: number;
let responder: Responder;
const log = memoryLogger();
const lines = (msg: string) => log.lines.filter((l) => l.includes(`msg="${msg}"`));
const keyOf = (k: { name: string; secret: string }) => tsigKeyFromBase64(k.name, "hmac-sha256", k.secret);

beforeAll(async () => {
  ({ store } = await fixtureStore());
  responder = new Responder({
    store,
    keys: [keyOf(DYN), keyOf(XFR)],
    acl: { "example.org": { transferKeys: [XFR.name], transferAddresses: [], notify: [] } },
    updatePolicy: policyFromRules([{ action: "grant", key: DYN.name, match: "subdomain", name: "dyn.example.org", types: ["A"] }]),
    events: log,
  });
  port = await freePort();
  server = await listenDns({ listen: [`127.0.0.1:${port}`], responder });
});
afterAll(async () => {
  await server?.stop();
});

async function nsupdate(key: { name: string; secret: string }, lines: string[]): Promise<string> {
  const script = [`server 127.0.0.1 ${port}`, "zone example.org.", ...lines, "send", ""].join("\n");
  const proc = Bun.spawn([which("nsupdate")!, "-y", `hmac-sha256:${key.name}:${key.secret}`], { stdin: new TextEncoder().encode(script), stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await Promise.race([proc.exited, Bun.sleep(10_000)]);
  return out + err;
}

describe.if(HAVE)("UPDATE in", () => {
  test("an applied UPDATE logs zone, key, peer, result, rcode and the new serial", async () => {
    await nsupdate(DYN, ["update add h1.dyn.example.org. 60 A 192.0.2.1"]);
    const l = lines("rfc2136 update").at(-1)!;
    expect(l).toContain(`level=info msg="rfc2136 update" zone=example.org key=dyn-key peer=127.0.0.1 result=applied rcode=NOERROR serial=${store.zone("example.org")!.serial}`);
  });

  test("an UPDATE the key is not granted is refused, and the line says why", async () => {
    const out = await nsupdate(DYN, ["update add www.example.org. 60 A 192.0.2.2"]);
    expect(out).toContain("REFUSED");
    const l = lines("rfc2136 update").at(-1)!;
    expect(l).toContain('level=warn msg="rfc2136 update" zone=example.org key=dyn-key peer=127.0.0.1 result=refused rcode=REFUSED why="key not granted A at www.example.org"');
  });

  test("a wrong secret is a BADSIG line with the peer and the key name, then the refused UPDATE", async () => {
    const before = lines("tsig verification failed").length;
    await nsupdate({ name: DYN.name, secret: WRONG }, ["update add h2.dyn.example.org. 60 A 192.0.2.3"]);
    const t = lines("tsig verification failed");
    expect(t.length).toBe(before + 1);
    expect(t.at(-1)).toContain("level=warn msg=\"tsig verification failed\" error=BADSIG key=dyn-key peer=127.0.0.1 opcode=UPDATE name=example.org");
    expect(lines("rfc2136 update").at(-1)).toContain("result=refused rcode=NOTAUTH");
  });

  test("an unknown key is a BADKEY line", async () => {
    await nsupdate({ name: "nobody-key", secret: WRONG }, ["update add h3.dyn.example.org. 60 A 192.0.2.4"]);
    expect(lines("tsig verification failed").at(-1)).toContain("error=BADKEY key=nobody-key peer=127.0.0.1");
  });
});

describe.if(HAVE)("transfers out", () => {
  test("an AXFR with the transfer key logs zone, peer, key, serial, records and bytes", async () => {
    const r = await dig("127.0.0.1", port, "example.org", "AXFR", ["-y", `hmac-sha256:${XFR.name}:${XFR.secret}`]);
    expect(r.raw).toContain("XFR size:");
    const l = lines("zone transfer").at(-1)!;
    const records = Number(r.raw.match(/XFR size: (\d+) records/)![1]);
    expect(l).toContain(`level=info msg="zone transfer" zone=example.org type=AXFR served_as=AXFR peer=127.0.0.1 key=xfr-key serial=${store.zone("example.org")!.serial} records=${records} messages=`);
    expect(Number(l.match(/bytes=(\d+)/)![1])).toBeGreaterThan(500);
  });

  test("an IXFR from the current serial is logged as served from the journal or up to date", async () => {
    const serial = store.zone("example.org")!.serial;
    await dig("127.0.0.1", port, "example.org", `IXFR=${serial - 1}`, ["+tcp", "-y", `hmac-sha256:${XFR.name}:${XFR.secret}`]);
    expect(lines("zone transfer").at(-1)).toMatch(/zone=example\.org type=IXFR served_as=(IXFR|IXFR-as-AXFR) peer=127\.0\.0\.1 key=xfr-key/);
  });

  test("an AXFR without a key is refused, and the line says why", async () => {
    const r = await dig("127.0.0.1", port, "example.org", "AXFR");
    expect(r.raw).toContain("Transfer failed");
    expect(lines("zone transfer refused").at(-1)).toContain('level=warn msg="zone transfer refused" zone=example.org type=AXFR peer=127.0.0.1 key=null rcode=REFUSED why="address not allowed and no key"');
  });

  test("an AXFR of a zone not served here is refused as NOTAUTH", async () => {
    await dig("127.0.0.1", port, "elsewhere.test", "AXFR", ["-y", `hmac-sha256:${XFR.name}:${XFR.secret}`]);
    expect(lines("zone transfer refused").at(-1)).toContain('zone=elsewhere.test type=AXFR peer=127.0.0.1 key=xfr-key rcode=NOTAUTH why="not a zone served here"');
  });
});

describe("TSIG time", () => {
  test("a query signed an hour off is a BADTIME line", async () => {
    const q = dnsPacket.encode({ type: "query", id: 7, questions: [{ type: "SOA", name: "example.org" }] });
    const { wire } = signMessage(new Uint8Array(q), keyOf(XFR), { time: Math.floor(Date.now() / 1000) - 3600 });
    await responder.handle(wire, { transport: "udp", address: "192.0.2.200", port: 5353 }, () => {});
    expect(lines("tsig verification failed").at(-1)).toContain("error=BADTIME key=xfr-key peer=192.0.2.200 opcode=QUERY name=example.org");
  });
});

describe("NOTIFY out", () => {
  test("an acknowledged NOTIFY and one given up are each one line", async () => {
    // A secondary that answers every NOTIFY, and an address where nobody listens.
    const sock = await Bun.udpSocket({
      hostname: "127.0.0.1",
      port: 0,
      binaryType: "uint8array",
      socket: {
        data(s, buf, p, addr) {
          const reply = buf.slice();
          reply[2] |= 0x80; // QR: the NOTIFY echoed back as its answer (RFC 1996 §4.7)
          s.send(reply, p, addr);
        },
      },
    });
    const deadPort = await freePort();
    const notes = memoryLogger();
    const notifier = new Notifier({
      store,
      targets: () => [
        { address: "127.0.0.1", port: sock.port },
        { address: "127.0.0.1", port: deadPort },
      ],
      lookupKey: responder.lookupKey,
      attempts: 2,
      firstTimeoutMs: 50,
      events: notes,
    });
    expect(await notifier.notifyZone("example.org")).toEqual([true, false]);
    await notifier.stop();
    sock.close();
    const serial = store.zone("example.org")!.serial;
    expect(notes.lines.find((l) => l.includes('msg="notify sent"'))).toContain(`zone=example.org peer=127.0.0.1:${sock.port} key=null serial=${serial} attempts=1`);
    expect(notes.lines.find((l) => l.includes('msg="notify failed"'))).toContain(`zone=example.org peer=127.0.0.1:${deadPort} key=null serial=${serial} attempts=2 why="not acknowledged"`);
  });
});

describe("NOTIFY answers", () => {
  test("an answer whose MAC does not verify is a tsig line with the peer and key; the NOTIFY then fails", async () => {
    const key = keyOf(XFR);
    const sock = await Bun.udpSocket({
      hostname: "127.0.0.1",
      port: 0,
      binaryType: "uint8array",
      socket: {
        data(s, buf, p, addr) {
          const v = verifyMessage(buf, (n) => (n === key.name ? key : undefined));
          const reply = (v.ok ? v.unsigned : buf).slice();
          reply[2] |= 0x80;
          s.send(signMessage(reply, { ...key, secret: new Uint8Array(32) }, { requestMac: v.ok ? v.mac : undefined }).wire, p, addr);
        },
      },
    });
    const notes = memoryLogger();
    const notifier = new Notifier({ store, targets: () => [{ address: "127.0.0.1", port: sock.port, key: XFR.name }], lookupKey: responder.lookupKey, attempts: 1, firstTimeoutMs: 100, events: notes });
    expect(await notifier.notifyZone("example.org")).toEqual([false]);
    await notifier.stop();
    sock.close();
    expect(notes.lines.find((l) => l.includes('msg="tsig verification failed"'))).toContain("error=BADSIG key=xfr-key peer=127.0.0.1 opcode=NOTIFY name=example.org");
    expect(notes.lines.find((l) => l.includes('msg="notify failed"'))).toContain(`peer=127.0.0.1:${sock.port} key=xfr-key`);
  });
});

test("no key secret is ever in the log", () => {
  const all = log.lines.join("\n");
  for (const s of [DYN.secret, XFR.secret, WRONG]) expect(all).not.toContain(s);
});
