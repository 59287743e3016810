// The main job end to end, through the built binary: an operator sets updns up with the CLI while it runs,
// a router (ddclient) sends a dyndns2 update, and updns and its secondaries (BIND, NSD, Knot) answer the
// new address. Nothing here is in-process: it is what an operator would do and see.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { cli, startBinary, type BinaryServer } from "../support/updns.ts";
import { dig, rdata } from "../support/dig.ts";
import { havePeers, tempDir, waitFor } from "../support/net.ts";
import { startSecondary, type Secondary } from "../support/secondaries.ts";
import { Ddclient } from "../support/clients.ts";

const ZONE = "dyn.example.test";
const HOST = `home.${ZONE}`;
const ok = havePeers("dig", "named", "nsd", "knotd", "ddclient");

describe.skipIf(!ok)("the main job, end to end through dist/updns", () => {
  const d = tempDir();
  let server: BinaryServer;
  let secret = "";
  let key = { name: "xfer", algorithm: "hmac-sha256", secret: "" };
  const secondaries: Secondary[] = [];
  const run = (...args: string[]) => cli(args, { cwd: d.path });

  beforeAll(async () => {
    server = await startBinary({ UPDNS_LOG_LEVEL: "debug" }, d.path);
    expect((await run("user", "add", "ops", "--email", "ops@example.test")).code).toBe(0);
    key.secret = JSON.parse((await run("tsig", "add", "xfer", "--json")).stdout).secret;
    expect((await run("domain", "add", ZONE, "--embedded", "--owner", "ops", "--ns", "ns1.example.test", "--transfer-key", "xfer")).code).toBe(0);
    secret = JSON.parse((await run("host", "add", HOST, "--owner", "ops", "--json")).stdout).update_secret;
  });

  afterAll(async () => {
    await Promise.all(secondaries.map((s) => s.stop()));
    await server?.stop();
    d.cleanup();
  });

  test("a zone added by the CLI while the server runs is served at once, authoritatively", async () => {
    const soa = await waitFor("the new zone to be served", async () => {
      const r = await dig("127.0.0.1", server.dnsPort, ZONE, "SOA");
      return r.status === "NOERROR" ? r : null;
    });
    expect(soa.flags).toContain("aa");
    expect(rdata(soa, "SOA")[0]).toMatch(/^ns1\.example\.test\. hostmaster\.dyn\.example\.test\. \d+ /);
    const nx = await dig("127.0.0.1", server.dnsPort, HOST, "A");
    expect(nx.status).toBe("NXDOMAIN"); // updns.md §1.12: creating a host writes nothing to DNS
  });

  test("secondaries added with the CLI get the zone by AXFR with the transfer key", async () => {
    for (const kind of ["bind", "nsd", "knot"] as const) {
      const s = await startSecondary(kind, ZONE, server.dnsPort, key);
      secondaries.push(s);
      expect((await run("domain", "secondary", "add", ZONE, `127.0.0.1:${s.port}`)).code).toBe(0);
    }
    const serial = Number(rdata(await dig("127.0.0.1", server.dnsPort, ZONE, "SOA"), "SOA")[0].split(" ")[2]);
    for (const s of secondaries) {
      await waitFor(`${s.kind} to load the zone`, async () => {
        const r = await dig("127.0.0.1", s.port, ZONE, "SOA");
        return r.status === "NOERROR" && Number(rdata(r, "SOA")[0]?.split(" ")[2]) === serial;
      }, 10_000, 100);
    }
  });

  test("a router's dyndns2 update (ddclient) changes the name on updns and on every secondary within 2 s", async () => {
    const client = new Ddclient({ dir: join(d.path, "ddclient"), server: server.httpAddress, login: HOST, password: secret, hosts: [HOST], address: "192.0.2.10" });
    const r = await client.run();
    expect(r.output).toMatch(/SUCCESS:.*192\.0\.2\.10/);
    expect(rdata(await dig("127.0.0.1", server.dnsPort, HOST, "A"), "A")).toEqual(["192.0.2.10"]);
    const t0 = Date.now();
    for (const s of secondaries) await waitFor(`${s.kind} to serve the new address`, async () => (await s.addresses(HOST))[0] === "192.0.2.10", 2000, 20);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  test("the next change reaches the secondaries by IXFR", async () => {
    const res = await fetch(`${server.url}/nic/update?myip=192.0.2.11`, { headers: { authorization: "Basic " + btoa(`${HOST}:${secret}`) } });
    expect(await res.text()).toBe("good 192.0.2.11");
    for (const s of secondaries) await waitFor(`${s.kind} to serve 192.0.2.11`, async () => (await s.addresses(HOST))[0] === "192.0.2.11", 2000, 20);
    const bind = secondaries.find((s) => s.kind === "bind")!;
    expect(bind.log()).toMatch(/IXFR|incremental/i);
  });

  test("an unchanged address is nochg, and the serial does not move", async () => {
    const before = rdata(await dig("127.0.0.1", server.dnsPort, ZONE, "SOA"), "SOA")[0];
    const res = await fetch(`${server.url}/nic/update?myip=192.0.2.11`, { headers: { authorization: "Basic " + btoa(`${HOST}:${secret}`) } });
    expect(await res.text()).toBe("nochg 192.0.2.11");
    expect(rdata(await dig("127.0.0.1", server.dnsPort, ZONE, "SOA"), "SOA")[0]).toBe(before);
  });

  test("a wrong secret is badauth and changes nothing", async () => {
    const res = await fetch(`${server.url}/nic/update?myip=192.0.2.99`, { headers: { authorization: "Basic " + btoa(`${HOST}:wrong-secret`) } });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe("badauth");
    expect(rdata(await dig("127.0.0.1", server.dnsPort, HOST, "A"), "A")).toEqual(["192.0.2.11"]);
  });

  test("domain check reports every secondary at our serial", async () => {
    const r = await run("domain", "check", ZONE, "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.steps).toHaveLength(3);
  });

  test("host remove while the server runs takes the name out of DNS, on updns and the secondaries", async () => {
    const r = await run("host", "remove", HOST);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    await waitFor("updns to drop the name", async () => (await dig("127.0.0.1", server.dnsPort, HOST, "A")).status === "NXDOMAIN");
    for (const s of secondaries) await waitFor(`${s.kind} to drop the name`, async () => (await dig("127.0.0.1", s.port, HOST, "A")).status === "NXDOMAIN", 3000, 50);
  });

  test("/metrics counts the queries and transfers", async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/updns_dns_queries_total\{type="A"\} [1-9]/);
    expect(text).toMatch(/updns_dns_transfers_total\{kind="axfr"\} [1-9]/);
  });
});
