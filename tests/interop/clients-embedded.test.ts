// End to end on the embedded primary: ddclient and inadyn update through our dyndns2 API, the embedded
// ZoneBackend commits to the zone store, and dig asks our DNS listener what the world now sees.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { EmbeddedBackend, SqliteZoneStorage } from "../../src/backends/embedded/index.ts";
import { addEmbeddedZone } from "../../src/core/admin/domains.ts";
import { hashSecret } from "../../src/core/index.ts";
import { hosts, openDatabase, relatedHosts, users } from "../../src/db/index.ts";
import { listenDns, Responder, type DnsListener } from "../../src/dns/server/index.ts";
import { ZoneStore } from "../../src/dns/zone/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { createHttpApp, listenHttp, type HttpListeners } from "../../src/http/index.ts";
import { dyndnsApi } from "../../src/http/api/index.ts";
import { memoryLogger } from "../../src/log/index.ts";
import { Ddclient, Inadyn } from "../support/clients.ts";
import { dig, rdata } from "../support/dig.ts";
import { havePeers, tempDir } from "../support/net.ts";

const ZONE = "dyn.example.test";
const HOST = `home.${ZONE}`;
const SECRET = "home-secret-0123456789";
const run = havePeers("ddclient", "inadyn", "dig");

const dir = tempDir("updns-e2e-");
let http: HttpListeners;
let dns: DnsListener;
let dnsPort = 0;
let server = "";

beforeAll(async () => {
  if (!run) return;
  const db = openDatabase(join(dir.path, "updns.db"), { synchronous: "NORMAL" });
  const owner = db.insert(users).values({ username: "owner" }).returning().get();
  const zone = await addEmbeddedZone(db, { name: ZONE, ownerId: owner.id }, async (z) => {
    const s = await ZoneStore.open(new SqliteZoneStorage(db, [z.name]));
    await s.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) });
  });
  const host = db.insert(hosts).values({ name: "home", domainId: zone.id, ownerId: owner.id, updateSecret: await hashSecret(SECRET) }).returning().get();
  db.insert(relatedHosts).values({ name: "nas", mainHostId: host.id, interfaceIdIpv4: "", interfaceIdIpv6: "::a" }).run();
  const store = await ZoneStore.open(new SqliteZoneStorage(db));
  dns = await listenDns({ listen: ["127.0.0.1:0"], responder: new Responder({ store }) });
  dnsPort = dns.addresses[0].udpPort;
  const config = loadConfig({ env: {} });
  const log = memoryLogger();
  const backend = new EmbeddedBackend(() => store);
  const app = createHttpApp({ config, log, health: { check: () => ({}) }, plugins: [dyndnsApi({ db, config, log, backendFor: () => backend })] });
  http = listenHttp((req) => app.handle(req), { listen: ["127.0.0.1:0"], maxBodyBytes: 65536 });
  server = http.addresses[0];
});
afterAll(async () => {
  await http?.stop(false);
  await dns?.stop();
  dir.cleanup();
});

const ask = async (name: string, type: string) => rdata(await dig("127.0.0.1", dnsPort, name, type), type);

describe.if(run)("update clients on the embedded primary, checked with dig", () => {
  test("ddclient sets the A record that dig then sees; a second run stays quiet", async () => {
    const c = new Ddclient({ dir: join(dir.path, "ddclient"), server, login: HOST, password: SECRET, hosts: [HOST], address: "192.0.2.80" });
    expect((await c.run()).output).toContain("good: IP address set to 192.0.2.80");
    expect(await ask(HOST, "A")).toEqual(["192.0.2.80"]);
    expect((await c.run()).output).toContain("skipped: IP address was already set");
  });

  test("inadyn sets the AAAA; the related host follows with the prefix + interface id; the A stays", async () => {
    const c = new Inadyn({ dir: join(dir.path, "inadyn"), server, username: HOST, password: SECRET, hostname: HOST, address: "2001:db8:80:1::5" });
    expect((await c.run()).output).toContain("Successful alias table update");
    expect(await ask(HOST, "AAAA")).toEqual(["2001:db8:80:1::5"]);
    expect(await ask(`nas.${HOST}`, "AAAA")).toEqual(["2001:db8:80:1::a"]);
    expect(await ask(HOST, "A")).toEqual(["192.0.2.80"]);
    expect((await c.run()).output).toContain("No IP# change detected");
  });

  test("txt= publishes the ACME challenge and deletes it again", async () => {
    const auth = { authorization: "Basic " + Buffer.from(`${HOST}:${SECRET}`).toString("base64") };
    expect(await (await fetch(`http://${server}/nic/update?txt=challenge-token-1`, { headers: auth })).text()).toBe("good");
    expect(await ask(`_acme-challenge.${HOST}`, "TXT")).toEqual(['"challenge-token-1"']);
    expect(await (await fetch(`http://${server}/nic/update?txt=`, { headers: auth })).text()).toBe("deleted TXT");
    expect((await dig("127.0.0.1", dnsPort, `_acme-challenge.${HOST}`, "TXT")).status).toBe("NXDOMAIN");
  });
});
