// Every scope boundary of an API token, as a client meets it: a token for host A cannot touch host B, a
// read-only token cannot write, an expired token is 401, one used from outside its subnets 403, type scopes
// limit what records it writes (in the JSON API and in dyndns2), a zone scope covers the zone's hosts.
import { beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { apiTokens } from "../../../../src/db/index.ts";
import { revokeToken } from "../../../../src/core/index.ts";
import { makeApiWorld, ZONE, type ApiWorld } from "./world.ts";

let w: ApiWorld;
beforeEach(async () => {
  w = await makeApiWorld();
});

const HOME = `home.${ZONE}`;
const NAS = `nas.${ZONE}`;

/** Every write a token could try on a host, and what it changes. */
const writes = (fqdn: string): [string, string, unknown][] => [
  ["PUT", `/api/v1/hosts/${fqdn}/addresses`, { ipv4: "192.0.2.99" }],
  ["PATCH", `/api/v1/hosts/${fqdn}`, { comment: "changed" }],
  ["POST", `/api/v1/hosts/${fqdn}/secret`, undefined],
  ["POST", `/api/v1/hosts/${fqdn}/related`, { name: "new" }],
  ["PATCH", `/api/v1/hosts/${fqdn}/related/pc`, { comment: "changed" }],
  ["DELETE", `/api/v1/hosts/${fqdn}/related/pc`, undefined],
  ["DELETE", `/api/v1/hosts/${fqdn}`, undefined],
];

describe("authentication", () => {
  test("no token, a malformed header, an unknown token: 401 with a Bearer challenge", async () => {
    for (const headers of [{} as Record<string, string>, { authorization: "Basic YTpi" }, { authorization: "Bearer" }, { authorization: "Bearer updns_" + "x".repeat(43) }]) {
      const r = await w.call("GET", "/api/v1/hosts", { headers, token: null });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("unauthorized");
      expect(r.headers.get("www-authenticate")).toStartWith('Bearer realm="updns api"');
    }
  });

  test("an expired token is 401 and says so; a revoked one is 401", async () => {
    const soon = w.token(w.alice, { expiresAt: new Date(w.clock.now().getTime() + 60_000) });
    expect((await w.call("GET", "/api/v1/hosts", { token: soon })).status).toBe(200);
    w.clock.advance(60_000);
    const r = await w.call("GET", "/api/v1/hosts", { token: soon });
    expect([r.status, r.body.error.code, r.body.error.message]).toEqual([401, "unauthorized", "this token has expired"]);
    const tok = w.token(w.alice);
    const id = w.db.select().from(apiTokens).all().at(-1)!.id;
    revokeToken(w.db, id);
    expect((await w.call("GET", "/api/v1/hosts", { token: tok })).status).toBe(401);
  });

  test("a token used from outside its subnets is 403; from inside it works and the use is recorded", async () => {
    const tok = w.token(w.alice, { subnets: ["192.0.2.0/24", "2001:db8::/32"] });
    const out = await w.call("GET", "/api/v1/hosts", { token: tok, peer: "198.51.100.7" });
    expect([out.status, out.body.error.code]).toEqual([403, "forbidden"]);
    expect(out.body.error.message).toContain("198.51.100.7");
    const in6 = await w.call("GET", "/api/v1/hosts", { token: tok, peer: "2001:db8:9::1" });
    expect(in6.status).toBe(200);
    const row = w.db.select().from(apiTokens).all().at(-1)!;
    expect(row.lastUsedFrom).toBe("2001:db8:9::1");
    expect(row.lastUsedAt).toEqual(w.clock.now());
  });

  test("a disabled account's tokens stop working", async () => {
    const tok = w.token(w.alice);
    w.db.$client.run(`UPDATE users SET is_active = 0 WHERE id = ${w.alice}`);
    expect((await w.call("GET", "/api/v1/hosts", { token: tok })).status).toBe(401);
  });
});

describe("host scope", () => {
  test("a token for host A sees and changes A only; B (same account) is 403 for every read and write", async () => {
    const tok = w.token(w.alice, { hosts: [HOME] });
    expect((await w.call("GET", "/api/v1/hosts", { token: tok })).body.items.map((h: any) => h.fqdn)).toEqual([HOME]);
    expect((await w.call("GET", `/api/v1/hosts/${NAS}`, { token: tok })).status).toBe(403);
    expect((await w.call("GET", `/api/v1/hosts/${NAS}/related`, { token: tok })).status).toBe(403);
    w.db.$client.run(`INSERT INTO related_hosts (name, main_host_id, interface_id_ipv4) SELECT 'pc', id, '0.0.0.7' FROM hosts WHERE name = 'nas'`);
    const nasBefore = w.hostRow(NAS)!;
    for (const [method, path, body] of writes(NAS)) {
      const r = await w.call(method, path, { token: tok, body });
      expect([method, path, r.status, r.body.error.code]).toEqual([method, path, 403, "forbidden"]);
    }
    expect(w.hostRow(NAS)).toEqual(nasBefore);
    expect(w.dns(NAS, "A")).toEqual([]);
    // And on its own host every write works.
    expect((await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { ipv4: "192.0.2.1" } })).status).toBe(200);
    expect(w.dns(HOME, "A")).toEqual(["192.0.2.1"]);
  });

  test("another account's host is 404 even to an unrestricted token: its existence is not told", async () => {
    const tok = w.token(w.alice);
    for (const [method, path, body] of [["GET", `/api/v1/hosts/bobhost.${ZONE}`, undefined] as [string, string, unknown], ...writes(`bobhost.${ZONE}`)]) {
      const r = await w.call(method, path, { token: tok, body });
      expect([method, path, r.status]).toEqual([method, path, 404]);
    }
  });

  test("creating a host needs the new name in scope", async () => {
    const tok = w.token(w.alice, { hosts: [HOME, `cam.${ZONE}`] });
    expect((await w.call("POST", "/api/v1/hosts", { token: tok, body: { fqdn: `other.${ZONE}` } })).status).toBe(403);
    expect((await w.call("POST", "/api/v1/hosts", { token: tok, body: { fqdn: `cam.${ZONE}` } })).status).toBe(201);
  });

  test("a zone scope covers every host of the account in that zone, and no other zone", async () => {
    const tok = w.token(w.alice, { zones: [ZONE] });
    expect((await w.call("GET", "/api/v1/hosts", { token: tok })).body.items.length).toBe(2);
    expect((await w.call("PUT", `/api/v1/hosts/${NAS}/addresses`, { token: tok, body: { ipv4: "192.0.2.5" } })).status).toBe(200);
    const other = w.token(w.alice, { zones: ["elsewhere.example.org"] });
    expect((await w.call("GET", "/api/v1/hosts", { token: other })).body.items).toEqual([]);
    expect((await w.call("GET", `/api/v1/hosts/${NAS}`, { token: other })).status).toBe(403);
  });
});

