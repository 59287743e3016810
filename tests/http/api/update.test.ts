// updns's own rules for /nic/update (updns.md §1), each shown through the HTTP API: answer, stored counters
// and messages, and what the zone holds afterwards.
import { beforeEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { apiTokens, domains, forwardQueue, hosts, relatedHosts, users } from "../../../src/db/index.ts";
import { generateApiToken, hashApiToken } from "../../../src/core/index.ts";
import { HOST, HOST2, makeWorld, SECRET, SECRET2, ZONE, type World } from "../../core/fixture.ts";

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});

function addToken(world: World, scopes: object = {}, opts: { userId?: number; expiresAt?: Date } = {}): string {
  const token = generateApiToken();
  world.db.insert(apiTokens).values({ userId: opts.userId ?? world.userId, name: "router", tokenHash: hashApiToken(token), scopes: JSON.stringify(scopes), expiresAt: opts.expiresAt }).run();
  return token;
}

describe("lenient input (updns.md §1.1)", () => {
  test("aliases /v2/update, /v3/update, //nic/update, /nic/update/ and /update with credentials all update", async () => {
    expect((await w.call("/v2/update?myip=192.0.2.1")).body).toBe("good 192.0.2.1");
    expect((await w.call("/v3/update?myip=192.0.2.2")).body).toBe("good 192.0.2.2");
    expect((await w.call("//nic/update?myip=192.0.2.3")).body).toBe("good 192.0.2.3");
    expect((await w.call("/nic//update/?myip=192.0.2.4")).body).toBe("good 192.0.2.4");
    expect((await w.call("/update?hostname=" + HOST + "&myip=192.0.2.5")).body).toBe("good 192.0.2.5");
    expect((await w.call("//nic/delete?myip=0.0.0.0")).body).toBe("deleted A");
    expect(w.backend.get(HOST, "A")).toEqual([]);
  });

  test("HEAD and POST behave like GET; POST form parameters count; PUT is 405", async () => {
    const head = await w.call("/nic/update?myip=192.0.2.1", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.1"]);
    const post = await w.call("/nic/update", { method: "POST", body: "myip=192.0.2.9", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect([post.status, post.body]).toEqual([200, "good 192.0.2.9"]);
    const put = await w.call("/nic/update?myip=192.0.2.7", { method: "PUT" });
    expect(put.status).toBe(405);
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.9"]);
  });

  test("Hikvision's parameters are tolerated; empty myip means the connection address; hostname=YES is the user name", async () => {
    const r = await w.call(`/nic/update?system=dyndns&hostname=YES&myip=&wildcard=OFF&mx=NO&backmx=NO&offline=NO`, { peer: "198.51.100.7" });
    expect([r.status, r.body]).toEqual([200, "good 198.51.100.7"]);
    expect(w.backend.get(HOST, "A")).toEqual(["198.51.100.7"]);
  });

  test("the last value of a repeated parameter wins", async () => {
    expect((await w.call("/nic/update?myip=192.0.2.1&myip=192.0.2.2")).body).toBe("good 192.0.2.2");
  });

  test("myipv4 / myipv6 / ipv6 / myip6 beside myip; a family in the wrong parameter is dnserr", async () => {
    expect((await w.call("/nic/update?myipv4=192.0.2.1&myipv6=2001:db8::1")).body).toBe("good 192.0.2.1,2001:db8::1");
    expect((await w.call("/nic/update?ipv6=2001:db8::2")).body).toBe("good 2001:db8::2");
    expect((await w.call("/nic/update?myip6=2001:db8::3")).body).toBe("good 2001:db8::3");
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.1"]);
    expect(w.backend.get(HOST, "AAAA")).toEqual(["2001:db8::3"]);
    expect((await w.call("/nic/update?myipv4=2001:db8::9")).body).toBe("dnserr");
  });

  test("inadyn's percent-encoded IPv6 and a Fritz!Box /len suffix", async () => {
    expect((await w.call("/nic/update?hostname=" + HOST + "&myip=2001%3adb8%3a%3a1")).body).toBe("good 2001:db8::1");
    expect((await w.call("/nic/update?myip=2001:db8:0:1::5/56")).body).toBe("good 2001:db8:0:1::5");
    expect(w.backend.get(HOST, "AAAA")).toEqual(["2001:db8:0:1::5"]);
  });

  test("credentials in the query (OpenWrt) work and never reach a log line", async () => {
    const r = await w.call(`/nic/update?username=${HOST}&password=${SECRET}&myip=192.0.2.1`, { auth: null });
    expect([r.status, r.body]).toEqual([200, "good 192.0.2.1"]);
    const wrong = await w.call(`/nic/update?username=${HOST}&password=hunter2hunter2&myip=192.0.2.1`, { auth: null });
    expect(wrong.status).toBe(401);
    expect(w.log.lines.length).toBeGreaterThan(0);
    for (const line of w.log.lines) {
      expect(line).not.toContain("hunter2hunter2");
      expect(line).not.toContain(`password=${SECRET}&`);
    }
  });
});

describe("addresses (updns.md §1.4, §1.5)", () => {
  test("an absent family is never touched", async () => {
    await w.call("/nic/update?myip=192.0.2.1,2001:db8::1");
    expect((await w.call("/nic/update?myip=192.0.2.2")).body).toBe("good 192.0.2.2");
    expect(w.backend.get(HOST, "AAAA")).toEqual(["2001:db8::1"]);
    expect((await w.call("/nic/update?myip=2001:db8::2")).body).toBe("good 2001:db8::2");
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.2"]);
  });

  test("addresses are compared as addresses; the answer echoes what the client sent", async () => {
    await w.call("/nic/update?myip=2001:db8::1");
    const r = await w.call("/nic/update?myip=2001:DB8:0::1");
    expect(r.body).toBe("nochg 2001:DB8:0::1");
    expect(w.backend.get(HOST, "AAAA")).toEqual(["2001:db8::1"]);
  });

  test("an IPv4-mapped connection address is IPv4; ::1 stays IPv6", async () => {
    expect((await w.call("/nic/update", { peer: "::ffff:192.0.2.33" })).body).toBe("good 192.0.2.33");
    expect((await w.call("/nic/update", { peer: "::1" })).body).toBe("good ::1");
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.33"]);
    expect(w.backend.get(HOST, "AAAA")).toEqual(["::1"]);
  });

  test("two addresses of one family: both good, the last one wins in DNS", async () => {
    expect((await w.call("/nic/update?myip=1.1.1.1,2.2.2.2")).body).toBe("good 1.1.1.1,2.2.2.2");
    expect(w.backend.get(HOST, "A")).toEqual(["2.2.2.2"]);
  });

  test("myip in the inet_aton forms (hex, one number, octal-looking, three parts) is dnserr and changes nothing", async () => {
    await w.call("/nic/update?myip=192.0.2.1");
    for (const ip of ["0xc6.0x33.0x64.7", "3232235777", "010.1.1.1", "1.2.3", "192.0.2.1.", "0300.0250.0.1"]) {
      const r = await w.call(`/nic/update?myip=${ip}`);
      expect([ip, r.status, r.body]).toEqual([ip, 200, "dnserr"]);
    }
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.1"]);
    expect(w.host().clientResultMsg).toContain('received bad ip address "0300.0250.0.1"');
  });

  test("a scoped IPv6 address is dnserr with a client fault", async () => {
    expect((await w.call("/nic/update?myip=fe80::1%25eth0")).body).toBe("dnserr");
    expect(w.host().clientFaults).toBe(1);
  });

  test("the TLS flag and the time are stored per family, before the DNS action", async () => {
    await w.call("/nic/update?myip=192.0.2.1", { tls: true });
    expect(w.host()).toMatchObject({ tlsUpdateIpv4: true, tlsUpdateIpv6: false });
    expect(w.host().lastUpdateIpv4?.getTime()).toBe(w.clock.t);
    expect(w.host().lastUpdateIpv6).toBeNull();
    w.backend.fail({ transient: true });
    w.clock.advance(1000);
    await w.call("/nic/update?myip=192.0.2.2");
    expect(w.host().lastUpdateIpv4?.getTime()).toBe(w.clock.t);
    expect(w.host().tlsUpdateIpv4).toBe(false);
  });
});

describe("prefix-only updates and related hosts (spec §1.3 d, §1.7)", () => {
  test("an all-zero interface id deletes the host's record but still updates related hosts", async () => {
    await w.call("/nic/update?myip=2001:db8:1:2::99");
    expect(w.backend.get(HOST, "AAAA")).toEqual(["2001:db8:1:2::99"]);
    const r = await w.call("/nic/update?myip=2001:db8:1:3::/64");
    expect([r.status, r.body]).toEqual([200, "good 2001:db8:1:3::"]);
    expect(w.backend.get(HOST, "AAAA")).toEqual([]);
    expect(w.backend.get(`rh.${HOST}`, "AAAA")).toEqual(["2001:db8:1:3::1"]);
    expect(w.host().clientFaults).toBe(0);
  });

  test("IPv4 with the default /32 is never prefix-only", async () => {
    expect((await w.call("/nic/update?myip=192.0.2.0", { auth: [HOST2, SECRET2] })).body).toBe("good 192.0.2.0");
    expect(w.backend.get(HOST2, "A")).toEqual(["192.0.2.0"]);
  });

  test("an empty interface id deletes the related record; unavailable related hosts are skipped", async () => {
    w.db.insert(relatedHosts).values([
      { name: "off", mainHostId: w.hostId, interfaceIdIpv4: "0.0.0.2", available: false },
      { name: "nov4", mainHostId: w.hostId, interfaceIdIpv4: "", interfaceIdIpv6: "::2" },
    ]).run();
    w.backend.set(`nov4.${HOST}`, "A", ["10.0.0.1"]);
    await w.call("/nic/update?myip=10.1.2.19");
    expect(w.backend.get(`rh.${HOST}`, "A")).toEqual(["10.1.2.17"]);
    expect(w.backend.get(`nov4.${HOST}`, "A")).toEqual([]);
    expect(w.backend.get(`off.${HOST}`, "A")).toEqual([]);
  });

  test("a related host's dns error is a server fault of the main host and leaves the answer good", async () => {
    w.backend.fail({ names: ["rh.test1"] });
    const r = await w.call("/nic/update?myip=192.0.2.10");
    expect([r.status, r.body]).toEqual([200, "good 192.0.2.10"]);
    expect(w.host().serverFaults).toBe(1);
    expect(w.host().serverResultMsg).toContain("related host rh.test1.tests.example.org");
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.10"]);
  });

  test("a related host's passing dns error is tried again: the related host follows, no server fault", async () => {
    w.backend.fail({ names: ["rh.test1"], times: 1 });
    const r = await w.call("/nic/update?myip=192.0.2.10");
    expect([r.status, r.body]).toEqual([200, "good 192.0.2.10"]);
    expect(w.backend.get(`rh.${HOST}`, "A")).toEqual(["192.0.2.9"]);
    expect(w.host().serverFaults).toBe(0);
    expect(w.backend.calls.filter((c) => c.startsWith("replace rh.test1 A"))).toHaveLength(2);
  });

  test("a related host's lasting dns error is tried three times, then logged", async () => {
    w.backend.fail({ names: ["rh.test1"] });
    await w.call("/nic/update?myip=192.0.2.10");
    expect(w.backend.calls.filter((c) => c.startsWith("replace rh.test1 A"))).toHaveLength(3);
    expect(w.log.lines.some((l) => l.includes("related host change failed") && l.includes("rh.test1.tests.example.org"))).toBe(true);
  });

  test("a related host's refused change is not tried again", async () => {
    w.backend.fail({ names: ["rh.test1"], transient: false });
    await w.call("/nic/update?myip=192.0.2.10");
    expect(w.backend.calls.filter((c) => c.startsWith("replace rh.test1 A"))).toHaveLength(1);
    expect(w.host().serverFaults).toBe(1);
  });

  test("related hosts are not updated on nochg", async () => {
    await w.call("/nic/update?myip=192.0.2.10");
    w.backend.set(`rh.${HOST}`, "A", ["203.0.113.1"]);
    await w.call("/nic/update?myip=192.0.2.10");
    expect(w.backend.get(`rh.${HOST}`, "A")).toEqual(["203.0.113.1"]);
  });
});

describe("TXT and TTL (updns.md §1.9, §1.10)", () => {
  test("txt= sets _acme-challenge.<host>, repeats are nochg without a fault, empty deletes; addresses untouched", async () => {
    await w.call("/nic/update?myip=192.0.2.1");
    expect((await w.call("/nic/update?txt=abc-DEF_123")).body).toBe("good");
    expect(w.backend.get(`_acme-challenge.${HOST}`, "TXT")).toEqual(["abc-DEF_123"]);
    expect(w.backend.ttl(`_acme-challenge.${HOST}`, "TXT")).toBe(60);
    expect((await w.call("/nic/update?txt=abc-DEF_123")).body).toBe("nochg");
    expect(w.host().clientFaults).toBe(0);
    expect((await w.call("/nic/update?txt=")).body).toBe("deleted TXT");
    expect(w.backend.get(`_acme-challenge.${HOST}`, "TXT")).toEqual([]);
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.1"]);
  });

  test("txt with an address does both", async () => {
    expect((await w.call("/nic/update?myip=192.0.2.4&txt=tok")).body).toBe("good 192.0.2.4");
    expect(w.backend.get(`_acme-challenge.${HOST}`, "TXT")).toEqual(["tok"]);
  });

  test("a txt value that is not printable ASCII or too long is dnserr with a client fault", async () => {
    expect((await w.call("/nic/update?txt=" + "x".repeat(256))).body).toBe("dnserr");
    expect((await w.call("/nic/update?txt=%00")).body).toBe("dnserr");
    expect(w.host().clientFaults).toBe(2);
    expect(w.backend.calls).toEqual([]);
  });

  test("the host's TTL is used, bounded by the zone's minimum and maximum", async () => {
    w.db.update(hosts).set({ ttl: 3600 }).where(eq(hosts.id, w.hostId)).run();
    w.db.update(domains).set({ ttlMax: 300, ttlMin: 30 }).where(eq(domains.name, ZONE)).run();
    await w.call("/nic/update?myip=192.0.2.1");
    expect(w.backend.ttl(HOST, "A")).toBe(300);
    expect(w.backend.ttl(`rh.${HOST}`, "A")).toBe(300);
    w.db.update(hosts).set({ ttl: 5 }).where(eq(hosts.id, w.hostId)).run();
    expect((await w.call("/nic/update?myip=192.0.2.1")).body).toBe("good 192.0.2.1");
    expect(w.backend.ttl(HOST, "A")).toBe(30);
  });
});

describe("faults and messages (spec §1.3, §1.10, updns.md §1.8)", () => {
  test("the first nochg after 20 days without an update is a keep-alive, not a fault", async () => {
    await w.call("/nic/update?myip=192.0.2.1");
    w.clock.advance(21 * 24 * 3600 * 1000);
    expect((await w.call("/nic/update?myip=192.0.2.1")).body).toBe("nochg 192.0.2.1");
    expect(w.host().clientFaults).toBe(0);
    expect(w.host().clientResultMsg).toContain("keep-alive");
    expect((await w.call("/nic/update?myip=192.0.2.1")).body).toBe("nochg 192.0.2.1");
    expect(w.host().clientFaults).toBe(1);
  });

  test("a transient nameserver failure is 503 + Retry-After and a server fault; the retry's nochg is not a fault", async () => {
    await w.call("/nic/update?myip=192.0.2.1");
    // The UPDATE reaches the nameserver but its answer is lost: the client must retry.
    w.backend.fail({ afterApply: true });
    const r = await w.call("/nic/update?myip=192.0.2.2");
    expect([r.status, r.body, r.headers.get("retry-after")]).toEqual([503, "dnserr", "60"]);
    expect(w.host()).toMatchObject({ serverFaults: 1, clientFaults: 0 });
    expect(w.host().serverResultMsg).toContain("dns error [timeout talking to the nameserver]");
    expect(w.host().lastServerFaultAt).not.toBeNull();
    w.backend.fail(null);
    expect((await w.call("/nic/update?myip=192.0.2.2")).body).toBe("nochg 192.0.2.2");
    expect(w.host().clientFaults).toBe(0);
    expect(w.host().lastServerFaultAt).toBeNull();
    // Only the first request after our fault is excused.
    expect((await w.call("/nic/update?myip=192.0.2.2")).body).toBe("nochg 192.0.2.2");
    expect(w.host().clientFaults).toBe(1);
  });

  test("a permanent nameserver error (e.g. REFUSED) is 503 dnserr + Retry-After as well: the client cannot fix it", async () => {
    w.backend.fail({ transient: false, message: "REFUSED" });
    const r = await w.call("/nic/update?myip=192.0.2.2");
    expect([r.status, r.body, r.headers.get("retry-after")]).toEqual([503, "dnserr", "60"]);
    expect(w.host().serverFaults).toBe(1);
    expect(w.host().clientFaults).toBe(0);
    expect(w.host().serverResultMsg).toContain("[REFUSED]");
    // The same answer the second time (with a back-off in force, a transient error): one fault, one answer.
    w.backend.fail({ transient: true, message: "back-off" });
    const again = await w.call("/nic/update?myip=192.0.2.2");
    expect([again.status, again.body, again.headers.get("retry-after")]).toEqual([503, "dnserr", "60"]);
  });

  test("a zone switched off is 503 dnserr + Retry-After, a server fault", async () => {
    w.db.update(domains).set({ available: false }).where(eq(domains.id, w.zoneId)).run();
    const r = await w.call("/nic/update?myip=192.0.2.2");
    expect([r.status, r.body, r.headers.get("retry-after")]).toEqual([503, "dnserr", "60"]);
    expect(w.host()).toMatchObject({ serverFaults: 1, clientFaults: 0 });
  });

  test("only the client's own bad input is 200 dnserr, without Retry-After", async () => {
    for (const q of ["myip=192.0.2.300", "txt=%07bell"]) {
      const r = await w.call(`/nic/update?${q}`);
      expect([q, r.status, r.body, r.headers.get("retry-after")]).toEqual([q, 200, "dnserr", null]);
    }
    expect(w.host()).toMatchObject({ serverFaults: 0, clientFaults: 2 });
  });

  test("messages are timestamped and cut to 255 characters", async () => {
    const long = "x".repeat(60) + "." + "y".repeat(60) + "." + "z".repeat(60) + ".example";
    await w.call(`/nic/update?hostname=${long}&myip=192.0.2.1`);
    const msg = w.host().clientResultMsg;
    expect(msg).toMatch(/^2026-11-26 12:00:00 test1\.tests\.example\.org - rejecting to update wrong host/);
    expect(msg.length).toBeLessThanOrEqual(255);
  });

  test("a host flagged abuse or unavailable is refused without a fault", async () => {
    w.db.update(hosts).set({ available: false }).where(eq(hosts.id, w.hostId)).run();
    expect((await w.call("/nic/update?myip=192.0.2.1")).body).toBe("nohost");
    w.db.update(hosts).set({ available: true, abuse: true }).where(eq(hosts.id, w.hostId)).run();
    expect((await w.call("/nic/update?myip=192.0.2.1")).body).toBe("abuse");
    expect(w.host().clientFaults).toBe(0);
    expect(w.backend.calls).toEqual([]);
  });

  test("forwarding happens only on good updates, not on nochg or deletes", async () => {
    await w.call("/nic/update?myip=192.0.2.1");
    w.db.delete(forwardQueue).run();
    await w.call("/nic/update?myip=192.0.2.1");
    await w.call("/nic/delete?myip=0.0.0.0");
    expect(w.db.select().from(forwardQueue).all()).toEqual([]);
  });
});

describe("authentication (spec §1.2, updns.md §1.2, §1.3, §1.8)", () => {
  test("BAD_HOSTS in hostname or user name: 403 abuse before anything is checked", async () => {
    const v = await makeWorld({ abuse: { bad_hosts: ["evil.example.org", HOST2] } });
    expect(await v.call("/nic/update?hostname=evil.example.org", { auth: null })).toMatchObject({ status: 403, body: "abuse" });
    expect(await v.call("/nic/update", { auth: [HOST2, "whatever"] })).toMatchObject({ status: 403, body: "abuse" });
    expect(v.host(v.host2Id).apiAuthFaults).toBe(0);
  });

  test("a disabled owner account is badauth", async () => {
    w.db.update(users).set({ isActive: false }).where(eq(users.id, w.userId)).run();
    const r = await w.call("/nic/update?myip=192.0.2.1");
    expect([r.status, r.body]).toEqual([401, "badauth"]);
    expect(w.backend.calls).toEqual([]);
  });

  test("repeated badauth from one address is 429 with Retry-After; other addresses still update", async () => {
    const v = await makeWorld({ abuse: { badauth_per_minute: 3 } });
    for (let i = 0; i < 3; i++) expect((await v.call("/nic/update", { auth: [HOST, "guess" + i], peer: "203.0.113.66" })).status).toBe(401);
    const limited = await v.call("/nic/update", { auth: [HOST, SECRET], peer: "203.0.113.66" });
    expect([limited.status, limited.body]).toEqual([429, "badauth"]);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(v.host().apiAuthFaults).toBe(3);
    expect((await v.call("/nic/update?myip=192.0.2.1", { peer: "198.51.100.1" })).body).toBe("good 192.0.2.1");
    v.clock.advance(61_000);
    expect((await v.call("/nic/update?myip=192.0.2.2", { peer: "203.0.113.66" })).body).toBe("good 192.0.2.2");
  });

  test("legacy sha1$salt$hex and weakargon2$ hashes verify and are re-hashed to argon2id", async () => {
    const legacy = `sha1$abc$${createHash("sha1").update("abc" + SECRET).digest("hex")}`;
    w.db.update(hosts).set({ updateSecret: legacy }).where(eq(hosts.id, w.hostId)).run();
    expect((await w.call("/nic/update?myip=192.0.2.1", { auth: [HOST, "nope"] })).status).toBe(401);
    expect(w.host().updateSecret).toBe(legacy);
    expect((await w.call("/nic/update?myip=192.0.2.1")).body).toBe("good 192.0.2.1");
    expect(w.host().updateSecret).toStartWith("$argon2id$v=19$m=1024,t=1,p=1$");
    const weak = "weakargon2" + (await Bun.password.hash(SECRET, { algorithm: "argon2id", memoryCost: 1024, timeCost: 1 }));
    w.db.update(hosts).set({ updateSecret: weak }).where(eq(hosts.id, w.hostId)).run();
    expect((await w.call("/nic/update?myip=192.0.2.2")).body).toBe("good 192.0.2.2");
    expect(w.host().updateSecret).toStartWith("$argon2id$");
  });

  test("garbage stored hashes never authenticate", async () => {
    for (const stored of ["", "sha1$", "argon2$", "$argon2id$garbage", "weakargon2$argon2id$v=19$m=1,t=1,p=1$$"]) {
      w.db.update(hosts).set({ updateSecret: stored }).where(eq(hosts.id, w.hostId)).run();
      expect((await w.call("/nic/update?myip=192.0.2.1")).status).toBe(401);
    }
  });
});

describe("several hosts and API tokens (updns.md §1.2, §1.3)", () => {
  test("hostname=a,b with a Basic API token (ddclient): one line per host, in order", async () => {
    const token = addToken(w);
    const other = w.db.insert(hosts).values({ name: "test3", domainId: w.zoneId, ownerId: w.userId }).returning().get();
    const r = await w.call(`/nic/update?hostname=test3.${ZONE},${HOST}&myip=192.0.2.9`, { auth: ["test", token] });
    expect([r.status, r.body]).toEqual([200, "good 192.0.2.9\ngood 192.0.2.9"]);
    expect(w.backend.get(`test3.${ZONE}`, "A")).toEqual(["192.0.2.9"]);
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.9"]);
    const again = await w.call(`/nic/update?hostname=test3.${ZONE},${HOST}&myip=192.0.2.9`, { auth: ["test", token] });
    expect(again.body).toBe("nochg 192.0.2.9\nnochg 192.0.2.9");
    expect(w.host(other.id).clientFaults).toBe(1);
  });

  test("a host the credentials do not cover gets its own nohost line; the others are updated", async () => {
    const r = await w.call(`/nic/update?hostname=${HOST},${HOST2},nodot&myip=192.0.2.9`);
    expect(r.body).toBe("good 192.0.2.9\nnohost\nnotfqdn");
    expect(w.backend.get(HOST2, "A")).toEqual([]);
    expect(w.host().clientFaults).toBe(2);
  });

  test("several hosts sharing one secret: each is checked with it", async () => {
    const other = w.db.insert(hosts).values({ name: "test4", domainId: w.zoneId, ownerId: w.userId, updateSecret: w.host().updateSecret }).returning().get();
    const r = await w.call(`/nic/update?hostname=${HOST},test4.${ZONE}&myip=192.0.2.10`);
    expect(r.body).toBe("good 192.0.2.10\ngood 192.0.2.10");
    expect(w.host(other.id).apiAuthResultMsg).toContain("api authentication success");
  });

  test("21 host names: numhost, nothing changes", async () => {
    const names = Array.from({ length: 21 }, (_, i) => `h${i}.${ZONE}`).join(",");
    expect(await w.call(`/nic/update?hostname=${names}&myip=192.0.2.1`)).toMatchObject({ status: 200, body: "numhost" });
    expect(w.backend.calls).toEqual([]);
  });

  test("Bearer token: scope by host, expiry, read-only, other owner's host", async () => {
    const scoped = addToken(w, { hosts: [HOST] });
    expect((await w.call(`/nic/update?hostname=${HOST}&myip=192.0.2.1`, { auth: `Bearer ${scoped}` })).body).toBe("good 192.0.2.1");
    const other = w.db.insert(hosts).values({ name: "test5", domainId: w.zoneId, ownerId: w.userId }).returning().get();
    expect((await w.call(`/nic/update?hostname=test5.${ZONE}&myip=192.0.2.1`, { auth: `Bearer ${scoped}` })).body).toBe("nohost");
    expect(w.host(other.id).clientFaults).toBe(0);
    expect((await w.call(`/nic/update?myip=192.0.2.1`, { auth: `Bearer ${scoped}` })).body).toBe("notfqdn");
    const all = addToken(w);
    expect((await w.call(`/nic/update?hostname=${HOST2}&myip=192.0.2.1`, { auth: `Bearer ${all}` })).body).toBe("nohost");
    const expired = addToken(w, {}, { expiresAt: new Date(w.clock.t - 1000) });
    expect((await w.call(`/nic/update?hostname=${HOST}&myip=192.0.2.2`, { auth: `Bearer ${expired}` })).status).toBe(401);
    const ro = addToken(w, { readOnly: true });
    expect((await w.call(`/nic/update?hostname=${HOST}&myip=192.0.2.2`, { auth: `Bearer ${ro}` })).status).toBe(401);
    expect((await w.call(`/nic/update?hostname=${HOST}&myip=192.0.2.2`, { auth: "Bearer updns_notarealtoken" })).status).toBe(401);
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.1"]);
    const row = w.db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashApiToken(scoped))).get()!;
    expect(row.lastUsedFrom).toBe("127.0.0.1");
  });

  test("a token limited to subnets is refused from elsewhere", async () => {
    const t = addToken(w, { subnets: ["10.0.0.0/8"] });
    expect((await w.call(`/nic/update?hostname=${HOST}&myip=192.0.2.1`, { auth: `Bearer ${t}`, peer: "192.0.2.50" })).status).toBe(401);
    expect((await w.call(`/nic/update?hostname=${HOST}&myip=192.0.2.1`, { auth: `Bearer ${t}`, peer: "10.1.1.1" })).body).toBe("good 192.0.2.1");
  });

  test("a 503 for one host excuses the retry's nochg on the others", async () => {
    const token = addToken(w);
    const other = w.db.insert(hosts).values({ name: "test6", domainId: w.zoneId, ownerId: w.userId }).returning().get();
    w.backend.fail({ names: ["test6"] });
    const r = await w.call(`/nic/update?hostname=${HOST},test6.${ZONE}&myip=192.0.2.1`, { auth: ["x", token] });
    expect([r.status, r.body]).toEqual([503, "good 192.0.2.1\ndnserr"]);
    w.backend.fail(null);
    const retry = await w.call(`/nic/update?hostname=${HOST},test6.${ZONE}&myip=192.0.2.1`, { auth: ["x", token] });
    expect([retry.status, retry.body]).toEqual([200, "nochg 192.0.2.1\ngood 192.0.2.1"]);
    expect(w.host().clientFaults).toBe(0);
    expect(w.host(other.id).serverFaults).toBe(1);
  });
});

describe("addresses per request (update.max_addresses)", () => {
  const v4 = (n: number, from = 101) => Array.from({ length: n }, (_, i) => `192.0.2.${from + i}`);
  const v6 = (n: number) => Array.from({ length: n }, (_, i) => `2001:db8::${(i + 1).toString(16)}`);

  test("17 IPv4 addresses (the default limit is 16) are 200 dnserr, a client fault, and change nothing", async () => {
    await w.call("/nic/update?myip=192.0.2.201");
    const r = await w.call(`/nic/update?myip=${v4(17).join(",")}`);
    expect([r.status, r.body, r.headers.get("retry-after")]).toEqual([200, "dnserr", null]);
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.201"]);
    expect(w.host().clientResultMsg).toContain("received more than 16 ipv4 addresses in one request (update.max_addresses)");
    expect(w.host().clientFaults).toBe(1);
  });

  test("the limit is per family, across myip, myipv4 and the other address parameters, duplicates counted", async () => {
    const ok = await w.call(`/nic/update?myip=${[...v4(16), ...v6(16)].join(",")}`);
    expect(ok.status).toBe(200);
    expect(ok.body.startsWith("good ")).toBe(true);
    expect((await w.call(`/nic/update?myip=${v6(16).join(",")}&myipv6=2001:db8::99`)).body).toBe("dnserr");
    expect((await w.call(`/nic/update?myip=${v4(9).join(",")}&myipv4=${v4(8, 50).join(",")}`)).body).toBe("dnserr");
    expect((await w.call(`/nic/update?myip=${Array(17).fill("192.0.2.7").join(",")}`)).body).toBe("dnserr");
    expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.116"]);
    expect(w.backend.get(HOST, "AAAA")).toEqual(["2001:db8::10"]);
  });
});

describe("client address behind a proxy (updns.md §1.6)", () => {
  test("a forwarded address that does not parse is a 400 naming the header, and the host keeps its address", async () => {
    const v = await makeWorld({ trusted_proxies: ["10.0.0.1"] });
    await v.call("/nic/update?myip=192.0.2.1");
    for (const [headers, message] of [
      [{ "x-forwarded-for": "garbage" }, "X-Forwarded-For: garbage is not an IP address"],
      [{ forwarded: 'for="_hidden"' }, 'Forwarded: for="_hidden" is not an IP address'],
      [{ forwarded: "for=unknown" }, "Forwarded: for=unknown is not an IP address"],
      [{ "x-forwarded-for": "3232235777" }, "X-Forwarded-For: 3232235777 is not an IP address"],
    ] as [Record<string, string>, string][]) {
      const r = await v.call("/nic/update", { peer: "10.0.0.1", headers });
      expect([r.status, r.body]).toEqual([400, `${message}\n`]);
    }
    expect(v.backend.get(HOST, "A")).toEqual(["192.0.2.1"]);
    // With a port, as RFC 7239 §6 allows and nginx's $remote_addr:$remote_port style writes it.
    expect((await v.call("/nic/update", { peer: "10.0.0.1", headers: { forwarded: 'for="198.51.100.7:4711"' } })).body).toBe("good 198.51.100.7");
    expect((await v.call("/nic/update", { peer: "10.0.0.1", headers: { "x-forwarded-for": "198.51.100.8:4711" } })).body).toBe("good 198.51.100.8");
  });

  test("X-Forwarded-For counts only from a trusted proxy", async () => {
    const v = await makeWorld({ trusted_proxies: ["10.0.0.1"] });
    const h = { "x-forwarded-for": "198.51.100.20", "x-forwarded-proto": "https" };
    expect((await v.call("/nic/update", { peer: "10.0.0.1", headers: h })).body).toBe("good 198.51.100.20");
    expect(v.host().tlsUpdateIpv4).toBe(true);
    expect((await v.call("/nic/update", { peer: "10.0.0.2", headers: h })).body).toBe("good 10.0.0.2");
  });
});
