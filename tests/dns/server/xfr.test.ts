// AXFR (RFC 5936) and IXFR (RFC 1995) out, checked with kdig and dig, which verify every TSIG MAC of a
// multi-message answer (RFC 8945 §5.3.1 chaining).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { listenDns, Responder, type DnsListener } from "../../../src/dns/server/index.ts";
import dnsPacket from "dns-packet";
import { axfrMessages, condense, messageAt, prepareTransfers } from "../../../src/dns/server/xfr.ts";
import { tsigKeyFromBase64 } from "../../../src/dns/wire/index.ts";
import { MemoryZoneStorage, parseMasterFile, ZoneStore, type ZoneSnapshot } from "../../../src/dns/zone/index.ts";
import { freePort, havePeers, which } from "../../support/net.ts";

const HAVE = havePeers("kdig", "dig");
const KEY = { name: "xfr-key", secret: randomBytes(32).toString("base64") };
const OTHER = { name: "other-key", secret: randomBytes(32).toString("base64") };
let store: ZoneStore;
let server: DnsListener;
let port: number;
let responder: Responder;

function zoneText(hosts: number): string {
  let s = "$ORIGIN big.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n@ IN NS ns1\nns1 IN A 192.0.2.1\n";
  for (let i = 0; i < hosts; i++) s += `host-${i} IN A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}\n`;
  return s;
}

beforeAll(async () => {
  store = await ZoneStore.open(new MemoryZoneStorage());
  await store.createZoneFromRecords("big.test", parseMasterFile(zoneText(3000), "big.test"));
  await store.createZoneFromRecords("open.test", parseMasterFile("$ORIGIN open.test.\n@ 60 IN SOA ns1 h 1 1 1 1 1\n@ 60 IN NS ns1\nns1 60 IN A 192.0.2.2\n", "open.test"));
  responder = new Responder({
    store,
    keys: [KEY, OTHER].map((k) => tsigKeyFromBase64(k.name, "hmac-sha256", k.secret)),
    acl: {
      "big.test": { transferKeys: [KEY.name], transferAddresses: [], notify: [] },
      "open.test": { transferKeys: [], transferAddresses: ["127.0.0.0/8"], notify: [] },
    },
  });
  port = await freePort();
  server = await listenDns({ listen: [`127.0.0.1:${port}`], responder });
});
afterAll(async () => {
  await server?.stop();
});

async function tool(bin: "kdig" | "dig", args: string[]): Promise<string> {
  const p = Bun.spawn([which(bin)!, "@127.0.0.1", "-p", String(port), ...args], { stdout: "pipe", stderr: "pipe" });
  const [o, e] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  await p.exited;
  return o + e;
}
const records = (out: string) =>
  out
    .split("\n")
    .filter((l) => l && !l.startsWith(";"))
    .map((l) => l.split(/\s+/))
    .filter((r) => r[3] !== "TSIG");

describe.if(HAVE)("AXFR", () => {
  test("a signed AXFR of a 3,000-host zone comes in several messages, each MAC verified by kdig", async () => {
    const out = await tool("kdig", ["-y", `hmac-sha256:${KEY.name}:${KEY.secret}`, "big.test", "AXFR"]);
    expect(/WARNING|failed|BADSIG|BADKEY/i.test(out)).toBe(false);
    const m = out.match(/;; Received \d+ B \((\d+) messages, (\d+) records\)/)!;
    expect(Number(m[1])).toBeGreaterThan(2);
    expect(Number(m[2])).toBe(3000 + 3 + 1); // SOA, NS, ns1 A, hosts, closing SOA
    const rr = records(out);
    expect(rr[0][3]).toBe("SOA");
    expect(rr.at(-1)![3]).toBe("SOA");
    // dig verifies the chain as well.
    const d = await tool("dig", ["-y", `hmac-sha256:${KEY.name}:${KEY.secret}`, "big.test", "AXFR"]);
    expect(/tsig verify failure|Transfer failed/i.test(d)).toBe(false);
    expect(d).toMatch(/XFR size: 3004 records/);
  });

  test("without the key, or with another key, the transfer is refused", async () => {
    expect(await tool("dig", ["big.test", "AXFR"])).toMatch(/Transfer failed|REFUSED/);
    expect(await tool("dig", ["-y", `hmac-sha256:${OTHER.name}:${OTHER.secret}`, "big.test", "AXFR"])).toMatch(/Transfer failed|REFUSED/);
    expect(await tool("dig", ["-y", `hmac-sha256:${KEY.name}:${OTHER.secret}`, "big.test", "AXFR"])).toMatch(/BADSIG|tsig|NOTAUTH/i);
  });

  test("an address list allows an unsigned transfer; a zone we do not serve is NOTAUTH", async () => {
    const ok = await tool("dig", ["open.test", "AXFR"]);
    expect(ok).toMatch(/XFR size: 4 records/);
    const no = await tool("kdig", ["nothere.test", "AXFR"]);
    expect(no).toMatch(/NOTAUTH/);
  });

  test("AXFR over UDP is FORMERR (RFC 5936 §4.2)", async () => {
    expect(await tool("kdig", ["+notcp", "open.test", "AXFR"])).toMatch(/FORMERR/);
  });
});