describe("read-only", () => {
  test("reads work; every write is 403 and changes nothing", async () => {
    await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: w.token(w.alice), body: { ipv4: "192.0.2.1" } });
    const ro = w.token(w.alice, { readOnly: true });
    expect((await w.call("GET", "/api/v1/hosts", { token: ro })).status).toBe(200);
    expect((await w.call("GET", `/api/v1/hosts/${HOME}`, { token: ro })).body.addresses.ipv4).toEqual(["192.0.2.1"]);
    expect((await w.call("GET", "/api/v1/zones/dyn.example.org/records", { token: ro })).status).toBe(200);
    const before = w.hostRow(HOME)!;
    for (const [method, path, body] of [
      ...writes(HOME),
      ["POST", "/api/v1/hosts", { fqdn: `cam.${ZONE}` }] as [string, string, unknown],
      ["PUT", "/api/v1/zones/dyn.example.org/records/www/A", { ttl: 300, data: ["192.0.2.80"] }] as [string, string, unknown],
    ]) {
      const r = await w.call(method, path, { token: ro, body });
      expect([method, path, r.status, r.body.error.message]).toEqual([method, path, 403, "this token is read-only"]);
    }
    expect(w.hostRow(HOME)).toEqual(before);
    expect(w.dns(HOME, "A")).toEqual(["192.0.2.1"]);
    expect(w.dns(`www.${ZONE}`, "A")).toEqual([]);
  });

  test("the dyndns2 API refuses a read-only token (badauth)", async () => {
    // The JSON API world has no dyndns2 plugin; core's authenticate is what it uses.
    const { authenticate } = await import("../../../../src/core/index.ts");
    const ro = w.token(w.alice, { readOnly: true });
    const r = await authenticate(w.db, { kind: "bearer", token: ro }, "127.0.0.1", w.clock.now());
    expect(r).toMatchObject({ ok: false, word: "badauth" });
  });
});

describe("type scope", () => {
  test("a token for A records may set IPv4 but not IPv6, TXT, or delete the host", async () => {
    const tok = w.token(w.alice, { types: ["A"] });
    expect((await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { ipv4: "192.0.2.1" } })).status).toBe(200);
    for (const body of [{ ipv6: "2001:db8::1" }, { txt: "x" }, { ipv4: "192.0.2.2", ipv6: null }]) {
      const r = await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body });
      expect([r.status, r.body.error.code]).toEqual([403, "forbidden"]);
    }
    expect((await w.call("DELETE", `/api/v1/hosts/${HOME}`, { token: tok })).status).toBe(403);
    expect(w.dns(HOME, "A")).toEqual(["192.0.2.1"]);
    expect(w.dns(HOME, "AAAA")).toEqual([]);
    expect(w.hostRow(HOME)).toBeDefined();
  });

  test("a TXT-only token (an ACME client) sets the challenge and nothing else", async () => {
    const tok = w.token(w.alice, { hosts: [HOME], types: ["TXT"] });
    expect((await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { txt: "tok-123" } })).status).toBe(200);
    expect(w.dns(`_acme-challenge.${HOME}`, "TXT")).toEqual(['"tok-123"']);
    expect((await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { ipv4: "192.0.2.1" } })).status).toBe(403);
  });

  test("static records: only the types in scope", async () => {
    const tok = w.token(w.alice, { zones: [ZONE], types: ["TXT"] });
    expect((await w.call("PUT", "/api/v1/zones/dyn.example.org/records/info/TXT", { token: tok, body: { ttl: 300, data: ['"hello"'] } })).status).toBe(200);
    const mx = await w.call("PUT", "/api/v1/zones/dyn.example.org/records/@/MX", { token: tok, body: { ttl: 300, data: ["10 mail.example.org."] } });
    expect([mx.status, mx.body.error.message]).toEqual([403, "this token may not write MX records"]);
    expect(w.dns(ZONE, "MX")).toEqual([]);
  });
});
