// /api/v1/hosts and related hosts, each endpoint as a client sees it: JSON in and out, the zone's records
// changing (or not), the host's update secret working with dyndns2 after create and regenerate.
import { beforeEach, describe, expect, test } from "bun:test";
import { verifySecret } from "../../../../src/core/index.ts";
import { makeApiWorld, ZONE, type ApiWorld } from "./world.ts";

let w: ApiWorld;
let tok: string;
beforeEach(async () => {
  w = await makeApiWorld();
  tok = w.token(w.alice, { name: "all of alice" });
});

const HOME = `home.${ZONE}`;

describe("GET /hosts", () => {
  test("lists the account's hosts only, by zone then name", async () => {
    const r = await w.call("GET", "/api/v1/hosts", { token: tok });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("application/json");
    expect(r.body.items.map((h: any) => h.fqdn)).toEqual([HOME, `nas.${ZONE}`]);
    expect(r.body.next_cursor).toBeNull();
    expect(r.body.items[0]).toMatchObject({ zone: ZONE, available: true, abuse: false, ttl: 60, netmask_ipv6: 64, last_update_ipv4: null });
  });

  test("pages with limit and cursor, and refuses a forged cursor", async () => {
    const p1 = await w.call("GET", "/api/v1/hosts?limit=1", { token: tok });
    expect(p1.body.items.map((h: any) => h.fqdn)).toEqual([HOME]);
    expect(typeof p1.body.next_cursor).toBe("string");
    const p2 = await w.call("GET", `/api/v1/hosts?limit=1&cursor=${p1.body.next_cursor}`, { token: tok });
    expect(p2.body.items.map((h: any) => h.fqdn)).toEqual([`nas.${ZONE}`]);
    expect(p2.body.next_cursor).toBeNull();
    const bad = await w.call("GET", "/api/v1/hosts?cursor=***", { token: tok });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "invalid_request", field: "cursor" });
    const big = await w.call("GET", "/api/v1/hosts?limit=1000", { token: tok });
    expect([big.status, big.body.error.field]).toEqual([400, "limit"]);
    const word = await w.call("GET", "/api/v1/hosts?limit=ten", { token: tok });
    expect([word.status, word.body.error.field]).toEqual([400, "limit"]);
  });
});

describe("POST /hosts", () => {
  test("creates a host in an offered zone; the secret is in the answer once and works as the update secret", async () => {
    const r = await w.call("POST", "/api/v1/hosts", { token: tok, body: { fqdn: `Cam.${ZONE}`, comment: "porch" } });
    expect(r.status).toBe(201);
    expect(r.body.host).toMatchObject({ fqdn: `cam.${ZONE}`, comment: "porch" });
    expect(r.body.update_secret).toMatch(/^[A-Za-z0-9]{24}$/);
    expect((await verifySecret(r.body.update_secret, w.hostRow(`cam.${ZONE}`)!.updateSecret)).ok).toBe(true);
    // Creating writes nothing to DNS (updns.md §1.12).
    expect(w.dns(`cam.${ZONE}`, "A")).toEqual([]);
    const again = await w.call("GET", `/api/v1/hosts/cam.${ZONE}`, { token: tok });
    expect(again.body).not.toHaveProperty("update_secret");
  });

  test("a name taken is 409, a bad name 400 naming the field, a zone not offered 404", async () => {
    const taken = await w.call("POST", "/api/v1/hosts", { token: tok, body: { fqdn: HOME } });
    expect([taken.status, taken.body.error.code]).toEqual([409, "conflict"]);
    const bad = await w.call("POST", "/api/v1/hosts", { token: tok, body: { fqdn: `-x-.${ZONE}` } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "invalid_request", field: "name" });
    const privateZone = await w.call("POST", "/api/v1/hosts", { token: tok, body: { fqdn: "x.bob.example.org" } });
    expect([privateZone.status, privateZone.body.error.code]).toEqual([404, "not_found"]);
  });

  test("malformed bodies: not JSON, no body, a form, unknown fields, wrong types", async () => {
    const cases: [Parameters<ApiWorld["call"]>[2], string | undefined][] = [
      [{ raw: "{not json", headers: { "content-type": "application/json" } }, undefined],
      [{ raw: "" }, undefined],
      [{ raw: "fqdn=a.b.c", headers: { "content-type": "application/x-www-form-urlencoded" } }, undefined],
      [{ body: { fqdn: `a.${ZONE}`, secret: "mine" } }, "secret"],
      [{ body: { fqdn: 42 } }, "fqdn"],
      [{ body: [] }, undefined],
    ];
    for (const [opts, field] of cases) {
      const r = await w.call("POST", "/api/v1/hosts", { token: tok, ...opts });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe("invalid_request");
      if (field) expect(r.body.error.field).toBe(field);
      expect(typeof r.body.error.message).toBe("string");
    }
    expect(w.hostRow(`a.${ZONE}`)).toBeUndefined();
  });
});

