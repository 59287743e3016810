// DNS threads (dns.threads): every thread answers from the committed zone set, and an update acknowledged
// with "good" is answered with its new address by every thread at once. Queries leave from many source
// ports, so the kernel (SO_REUSEPORT) spreads them over the sockets of all threads; each test checks that
// the worker threads did answer some of them, so a spread that missed them cannot pass unnoticed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import dnsPacket from "dns-packet";
import { loadConfig } from "../../../src/config/index.ts";
import { memoryLogger } from "../../../src/log/index.ts";
import { startServer, type Running } from "../../../src/cli/serve.ts";
import { addZone, hostA, UPDATE_SECRET } from "../../../bench/lib/zone.ts";
import { tempDir } from "../../support/net.ts";
import { users } from "../../../src/db/index.ts";
import { addEmbeddedZone } from "../../../src/core/admin/domains.ts";

const ZONE = "threads.test";
const HOSTS = 20;
const THREADS = 3;
let server: Running;
let dir: ReturnType<typeof tempDir>;
let port: number;

beforeAll(async () => {
  dir = tempDir();
  await addZone(dir.path, { zone: ZONE, hosts: HOSTS, hostRows: true });
  const cfg = loadConfig({
    env: { UPDNS_SERVER_DATA_DIR: dir.path, UPDNS_HTTP_LISTEN: "127.0.0.1:0", UPDNS_DNS_LISTEN: "127.0.0.1:0", UPDNS_SERVER_SYNCHRONOUS: "NORMAL", UPDNS_DNS_THREADS: String(THREADS) },
  });
  server = await startServer(cfg, memoryLogger());
  port = Number(server.dnsAddresses[0].split(":").pop());
}, 30_000);

afterAll(async () => {
  await server?.stop();
  dir?.cleanup();
});

/** The A records of `name`, asked once from each of `clients` sockets of their own (distinct source ports). */
async function askFromManyPorts(name: string, clients: number): Promise<string[][]> {
  const answers: Promise<string[]>[] = [];
  const sockets: { close(): void }[] = [];
  for (let i = 0; i < clients; i++) {
    const { promise, resolve, reject } = Promise.withResolvers<string[]>();
    const timer = setTimeout(() => reject(new Error(`no answer for ${name} from client ${i}`)), 5000);
    const s = await Bun.udpSocket({
      socket: {
        data(_s, buf) {
          clearTimeout(timer);
          const m = dnsPacket.decode(Buffer.from(buf));
          resolve(m.answers!.flatMap((a) => (a.type === "A" ? [a.data] : [])));
        },
      },
    });
    sockets.push(s);
    answers.push(promise);
    s.send(dnsPacket.encode({ type: "query", id: i + 1, questions: [{ type: "A", name }] }), port, "127.0.0.1");
  }
  try {
    return await Promise.all(answers);
  } finally {
    for (const s of sockets) s.close();
  }
}

const workerAnswers = () => server.dns.threads!.answered.reduce((a, b) => a + b, 0);