describe.if(HAVE)("IXFR", () => {
  test("from a journal serial: the condensed difference, signed", async () => {
    const from = store.zone("big.test")!.serial;
    await store.transaction("big.test", (tx) => tx.replaceRRset("host-1.big.test", "A", 300, ["192.0.2.101"]));
    await store.transaction("big.test", (tx) => tx.replaceRRset("host-1.big.test", "A", 300, ["192.0.2.102"]));
    await store.transaction("big.test", (tx) => tx.replaceRRset("new.big.test", "A", 300, ["192.0.2.103"]));
    const out = await tool("kdig", ["-y", `hmac-sha256:${KEY.name}:${KEY.secret}`, "big.test", `IXFR=${from}`]);
    expect(/WARNING|failed|BADSIG|BADKEY/i.test(out)).toBe(false);
    const rr = records(out).map((r) => `${r[0]} ${r[3]} ${r[3] === "SOA" ? r[6] : r[4]}`);
    const cur = store.zone("big.test")!.serial;
    // Condensed: host-1's intermediate address never shows.
    expect(rr).toEqual([`big.test. SOA ${cur}`, `big.test. SOA ${from}`, "host-1.big.test. A 10.0.0.1", `big.test. SOA ${cur}`, "host-1.big.test. A 192.0.2.102", "new.big.test. A 192.0.2.103", `big.test. SOA ${cur}`]);
  });

  test("a current client gets one SOA; IXFR over UDP gets one SOA", async () => {
    const cur = store.zone("big.test")!.serial;
    const a = records(await tool("kdig", ["-y", `hmac-sha256:${KEY.name}:${KEY.secret}`, "big.test", `IXFR=${cur}`]));
    expect(a.map((r) => r[3])).toEqual(["SOA"]);
    const u = records(await tool("kdig", ["+notcp", "-y", `hmac-sha256:${KEY.name}:${KEY.secret}`, "big.test", `IXFR=${cur - 3}`]));
    expect(u.map((r) => `${r[3]} ${r[6]}`)).toEqual([`SOA ${cur}`]);
  });

  test("when the journal does not reach back, the answer is a full zone in AXFR form", async () => {
    const out = await tool("kdig", ["-y", `hmac-sha256:${KEY.name}:${KEY.secret}`, "big.test", "IXFR=0"]);
    // 3,000 hosts + new.big.test + NS + ns1 A + SOA twice
    expect(out.match(/\(\d+ messages, \d+ records\)/)?.[0]).toMatch(/\(\d+ messages, 3005 records\)/);
  });
});

describe.if(HAVE)("TSIG on ordinary queries", () => {
  test("a signed query gets a signed answer that dig verifies; a bad MAC gets NOTAUTH/BADSIG", async () => {
    const ok = await tool("dig", ["-y", `hmac-sha256:${KEY.name}:${KEY.secret}`, "host-0.big.test", "A"]);
    expect(ok).toMatch(/status: NOERROR/);
    expect(ok).toMatch(/host-0\.big\.test\.\s+300\s+IN\s+A\s+10\.0\.0\.0/);
    expect(ok).toMatch(/xfr-key\.\s+0\s+ANY\s+TSIG\s+hmac-sha256\./);
    expect(/tsig verify failure|TSIG error/i.test(ok)).toBe(false);
    const bad = await tool("dig", ["-y", `hmac-sha256:${KEY.name}:${OTHER.secret}`, "host-0.big.test", "A"]);
    expect(bad).toMatch(/NOTAUTH|BADSIG/);
  });
});

describe("condensing", () => {
  test("a record added and removed again vanishes", () => {
    const soa = { name: "z", type: "SOA" as const, ttl: 1, data: "" };
    const a = (d: string) => ({ name: "h.z", type: "A" as const, ttl: 60, data: d });
    const c = condense([
      { zone: "z", serialFrom: 1, serialTo: 2, removed: [soa, a("1.1.1.1")], added: [soa, a("2.2.2.2")], time: 0 },
      { zone: "z", serialFrom: 2, serialTo: 3, removed: [soa, a("2.2.2.2")], added: [soa, a("3.3.3.3")], time: 0 },
      { zone: "z", serialFrom: 3, serialTo: 4, removed: [soa, a("3.3.3.3")], added: [soa, a("1.1.1.1")], time: 0 },
    ]);
    expect(c).toEqual({ removed: [], added: [] });
  });
});

