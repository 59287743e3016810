// Hostile and broken input: every case gets its own dyndns2 answer, the zone and the host's data stay as they
// were (a bad address still counts as a client fault, updns.md §1.7), and the server keeps serving.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { listenHttp, type HttpListeners } from "../../../src/http/index.ts";
import { HOST, SECRET, ZONE, basic, makeWorld, type World } from "../../core/fixture.ts";

let w: World;
beforeAll(async () => {
  w = await makeWorld();
  expect((await w.call("/nic/update?myip=192.0.2.1,2001:db8::1")).body).toBe("good 192.0.2.1,2001:db8::1");
  w.backend.calls.length = 0;
});

/** Host columns that no bad request may change. */
const stable = (world: World) => {
  const h = world.host();
  return { secret: h.updateSecret, abuse: h.abuse, blocked: h.abuseBlocked, available: h.available, v4: h.lastUpdateIpv4, v6: h.lastUpdateIpv6 };
};

async function expectUntouched(fn: () => Promise<void>) {
  const before = stable(w);
  const calls = w.backend.calls.length;
  await fn();
  expect(stable(w)).toEqual(before);
  expect(w.backend.calls.slice(calls)).toEqual([]);
  expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.1"]);
  expect(w.backend.get(HOST, "AAAA")).toEqual(["2001:db8::1"]);
}

const b64 = (bytes: number[]) => Buffer.from(bytes).toString("base64");

describe("garbage Authorization headers → 401 badauth", () => {
  const cases: [string, string][] = [
    ["scheme only", "Basic"],
    ["empty payload", "Basic "],
    ["not base64", "Basic !!!!****"],
    ["base64 of a length that cannot be", "Basic QUJDRA=A="],
    ["no colon inside", "Basic " + Buffer.from("justtext").toString("base64")],
    ["unknown scheme", "Digest username=x"],
    ["Bearer without a token", "Bearer"],
    ["10 kB of base64", "Basic " + "QUFB".repeat(2560)],
    ["unknown host", basic("nohost.example.org", "x")],
  ];
  for (const [name, header] of cases) {
    test(name, async () => {
      await expectUntouched(async () => {
        const r = await w.call("/nic/update?myip=203.0.113.1", { auth: header, peer: "192.0.2.200" });
        expect([r.status, r.body]).toEqual([401, "badauth"]);
        expect(r.headers.get("www-authenticate")).toContain("Basic realm=");
      });
    });
  }

  test("binary bytes before the colon: a user name without a dot is notfqdn (200)", async () => {
    await expectUntouched(async () => {
      const r = await w.call("/nic/update?myip=203.0.113.1", { auth: "Basic " + b64([0, 1, 2, 255, 254, 58, 0]) });
      expect([r.status, r.body]).toEqual([200, "notfqdn"]);
    });
  });

  test("undecodable bytes in the credentials are dropped, as the baseline does", async () => {
    const bytes = [...Buffer.from(HOST.slice(0, 4)), 0xff, ...Buffer.from(HOST.slice(4) + ":" + SECRET)];
    const r = await w.call("/nic/update?myip=192.0.2.1", { auth: "Basic " + b64(bytes) });
    expect(r.body).toBe("nochg 192.0.2.1");
  });
});

describe("bad parameters → their dyndns2 code", () => {
  const cases: [string, string, number, string][] = [
    ["NUL in myip", "myip=192.0.2.1%00", 200, "dnserr"],
    ["non-UTF-8 in myip", "myip=%FF%FE", 200, "dnserr"],
    ["broken percent escape in myip", "myip=192.0.2.%ZZ", 200, "dnserr"],
    ["myip=,", "myip=,", 200, "dnserr"],
    ["10 kB myip", "myip=" + "1".repeat(10_000), 200, "dnserr"],
    ["leading zeros", "myip=192.0.2.01", 200, "dnserr"],
    ["NUL in hostname", `hostname=${HOST}%00`, 200, "nohost"],
    ["non-UTF-8 hostname", "hostname=%FF.example.org", 200, "nohost"],
    ["10 kB hostname", `hostname=${"a".repeat(10_000)}.${ZONE}`, 200, "nohost"],
    ["10 kB hostname without a dot", `hostname=${"a".repeat(10_000)}`, 200, "notfqdn"],
    ["21 hostnames", "hostname=" + Array.from({ length: 21 }, () => HOST).join(","), 200, "numhost"],
    ["10 kB query of unknown parameters", "junk=" + "x".repeat(10_000) + "&myip=bad", 200, "dnserr"],
    ["overlong txt", "txt=" + "t".repeat(1000), 200, "dnserr"],
  ];
  for (const [name, query, status, body] of cases) {
    test(name, async () => {
      await expectUntouched(async () => {
        const r = await w.call("/nic/update?" + query);
        expect([r.status, r.body]).toEqual([status, body]);
      });
    });
  }

  test("NUL and non-UTF-8 in the query user name: notfqdn or badauth, never a crash", async () => {
    await expectUntouched(async () => {
      expect((await w.call("/nic/update?username=%00&password=x", { auth: null })).body).toBe("notfqdn");
      expect((await w.call(`/nic/update?username=${HOST}%FF&password=${SECRET}`, { auth: null })).status).toBe(401);
    });
  });
});

describe("the server keeps serving", () => {
  test("our own failure (the database) is 911 with 503 and Retry-After, logged", async () => {
    const v = await makeWorld();
    v.db.$client.exec("DROP TABLE related_hosts");
    const r = await v.call("/nic/update?myip=192.0.2.5");
    expect([r.status, r.body, r.headers.get("retry-after")]).toEqual([503, "911", "300"]);
    expect(v.log.lines.some((l) => l.includes("dyndns2 request failed"))).toBe(true);
    expect((await v.call("/myip", { auth: null })).status).toBe(200);
  });

  let listeners: HttpListeners;
  afterAll(async () => listeners?.stop(false));

  test("after raw garbage on a real listener, a normal update still works", async () => {
    listeners = listenHttp((req) => w.app.handle(req), { listen: ["127.0.0.1:0"], maxBodyBytes: 65536 });
    const port = Number(listeners.addresses[0].split(":").pop());
    const garbage = [
      "GET /nic/update?myip=\u00ff\u0000 HTTP/1.1\r\nHost: x\r\n\r\n",
      "\x00\x01\x02\x03 nonsense\r\n\r\n",
      `GET /nic/update HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${"A".repeat(20_000)}\r\n\r\n`,
      `GET /nic/update?${"a=b&".repeat(3000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ];
    for (const g of garbage) {
      const reply = await new Promise<string>((resolve) => {
        let got = "";
        const done = setTimeout(() => resolve(got), 1500);
        Bun.connect({
          hostname: "127.0.0.1",
          port,
          socket: {
            open: (s) => void s.write(Buffer.from(g, "latin1")),
            data: (_s, d) => void (got += d.toString("latin1")),
            close: () => {
              clearTimeout(done);
              resolve(got);
            },
            error: () => resolve(got),
          },
        });
      });
      // Either an HTTP error status or a closed connection; never a 2xx for garbage, never a crash.
      expect(reply === "" || /^HTTP\/1\.1 [45]\d\d/.test(reply)).toBe(true);
    }
    const r = await fetch(`http://127.0.0.1:${port}/nic/update?myip=192.0.2.77`, { headers: { authorization: basic(HOST, SECRET) } });
    expect([r.status, await r.text()]).toEqual([200, "good 192.0.2.77"]);
  });
});
