// The same signed zone served by updns, NSD and Knot (the two secondaries get it from us by AXFR, so the
// records and signatures are byte for byte the same), asked the same questions with dig: what a DNS
// engineer would compare. Sections are compared as sets (servers order records differently); where NSD
// and Knot disagree with each other, the RFC decides and the case says which one we follow.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import * as packet from "dns-packet";
import { MemoryZoneStorage, parseMasterFile, ZoneKeys } from "../../../src/dns/zone/index.ts";
import { dig, type DigResult } from "../../support/dig.ts";
import { havePeers, waitFor } from "../../support/net.ts";
import { type PrimaryWithSecondaries, serveToSecondaries, type TransferKey } from "../../support/secondaries.ts";

const HAVE = havePeers("dig", "nsd", "knotd");
const ZONE = "example.test";
const TEXT = `
$ORIGIN ${ZONE}.
$TTL 300
@      IN SOA ns1 hostmaster 1 60 30 3600 60
@      IN NS  ns1
@      IN NS  ns2
@      IN MX  10 mail
ns1    IN A   192.0.2.53
ns1    IN AAAA 2001:db8::53
ns2    IN A   192.0.2.54
mail   IN A   192.0.2.25
www    IN A   192.0.2.80
alias  IN CNAME www
sub    IN NS  ns.sub
ns.sub IN A   192.0.2.10
`;

type Server = "updns" | "nsd" | "knot";
let primary: PrimaryWithSecondaries | undefined;
const ports = {} as Record<Server, number>;

beforeAll(async () => {
  if (!HAVE) return;
  const zoneKeys = await ZoneKeys.open(new MemoryZoneStorage(), { dnssec: { masterKey: randomBytes(32) } });
  const store = zoneKeys.store;
  await store.createZoneFromRecords(ZONE, parseMasterFile(TEXT, ZONE), "unixtime");
  await zoneKeys.enableDnssec(ZONE);
  const key = (name: string): TransferKey => ({ name, algorithm: "hmac-sha256", secret: randomBytes(32).toString("base64") });
  primary = await serveToSecondaries(store, ZONE, { bind: key("xfr-bind"), nsd: key("xfr-nsd"), knot: key("xfr-knot") }, ["nsd", "knot"]);
  ports.updns = primary.port;
  ports.nsd = primary.secondaries.nsd!.port;
  ports.knot = primary.secondaries.knot!.port;
  await Promise.all((["nsd", "knot"] as const).map((k) => waitFor(`${k} to load ${ZONE}`, async () => (await primary!.secondaries[k]!.addresses(`www.${ZONE}`)).length > 0, 10_000, 50)));
}, 30_000);

afterAll(async () => {
  await primary?.stop();
});

/** What a reader compares: status, AA/TC, the EDE line, and each section as a sorted set of lines. */
function view(r: DigResult) {
  return {
    status: r.status,
    aa: r.flags.includes("aa"),
    tc: r.flags.includes("tc"),
    ede: r.raw.match(/^; EDE: .*$/m)?.[0] ?? null,
    answer: [...r.answer].sort(),
    authority: [...r.authority].sort(),
    additional: [...r.additional].sort(),
  };
}

async function askAll(name: string, type: string, extra: string[] = []): Promise<Record<Server, ReturnType<typeof view>>> {
  const out = await Promise.all((["updns", "nsd", "knot"] as const).map(async (s) => [s, view(await dig("127.0.0.1", ports[s], name, type, extra))] as const));
  return Object.fromEntries(out) as Record<Server, ReturnType<typeof view>>;
}

const typeOf = (line: string) => line.split(" ")[3];
const covered = (lines: string[]) => lines.filter((l) => typeOf(l) === "RRSIG").map((l) => `${l.split(" ")[0]} ${l.split(" ")[4]}`).sort();

