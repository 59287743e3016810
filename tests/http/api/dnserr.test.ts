// The dnserr rule and the address limit against real DNS: a wrong TSIG secret at a BIND or Knot primary is
// the same 503 dnserr + Retry-After on the first and on the second request (back-off in force), and a
// request with too many addresses is 200 dnserr that leaves the embedded zone's serial and records alone.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { addRfc2136Zone } from "../../../src/core/admin/domains.ts";
import { createHost } from "../../../src/core/admin/hosts.ts";
import { dig, rdata } from "../../support/dig.ts";
import { havePeers } from "../../support/net.ts";
import { startBind, startKnot, PRIMARY_ZONE, type RunningPrimary } from "../../support/primaries.ts";
import { startAcmeWorld, type AcmeWorld } from "../../support/acme.ts";

const EMBEDDED = "home.example.test";
const basic = (fqdn: string, secret: string) => ({ authorization: "Basic " + btoa(`${fqdn}:${secret}`) });

describe.skipIf(!havePeers("named", "knotd", "dig"))("dyndns2 dnserr and address limits against real DNS", () => {
  let w: AcmeWorld;
  const primaries: RunningPrimary[] = [];

  beforeAll(async () => {
    primaries.push(await startBind(), await startKnot());
    w = await startAcmeWorld({ zones: [EMBEDDED], users: [{ username: "alice", password: "correct horse battery" }] });
  }, 60_000);
  afterAll(async () => {
    await w?.close();
    await Promise.all(primaries.map((p) => p.stop()));
  });

  for (const kind of ["bind", "knot"] as const) {
    test(`${kind}: a wrong TSIG secret is 503 dnserr + Retry-After, first and second time; the primary holds nothing`, async () => {
      const p = primaries.find((x) => x.kind === kind)!;
      // Each primary gets its own zone row: the same zone name cannot be added twice, so take turns.
      const db = w.server.db;
      const key = p.key("hmac-sha256");
      const wrong = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
      db.$client.run("DELETE FROM hosts WHERE domain_id IN (SELECT id FROM domains WHERE name = ?)", [PRIMARY_ZONE]);
      db.$client.run("DELETE FROM domains WHERE name = ?", [PRIMARY_ZONE]);
      addRfc2136Zone(db, { name: PRIMARY_ZONE, primary: `127.0.0.1:${p.port}`, keyName: key.name, algorithm: key.algorithm, secret: wrong });
      const host = await createHost(db, { fqdn: `router-${kind}.${PRIMARY_ZONE}`, owner: "alice" });
      const answers = [];
      for (let i = 0; i < 2; i++) {
        const r = await fetch(`${w.server.url}/nic/update?myip=192.0.2.${10 + i}`, { headers: basic(host.fqdn, host.updateSecret) });
        answers.push([r.status, await r.text(), r.headers.get("retry-after")]);
      }
      expect(answers).toEqual([
        [503, "dnserr", "60"],
        [503, "dnserr", "60"],
      ]);
      expect(await p.lookup(host.fqdn, "A")).toEqual([]);
    }, 30_000);
  }

  test("17 addresses: 200 dnserr, the embedded zone's serial and records unchanged", async () => {
    const host = await createHost(w.server.db, { fqdn: `limits.${EMBEDDED}`, owner: "alice" });
    const first = await fetch(`${w.server.url}/nic/update?myip=192.0.2.1`, { headers: basic(host.fqdn, host.updateSecret) });
    expect(await first.text()).toBe("good 192.0.2.1");
    const soa = async () => rdata(await dig("127.0.0.1", w.server.dnsPort, EMBEDDED, "SOA"), "SOA")[0]?.split(" ")[2];
    const serial = await soa();
    expect(serial).toMatch(/^\d+$/);
    const many = Array.from({ length: 17 }, (_, i) => `198.51.100.${i + 1}`).join(",");
    const r = await fetch(`${w.server.url}/nic/update?myip=${many}`, { headers: basic(host.fqdn, host.updateSecret) });
    expect([r.status, await r.text(), r.headers.get("retry-after")]).toEqual([200, "dnserr", null]);
    expect(await soa()).toBe(serial);
    expect(rdata(await dig("127.0.0.1", w.server.dnsPort, host.fqdn, "A"), "A")).toEqual(["192.0.2.1"]);
  });
});
