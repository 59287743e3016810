// The staff status page of a running server (cli/serve.ts wires cli/status.ts): its own version and
// listeners, a real dyndns2 update and real DNS queries counted in the day's charts, the zone's serial.
import { afterAll, beforeAll, expect, test } from "bun:test";
import pkg from "../../package.json" with { type: "json" };
import { addEmbeddedZone } from "../../src/core/admin/domains.ts";
import { createHost } from "../../src/core/admin/hosts.ts";
import { createUser } from "../../src/core/admin/users.ts";
import { dig } from "../support/dig.ts";
import { havePeers } from "../support/net.ts";
import { startInProcess, type InProcess } from "../support/updns.ts";
import { WebClient } from "../support/web-client.ts";

const ZONE = "status.example.test";
let server: InProcess;
beforeAll(async () => {
  server = await startInProcess();
});
afterAll(() => server.close());

test.if(havePeers("dig") || !!process.env.CI)("the status page of a running server shows what it serves and counts", async () => {
  await createUser(server.db, { username: "root", email: "root@example.test", password: "correct horse battery", staff: true });
  await addEmbeddedZone(server.db, { name: ZONE, ownerId: 1, public: true, ns: ["ns1.example.test"] }, async (z) => {
    await server.zones.store.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) });
  });
  server.dns.reconfigure();
  const host = await createHost(server.db, { fqdn: `home.${ZONE}`, owner: "root" });
  const r = await fetch(`${server.url}/nic/update?hostname=${host.fqdn}&myip=192.0.2.10`, { headers: { authorization: `Basic ${btoa(`${host.fqdn}:${host.updateSecret}`)}` } });
  expect(await r.text()).toBe("good 192.0.2.10");
  for (let i = 0; i < 3; i++) await dig("127.0.0.1", server.dnsPort, host.fqdn, "A");

  const web = new WebClient(server.url);
  expect((await web.login("root", "correct horse battery")).status).toBe(303);
  const page = await web.get("/status/");
  expect(page.status).toBe(200);
  expect(page.body).toContain(`<dd>${pkg.version}</dd>`);
  expect(page.body).toContain(`127.0.0.1:${server.dnsPort}`);
  expect(page.body).toContain(server.url.replace(/^https?:\/\//, ""));
  expect(page.body).toMatch(/aria-label="Updates per minute: 1 in the last 24 h;/);
  expect(page.body).toMatch(/aria-label="Queries per second: 3 queries in the last 24 h;/);
  expect(page.body).toContain(`<td data-label="Serial">${server.zones.store.zone(ZONE)!.serial}</td>`);
});