describe.if(HAVE)("updns answers as NSD and Knot do, for the same signed zone", () => {
  test("NS at the apex with DO: the in-zone addresses come with their RRSIGs (RFC 4035 §3.1.1)", async () => {
    const r = await askAll(ZONE, "NS", ["+dnssec"]);
    expect(r.updns).toEqual(r.knot);
    expect(r.updns).toEqual(r.nsd);
    expect(covered(r.updns.additional)).toEqual([`ns1.${ZONE}. A`, `ns1.${ZONE}. AAAA`, `ns2.${ZONE}. A`]);
  });

  test("MX with DO: the exchange's address is signed in the additional section", async () => {
    const r = await askAll(ZONE, "MX", ["+dnssec"]);
    expect(r.updns).toEqual(r.knot);
    // NSD also sends the apex NS in the authority section with their (signed) addresses; the MX target's
    // address and its RRSIG are in both.
    expect(r.nsd.additional).toEqual(expect.arrayContaining(r.updns.additional));
    expect(covered(r.updns.additional)).toEqual([`mail.${ZONE}. A`]);
  });

  test("in 512 octets the additional RRSIGs go first, the addresses stay, and TC stays clear (RFC 2181 §9)", async () => {
    const r = await askAll(ZONE, "NS", ["+dnssec", "+bufsize=512", "+ignore"]);
    // Knot drops whole trailing RRSIG sets as we do; NSD interleaves and loses ns1's AAAA instead.
    expect(r.updns).toEqual(r.knot);
    expect(r.updns.tc).toBe(false);
    expect(r.updns.additional.filter((l) => typeOf(l) !== "RRSIG").length).toBe(3);
    expect(covered(r.updns.additional)).toEqual([`ns1.${ZONE}. A`, `ns1.${ZONE}. AAAA`]);
  });

  test("without DO the additional section carries no RRSIG", async () => {
    const r = await askAll(ZONE, "NS");
    expect(r.updns).toEqual(r.knot);
    expect(r.updns.additional.filter((l) => typeOf(l) === "RRSIG")).toEqual([]);
  });

  test("a referral's glue is not signed, with or without DO", async () => {
    const r = await askAll(`sub.${ZONE}`, "NS", ["+dnssec"]);
    expect(r.updns).toEqual(r.knot);
    expect(r.updns).toEqual(r.nsd);
  });

  test("qtype RRSIG gets the RRSIGs at the name, with and without DO", async () => {
    for (const extra of [["+dnssec"], []]) {
      const r = await askAll(`www.${ZONE}`, "RRSIG", extra);
      // Knot answers with the signatures alone; NSD adds the apex NS and their addresses, which no RFC
      // asks for (RFC 2181 §6.1 leaves the authority section optional in positive answers): we follow Knot.
      expect(r.updns).toEqual(r.knot);
      expect(r.updns.answer).toEqual(r.nsd.answer);
      expect(covered(r.updns.answer)).toEqual([`www.${ZONE}. A`]);
    }
  });

  test("qtype RRSIG at a CNAME: the CNAME's signature, the alias is not followed", async () => {
    const r = await askAll(`alias.${ZONE}`, "RRSIG", ["+dnssec"]);
    expect(r.updns).toEqual(r.knot);
    expect(r.updns.answer).toEqual(r.nsd.answer);
    expect(covered(r.updns.answer)).toEqual([`alias.${ZONE}. CNAME`]);
  });

  test("QCLASS ANY: the answer, without AA (RFC 1035 §6.2), as NSD gives it", async () => {
    const r = await askAll(`www.${ZONE}`, "A", ["-c", "ANY"]);
    // Knot sets AA here; RFC 1035 §6.2 says a QCLASS=* answer cannot be known to be authoritative.
    expect({ ...r.updns }).toEqual({ ...r.nsd });
    expect(r.updns.aa).toBe(false);
    expect(r.updns.answer).toEqual(r.knot.answer);
  });

  test("a name we do not serve: REFUSED with EDE 20 (RFC 8914 §4.21), as both send it", async () => {
    const r = await askAll("nope.other", "A");
    expect(r.updns).toEqual(r.knot);
    expect(r.updns).toEqual(r.nsd);
    expect(r.updns.ede).toBe("; EDE: 20 (Not Authoritative)");
  });

  test("without EDNS there is no OPT record to carry an EDE", async () => {
    const r = await askAll("nope.other", "A", ["+noedns"]);
    expect(r.updns).toEqual(r.knot);
    expect(r.updns.ede).toBeNull();
  });

  test("an AXFR the ACL refuses: REFUSED with EDE 18 Prohibited (RFC 8914 §4.19), as NSD sends it", async () => {
    const seen: Record<string, { rcode: string; ede: string[] }> = {};
    for (const s of ["updns", "nsd", "knot"] as const) {
      const d = await tcpQuery(ports[s], packet.encode({ type: "query", id: 7, questions: [{ name: ZONE, type: "AXFR" }], additionals: [{ type: "OPT", name: ".", udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] }));
      const opt = (d.additionals ?? []).find((r) => r.type === "OPT") as { options?: { code: number; data: Buffer }[] } | undefined;
      seen[s] = { rcode: (d as { rcode?: string }).rcode ?? "", ede: (opt?.options ?? []).filter((o) => o.code === 15).map((o) => o.data.toString("hex")) };
    }
    // Knot answers NOTAUTH without EDE; RFC 5936 §2.2.1 has REFUSED for a transfer that policy forbids.
    expect(seen.updns).toEqual(seen.nsd);
    expect(seen.updns).toEqual({ rcode: "REFUSED", ede: ["0012"] });
  });
});

/** One query over TCP to 127.0.0.1:port, the first answer decoded. */
async function tcpQuery(port: number, msg: Buffer): Promise<packet.Packet> {
  const done = Promise.withResolvers<Buffer>();
  let buf = Buffer.alloc(0);
  const sock = await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(_s, d) {
        buf = Buffer.concat([buf, Buffer.from(d)]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done.resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      },
      close: () => done.reject(new Error(`port ${port} closed the connection without an answer`)),
    },
  });
  const timer = setTimeout(() => done.reject(new Error(`no answer from port ${port} in 3 s`)), 3000);
  sock.write(Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 0xff]), msg]));
  try {
    return packet.decode(await done.promise);
  } finally {
    clearTimeout(timer);
    sock.end();
  }
}
