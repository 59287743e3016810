// Account API tokens: scopes are validated and normalised, tokens are stored hashed and shown once, expired
// tokens and tokens used from outside their subnets are refused, use is recorded, revoked tokens stop.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { ValidationError } from "../../src/core/admin/names.ts";
import { checkApiToken, createToken, listTokens, parseExpiry, revokeToken, validateScopes } from "../../src/core/index.ts";
import { parseScopes, tokenCovers } from "../../src/core/authenticate.ts";
import { tokenAllowsType, tokenSees, tokenSeesZone } from "../../src/core/tokens.ts";
import { apiTokens, openDatabase, users } from "../../src/db/index.ts";

const NOW = new Date("2026-11-26T12:00:00Z");

function db() {
  const d = openDatabase(":memory:");
  const [u] = d.insert(users).values({ username: "alice", email: "a@example.org" }).returning().all();
  return { d, userId: u.id };
}

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof ValidationError ? e.field : `not a ValidationError: ${e}`;
  }
  return "no error";
};

describe("scopes", () => {
  test("are normalised: lower-case names, upper-case types, prefixes with their length, duplicates dropped", () => {
    expect(validateScopes({ hosts: ["Home.Dyn.Example.org.", "home.dyn.example.org"], zones: ["Dyn.Example.ORG"], types: ["a", "AAAA", "txt"], subnets: ["192.0.2.0/24", "2001:DB8::1"] })).toEqual({
      hosts: ["home.dyn.example.org"],
      zones: ["dyn.example.org"],
      types: ["A", "AAAA", "TXT"],
      subnets: ["192.0.2.0/24", "2001:db8::1/128"],
    });
  });

  test("bad items are refused naming the option", () => {
    expect(fieldOf(() => validateScopes({ hosts: ["nodot"] }))).toBe("hosts");
    expect(fieldOf(() => validateScopes({ zones: ["-bad-.org"] }))).toBe("zones");
    expect(fieldOf(() => validateScopes({ types: ["SOA"] }))).toBe("types");
    expect(fieldOf(() => validateScopes({ subnets: ["192.0.2.0/33"] }))).toBe("subnets");
    expect(fieldOf(() => validateScopes({ subnets: ["example.org"] }))).toBe("subnets");
    expect(fieldOf(() => validateScopes({ subnets: [""] }))).toBe("subnets");
    expect(fieldOf(() => validateScopes({ hosts: Array.from({ length: 101 }, (_, i) => `h${i}.example.org`) }))).toBe("hosts");
  });

  test("coverage: no host/zone list covers the account; a host list covers those hosts; a zone list their zones", () => {
    expect(tokenSees({}, "a.z.org", "z.org")).toBe(true);
    expect(tokenSees({ hosts: ["a.z.org"] }, "b.z.org", "z.org")).toBe(false);
    expect(tokenSees({ hosts: ["a.z.org"] }, "a.z.org", "z.org")).toBe(true);
    expect(tokenSees({ zones: ["z.org"] }, "b.z.org", "z.org")).toBe(true);
    expect(tokenSeesZone({ hosts: ["a.z.org"] }, "z.org")).toBe(false);
    expect(tokenSeesZone({ zones: ["z.org"] }, "z.org")).toBe(true);
    expect(tokenCovers({ readOnly: true }, "a.z.org", "z.org")).toBe(false);
    expect(tokenAllowsType({ types: ["A"] }, "aaaa")).toBe(false);
    expect(tokenAllowsType({}, "MX")).toBe(true);
  });

  test("unreadable stored scopes grant nothing, not even reading", () => {
    for (const garbage of ["{", "[]", "null", '"x"']) {
      const s = parseScopes(garbage);
      expect(s.readOnly).toBe(true);
      expect(tokenSees(s, "a.z.org", "z.org")).toBe(false);
    }
  });
});

