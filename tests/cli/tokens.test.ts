// `updns token add|list|revoke` in process: what the operator reads, the token shown once (never by list),
// scopes and expiry as given, and clear errors that name the option.
import { describe, expect, test } from "bun:test";
import { tokenCommand } from "../../src/cli/tokens.ts";
import type { Io } from "../../src/cli/args.ts";
import { checkApiToken } from "../../src/core/index.ts";
import { openDatabase, users } from "../../src/db/index.ts";

const NOW = new Date("2026-11-26T12:00:00Z");

function setup() {
  const db = openDatabase(":memory:");
  db.insert(users).values([{ username: "alice", email: "a@example.org" }, { username: "bob", email: "b@example.org" }]).run();
  const out: string[] = [];
  const io: Io = { out: (t) => void out.push(t), err: (t) => void out.push(`ERR ${t}`), stdin: async () => "" };
  const run = async (...argv: string[]) => {
    out.length = 0;
    await tokenCommand(argv, io, () => db, () => NOW);
    return out.join("\n");
  };
  return { db, run };
}

describe("updns token", () => {
  test("add prints the scope and the token once; the token works; list shows it without the token", async () => {
    const { db, run } = setup();
    const text = await run("add", "alice", "--name", "ci", "--hosts", "home.dyn.example.org,nas.dyn.example.org", "--types", "a,aaaa", "--expires", "2027-01-31", "--read-only");
    expect(text).toMatch(/^token 1 created for alice \(hosts=home\.dyn\.example\.org,nas\.dyn\.example\.org types=A,AAAA read-only, expires 2027-01-31T23:59:59\.999Z\)\ntoken: updns_\S{43}$/);
    const token = text.match(/token: (\S+)/)![1];
    expect(checkApiToken(db, token, "192.0.2.1", NOW)).toMatchObject({ ok: true, token: { scopes: { readOnly: true, types: ["A", "AAAA"] } } });
    const list = await run("list");
    expect(list).toContain("hosts=home.dyn.example.org,nas.dyn.example.org types=A,AAAA read-only");
    expect(list).toContain("192.0.2.1");
    expect(list).not.toContain(token);
    const json = JSON.parse(await run("list", "alice", "--json"));
    expect(json).toEqual([
      expect.objectContaining({ id: 1, user: "alice", name: "ci", zones: null, subnets: null, read_only: true, expires_at: "2027-01-31T23:59:59.999Z", last_used_from: "192.0.2.1" }),
    ]);
    expect(JSON.stringify(json)).not.toContain(token);
    expect(JSON.parse(await run("list", "bob", "--json"))).toEqual([]);
  });

  test("add --json carries the token; a relative expiry counts from now", async () => {
    const { run } = setup();
    const j = JSON.parse(await run("add", "bob", "--expires", "90d", "--subnets", "10.0.0.0/8", "--json"));
    expect(j.token).toMatch(/^updns_/);
    expect(j).toMatchObject({ user: "bob", subnets: ["10.0.0.0/8"], expires_at: new Date(NOW.getTime() + 90 * 86400_000).toISOString() });
  });

  test("revoke stops the token", async () => {
    const { db, run } = setup();
    const token = (await run("add", "alice")).match(/token: (\S+)/)![1];
    expect(await run("revoke", "1")).toBe("token 1 revoked");
    expect(checkApiToken(db, token, "192.0.2.1", NOW).ok).toBe(false);
  });

  test("errors name what is wrong", async () => {
    const { run } = setup();
    const err = async (...argv: string[]) => {
      try {
        await run(...argv);
      } catch (e) {
        return (e as Error).message;
      }
      return "no error";
    };
    expect(await err("add", "nobody")).toBe('no user named "nobody"');
    expect(await err("add", "alice", "--expires", "yesterday")).toContain('expires: "yesterday" is not a date');
    expect(await err("add", "alice", "--expires", "2020-01-01")).toContain("is not in the future");
    expect(await err("add", "alice", "--subnets", "10.0.0.0/99")).toContain('subnets: "10.0.0.0/99" is not an address or a prefix');
    expect(await err("add", "alice", "--hosts", "nodot")).toContain('hosts: "nodot" is not a host name inside a zone');
    expect(await err("add")).toContain("token add takes one USER");
    expect(await err("add", "alice", "--colour", "red")).toContain("Unknown option '--colour'");
    expect(await err("revoke", "abc")).toContain("token revoke takes one numeric ID");
    expect(await err("revoke", "42")).toBe("no API token with id 42");
    expect(await err("frobnicate")).toContain('unknown token command "frobnicate"');
  });
});
