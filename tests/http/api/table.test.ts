// The baseline's own API tests (spec §9.2), every case, with updns's status codes (updns.md §1.7). Each case
// checks the answer, what is stored on the host, and what the zone holds afterwards.
import { beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { domains, forwardQueue } from "../../../src/db/index.ts";
import { parseBasic } from "../../../src/core/index.ts";
import { HOST, HOST2, makeWorld, SECRET, ZONE, basic, type World } from "../../core/fixture.ts";

let w: World;
beforeEach(async () => {
  w = await makeWorld({ abuse: { bad_agents: ["foo", "bad_agent", "bar"], bad_ips: ["7.7.7.7"] } });
});

describe("§9.2 test_api ported", () => {
  test("1. /myip answers the caller's address", async () => {
    expect(await w.call("/myip", { auth: null })).toMatchObject({ status: 200, body: "127.0.0.1" });
    expect(await w.call("/myip", { auth: null, peer: "::1" })).toMatchObject({ status: 200, body: "::1" });
  });

  test("2. no credentials: 401 badauth with a Basic challenge, nothing stored", async () => {
    const r = await w.call("/nic/update", { auth: null });
    expect(r.status).toBe(401);
    expect(r.body).toBe("badauth");
    expect(r.headers.get("www-authenticate")).toBe('Basic realm="authenticate to update DNS"');
    expect(r.headers.get("content-type")).toBe("text/plain");
    expect(w.host().apiAuthFaults).toBe(0);
    expect(w.backend.calls).toEqual([]);
  });

  test("3. the Basic parser gives back exactly the pair", () => {
    expect(parseBasic(basic("username", "secret"))).toEqual({ username: "username", password: "secret" });
  });

  test("4. wrong secret: 401 badauth, api_auth_faults counted with a timestamped message", async () => {
    const r = await w.call("/nic/update?myip=1.2.3.4", { auth: [HOST, "wrong"] });
    expect([r.status, r.body]).toEqual([401, "badauth"]);
    const h = w.host();
    expect(h.apiAuthFaults).toBe(1);
    expect(h.apiAuthResultMsg).toMatch(/^2026-11-26 12:00:00 test1\.tests\.example\.org - api authentication failure/);
    expect(w.backend.get(HOST, "A")).toEqual([]);
  });

  test("5. hostname of a host that does not exist: 200 nohost, client fault", async () => {
    const r = await w.call("/nic/update?hostname=nonexistent.example.org&myip=1.2.3.4");
    expect([r.status, r.body]).toEqual([200, "nohost"]);
    expect(w.host().clientFaults).toBe(1);
    expect(w.host().clientResultMsg).toContain("rejecting to update wrong host");
    expect(w.backend.calls).toEqual([]);
  });

  test("6. another user's host: 200 nohost, no DNS change", async () => {
    const r = await w.call(`/nic/update?hostname=${HOST2}&myip=1.2.3.4`);
    expect([r.status, r.body]).toEqual([200, "nohost"]);
    expect(w.backend.get(HOST2, "A")).toEqual([]);
    expect(w.host().clientFaults).toBe(1);
  });

  test("7. hostname without a dot: 200 notfqdn", async () => {
    const r = await w.call("/nic/update?hostname=test&myip=1.2.3.4");
    expect([r.status, r.body]).toEqual([200, "notfqdn"]);
    expect(w.backend.calls).toEqual([]);
  });

  test("8. user name without a dot: 200 notfqdn, no counters", async () => {
    const r = await w.call("/nic/update?myip=1.2.3.4", { auth: ["test", SECRET] });
    expect([r.status, r.body]).toEqual([200, "notfqdn"]);
    expect(w.host()).toMatchObject({ clientFaults: 0, apiAuthFaults: 0 });
  });

  test("9. myip=1234: 200 dnserr, a client fault, nothing in DNS", async () => {
    const r = await w.call("/nic/update?myip=1234");
    expect([r.status, r.body]).toEqual([200, "dnserr"]);
    expect(w.host().clientFaults).toBe(1);
    expect(w.host().clientResultMsg).toContain("received bad ip address");
    expect(w.backend.calls).toEqual([]);
  });

  test("10. myip=äüö (UTF-8, percent-encoded): 200 dnserr", async () => {
    const r = await w.call("/nic/update?myip=" + encodeURIComponent("äüö"));
    expect([r.status, r.body]).toEqual([200, "dnserr"]);
    expect(w.backend.calls).toEqual([]);
  });

  test("11. no myip: the connection's address, good", async () => {
    const r = await w.call("/nic/update", { peer: "192.0.2.10" });
    expect([r.status, r.body]).toEqual([200, "good 192.0.2.10"]);
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.10"]);
  });

  test("12. zone switched off: 503 dnserr with Retry-After, a server fault", async () => {
    expect((await w.call("/nic/update?myip=1.2.3.4")).body).toBe("good 1.2.3.4");
    w.db.update(domains).set({ available: false }).where(eq(domains.name, ZONE)).run();
    const r = await w.call("/nic/update?myip=4.3.2.1");
    expect([r.status, r.body]).toEqual([503, "dnserr"]);
    expect(r.headers.get("retry-after")).toBe("60");
    expect(w.host().serverFaults).toBe(1);
    expect(w.backend.get(HOST, "A")).toEqual(["1.2.3.4"]);
  });

  test("13. IPv4 good, then nochg; the related host gets network + interface id", async () => {
    expect((await w.call("/nic/update?myip=4.3.2.1")).body).toBe("good 4.3.2.1");
    const good = await w.call("/nic/update?myip=1.2.3.4");
    expect([good.status, good.body]).toEqual([200, "good 1.2.3.4"]);
    const nochg = await w.call("/nic/update?myip=1.2.3.4");
    expect([nochg.status, nochg.body]).toEqual([200, "nochg 1.2.3.4"]);
    expect(w.backend.get(HOST, "A")).toEqual(["1.2.3.4"]);
    // /29 of 1.2.3.4 is 1.2.3.0; + 0.0.0.1
    expect(w.backend.get(`rh.${HOST}`, "A")).toEqual(["1.2.3.1"]);
    expect(w.host().clientFaults).toBe(1);
    expect(w.host().clientResultMsg).toContain("received no-change update, ip: 1.2.3.4");
  });

  test("14. IPv6 good, then nochg; related host AAAA", async () => {
    expect((await w.call("/nic/update?myip=2000::2")).body).toBe("good 2000::2");
    expect((await w.call("/nic/update?myip=2000::3")).body).toBe("good 2000::3");
    expect((await w.call("/nic/update?myip=2000::3")).body).toBe("nochg 2000::3");
    expect(w.backend.get(HOST, "AAAA")).toEqual(["2000::3"]);
    expect(w.backend.get(`rh.${HOST}`, "AAAA")).toEqual(["2000::1"]);
  });

  test("15. forwarding: a good IPv4 update queues the address for the third party (sent by the worker)", async () => {
    await w.call("/nic/update?myip=1.2.3.4");
    await w.call("/nic/update?myip=2.3.4.5");
    const queued = w.db.select().from(forwardQueue).all();
    // The newer address replaces the pending one.
    expect(queued.map((q) => [q.hostConfigId, q.address])).toEqual([[w.hostConfigId, "2.3.4.5"]]);
    // IPv6 is not given to this service.
    await w.call("/nic/update?myip=2001:db8::5");
    expect(w.db.select().from(forwardQueue).all().length).toBe(1);
  });

  test("16. bad user agent: 200 badagent, a client fault, nothing in DNS", async () => {
    const r = await w.call("/nic/update?myip=1.2.3.4", { ua: "bad_agent" });
    expect([r.status, r.body]).toEqual([200, "badagent"]);
    expect(w.host().clientFaults).toBe(1);
    expect(w.backend.calls).toEqual([]);
  });

  test("17. blacklisted target address: 200 abuse, both flags set, records removed", async () => {
    expect((await w.call("/nic/update?myip=1.2.3.4")).body).toBe("good 1.2.3.4");
    w.backend.set(HOST, "AAAA", ["2001:db8::1"]);
    const r = await w.call("/nic/update?myip=7.7.7.7");
    expect([r.status, r.body]).toEqual([200, "abuse"]);
    expect(w.host()).toMatchObject({ abuse: true, abuseBlocked: true, clientFaults: 1 });
    expect(w.backend.get(HOST, "A")).toEqual([]);
    expect(w.backend.get(HOST, "AAAA")).toEqual([]);
    // Later updates are refused without a fault.
    expect((await w.call("/nic/update?myip=1.2.3.4")).body).toBe("abuse");
    expect(w.host().clientFaults).toBe(1);
  });

  // 18–22 and 25 (/nic/update_authorized, /nic/delete_authorized) belong to the web UI's session; they come with it.

  test("23. /nic/delete with a bad myip: 200 dnserr", async () => {
    expect(await w.call("/nic/delete?myip=1234")).toMatchObject({ status: 200, body: "dnserr" });
    expect(await w.call("/nic/delete?myip=" + encodeURIComponent("äüö"))).toMatchObject({ status: 200, body: "dnserr" });
    expect(w.backend.calls).toEqual([]);
  });

  test("24. delete A with 0.0.0.0, AAAA with ::", async () => {
    await w.call("/nic/update?myip=1.2.3.4");
    await w.call("/nic/update?myip=::1");
    expect(w.backend.get(HOST, "AAAA")).toEqual(["::1"]);
    expect(await w.call("/nic/delete?myip=0.0.0.0")).toMatchObject({ status: 200, body: "deleted A" });
    expect(w.backend.get(HOST, "A")).toEqual([]);
    expect(w.backend.get(HOST, "AAAA")).toEqual(["::1"]);
    expect(await w.call("/nic/delete?myip=::")).toMatchObject({ status: 200, body: "deleted AAAA" });
    expect(w.backend.get(HOST, "AAAA")).toEqual([]);
    // Nothing left to delete: still "deleted".
    expect(await w.call("/nic/delete?myip=::")).toMatchObject({ status: 200, body: "deleted AAAA" });
    // Related hosts are not touched by deletes.
    expect(w.backend.get(`rh.${HOST}`, "A")).toEqual(["1.2.3.1"]);
  });

  test("26. /detectip/<unknown token>/ → 204", async () => {
    const r = await w.call("/detectip/invalid_session_id/", { auth: null });
    expect(r.status).toBe(204);
    expect(r.body).toBe("");
  });

  test("27. /ajax_get_ips/ → 200 JSON with the four keys", async () => {
    const r = await w.call("/ajax_get_ips/", { auth: null });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(r.body)).toEqual({ ipv4: "", ipv4_rdns: "", ipv6: "", ipv6_rdns: "" });
  });

  test("28. several addresses: good, nochg, then mixed lines grouped good first", async () => {
    expect((await w.call("/nic/update?myip=1.2.3.4,2001:db8::1")).body).toBe("good 1.2.3.4,2001:db8::1");
    expect((await w.call("/nic/update?myip=1.2.3.4,2001:db8::1")).body).toBe("nochg 1.2.3.4,2001:db8::1");
    expect((await w.call("/nic/update?myip=1.2.3.5,2001:db8::1")).body).toBe("good 1.2.3.5\nnochg 2001:db8::1");
    expect(w.backend.get(HOST, "A")).toEqual(["1.2.3.5"]);
    expect(w.backend.get(HOST, "AAAA")).toEqual(["2001:db8::1"]);
  });

  test("29. delete both families at once", async () => {
    await w.call("/nic/update?myip=1.2.3.4,2001:db8::1");
    expect((await w.call("/nic/delete?myip=0.0.0.0,::")).body).toBe("deleted A,AAAA");
    expect(w.backend.get(HOST, "A")).toEqual([]);
    expect(w.backend.get(HOST, "AAAA")).toEqual([]);
  });
});