describe("expiry", () => {
  test("a date means the end of that day (UTC); durations count from now", () => {
    expect(parseExpiry("2027-01-31", NOW).toISOString()).toBe("2027-01-31T23:59:59.999Z");
    expect(parseExpiry("2027-01-31T12:00:00Z", NOW).toISOString()).toBe("2027-01-31T12:00:00.000Z");
    expect(parseExpiry("90d", NOW).getTime()).toBe(NOW.getTime() + 90 * 86400_000);
    expect(parseExpiry("12h", NOW).getTime()).toBe(NOW.getTime() + 12 * 3600_000);
  });
  test("the past and gibberish are refused", () => {
    expect(fieldOf(() => parseExpiry("2020-01-01", NOW))).toBe("expires");
    expect(fieldOf(() => parseExpiry("tomorrow", NOW))).toBe("expires");
    expect(fieldOf(() => parseExpiry("2027-13-45", NOW))).toBe("expires");
  });
});

describe("tokens", () => {
  test("shown once, stored as a hash; the stored row never holds the token", () => {
    const { d, userId } = db();
    const c = createToken(d, userId, { name: "ci", hosts: ["home.dyn.example.org"] });
    expect(c.token).toMatch(/^updns_[A-Za-z0-9_-]{43}$/);
    const row = d.select().from(apiTokens).where(eq(apiTokens.id, c.id)).get()!;
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(c.token.slice(6));
    expect(listTokens(d, { userId })[0]).toMatchObject({ id: c.id, username: "alice", name: "ci", scopes: { hosts: ["home.dyn.example.org"] }, lastUsedAt: null });
  });

  test("a good token is accepted and its use (time, address) recorded", () => {
    const { d, userId } = db();
    const c = createToken(d, userId, {});
    const r = checkApiToken(d, c.token, "192.0.2.7", NOW);
    expect(r).toMatchObject({ ok: true, token: { tokenId: c.id, userId } });
    expect(listTokens(d, { id: c.id })[0]).toMatchObject({ lastUsedAt: NOW, lastUsedFrom: "192.0.2.7" });
  });

  test("unknown, expired, disabled-account and revoked tokens are refused; outside its subnets is its own reason", () => {
    const { d, userId } = db();
    expect(checkApiToken(d, "updns_" + "A".repeat(43), "192.0.2.7", NOW)).toEqual({ ok: false, reason: "unknown" });
    const exp = createToken(d, userId, { expiresAt: new Date(NOW.getTime() + 1000) });
    expect(checkApiToken(d, exp.token, "192.0.2.7", NOW).ok).toBe(true);
    expect(checkApiToken(d, exp.token, "192.0.2.7", new Date(NOW.getTime() + 1000))).toEqual({ ok: false, reason: "expired" });
    const net = createToken(d, userId, { subnets: ["192.0.2.0/24", "2001:db8::/32"] });
    expect(checkApiToken(d, net.token, "192.0.2.200", NOW).ok).toBe(true);
    expect(checkApiToken(d, net.token, "2001:db8:1::5", NOW).ok).toBe(true);
    expect(checkApiToken(d, net.token, "198.51.100.1", NOW)).toEqual({ ok: false, reason: "subnet" });
    expect(checkApiToken(d, net.token, "", NOW)).toEqual({ ok: false, reason: "subnet" });
    // A refusal is not a use.
    expect(listTokens(d, { id: net.id })[0].lastUsedFrom).toBe("2001:db8:1::5");
    const plain = createToken(d, userId, {});
    d.update(users).set({ isActive: false }).run();
    expect(checkApiToken(d, plain.token, "192.0.2.7", NOW)).toEqual({ ok: false, reason: "unknown" });
    d.update(users).set({ isActive: true }).run();
    revokeToken(d, plain.id);
    expect(checkApiToken(d, plain.token, "192.0.2.7", NOW)).toEqual({ ok: false, reason: "unknown" });
    expect(fieldOf(() => revokeToken(d, plain.id))).toBe("id");
  });

  test("revoking with a user id touches only that user's tokens", () => {
    const { d, userId } = db();
    const [other] = d.insert(users).values({ username: "bob", email: "b@example.org" }).returning().all();
    const c = createToken(d, userId, {});
    expect(fieldOf(() => revokeToken(d, c.id, other.id))).toBe("id");
    expect(checkApiToken(d, c.token, "192.0.2.7", NOW).ok).toBe(true);
  });
});