describe("DNS threads", () => {
  test(`dns.threads = ${THREADS} starts ${THREADS - 1} worker threads beside the main one`, () => {
    expect(server.dns.threads?.answered.length).toBe(THREADS - 1);
  });

  test("every thread answers the committed zone: the same records from every socket", async () => {
    const before = workerAnswers();
    for (const i of [1, 7, HOSTS]) {
      const got = await askFromManyPorts(`h${i}.${ZONE}`, 48);
      for (const a of got) expect(a).toEqual([hostA(i)]);
    }
    // The workers report their counters before they send, so their share is in by now.
    expect(workerAnswers()).toBeGreaterThan(before);
  });

  test("the query and response counters take in every thread's answers as soon as the client has them", async () => {
    const c = server.dns.responder.counters;
    const [queries, noerror, before] = [c.queriesByType.A ?? 0, c.responsesByRcode.NOERROR ?? 0, workerAnswers()];
    await askFromManyPorts(`h2.${ZONE}`, 48);
    expect(workerAnswers()).toBeGreaterThan(before);
    expect(c.queriesByType.A).toBe(queries + 48);
    expect(c.responsesByRcode.NOERROR).toBe(noerror + 48);
  });

  test("an update acknowledged with good is answered with the new address by every thread right away", async () => {
    const auth = `Basic ${Buffer.from(`h3.${ZONE}:${UPDATE_SECRET}`).toString("base64")}`;
    const before = workerAnswers();
    for (let round = 1; round <= 5; round++) {
      const ip = `198.51.100.${round}`;
      const res = await fetch(`http://${server.httpAddresses[0]}/nic/update?hostname=h3.${ZONE}&myip=${ip}`, { headers: { Authorization: auth } });
      expect(await res.text()).toBe(`good ${ip}`);
      const got = await askFromManyPorts(`h3.${ZONE}`, 48);
      for (const a of got) expect(a).toEqual([ip]);
    }
    expect(workerAnswers()).toBeGreaterThan(before);
  });

  test("a zone created, then deleted, is answered, then refused, by every thread as soon as the call returns", async () => {
    const store = server.zones.store;
    const ownerId = server.db.select({ id: users.id }).from(users).get()!.id;
    await addEmbeddedZone(server.db, { name: "added.test", ownerId, ns: ["ns1.added.test"] }, async (z) => {
      const records = [{ name: "www.added.test", type: "A" as const, ttl: 60, data: "192.0.2.9" }];
      await store.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`), records });
    });
    for (const a of await askFromManyPorts("www.added.test", 48)) expect(a).toEqual(["192.0.2.9"]);
    await store.deleteZone("added.test");
    for (const a of await askFromManyPorts("www.added.test", 48)) expect(a).toEqual([]);
  });

  test("a signed zone: every thread answers a name that does not exist with the signed denial (NSEC3 and RRSIG)", async () => {
    await server.zones.keys.enableDnssec(ZONE, { denial: "nsec3" });
    const before = workerAnswers();
    const sockets: { close(): void }[] = [];
    const got = await Promise.all(
      Array.from({ length: 48 }, async (_, i) => {
        const { promise, resolve } = Promise.withResolvers<dnsPacket.Packet>();
        const s = await Bun.udpSocket({ socket: { data: (_s, buf) => resolve(dnsPacket.decode(Buffer.from(buf))) } });
        sockets.push(s);
        s.send(dnsPacket.encode({ type: "query", id: i + 1, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "A", name: `nowhere.${ZONE}` }], additionals: [{ type: "OPT", name: ".", udpPayloadSize: 1232, flags: dnsPacket.DNSSEC_OK } as never] }), port, "127.0.0.1");
        return Promise.race([promise, Bun.sleep(5000).then(() => null)]);
      }),
    );
    for (const s of sockets) s.close();
    for (const m of got) {
      expect((m as { rcode?: string } | null)?.rcode).toBe("NXDOMAIN");
      const types = new Set(m!.authorities!.map((a) => a.type));
      expect(types.has("NSEC3")).toBe(true);
      expect(types.has("RRSIG")).toBe(true);
    }
    expect(workerAnswers()).toBeGreaterThan(before);
  });

  test("anything but a plain query is answered by the main thread for the worker it reached (here NOTIMP for an unknown opcode)", async () => {
    const sockets = await Promise.all(Array.from({ length: 16 }, () => Promise.withResolvers<Uint8Array>()).map(async (w) => ({ w, s: await Bun.udpSocket({ socket: { data: (_s, buf) => w.resolve(buf) } }) })));
    const msg = dnsPacket.encode({ type: "query", id: 9, questions: [{ type: "A", name: `h1.${ZONE}` }] });
    msg[2] = (msg[2] & 0x87) | (3 << 3); // opcode 3: unassigned
    for (const { s } of sockets) s.send(msg, port, "127.0.0.1");
    const got = await Promise.race([Promise.all(sockets.map(({ w }) => w.promise)), Bun.sleep(5000).then(() => null)]);
    for (const { s } of sockets) s.close();
    expect(got).not.toBeNull();
    for (const a of got!) expect(a[3] & 0x0f).toBe(4); // RCODE NOTIMP (RFC 1035 §4.1.1)
  });
});
