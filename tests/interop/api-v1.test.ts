// The JSON API end to end, through the built binary: an operator creates an account token with the CLI (shown
// once), a script creates a host and sets its address through /api/v1, adds a static record, and dig sees
// both on the embedded zone; the CLI shows when and from where the token was used, and a revoked token stops.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cli, startBinary, type BinaryServer } from "../support/updns.ts";
import { dig, rdata } from "../support/dig.ts";
import { havePeers, tempDir, waitFor } from "../support/net.ts";

const ZONE = "api.example.test";
const ok = havePeers("dig");

describe.skipIf(!ok)("/api/v1 through dist/updns", () => {
  const d = tempDir();
  let server: BinaryServer;
  let token = "";
  let tokenId = 0;
  const run = (...args: string[]) => cli(args, { cwd: d.path });
  const api = (method: string, path: string, body?: unknown, bearer = token) =>
    fetch(`${server.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${bearer}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });

  beforeAll(async () => {
    server = await startBinary({}, d.path);
    expect((await run("user", "add", "ops", "--email", "ops@example.test")).code).toBe(0);
    expect((await run("domain", "add", ZONE, "--embedded", "--owner", "ops", "--ns", "ns1.example.test")).code).toBe(0);
    await waitFor("the new zone to be served", async () => (await dig("127.0.0.1", server.dnsPort, ZONE, "SOA")).status === "NOERROR");
  });

  afterAll(async () => {
    await server?.stop();
    d.cleanup();
  });

  test("updns token add prints the token once, with its scope", async () => {
    const r = await run("token", "add", "ops", "--name", "deploy", "--zones", ZONE, "--types", "A,AAAA,TXT,CNAME", "--subnets", "127.0.0.0/8,::1", "--expires", "30d");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^token \\d+ created for ops \\(zones=${ZONE} types=A,AAAA,TXT,CNAME subnets=127\\.0\\.0\\.0/8,::1/128, expires \\d{4}-`));
    token = r.stdout.match(/^token: (updns_\S+)$/m)![1];
    tokenId = Number(r.stdout.match(/^token (\d+)/)![1]);
    const list = await run("token", "list", "ops");
    expect(list.stdout).toContain("deploy");
    expect(list.stdout).not.toContain(token);
    const bad = await run("token", "add", "ops", "--types", "SOA");
    expect([bad.code, bad.stderr.trim()]).toEqual([1, 'updns: types: "SOA" is not one of A, AAAA, TXT, CNAME, MX, SRV, CAA, PTR, NS, DS']);
  });

  test("a host created and updated through the API is answered by the embedded zone", async () => {
    const made = await api("POST", "/hosts", { fqdn: `router.${ZONE}` });
    expect(made.status).toBe(201);
    const { update_secret } = (await made.json()) as { update_secret: string };
    expect(update_secret).toMatch(/^[A-Za-z0-9]{24}$/);
    const set = await api("PUT", `/hosts/router.${ZONE}/addresses`, { ipv4: "192.0.2.44", ipv6: "2001:db8::44" });
    expect(set.status).toBe(200);
    expect(rdata(await dig("127.0.0.1", server.dnsPort, `router.${ZONE}`, "A"), "A")).toEqual(["192.0.2.44"]);
    expect(rdata(await dig("127.0.0.1", server.dnsPort, `router.${ZONE}`, "AAAA"), "AAAA")).toEqual(["2001:db8::44"]);
    // The secret the API gave works for the router's dyndns2 client.
    const dyn = await fetch(`${server.url}/nic/update?myip=192.0.2.45`, { headers: { authorization: "Basic " + btoa(`router.${ZONE}:${update_secret}`) } });
    expect(await dyn.text()).toBe("good 192.0.2.45");
  });

  test("a static record through the API, with the serial moving", async () => {
    const serial = (r: Awaited<ReturnType<typeof dig>>) => Number(rdata(r, "SOA")[0].split(" ")[2]);
    const before = serial(await dig("127.0.0.1", server.dnsPort, ZONE, "SOA"));
    const put = await api("PUT", `/zones/${ZONE}/records/www/CNAME`, { ttl: 300, data: [`router.${ZONE}.`] });
    expect(put.status).toBe(200);
    const www = await dig("127.0.0.1", server.dnsPort, `www.${ZONE}`, "A");
    expect(www.answer[0]).toBe(`www.${ZONE}. 300 IN CNAME router.${ZONE}.`);
    expect(rdata(www, "A")).toEqual(["192.0.2.45"]);
    expect(serial(await dig("127.0.0.1", server.dnsPort, ZONE, "SOA"))).not.toBe(before);
    const mx = await api("PUT", `/zones/${ZONE}/records/@/MX`, { ttl: 300, data: ["10 mail.example.test."] });
    expect([mx.status, ((await mx.json()) as any).error.message]).toEqual([403, "this token may not write MX records"]);
  });

  test("the CLI shows the token's last use; deleting the host takes its names out of DNS; a revoked token gets 401", async () => {
    const list = JSON.parse((await run("token", "list", "--json")).stdout) as { id: number; last_used_from: string; last_used_at: string }[];
    const mine = list.find((t) => t.id === tokenId)!;
    expect(mine.last_used_from).toBe("127.0.0.1");
    expect(Date.now() - Date.parse(mine.last_used_at)).toBeLessThan(60_000);
    expect((await api("DELETE", `/hosts/router.${ZONE}`)).status).toBe(204);
    expect((await dig("127.0.0.1", server.dnsPort, `router.${ZONE}`, "A")).status).toBe("NXDOMAIN");
    expect((await run("token", "revoke", String(tokenId))).code).toBe(0);
    const r = await api("GET", "/hosts");
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toContain("Bearer");
  });

  test("the OpenAPI document is served without a token", async () => {
    const r = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(r.status).toBe(200);
    expect(((await r.json()) as any).paths["/hosts/{fqdn}/addresses"].put.operationId).toBe("setAddresses");
  });
});
