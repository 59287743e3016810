// The CLI acts on the service's data: the config from --config anywhere on the line, else UPDNS_CONFIG, else
// the default file when it exists; a command that only reads never creates a database.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "../support/updns.ts";
import { tempDir } from "../support/net.ts";
import { run } from "../../src/main.ts";

const json = (r: { stdout: string }) => JSON.parse(r.stdout);

/** A folder with a config whose data_dir is inside it, and the service's database made by `tsig add`. */
async function service(): Promise<{ dir: string; config: string; dataDir: string }> {
  const dir = tempDir().path;
  const dataDir = join(dir, "state");
  const config = join(dir, "config.toml");
  writeFileSync(config, `[server]\ndata_dir = ${JSON.stringify(dataDir)}\n`);
  const add = await cli(["tsig", "add", "xfer", "--config", config], { cwd: dir, env: { UPDNS_CONFIG: "" } });
  expect(add.code).toBe(0);
  return { dir, config, dataDir };
}

/** An Io that keeps what a run printed. */
function capture(stdinIsTty = false) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), stdin: async () => "", stdinIsTty: () => stdinIsTty } };
}

describe("which config the CLI reads", () => {
  test("--config FILE works before the command, after it and as --config=FILE", async () => {
    const s = await service();
    const elsewhere = tempDir().path;
    const opts = { cwd: elsewhere, env: { UPDNS_CONFIG: "" } };
    for (const argv of [
      ["tsig", "list", "--json", "--config", s.config],
      ["--config", s.config, "tsig", "list", "--json"],
      [`--config=${s.config}`, "tsig", "list", "--json"],
      ["tsig", `--config=${s.config}`, "list", "--json"],
    ]) {
      const r = await cli(argv, opts);
      expect({ argv, code: r.code, stderr: r.stderr }).toEqual({ argv, code: 0, stderr: "" });
      expect(json(r)).toEqual([{ name: "xfer", algorithm: "hmac-sha256" }]);
    }
    expect(existsSync(join(elsewhere, "data"))).toBe(false);
  });

  test("without --config, UPDNS_CONFIG names the file; --config wins over it", async () => {
    const s = await service();
    const other = await service();
    await cli(["tsig", "add", "other-key", "--config", other.config], { cwd: other.dir, env: { UPDNS_CONFIG: "" } });
    const cwd = tempDir().path;
    expect(json(await cli(["tsig", "list", "--json"], { cwd, env: { UPDNS_CONFIG: s.config } })).map((k: { name: string }) => k.name)).toEqual(["xfer"]);
    expect(json(await cli(["tsig", "list", "--json", "--config", other.config], { cwd, env: { UPDNS_CONFIG: s.config } })).map((k: { name: string }) => k.name)).toEqual(["other-key", "xfer"]);
  });

  test("with neither, the default config file is read when it exists (the packaged service's)", async () => {
    const s = await service();
    const saved = process.env.UPDNS_CONFIG;
    delete process.env.UPDNS_CONFIG;
    try {
      const c = capture();
      expect(await run(["tsig", "list", "--json"], c.io, { defaultConfig: s.config })).toBe(0);
      expect(JSON.parse(c.out.join(""))).toEqual([{ name: "xfer", algorithm: "hmac-sha256" }]);
    } finally {
      if (saved !== undefined) process.env.UPDNS_CONFIG = saved;
    }
  });

  test("updns check says which config file it read", async () => {
    const s = await service();
    const withFile = await cli(["check", "--config", s.config], { cwd: s.dir });
    expect(withFile.stdout.split("\n")[0]).toBe(`# config file ${s.config} (and UPDNS_* variables)`);
    expect(withFile.stdout).toContain(`data_dir = ${JSON.stringify(s.dataDir)}`);
    const none = await cli(["check"], { cwd: s.dir, env: { UPDNS_CONFIG: "" } });
    expect(none.stdout.split("\n")[0]).toBe("# no config file: built-in defaults (and UPDNS_* variables)");
  });

  test("--config without a file, or given twice, is a usage error", async () => {
    const cwd = tempDir().path;
    const missing = await cli(["user", "list", "--config"], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe("updns: --config needs a FILE");
    const twice = await cli(["--config", "a.toml", "user", "list", "--config", "b.toml"], { cwd });
    expect(twice.code).toBe(2);
    expect(twice.stderr.trim()).toBe("updns: --config is given twice");
    const unreadable = await cli(["--config", join(cwd, "nope.toml"), "user", "list"], { cwd });
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toContain(`cannot read config file ${join(cwd, "nope.toml")}: ENOENT`);
  });
});

describe("a missing database", () => {
  const reads = [
    ["user", "list"],
    ["tsig", "list"],
    ["tsig", "grants"],
    ["domain", "list"],
    ["host", "list"],
    ["token", "list"],
    ["record", "list", "dyn.example.test"],
    ["zone", "export", "dyn.example.test"],
    ["jobs", "list"],
    ["faults", "--show-client"],
    ["users"],
    ["backup", "copy.sqlite3"],
    ["import", "nsupdate", "--from", "old.sqlite3", "--dry-run"],
  ];
  for (const argv of reads) {
    test(`updns ${argv.join(" ")} says "no database at" with exit 1 and creates nothing`, async () => {
      const cwd = tempDir().path;
      const r = await cli(argv, { cwd, env: { UPDNS_CONFIG: "" } });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim()).toBe(
        `updns: no database at ${join(cwd, "data/updns.sqlite3")} (server.data_dir = "./data", no config file): give the service's config with --config FILE, or create the database with "updns migrate"`,
      );
      expect(readdirSync(cwd)).toEqual([]);
    });
  }

  test("the message names the config file and the data_dir it sets", async () => {
    const dir = tempDir().path;
    const config = join(dir, "config.toml");
    writeFileSync(config, `[server]\ndata_dir = "/nonexistent/updns-state"\n`);
    const r = await cli(["user", "list", "--config", config], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no database at /nonexistent/updns-state/updns.sqlite3 (server.data_dir = "/nonexistent/updns-state", config ${config})`);
    expect(existsSync("/nonexistent/updns-state")).toBe(false);
  });

  test("user add, tsig add and domain add create it and say where", async () => {
    for (const argv of [
      ["user", "add", "ops", "--email", "ops@example.test"],
      ["tsig", "add", "xfer"],
      ["domain", "add", "dyn.example.test", "--embedded", "--ns", "ns1.example.test"],
    ]) {
      const cwd = tempDir().path;
      const r = await cli(argv, { cwd, env: { UPDNS_CONFIG: "" } });
      expect({ argv, code: r.code }).toEqual({ argv, code: 0 });
      expect(r.stderr.trim()).toBe(`updns: created a new database at ${join(cwd, "data/updns.sqlite3")} (server.data_dir = "./data", no config file)`);
      expect(existsSync(join(cwd, "data/updns.sqlite3"))).toBe(true);
    }
  });

  test("commands that change what must already exist (host add, user set, faults --reset-client) need the database too", async () => {
    for (const argv of [
      ["host", "add", "h.dyn.example.test", "--owner", "ops"],
      ["user", "set", "ops", "--staff"],
      ["faults", "--reset-client"],
    ]) {
      const cwd = tempDir().path;
      const r = await cli(argv, { cwd, env: { UPDNS_CONFIG: "" } });
      expect({ argv, code: r.code }).toEqual({ argv, code: 1 });
      expect(r.stderr).toContain("no database at");
      expect(readdirSync(cwd)).toEqual([]);
    }
  });
});
