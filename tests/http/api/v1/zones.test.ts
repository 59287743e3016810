// /api/v1/zones and static records of embedded zones: what the zone store holds after each call, its serial
// moving once per change, and the rules (the web UI's on names, types and TTLs; the store's on CNAME and rdata)
// answered with the error object: a clash is 409, bad input 400 naming the field.
import { beforeEach, describe, expect, test } from "bun:test";
import { BOBZONE, makeApiWorld, ZONE, type ApiWorld } from "./world.ts";

let w: ApiWorld;
let tok: string;
beforeEach(async () => {
  w = await makeApiWorld();
  tok = w.token(w.alice);
});

const serial = () => w.store.zone(ZONE)!.serial;
const rec = (name: string, type: string) => `/api/v1/zones/${ZONE}/records/${name}/${type}`;

describe("zones", () => {
  test("a user sees their own zones and public ones, not others' private zones", async () => {
    const a = await w.call("GET", "/api/v1/zones", { token: tok });
    expect(a.body).toEqual({ items: [{ name: ZONE, backend: "embedded", public: true, available: true, owned: true, ttl_min: 30, ttl_max: 86400 }], next_cursor: null });
    const b = await w.call("GET", "/api/v1/zones", { token: w.token(w.bob) });
    expect(b.body.items.map((z: any) => [z.name, z.owned])).toEqual([
      [BOBZONE, true],
      [ZONE, false],
    ]);
    expect((await w.call("GET", `/api/v1/zones/${BOBZONE}`, { token: tok })).status).toBe(404);
    expect((await w.call("GET", `/api/v1/zones/${ZONE}`, { token: tok })).body.name).toBe(ZONE);
  });

  test("staff see and manage the records of zones nobody owns; others do not see them", async () => {
    w.db.$client.run(`INSERT INTO domains (name, backend, public) VALUES ('ops.example.org', 'embedded', 0)`);
    await w.store.createZone({ name: "ops.example.org", serialScheme: "unixtime", soa: { mname: "ns1.ops.example.org.", rname: "hostmaster.ops.example.org." }, ns: ["ns1.ops.example.org."] });
    expect((await w.call("GET", "/api/v1/zones/ops.example.org", { token: tok })).status).toBe(404);
    expect((await w.call("PUT", "/api/v1/zones/ops.example.org/records/www/A", { token: tok, body: { ttl: 300, data: ["192.0.2.1"] } })).status).toBe(404);
    w.db.$client.run(`UPDATE users SET is_staff = 1 WHERE id = ${w.bob}`);
    const staff = w.token(w.bob);
    expect((await w.call("GET", "/api/v1/zones/ops.example.org", { token: staff })).body).toMatchObject({ name: "ops.example.org", owned: true });
    expect((await w.call("PUT", "/api/v1/zones/ops.example.org/records/www/A", { token: staff, body: { ttl: 300, data: ["192.0.2.1"] } })).status).toBe(200);
    expect([...(w.store.zone("ops.example.org")!.get("www.ops.example.org", "A")?.data ?? [])]).toEqual(["192.0.2.1"]);
  });

  test("a host-scoped token sees the zone of its host only", async () => {
    const t = w.token(w.bob, { hosts: [`bobhost.${ZONE}`] });
    expect((await w.call("GET", "/api/v1/zones", { token: t })).body.items.map((z: any) => z.name)).toEqual([ZONE]);
  });
});

