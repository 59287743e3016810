// dyndns2 txt= keeps several `_acme-challenge.<host>` TXT values (acme_dns.max_txt, default 10), each for
// acme_dns.txt_lifetime (default an hour), so a name and its wildcard validate in one ACME run. The acme-dns
// sweep removes expired values. Driven through /nic/update, read back from the zone.
import { beforeEach, describe, expect, test } from "bun:test";
import { acmeSettingsFrom, sweepAcmeTxt } from "../../src/core/index.ts";
import { HOST, HOST2, SECRET2, makeWorld, type World } from "./fixture.ts";

const CHALLENGE = `_acme-challenge.${HOST}`;
const MINUTE = 60_000;

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});

const txt = async (value: string, auth?: [string, string]) => (await w.call(`/nic/update?txt=${encodeURIComponent(value)}`, auth ? { auth } : {})).body;
const published = () => w.backend.get(CHALLENGE, "TXT");
/** The sweep as the server runs it (acme_dns.zone is off in this world: the host values are swept anyway). */
const sweep = () => sweepAcmeTxt({ db: w.db, backendFor: () => w.backend, settings: acmeSettingsFrom(w.config.acme_dns), clock: w.clock });

describe("adding values", () => {
  test("a name's and its wildcard's values are both published, with the challenge TTL", async () => {
    expect(await txt("token-for-name")).toBe("good");
    expect(await txt("token-for-wildcard")).toBe("good");
    expect(published()).toEqual(["token-for-name", "token-for-wildcard"]);
    expect(w.backend.ttl(CHALLENGE, "TXT")).toBe(60);
    expect(w.host().clientFaults).toBe(0);
  });

  test("past acme_dns.max_txt the oldest value goes", async () => {
    expect(w.config.acme_dns.max_txt).toBe(10);
    for (let i = 1; i <= 11; i++) expect(await txt(`v${i}`)).toBe("good");
    expect(published()).toEqual(["v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11"]);
  });

  test("the same value sent again is nochg, without a fault, and lives another txt_lifetime", async () => {
    expect(await txt("a")).toBe("good");
    w.clock.advance(50 * MINUTE);
    expect(await txt("a")).toBe("nochg");
    expect(w.host().clientFaults).toBe(0);
    w.clock.advance(20 * MINUTE); // 70 minutes after the first send, 20 after the second
    expect(await sweep()).toBe(0);
    expect(published()).toEqual(["a"]);
  });

  test("a value sent again moves to the newest place: it is not the one max_txt pushes out", async () => {
    for (let i = 1; i <= 10; i++) await txt(`v${i}`);
    expect(await txt("v1")).toBe("nochg");
    expect(await txt("v11")).toBe("good");
    expect(published()).toEqual(["v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v1", "v11"]);
  });

  test("two requests at the same moment (parallel hooks) both end up in the RRset", async () => {
    expect(await Promise.all([txt("p1"), txt("p2"), txt("p3")])).toEqual(["good", "good", "good"]);
    expect([...published()].sort()).toEqual(["p1", "p2", "p3"]);
  });

  test("each host has its own values", async () => {
    await txt("mine");
    expect(await txt("theirs", [HOST2, SECRET2])).toBe("good");
    expect(published()).toEqual(["mine"]);
    expect(w.backend.get(`_acme-challenge.${HOST2}`, "TXT")).toEqual(["theirs"]);
  });
});

describe("expiry (acme_dns.txt_lifetime)", () => {
  test("the sweep removes each value an hour after it was sent, and the RRset with the last one", async () => {
    expect(w.config.acme_dns.txt_lifetime).toBe(3600);
    await txt("early");
    w.clock.advance(30 * MINUTE);
    await txt("late");
    w.clock.advance(30 * MINUTE - 1);
    expect(await sweep()).toBe(0);
    expect(published()).toEqual(["early", "late"]);
    w.clock.advance(1);
    expect(await sweep()).toBe(1);
    expect(published()).toEqual(["late"]);
    w.clock.advance(30 * MINUTE);
    expect(await sweep()).toBe(1);
    expect(w.backend.rrsets.has(`${CHALLENGE}/TXT`)).toBe(false);
  });

  test("an expired value the sweep has not reached yet is left out when another is added; sent again it is good", async () => {
    await txt("old");
    w.clock.advance(61 * MINUTE);
    expect(await txt("new")).toBe("good");
    expect(published()).toEqual(["new"]);
    expect(await txt("old")).toBe("good");
    expect(published()).toEqual(["new", "old"]);
  });

  test("a nameserver failure keeps the expired values for the next sweep", async () => {
    await txt("a");
    w.clock.advance(61 * MINUTE);
    w.backend.fail({});
    await expect(sweep()).rejects.toThrow("timeout talking to the nameserver");
    w.backend.fail(null);
    expect(published()).toEqual(["a"]);
    expect(await sweep()).toBe(1);
    expect(published()).toEqual([]);
  });
});

describe("deleting", () => {
  test("txt= empty deletes every value; the sweep then has nothing left to do", async () => {
    await txt("a");
    await txt("b");
    expect(await txt("")).toBe("deleted TXT");
    expect(w.backend.rrsets.has(`${CHALLENGE}/TXT`)).toBe(false);
    w.clock.advance(61 * MINUTE);
    expect(await sweep()).toBe(0);
    expect(await txt("a")).toBe("good");
    expect(published()).toEqual(["a"]);
  });

  test("a nameserver failure on delete is dnserr; the values stay (and expire) until a retry deletes them", async () => {
    await txt("a");
    w.backend.fail({});
    expect(await txt("")).toBe("dnserr");
    w.backend.fail(null);
    expect(published()).toEqual(["a"]);
    w.clock.advance(61 * MINUTE);
    expect(await sweep()).toBe(1);
    expect(published()).toEqual([]);
  });
});
