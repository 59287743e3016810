// Secrets from standard input (--secret-stdin), so they never show in `ps` or shell history; --secret stays.
import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "../support/updns.ts";
import { tempDir } from "../support/net.ts";
import { run } from "../../src/main.ts";
import { loadOrCreateMasterKey, openColumn, type SecretColumn } from "../../src/db/index.ts";

const SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";
const json = (r: { stdout: string }) => JSON.parse(r.stdout);

/** The clear text of a sealed secret column, opened with the data dir's master key as the server does. */
function opened(dir: string, stored: string, column: SecretColumn): string {
  return openColumn({ $masterKey: () => loadOrCreateMasterKey(join(dir, "data/dnssec.key")) }, stored, column);
}

function stored(dir: string, sql: string): unknown[] {
  const db = new Database(join(dir, "data/updns.sqlite3"), { readonly: true });
  try {
    return db.query(sql).all();
  } finally {
    db.close();
  }
}

describe("--secret-stdin", () => {
  test("tsig add NAME --secret-stdin keeps the piped secret, which is nowhere in argv", async () => {
    const d = tempDir();
    const argv = ["tsig", "add", "upd", "--secret-stdin", "--json"];
    const r = await cli(argv, { cwd: d.path, stdin: `${SECRET}\n` });
    expect(r.code).toBe(0);
    expect(argv.join(" ")).not.toContain(SECRET);
    expect(json(r)).toEqual({ name: "upd", algorithm: "hmac-sha256", secret: SECRET });
    const [row] = stored(d.path, "SELECT name, secret FROM tsig_keys") as { name: string; secret: string }[];
    expect(row.name).toBe("upd");
    expect(row.secret).not.toContain(SECRET); // sealed at rest
    expect(opened(d.path, row.secret, "tsig_keys.secret")).toBe(SECRET);
  });

  test("domain add --rfc2136 --secret-stdin keeps the piped secret as the zone's update key", async () => {
    const d = tempDir();
    const r = await cli(["domain", "add", "home.example.org", "--rfc2136", "--primary", "192.0.2.53", "--key-name", "home.example.org", "--algorithm", "hmac-sha512", "--secret-stdin", "--json"], { cwd: d.path, stdin: `${SECRET}\r\n` });
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({ name: "home.example.org", backend: "rfc2136" });
    const [row] = stored(d.path, "SELECT update_key_secret FROM domains") as { update_key_secret: string }[];
    expect(row.update_key_secret).not.toContain(SECRET); // sealed at rest
    expect(opened(d.path, row.update_key_secret, "domains.update_key_secret")).toBe(SECRET);
  });

  test("an empty standard input is a clear error and nothing is created", async () => {
    const d = tempDir();
    await cli(["tsig", "add", "first"], { cwd: d.path });
    for (const argv of [
      ["tsig", "add", "upd", "--secret-stdin"],
      ["domain", "add", "home.example.org", "--rfc2136", "--primary", "192.0.2.53", "--algorithm", "hmac-sha256", "--secret-stdin"],
    ]) {
      const r = await cli(argv, { cwd: d.path, stdin: "" });
      expect({ argv, code: r.code, stderr: r.stderr.trim() }).toEqual({ argv, code: 2, stderr: "updns: --secret-stdin: standard input is empty; pipe the secret in" });
    }
    expect(json(await cli(["tsig", "list", "--json"], { cwd: d.path })).map((k: { name: string }) => k.name)).toEqual(["first"]);
    expect(json(await cli(["domain", "list", "--json"], { cwd: d.path }))).toEqual([]);
  });

  test("host add --secret-stdin and user add --password-stdin refuse an empty input the same way", async () => {
    const d = tempDir();
    expect((await cli(["user", "add", "ops", "--email", "ops@example.test"], { cwd: d.path })).code).toBe(0);
    const host = await cli(["host", "add", "h.example.test", "--owner", "ops", "--secret-stdin"], { cwd: d.path, stdin: "\n" });
    expect({ code: host.code, stderr: host.stderr.trim() }).toEqual({ code: 2, stderr: "updns: --secret-stdin: standard input is empty; pipe the secret in" });
    const user = await cli(["user", "add", "eve", "--email", "eve@example.test", "--password-stdin"], { cwd: d.path, stdin: "" });
    expect({ code: user.code, stderr: user.stderr.trim() }).toEqual({ code: 2, stderr: "updns: --password-stdin: standard input is empty; pipe the secret in" });
    expect(json(await cli(["user", "list", "--json"], { cwd: d.path })).map((u: { username: string }) => u.username)).toEqual(["ops"]);
  });

  test("a terminal on standard input is a clear error (nothing was piped in)", async () => {
    const d = tempDir();
    const config = join(d.path, "config.toml");
    writeFileSync(config, `[server]\ndata_dir = ${JSON.stringify(join(d.path, "data"))}\n`);
    const err: string[] = [];
    const io = { out: () => {}, err: (t: string) => void err.push(t), stdin: async () => "never read", stdinIsTty: () => true };
    expect(await run(["tsig", "add", "upd", "--secret-stdin", "--config", config], io)).toBe(2);
    expect(err).toEqual([`updns: --secret-stdin reads the secret from standard input, which is a terminal here: pipe it in, e.g. printf '%s\\n' "$SECRET" | updns ...`]);
    expect(existsSync(join(d.path, "data"))).toBe(false);
  });

  test("a piped secret that is not base64 is refused as --secret is, naming the option", async () => {
    const d = tempDir();
    const r = await cli(["domain", "add", "home.example.org", "--rfc2136", "--primary", "192.0.2.53", "--algorithm", "hmac-sha256", "--secret-stdin"], { cwd: d.path, stdin: "not base64!\n" });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("--secret");
    const t = await cli(["tsig", "add", "upd", "--secret-stdin"], { cwd: d.path, stdin: "not base64!\n" });
    expect(t.code).not.toBe(0);
    expect(t.stderr).toContain("base64");
  });

  test("--secret and --secret-stdin together are refused; --secret alone still works", async () => {
    const d = tempDir();
    const both = await cli(["tsig", "add", "upd", "--secret", SECRET, "--secret-stdin"], { cwd: d.path, stdin: `${SECRET}\n` });
    expect(both.code).toBe(2);
    expect(both.stderr.trim()).toBe("updns: give the secret once: --secret-stdin or --secret, not both");
    const given = await cli(["tsig", "add", "upd", "--secret", SECRET, "--json"], { cwd: d.path });
    expect(json(given)).toEqual({ name: "upd", algorithm: "hmac-sha256", secret: SECRET });
  });

  test("--help says --secret shows in ps and history and offers --secret-stdin", async () => {
    const d = tempDir();
    for (const argv of [
      ["tsig", "--help"],
      ["domain", "--help"],
    ]) {
      const r = await cli(argv, { cwd: d.path });
      expect(r.stdout).toContain("--secret-stdin");
      expect(r.stdout).toMatch(/`ps` and (in )?shell history/);
    }
  });
});