describe("static records", () => {
  test("PUT creates and replaces an RRset, GET shows it, the serial moves once per change and not for a no-op", async () => {
    const s0 = serial();
    const put = await w.call("PUT", rec("www", "A"), { token: tok, body: { ttl: 300, data: ["192.0.2.80", "192.0.2.81"] } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ name: "www", fqdn: `www.${ZONE}`, type: "A", ttl: 300, data: ["192.0.2.80", "192.0.2.81"] });
    expect(w.dns(`www.${ZONE}`, "A")).toEqual(["192.0.2.80", "192.0.2.81"]);
    const s1 = serial();
    expect(s1).not.toBe(s0);
    await w.call("PUT", rec("www", "A"), { token: tok, body: { ttl: 300, data: ["192.0.2.81", "192.0.2.80"] } });
    expect(serial()).toBe(s1);
    const mx = await w.call("PUT", rec("@", "mx"), { token: tok, body: { ttl: 3600, data: ["10 mail.example.net."] } });
    expect(mx.body).toMatchObject({ name: "@", fqdn: ZONE, type: "MX", data: ["10 mail.example.net."] });
    const got = await w.call("GET", rec("www", "A"), { token: tok });
    expect(got.body.data).toEqual(["192.0.2.80", "192.0.2.81"]);
    expect((await w.call("GET", rec("nothing", "A"), { token: tok })).status).toBe(404);
  });

  test("a record keeps the case it was written in (RFC 4343 §4); the same name in another case is the same RRset", async () => {
    const put = await w.call("PUT", rec("MixedCase", "CNAME"), { token: tok, body: { ttl: 300, data: ["Target.Example.NET."] } });
    expect(put.body).toEqual({ name: "MixedCase", fqdn: `MixedCase.${ZONE}`, type: "CNAME", ttl: 300, data: ["Target.Example.NET."] });
    expect(w.store.zone(ZONE)!.get(`mixedcase.${ZONE}`, "CNAME")!.name).toBe(`MixedCase.${ZONE}`);
    expect((await w.call("GET", rec("mixedcase", "CNAME"), { token: tok })).body.data).toEqual(["Target.Example.NET."]);
    const s = serial();
    await w.call("PUT", rec("MIXEDCASE", "CNAME"), { token: tok, body: { ttl: 300, data: ["target.example.net."] } });
    expect(serial()).not.toBe(s);
    const all = await w.call("GET", `/api/v1/zones/${ZONE}/records`, { token: tok });
    expect(all.body.items.filter((r: any) => r.type === "CNAME").map((r: any) => `${r.name} ${r.data}`)).toEqual(["MIXEDCASE target.example.net."]);
  });

  test("PUT takes the newer types and RFC 3597 TYPEnnn, each answered in DNS in canonical form", async () => {
    const sets: [string, string, string, string][] = [
      ["svc", "HTTPS", "1 . port=8443 alpn=h3,h2", "1 . alpn=h3,h2 port=8443"],
      ["_443._tcp.www", "TLSA", "3 1 1 0c72ac70b745ac19", "3 1 1 0C72AC70B745AC19"],
      ["child", "DS", "12345 13 2 8b1b1f0e", "12345 13 2 8B1B1F0E"],
      ["host", "HINFO", "PC Linux", '"PC" "Linux"'],
      ["priv", "TYPE65534", "\\# 2 cafe", "\\# 2 CAFE"],
    ];
    for (const [name, type, data, canonical] of sets) {
      const r = await w.call("PUT", rec(name, type), { token: tok, body: { ttl: 300, data: [data] } });
      expect([name, r.status, r.body.data]).toEqual([name, 200, [canonical]]);
      expect(w.dns(`${name}.${ZONE}`, type)).toEqual([canonical]);
    }
  });

  test("the list holds the apex and static sets, not dynamic hosts' names, and pages", async () => {
    await w.call("PUT", `/api/v1/hosts/home.${ZONE}/addresses`, { token: tok, body: { ipv4: "192.0.2.1", txt: "t" } });
    await w.call("PUT", rec("www", "CNAME"), { token: tok, body: { ttl: 300, data: [`home.${ZONE}.`] } });
    const all = await w.call("GET", `/api/v1/zones/${ZONE}/records`, { token: tok });
    expect(all.body.items.map((r: any) => `${r.name} ${r.type}`)).toEqual(["@ NS", "@ SOA", "www CNAME"]);
    const p1 = await w.call("GET", `/api/v1/zones/${ZONE}/records?limit=2`, { token: tok });
    expect(p1.body.items.length).toBe(2);
    const p2 = await w.call("GET", `/api/v1/zones/${ZONE}/records?limit=2&cursor=${p1.body.next_cursor}`, { token: tok });
    expect(p2.body).toEqual({ items: [all.body.items[2]], next_cursor: null });
  });

  test("DELETE removes an RRset; an empty PUT does too; deleting what is not there is 404", async () => {
    await w.call("PUT", rec("www", "A"), { token: tok, body: { ttl: 300, data: ["192.0.2.80"] } });
    expect((await w.call("DELETE", rec("www", "A"), { token: tok })).status).toBe(204);
    expect(w.dns(`www.${ZONE}`, "A")).toEqual([]);
    expect((await w.call("DELETE", rec("www", "A"), { token: tok })).status).toBe(404);
    await w.call("PUT", rec("txt", "TXT"), { token: tok, body: { ttl: 300, data: ['"a"'] } });
    const empty = await w.call("PUT", rec("txt", "TXT"), { token: tok, body: { ttl: 300, data: [] } });
    expect([empty.status, empty.body.data]).toEqual([200, []]);
    expect(w.dns(`txt.${ZONE}`, "TXT")).toEqual([]);
  });

  test("the zone store's rules come back as error objects and leave the zone as it was", async () => {
    await w.call("PUT", rec("www", "CNAME"), { token: tok, body: { ttl: 300, data: [`home.${ZONE}.`] } });
    const s = serial();
    const cases: [string, string, unknown, number, string, string | undefined][] = [
      ["www", "A", { ttl: 300, data: ["192.0.2.1"] }, 409, "conflict", undefined], // CNAME stands alone (the store)
      ["@", "CNAME", { ttl: 300, data: ["x.example.org."] }, 400, "invalid_request", "type"], // no CNAME at the apex
      ["@", "NS", { ttl: 300, data: [] }, 400, "invalid_request", "type"], // the apex NS come from the domain settings
      ["@", "SOA", { ttl: 300, data: ["a. b. 1 2 3 4 5"] }, 400, "invalid_request", "type"],
      ["x", "NSEC", { ttl: 300, data: ["a.example.org. A"] }, 400, "invalid_request", "type"], // the signer's
      ["svc", "HTTPS", { ttl: 300, data: ["1 . alpn=h2 alpn=h3"] }, 400, "invalid_request", "data"],
      ["priv", "TYPE65534", { ttl: 300, data: ["\\# 2 01"] }, 400, "invalid_request", "data"],
      ["bad", "A", { ttl: 300, data: ["not-an-address"] }, 400, "invalid_request", "data"],
      ["mail", "MX", { ttl: 300, data: ["mail.example.org."] }, 400, "invalid_request", "data"],
      ["www.example.com.", "A", { ttl: 300, data: ["192.0.2.1"] }, 400, "invalid_request", "name"],
      ["bad name", "A", { ttl: 300, data: ["192.0.2.1"] }, 400, "invalid_request", "name"],
      ["home", "A", { ttl: 300, data: ["192.0.2.1"] }, 400, "invalid_request", "name"], // a dynamic host's own name
      ["_acme-challenge.home", "TXT", { ttl: 300, data: ['"x"'] }, 400, "invalid_request", "name"],
      ["pc.home", "AAAA", { ttl: 300, data: ["2001:db8::1"] }, 400, "invalid_request", "name"],
      ["x", "A", { ttl: -1, data: ["192.0.2.1"] }, 400, "invalid_request", "ttl"],
      ["x", "A", { ttl: "300", data: ["192.0.2.1"] }, 400, "invalid_request", "ttl"],
      ["x", "A", { ttl: 300, data: "192.0.2.1" }, 400, "invalid_request", "data"],
    ];
    for (const [name, type, body, status, code, field] of cases) {
      const r = await w.call("PUT", rec(name, type), { token: tok, body });
      expect([name, type, r.status, r.body.error?.code]).toEqual([name, type, status, code]);
      if (field) expect([name, r.body.error.field]).toEqual([name, field]);
    }
    expect(serial()).toBe(s);
    expect(w.dns(`www.${ZONE}`, "CNAME")).toEqual([`home.${ZONE}.`]);
  });

  test("only the zone's owner manages its records: a public zone's user gets 404, a host-scoped token 403", async () => {
    const bob = w.token(w.bob);
    expect((await w.call("GET", `/api/v1/zones/${ZONE}/records`, { token: bob })).status).toBe(404);
    expect((await w.call("PUT", rec("evil", "A"), { token: bob, body: { ttl: 300, data: ["192.0.2.66"] } })).status).toBe(404);
    expect((await w.call("GET", `/api/v1/zones/${BOBZONE}/records`, { token: tok })).status).toBe(404);
    const hostOnly = w.token(w.alice, { hosts: [`home.${ZONE}`] });
    expect((await w.call("PUT", rec("www", "A"), { token: hostOnly, body: { ttl: 300, data: ["192.0.2.66"] } })).status).toBe(403);
    expect((await w.call("GET", `/api/v1/zones/${ZONE}/records`, { token: hostOnly })).status).toBe(403);
    expect(w.dns(`evil.${ZONE}`, "A")).toEqual([]);
    expect(w.dns(`www.${ZONE}`, "A")).toEqual([]);
    // Bob's own zone is his.
    expect((await w.call("PUT", `/api/v1/zones/${BOBZONE}/records/www/A`, { token: bob, body: { ttl: 300, data: ["192.0.2.7"] } })).status).toBe(200);
    expect(w.dns(`www.${BOBZONE}`, "A")).toEqual(["192.0.2.7"]);
  });
});