describe("GET /hosts/{fqdn}", () => {
  test("shows the addresses the zone serves", async () => {
    await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { ipv4: "192.0.2.1" } });
    const r = await w.call("GET", `/api/v1/hosts/${HOME}`, { token: tok });
    expect(r.status).toBe(200);
    expect(r.body.addresses).toEqual({ ipv4: ["192.0.2.1"], ipv6: [] });
    expect(r.body.last_update_ipv4).toBe(w.clock.now().toISOString());
  });
  test("an unknown host and another account's host are both 404", async () => {
    for (const fqdn of [`nothere.${ZONE}`, `bobhost.${ZONE}`]) {
      const r = await w.call("GET", `/api/v1/hosts/${fqdn}`, { token: tok });
      expect([r.status, r.body.error.code]).toEqual([404, "not_found"]);
    }
  });
});

describe("PATCH /hosts/{fqdn}", () => {
  test("changes only the fields sent; TTL bounded by the zone", async () => {
    const r = await w.call("PATCH", `/api/v1/hosts/${HOME}`, { token: tok, body: { comment: "router", ttl: 120 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ comment: "router", ttl: 120, netmask_ipv6: 64, available: true });
    const low = await w.call("PATCH", `/api/v1/hosts/${HOME}`, { token: tok, body: { ttl: 5 } });
    expect([low.status, low.body.error.field]).toEqual([400, "ttl"]);
    const empty = await w.call("PATCH", `/api/v1/hosts/${HOME}`, { token: tok, body: {} });
    expect(empty.status).toBe(400);
    const setAbuse = await w.call("PATCH", `/api/v1/hosts/${HOME}`, { token: tok, body: { abuse: true } });
    expect([setAbuse.status, setAbuse.body.error.field]).toEqual([400, "abuse"]);
    expect(w.hostRow(HOME)!.ttl).toBe(120);
  });
});

describe("PUT /hosts/{fqdn}/addresses", () => {
  test("sets A and AAAA; related hosts follow; the same again is nochg", async () => {
    const r = await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { ipv4: "192.0.2.1", ipv6: "2001:db8:1::1" } });
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([
      { family: "ipv4", result: "good", value: "192.0.2.1" },
      { family: "ipv6", result: "good", value: "2001:db8:1::1" },
    ]);
    expect(w.dns(HOME, "A")).toEqual(["192.0.2.1"]);
    expect(w.dns(HOME, "AAAA")).toEqual(["2001:db8:1::1"]);
    expect(w.dns(`pc.${HOME}`, "AAAA")).toEqual(["2001:db8:1::7"]);
    const again = await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { ipv4: "192.0.2.1" } });
    expect(again.body.results).toEqual([{ family: "ipv4", result: "nochg", value: "192.0.2.1" }]);
  });

  test("null deletes a family; txt sets and deletes the ACME challenge", async () => {
    await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { ipv4: "192.0.2.1", ipv6: "2001:db8::1", txt: "challenge-1" } });
    expect(w.dns(`_acme-challenge.${HOME}`, "TXT")).toEqual(['"challenge-1"']);
    const r = await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { ipv6: null, txt: null } });
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([
      { family: "txt", result: "deleted" },
      { family: "ipv6", result: "deleted" },
    ]);
    expect(r.body.addresses).toEqual({ ipv4: ["192.0.2.1"], ipv6: [] });
    expect(w.dns(`_acme-challenge.${HOME}`, "TXT")).toEqual([]);
  });

  test("txt adds a value beside the live ones (a name and its wildcard); the same value again is nochg", async () => {
    const put = (txt: string) => w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { txt } });
    expect((await put("for-name")).body.results).toEqual([{ family: "txt", result: "good" }]);
    expect((await put("for-wildcard")).body.results).toEqual([{ family: "txt", result: "good" }]);
    expect((await put("for-name")).body.results[0].result).toBe("nochg");
    expect(w.dns(`_acme-challenge.${HOME}`, "TXT")).toEqual(['"for-name"', '"for-wildcard"']);
  });

  test("a bad address, an address of the other family, and an empty body are 400 and change nothing", async () => {
    for (const body of [{ ipv4: "192.0.2.300" }, { ipv4: "2001:db8::1" }, { ipv6: "192.0.2.1" }, {}, { ipv4: 1 }]) {
      const r = await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe("invalid_request");
    }
    expect(w.dns(HOME, "A")).toEqual([]);
  });

  test("a host switched off is 409, one flagged for abuse 403", async () => {
    await w.call("PATCH", `/api/v1/hosts/${HOME}`, { token: tok, body: { available: false } });
    const off = await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { ipv4: "192.0.2.1" } });
    expect([off.status, off.body.error.code]).toEqual([409, "conflict"]);
    await w.call("PATCH", `/api/v1/hosts/${HOME}`, { token: tok, body: { available: true } });
    w.db.$client.run("UPDATE hosts SET abuse = 1 WHERE name = 'home'");
    const flagged = await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { ipv4: "192.0.2.1" } });
    expect([flagged.status, flagged.body.error.code]).toEqual([403, "forbidden"]);
    expect(w.dns(HOME, "A")).toEqual([]);
    // The owner clears the flag through the API and updates again.
    expect((await w.call("PATCH", `/api/v1/hosts/${HOME}`, { token: tok, body: { abuse: false } })).body.abuse).toBe(false);
    expect((await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { ipv4: "192.0.2.1" } })).status).toBe(200);
  });

  test("the host's result message says it came through the JSON API with which token", async () => {
    await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { ipv4: "192.0.2.1" } });
    const h = w.hostRow(HOME)!;
    expect(h.apiAuthResultMsg).toContain('api token "all of alice", json api');
    expect(h.clientResultMsg).toContain("good update");
  });
});