describe("BADTIME", () => {
  test("a query signed an hour ago gets NOTAUTH with a signed BADTIME carrying our clock", async () => {
    const { signMessage, verifyMessage, findTsig } = await import("../../../src/dns/wire/index.ts");
    const key = tsigKeyFromBase64(KEY.name, "hmac-sha256", KEY.secret);
    const q = Uint8Array.from([0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 6, ...new TextEncoder().encode("host-0"), 3, ...new TextEncoder().encode("big"), 4, ...new TextEncoder().encode("test"), 0, 0, 1, 0, 1]);
    const signed = signMessage(q, key, { time: Math.floor(Date.now() / 1000) - 3600 });
    const out: Uint8Array[] = [];
    responder.handle(signed.wire, { transport: "udp", address: "127.0.0.1", port: 1 }, (m) => out.push(m));
    expect(out[0][3] & 0xf).toBe(9); // NOTAUTH
    const t = findTsig(out[0])!;
    expect(t.error).toBe(18);
    expect(t.otherData.length).toBe(6);
    // The answer is signed with the request MAC: the client can trust the error.
    const v = verifyMessage(out[0], () => key, { requestMac: signed.mac, now: t.timeSigned });
    expect(v.ok ? "ok" : v.rcode).toBe("BADTIME");
    expect(v.ok ? false : v.fromPeer).toBe(true);
  });
});

describe("the AXFR body", () => {
  // What a secondary loads: every record of the version once, in whatever order, between the SOAs.
  const body = (t: ReturnType<typeof axfrMessages>) => {
    const out: string[] = [];
    for (let i = 0; i < t.starts.length; i++) {
      const m = dnsPacket.decode(Buffer.from(messageAt(t, i)));
      for (const a of (m.answers ?? []) as { name: string; type: string; ttl: number; data: unknown }[]) out.push(`${a.name} ${a.type} ${a.ttl} ${a.type === "A" || a.type === "AAAA" ? a.data : ""}`);
    }
    return out;
  };
  const expected = (z: ZoneSnapshot) => {
    const out = [...z.records(false)].map((r) => `${r.name} ${r.type} ${r.ttl} ${r.type === "A" || r.type === "AAAA" ? r.data : ""}`);
    out.push(out[0]);
    return out;
  };

  test("a zone of hosts after changes (a name changed, one removed, new ones) transfers exactly its records", async () => {
    const s = await ZoneStore.open(new MemoryZoneStorage());
    let text = "$ORIGIN hosts.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n@ IN NS ns1\nns1 IN A 192.0.2.1\nwww IN CNAME ns1\n";
    for (let i = 0; i < 2000; i++) text += `h${i} IN A 10.0.${i >> 8}.${i & 255}\nh${i} 60 IN AAAA 2001:db8::${i.toString(16)}\n`;
    await s.createZoneFromRecords("hosts.test", parseMasterFile(text, "hosts.test"));
    await s.transaction("hosts.test", (tx) => {
      tx.replaceRRset("h1.hosts.test", "A", 300, ["192.0.2.101", "192.0.2.102"]);
      tx.deleteRRset("h2.hosts.test", "A");
      tx.deleteRRset("h2.hosts.test", "AAAA");
      tx.replaceRRset("h3.hosts.test", "TXT", 300, ['"not only addresses"']);
      tx.replaceRRset("new.deep.hosts.test", "AAAA", 300, ["2001:db8::1:2"]);
    });
    const z = s.snapshot().zones.get("hosts.test")!;
    const got = body(axfrMessages(z));
    expect(got[0]).toStartWith("hosts.test SOA");
    expect(got.at(-1)).toStartWith("hosts.test SOA");
    expect(got.length).toBe(2 * 2000 + 3 + 1 + 1 - 2 + 1 + 1 + 1);
    expect(got.toSorted()).toEqual(expected(z).toSorted());
  });
});

describe.if(HAVE)("AXFR around commits", () => {
  const signed = async () => {
    const out = await tool("kdig", ["-y", `hmac-sha256:${KEY.name}:${KEY.secret}`, "big.test", "AXFR"]);
    expect(/WARNING|failed|BADSIG|BADKEY/i.test(out)).toBe(false);
    const rr = records(out);
    return { count: Number(out.match(/;; Received \d+ B \(\d+ messages, (\d+) records\)/)![1]), serial: Number(rr[0][6]), rr };
  };

  test("right after a commit and after the background build, a transfer is the committed version, whole and signed", async () => {
    const stop = prepareTransfers(store, () => true);
    try {
      await signed(); // a secondary that takes AXFR: builds after changes are now worth it
      for (const [i, wait] of [0, 1500].entries()) {
        await store.transaction("big.test", (tx) => tx.replaceRRset(`fresh-${i}.big.test`, "A", 300, [`192.0.2.${80 + i}`]));
        const z = store.snapshot().zones.get("big.test")!;
        // At once (the transfer builds the new version), then once the background build has run.
        if (wait) await Bun.sleep(wait);
        const t = await signed();
        expect(t.serial).toBe(z.serial);
        expect(t.count).toBe(z.size + 1);
        expect(t.rr.some((r) => r[0] === `fresh-${i}.big.test.` && r[4] === `192.0.2.${80 + i}`)).toBe(true);
        expect(t.rr.at(-1)![6]).toBe(String(z.serial));
      }
    } finally {
      stop();
    }
  });
});
