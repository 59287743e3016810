// DNSSEC as an operator turns it on: `updns domain dnssec ZONE on` while the server runs, the DS for the
// parent from `updns domain ds`, and answers that delv validates — before and after a router's update.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { cli, startBinary, type BinaryServer } from "../support/updns.ts";
import { dig, rdata } from "../support/dig.ts";
import { havePeers, tempDir, waitFor } from "../support/net.ts";
import { delv, writeAnchors } from "../support/dnssec.ts";

const ZONE = "signed.example.test";
const HOST = `home.${ZONE}`;
const ok = havePeers("dig", "delv");

describe.skipIf(!ok)("DNSSEC through the CLI and the binary", () => {
  const d = tempDir();
  let server: BinaryServer;
  let secret = "";
  const run = (...args: string[]) => cli(args, { cwd: d.path });
  const anchors = join(d.path, "anchors.conf");

  beforeAll(async () => {
    server = await startBinary({}, d.path);
    await run("user", "add", "ops", "--email", "ops@example.test");
    await run("domain", "add", ZONE, "--embedded", "--owner", "ops", "--ns", "ns1.example.test");
    secret = JSON.parse((await run("host", "add", HOST, "--owner", "ops", "--json")).stdout).update_secret;
  });
  afterAll(async () => {
    await server?.stop();
    d.cleanup();
  });

  test("dnssec on prints the DS; the running server serves DNSKEY and RRSIGs to DO queries only", async () => {
    const on = await run("domain", "dnssec", ZONE, "on", "--json");
    expect(on.code).toBe(0);
    const { ds } = JSON.parse(on.stdout);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatch(/^\d+ 13 2 [0-9A-F]{64}$/);
    const shown = await run("domain", "ds", ZONE);
    expect(shown.stdout.trim()).toBe(`${ZONE}. IN DS ${ds[0]}`);
    const keys = await waitFor("the signed zone to be served", async () => {
      const r = await dig("127.0.0.1", server.dnsPort, ZONE, "DNSKEY", ["+dnssec"]);
      return rdata(r, "DNSKEY").length ? r : null;
    });
    expect(rdata(keys, "RRSIG").some((s) => s.startsWith("DNSKEY 13 "))).toBe(true);
    const plain = await dig("127.0.0.1", server.dnsPort, ZONE, "SOA");
    expect(rdata(plain, "RRSIG")).toEqual([]);
    // The CSK is the trust anchor delv starts from (the zone is its own root of trust here).
    writeAnchors(anchors, ZONE, rdata(keys, "DNSKEY").filter((k) => k.startsWith("257 ")).map((k) => k.split(" ").slice(0, 3).join(" ") + " " + k.split(" ").slice(3).join("")));
    expect((await delv(server.dnsPort, anchors, ZONE, ZONE, "SOA")).verdict).toBe("validated");
  });

  test("a dyndns2 update on the signed zone is answered with a fresh signature that validates", async () => {
    const res = await fetch(`${server.url}/nic/update?myip=192.0.2.44`, { headers: { authorization: "Basic " + btoa(`${HOST}:${secret}`) } });
    expect(await res.text()).toBe("good 192.0.2.44");
    const a = await dig("127.0.0.1", server.dnsPort, HOST, "A", ["+dnssec"]);
    expect(rdata(a, "A")).toEqual(["192.0.2.44"]);
    const sig = rdata(a, "RRSIG").find((s) => s.startsWith("A 13 "))!;
    const inception = sig.split(" ")[5];
    expect(Number(inception.slice(0, 8))).toBeGreaterThanOrEqual(20260101);
    const v = await delv(server.dnsPort, anchors, ZONE, HOST, "A");
    expect(v.verdict).toBe("validated");
    expect(v.out).toContain("192.0.2.44");
    expect((await delv(server.dnsPort, anchors, ZONE, `nothing.${ZONE}`, "A")).verdict).toBe("negative-validated");
  });

  test("the re-sign job runs over the signed zone", async () => {
    const r = await run("jobs", "run", "dnssec_resign");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("1 signed zone(s)");
  });

  test("dnssec off first publishes the DS removal request, and --force then unsigns", async () => {
    const first = await run("domain", "dnssec", ZONE, "off");
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("Remove the DS at the parent");
    await waitFor("CDS delete to be served", async () => rdata(await dig("127.0.0.1", server.dnsPort, ZONE, "CDS"), "CDS").includes("0 0 0 00"));
    expect((await run("domain", "dnssec", ZONE, "off", "--force")).code).toBe(0);
    await waitFor("the zone to be unsigned", async () => rdata(await dig("127.0.0.1", server.dnsPort, ZONE, "DNSKEY", ["+dnssec"]), "DNSKEY").length === 0);
    expect(rdata(await dig("127.0.0.1", server.dnsPort, HOST, "A"), "A")).toEqual(["192.0.2.44"]);
  });
});
