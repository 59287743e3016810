// Account deletion removes the user's DNS records: the web page calls the onUserDelete hook before the rows
// go; here the hook is wired the way main.ts is meant to wire it (each host's RRsets removed through its
// zone's ZoneBackend), on an embedded zone, and dig asks our DNS listener what the world sees.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { EmbeddedBackend, SqliteZoneStorage } from "../../../src/backends/embedded/index.ts";
import { addEmbeddedZone } from "../../../src/core/admin/domains.ts";
import { zoneRefOf } from "../../../src/core/index.ts";
import { createUser } from "../../../src/core/admin/users.ts";
import { domains, hosts, openDatabase, users } from "../../../src/db/index.ts";
import { listenDns, Responder, type DnsListener } from "../../../src/dns/server/index.ts";
import { ZoneStore } from "../../../src/dns/zone/index.ts";
import { loadConfig } from "../../../src/config/index.ts";
import { createHttpApp } from "../../../src/http/index.ts";
import { webApp } from "../../../src/http/web/index.ts";
import { createMailer } from "../../../src/mail/index.ts";
import { memoryLogger } from "../../../src/log/index.ts";
import { dig, rdata } from "../../support/dig.ts";
import { havePeers } from "../../support/net.ts";
import { Browser } from "./harness.ts";

const ZONE = "dyn.example.test";
const run = havePeers("dig");
let dns: DnsListener | undefined;
afterAll(async () => {
  await dns?.stop();
});

describe.if(run)("account deletion and DNS", () => {
  test("deleting the account through the web page removes its hosts' records from the zone", async () => {
    const db = openDatabase(":memory:");
    const admin = db.insert(users).values({ username: "zoneadmin" }).returning().get();
    const zone = await addEmbeddedZone(db, { name: ZONE, ownerId: admin.id }, async (z) => {
      const s = await ZoneStore.open(new SqliteZoneStorage(db, [z.name]));
      await s.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) });
    });
    const store = await ZoneStore.open(new SqliteZoneStorage(db));
    dns = await listenDns({ listen: ["127.0.0.1:0"], responder: new Responder({ store }) });
    const port = dns.addresses[0].udpPort;
    const backend = new EmbeddedBackend(() => store);
    const user = await createUser(db, { username: "leaver", email: "leaver@example.test", password: "correct horse battery" });
    db.insert(hosts).values({ name: "home", domainId: zone.id, ownerId: user.id }).run();
    db.insert(hosts).values({ name: "keep", domainId: zone.id, ownerId: admin.id }).run();
    const ref = zoneRefOf(db.select().from(domains).where(eq(domains.id, zone.id)).get()!);
    await backend.replace(ref, "home", "A", ["192.0.2.7"], 60);
    await backend.replace(ref, "home", "AAAA", ["2001:db8::7"], 60);
    await backend.replace(ref, "keep", "A", ["192.0.2.8"], 60);
    expect(rdata(await dig("127.0.0.1", port, `home.${ZONE}`, "A"), "A")).toEqual(["192.0.2.7"]);

    const onUserDelete = async (userId: number) => {
      const rows = db.select().from(hosts).innerJoin(domains, eq(hosts.domainId, domains.id)).where(eq(hosts.ownerId, userId)).all();
      for (const r of rows) for (const type of ["A", "AAAA", "TXT"] as const) await backend.remove(zoneRefOf(r.domains), r.hosts.name, type);
    };
    const config = loadConfig({ env: {} });
    const log = memoryLogger();
    const app = createHttpApp({ config, log, health: { check: () => ({}) }, plugins: [webApp({ db, config, log, mailer: createMailer(config.mail, log), onUserDelete })] });
    const b = new Browser(app, "192.0.2.1", false);
    expect((await b.login("leaver", "correct horse battery")).status).toBe(303);
    expect((await b.submit("/account/delete", { confirm: "correct horse battery" }, "/account/delete")).status).toBe(303);

    expect((await dig("127.0.0.1", port, `home.${ZONE}`, "A")).status).toBe("NXDOMAIN");
    expect((await dig("127.0.0.1", port, `home.${ZONE}`, "AAAA")).status).toBe("NXDOMAIN");
    expect(rdata(await dig("127.0.0.1", port, `keep.${ZONE}`, "A"), "A")).toEqual(["192.0.2.8"]);
    expect(db.select().from(hosts).all().map((h) => h.name)).toEqual(["keep"]);
  });
});
