// Rate limits of /api/v1: requests per token per minute (429 + Retry-After, other tokens unaffected, free again
// after the window), and failed authentications per client address (the guessing brake).
import { describe, expect, test } from "bun:test";
import { makeApiWorld } from "./world.ts";

describe("per token", () => {
  test("past the limit: 429 with Retry-After; another token goes on; a minute later it works again", async () => {
    const w = await makeApiWorld({ requestsPerMinute: 5 });
    const a = w.token(w.alice);
    const b = w.token(w.alice);
    for (let i = 0; i < 5; i++) {
      expect((await w.call("GET", "/api/v1/hosts", { token: a })).status).toBe(200);
      w.clock.advance(1000);
    }
    const over = await w.call("GET", "/api/v1/hosts", { token: a });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe("rate_limited");
    // The oldest of the five was 5 s ago: it leaves the window in 55 s.
    expect(over.headers.get("retry-after")).toBe("55");
    // Refused requests do not count, and do not touch anything.
    expect((await w.call("PUT", "/api/v1/hosts/home.dyn.example.org/addresses", { token: a, body: { ipv4: "192.0.2.1" } })).status).toBe(429);
    expect(w.dns("home.dyn.example.org", "A")).toEqual([]);
    expect((await w.call("GET", "/api/v1/hosts", { token: b })).status).toBe(200);
    w.clock.advance(55_000);
    expect((await w.call("GET", "/api/v1/hosts", { token: a })).status).toBe(200);
  });
});

describe("per client address", () => {
  test("failed authentications from one address get 429 before the token is even looked at; others are not affected", async () => {
    const w = await makeApiWorld({ badauthPerMinute: 3 });
    const good = w.token(w.alice);
    for (let i = 0; i < 3; i++) expect((await w.call("GET", "/api/v1/hosts", { token: `updns_${"x".repeat(43)}`, peer: "192.0.2.66" })).status).toBe(401);
    const blocked = await w.call("GET", "/api/v1/hosts", { token: good, peer: "192.0.2.66" });
    expect([blocked.status, blocked.body.error.code]).toEqual([429, "rate_limited"]);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await w.call("GET", "/api/v1/hosts", { token: good, peer: "192.0.2.67" })).status).toBe(200);
    w.clock.advance(60_000);
    expect((await w.call("GET", "/api/v1/hosts", { token: good, peer: "192.0.2.66" })).status).toBe(200);
  });
});