describe("POST /hosts/{fqdn}/secret", () => {
  test("a new secret replaces the old one", async () => {
    const before = w.hostRow(HOME)!.updateSecret;
    const r = await w.call("POST", `/api/v1/hosts/${HOME}/secret`, { token: tok });
    expect(r.status).toBe(200);
    const after = w.hostRow(HOME)!.updateSecret;
    expect(after).not.toBe(before);
    expect((await verifySecret(r.body.update_secret, after)).ok).toBe(true);
    expect((await verifySecret("x".repeat(24), after)).ok).toBe(false);
  });
});

describe("DELETE /hosts/{fqdn}", () => {
  test("removes the host and its records (A, AAAA, ACME TXT, related hosts)", async () => {
    await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { ipv4: "192.0.2.1", ipv6: "2001:db8::1", txt: "t" } });
    expect(w.dns(`pc.${HOME}`, "A")).not.toEqual([]);
    const r = await w.call("DELETE", `/api/v1/hosts/${HOME}`, { token: tok });
    expect(r.status).toBe(204);
    expect(r.body).toBeNull();
    expect(w.hostRow(HOME)).toBeUndefined();
    for (const [owner, type] of [[HOME, "A"], [HOME, "AAAA"], [`_acme-challenge.${HOME}`, "TXT"], [`pc.${HOME}`, "A"], [`pc.${HOME}`, "AAAA"]]) expect(w.dns(owner, type)).toEqual([]);
    expect((await w.call("GET", `/api/v1/hosts/${HOME}`, { token: tok })).status).toBe(404);
  });

  test("a host staff blocked for abuse cannot be deleted by its owner (409), and keeps its row", async () => {
    w.db.$client.run("UPDATE hosts SET abuse = 1, abuse_blocked = 1 WHERE name = 'home'");
    const r = await w.call("DELETE", `/api/v1/hosts/${HOME}`, { token: tok });
    expect([r.status, r.body.error.code]).toEqual([409, "conflict"]);
    expect(w.hostRow(HOME)).toBeDefined();
  });
});

