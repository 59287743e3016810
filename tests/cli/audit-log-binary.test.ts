// The built binary with log.format = "json", set up by the CLI the way an operator does: a storm of wrong
// update secrets, RFC 2136 UPDATEs with the right and a wrong key, transfers with and without the transfer
// key. The journal holds one JSON object per line for each, and none of the secrets.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { dig } from "../support/dig.ts";
import { havePeers, which } from "../support/net.ts";
import { startWorld, type World } from "../support/world.ts";

const HAVE = havePeers("nsupdate", "dig");
const WRONG_KEY = randomBytes(32).toString("base64");
let world: World;

type Line = Record<string, unknown> & { msg: string; level: string };
const events = (msg: string): Line[] =>
  world.server
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Line)
    .filter((l) => l.msg === msg);

async function nsupdate(key: string, secret: string, line: string): Promise<string> {
  const script = [`server 127.0.0.1 ${world.dnsPort}`, `zone ${world.zone}.`, line, "send", ""].join("\n");
  const proc = Bun.spawn([which("nsupdate")!, "-y", `hmac-sha256:${key}:${secret}`], { stdin: new TextEncoder().encode(script), stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await Promise.race([proc.exited, Bun.sleep(10_000)]);
  return out + err;
}

beforeAll(async () => {
  world = await startWorld({ zone: "audit.example.test", hosts: 1, env: { UPDNS_LOG_FORMAT: "json" } });
}, 60_000);
afterAll(async () => {
  await world?.close();
});

describe("dist/updns, JSON log", () => {
  test("35 wrong update secrets: 30 × 401 then 429, one failure object and one block object", async () => {
    const h = world.hosts[0];
    const codes: number[] = [];
    for (let i = 0; i < 35; i++) {
      const r = await fetch(`${world.url}/nic/update?hostname=${h.fqdn}&myip=192.0.2.1`, { headers: { authorization: `Basic ${btoa(`${h.fqdn}:storm-guess-${i}`)}` } });
      codes.push(r.status);
    }
    expect(codes).toEqual([...Array(30).fill(401), ...Array(5).fill(429)]);
    await Bun.sleep(50);
    const failed = events("authentication failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: "warn", service: "dyndns2", client: "127.0.0.1", name: h.fqdn, why: "wrong or unknown credentials" });
    const blocked = events("rate limit: client blocked");
    expect(blocked).toHaveLength(1);
    expect(blocked[0]).toMatchObject({ level: "warn", service: "dyndns2", client: "127.0.0.1", name: h.fqdn, limit: "failures" });
    expect(world.server.output()).not.toContain("storm-guess");
  });

  test.if(HAVE)("an UPDATE with the zone's update key is applied; with a wrong secret it is BADSIG", async () => {
    await nsupdate(world.updateKey.name, world.updateKeySecret, `update add audit-1.${world.zone}. 60 A 192.0.2.9`);
    await nsupdate(world.updateKey.name, WRONG_KEY, `update add audit-2.${world.zone}. 60 A 192.0.2.9`);
    await Bun.sleep(50);
    const updates = events("rfc2136 update");
    expect(updates[0]).toMatchObject({ level: "info", zone: world.zone, key: world.updateKey.name, peer: "127.0.0.1", result: "applied", rcode: "NOERROR" });
    expect(typeof updates[0].serial).toBe("number");
    expect(updates[1]).toMatchObject({ level: "warn", zone: world.zone, key: world.updateKey.name, result: "refused", rcode: "NOTAUTH" });
    expect(events("tsig verification failed").at(-1)).toMatchObject({ error: "BADSIG", key: world.updateKey.name, peer: "127.0.0.1", opcode: "UPDATE" });
  });

  test.if(HAVE)("an AXFR with the transfer key is served and logged; without it, refused with why", async () => {
    await dig("127.0.0.1", world.dnsPort, world.zone, "AXFR", ["-y", `hmac-sha256:${world.xfer.name}:${world.xfer.secret}`]);
    await dig("127.0.0.1", world.dnsPort, world.zone, "AXFR");
    await Bun.sleep(50);
    expect(events("zone transfer").at(-1)).toMatchObject({ level: "info", zone: world.zone, type: "AXFR", peer: "127.0.0.1", key: world.xfer.name });
    expect(events("zone transfer refused").at(-1)).toMatchObject({ level: "warn", zone: world.zone, type: "AXFR", peer: "127.0.0.1", key: null, rcode: "REFUSED", why: "address not allowed and no key" });
  });

  test("no secret of any kind is in the log", () => {
    const out = world.server.output();
    for (const s of [world.hosts[0].secret, world.xfer.secret, world.updateKeySecret, WRONG_KEY]) expect(out).not.toContain(s);
  });
});
