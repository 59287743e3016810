// Address helpers for people and browsers: /myip, /nic/checkip.html, /detectip/<token> with /ajax_get_ips/
// (spec §2.1–§2.3), and the browser updater page /update with its script (spec §2.5).
import { describe, expect, test } from "bun:test";
import { DetectIpTokens, memorySessionIps } from "../../../src/http/api/index.ts";
import { HOST, basic, makeWorld } from "../../core/fixture.ts";

describe("checkip", () => {
  test("/nic/checkip.html is the classic page", async () => {
    const w = await makeWorld();
    const r = await w.call("/nic/checkip.html", { auth: null, peer: "198.51.100.4" });
    expect(r.status).toBe(200);
    expect(r.body).toContain("Current IP Address: 198.51.100.4");
    expect(r.headers.get("content-type")).toStartWith("text/html");
  });
});

describe("detectip tokens", () => {
  test("a token lets the page learn the caller's address of each family; unknown tokens are 204 and change nothing", async () => {
    const tokens = new DetectIpTokens();
    const sessions = memorySessionIps();
    const w = await makeWorld({ extra: { detectTokens: tokens, sessionIps: sessions } });
    const token = tokens.create("sess1", w.clock.t);
    expect((await w.call(`/detectip/${token}/`, { auth: null, peer: "1.2.3.4" })).status).toBe(204);
    expect((await w.call(`/detectip/${token}`, { auth: null, peer: "2001:db8::7" })).status).toBe(204);
    expect((await w.call(`/detectip/deadbeef`, { auth: null, peer: "9.9.9.9" })).status).toBe(204);
    const r = await w.call("/ajax_get_ips/", { auth: null, headers: { cookie: "updns_ips=sess1" } });
    expect(JSON.parse(r.body)).toEqual({ ipv4: "1.2.3.4", ipv4_rdns: "", ipv6: "2001:db8::7", ipv6_rdns: "" });
    // Addresses go stale after 180 s.
    w.clock.advance(181_000);
    const later = await w.call("/ajax_get_ips/", { auth: null, headers: { cookie: "updns_ips=sess1" } });
    expect(JSON.parse(later.body).ipv4).toBe("");
  });

  test("tokens expire after 60 s", () => {
    const tokens = new DetectIpTokens();
    const t = tokens.create("s", 1000);
    expect(tokens.sessionOf(t, 1000 + 59_000)).toBe("s");
    expect(tokens.sessionOf(t, 1000 + 61_000)).toBeNull();
  });
});

describe("browser updater /update", () => {
  test("without Basic credentials: 401 badauth with the challenge", async () => {
    const w = await makeWorld();
    const r = await w.call("/update", { auth: null, headers: { accept: "text/html" } });
    expect([r.status, r.body]).toEqual([401, "badauth"]);
    expect(r.headers.get("www-authenticate")).toBe('Basic realm="authenticate to update DNS"');
  });

  test("with credentials a browser gets the page, its config escaped, and the script from the binary", async () => {
    const w = await makeWorld();
    const r = await w.call("/update", { auth: basic(HOST, "se</script>cret"), headers: { accept: "text/html,application/xhtml+xml" } });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toStartWith("text/html");
    expect(r.body).toContain(`Browser updater for ${HOST}`);
    expect(r.body).not.toContain("se</script>cret");
    expect(r.body).toContain('"secret":"se\\u003c/script\\u003ecret"');
    expect(r.body).toContain('<script src="/updater.js">');
    // Nothing was updated by showing the page.
    expect(w.backend.calls).toEqual([]);
    const js = await w.call("/updater.js", { auth: null });
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toStartWith("text/javascript");
    expect(js.body).toContain("/nic/update");
    expect(js.body).toContain("300000");
  });

  test("an update client on /update (no HTML wanted) gets the API", async () => {
    const w = await makeWorld();
    expect((await w.call("/update", { peer: "192.0.2.3" })).body).toBe("good 192.0.2.3");
    expect((await w.call("/update?myip=192.0.2.4", { headers: { accept: "text/html" } })).body).toBe("good 192.0.2.4");
    expect((await w.call("/update", { auth: [HOST, "bad"] })).status).toBe(401);
    expect(w.host().apiAuthFaults).toBe(1);
  });
});