describe("related hosts", () => {
  test("list, create, get, rename (old name leaves DNS), delete (records go)", async () => {
    const list = await w.call("GET", `/api/v1/hosts/${HOME}/related`, { token: tok });
    expect(list.body.items).toEqual([{ name: "pc", fqdn: `pc.${HOME}`, comment: "", interface_id_ipv4: "0.0.0.7", interface_id_ipv6: "::7", available: true }]);
    const made = await w.call("POST", `/api/v1/hosts/${HOME}/related`, { token: tok, body: { name: "tv", interface_id_ipv6: "::2" } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: "tv", fqdn: `tv.${HOME}`, interface_id_ipv4: "", interface_id_ipv6: "::2" });
    const dup = await w.call("POST", `/api/v1/hosts/${HOME}/related`, { token: tok, body: { name: "tv" } });
    expect(dup.status).toBe(409);
    const badId = await w.call("POST", `/api/v1/hosts/${HOME}/related`, { token: tok, body: { name: "x", interface_id_ipv6: "1.2.3.4" } });
    expect([badId.status, badId.body.error.field]).toEqual([400, "interface_id_ipv6"]);

    await w.call("PUT", `/api/v1/hosts/${HOME}/addresses`, { token: tok, body: { ipv6: "2001:db8:5::1" } });
    expect(w.dns(`tv.${HOME}`, "AAAA")).toEqual(["2001:db8:5::2"]);
    const got = await w.call("GET", `/api/v1/hosts/${HOME}/related/tv`, { token: tok });
    expect(got.body.addresses).toEqual({ ipv4: [], ipv6: ["2001:db8:5::2"] });

    const renamed = await w.call("PATCH", `/api/v1/hosts/${HOME}/related/tv`, { token: tok, body: { name: "tv2" } });
    expect([renamed.status, renamed.body.name, renamed.body.interface_id_ipv6]).toEqual([200, "tv2", "::2"]);
    expect(w.dns(`tv.${HOME}`, "AAAA")).toEqual([]);

    expect((await w.call("DELETE", `/api/v1/hosts/${HOME}/related/pc`, { token: tok })).status).toBe(204);
    expect(w.dns(`pc.${HOME}`, "AAAA")).toEqual([]);
    expect((await w.call("GET", `/api/v1/hosts/${HOME}/related/pc`, { token: tok })).status).toBe(404);
    expect((await w.call("GET", `/api/v1/hosts/${HOME}/related`, { token: tok })).body.items.map((r: any) => r.name)).toEqual(["tv2"]);
  });
});

describe("the API's edges", () => {
  test("unknown paths are JSON 404s, wrong methods 405 with Allow", async () => {
    const r = await w.call("GET", "/api/v1/nothing", { token: tok });
    expect([r.status, r.body.error.code]).toEqual([404, "not_found"]);
    const m = await w.call("POST", `/api/v1/hosts/${HOME}`, { token: tok, body: {} });
    expect([m.status, m.body.error.code, m.headers.get("allow")]).toEqual([405, "method_not_allowed", "GET, PATCH, DELETE"]);
  });
});
