// What an operator finds in the log of a running server after security-relevant events: a storm of wrong
// secrets, failed logins, refused tokens, RFC 2136 UPDATEs and zone transfers. And what never appears there.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { addEmbeddedZone } from "../../src/core/admin/domains.ts";
import { createHost } from "../../src/core/admin/hosts.ts";
import { createUser } from "../../src/core/admin/users.ts";
import { WebClient } from "../support/web-client.ts";
import { startInProcess, type InProcess } from "../support/updns.ts";

const ZONE = "audit.example.test";
let server: InProcess;
let host: { fqdn: string; updateSecret: string };

const linesWith = (msg: string) => server.logLines.filter((l) => l.includes(`msg="${msg}"`) || l.includes(`msg=${msg} `));
const basic = (user: string, pass: string) => ({ authorization: `Basic ${btoa(`${user}:${pass}`)}` });

beforeAll(async () => {
  server = await startInProcess({ UPDNS_ABUSE_BADAUTH_PER_MINUTE: "30" });
  await createUser(server.db, { username: "ann", email: "ann@example.test", password: "correct horse battery" });
  await addEmbeddedZone(server.db, { name: ZONE, ownerId: 1, public: true, ns: ["ns1.example.test"] }, async (z) => {
    await server.zones.store.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) });
  });
  server.dns.reconfigure();
  host = await createHost(server.db, { fqdn: `home.${ZONE}`, owner: "ann" });
});
afterAll(() => server.close());

describe("authentication failures", () => {
  test("35 wrong update secrets: 30 × 401 then 429, and the log has one failure line and one block line, no secret", async () => {
    const codes: number[] = [];
    for (let i = 0; i < 35; i++) {
      const r = await fetch(`${server.url}/nic/update?hostname=${host.fqdn}&myip=192.0.2.1`, { headers: basic(host.fqdn, `wrong-secret-${i}`) });
      codes.push(r.status);
    }
    expect(codes.slice(0, 30).every((c) => c === 401)).toBe(true);
    expect(codes.slice(30).every((c) => c === 429)).toBe(true);
    const failed = linesWith("authentication failed").filter((l) => l.includes("service=dyndns2"));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain(`level=warn`);
    expect(failed[0]).toContain(`client=127.0.0.1 name=${host.fqdn}`);
    const blocked = linesWith("rate limit: client blocked");
    expect(blocked).toHaveLength(1);
    expect(blocked[0]).toMatch(new RegExp(`service=dyndns2 client=127\\.0\\.0\\.1 name=${host.fqdn.replaceAll(".", "\\.")} limit=failures retry_after_s=\\d+`));
    expect(server.logLines.join("\n")).not.toContain("wrong-secret");
  });

  test("a failed web login is logged with the client and the name typed, never the password", async () => {
    const r = await new WebClient(server.url).login("ann", "not-her-password");
    expect(r.status).toBe(400);
    const failed = linesWith("authentication failed").filter((l) => l.includes("service=web-login"));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain("client=127.0.0.1 name=ann");
    expect(server.logLines.join("\n")).not.toContain("not-her-password");
  });

  test("repeated failed logins: one failure line, then one line when the throttle starts refusing", async () => {
    const web = new WebClient(server.url);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await web.login("carol", `guess-${i}`)).status);
    expect(statuses.slice(0, 6)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(statuses.slice(6)).toEqual([429, 429]);
    expect(linesWith("authentication failed").filter((l) => l.includes("service=web-login") && l.includes("name=carol"))).toHaveLength(1);
    const blocked = linesWith("rate limit: client blocked").filter((l) => l.includes("service=web-login"));
    expect(blocked).toHaveLength(1);
    expect(blocked[0]).toMatch(/client=127\.0\.0\.1 name=carol limit=failures retry_after_s=\d+/);
    expect(server.logLines.join("\n")).not.toContain("guess-");
  });

  test("an unknown API token is logged without the token", async () => {
    const token = "updns_" + "q".repeat(43);
    const r = await fetch(`${server.url}/api/v1/hosts`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(401);
    const failed = linesWith("authentication failed").filter((l) => l.includes("service=api-token"));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain('client=127.0.0.1 name="api token" why="unknown or revoked token"');
    expect(server.logLines.join("\n")).not.toContain(token);
  });
});
