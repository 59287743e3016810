// `updns backup` and `updns restore` with the built binary: one 0600 file carries the database and the
// DNSSEC master key, a fresh data dir restored from it serves the same signed zone (same DNSKEYs, RRSIGs
// that BIND, ldns and Knot accept, new signatures after an update), the update secret and the password
// still work, and restore refuses what it must.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, requireBinary, startBinary } from "../support/updns.ts";
import { tempDir, which } from "../support/net.ts";
import { dig, rdata } from "../support/dig.ts";
import { verifyZoneFile } from "../support/dnssec.ts";
import { WebClient } from "../support/web-client.ts";

const ZONE = "signed.example.test";
const HOST = `home.${ZONE}`;
const PASSWORD = "a long enough password";
const mode = (path: string) => statSync(path).mode & 0o777;

/** The binary under `sh -c "umask 000; ..."`: the modes asserted below must not come from a kind umask. */
async function underOpenUmask(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(["sh", "-c", 'umask 000; exec "$0" "$@"', requireBinary(), ...args], { cwd, env: { PATH: process.env.PATH ?? "" }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, stdout, stderr };
}

async function update(url: string, secret: string, ip: string): Promise<string> {
  const res = await fetch(`${url}/nic/update?hostname=${HOST}&myip=${ip}`, { headers: { authorization: "Basic " + btoa(`${HOST}:${secret}`) } });
  return await res.text();
}

async function dnskeys(port: number): Promise<string[]> {
  return rdata(await dig("127.0.0.1", port, ZONE, "DNSKEY", ["+dnssec"]), "DNSKEY").sort();
}

async function verifyServedZone(port: number, dir: string): Promise<string[]> {
  const file = join(dir, `${ZONE}.zone`);
  const p = Bun.spawn([which("dig")!, "@127.0.0.1", "-p", String(port), "-y", `hmac-sha256:xfer:${xfer}`, ZONE, "AXFR", "+onesoa", "+nocomments", "+nostats", "+time=3", "+tries=1"], { stdout: "pipe" });
  const text = await new Response(p.stdout).text();
  await p.exited;
  writeFileSync(file, text.split("\n").filter((l) => l.trim() && !l.startsWith(";") && !/\sANY\s+TSIG\s/.test(l)).join("\n") + "\n");
  return verifyZoneFile(file, ZONE);
}

const old = tempDir("updns-backup-old-");
const fresh = tempDir("updns-backup-new-");
let secret = "";
let xfer = "";
let keysBefore: string[] = [];
const backupFile = join(old.path, "updns.backup");

beforeAll(async () => {
  const run = (...args: string[]) => cli(args, { cwd: old.path, stdin: `${PASSWORD}\n` });
  expect((await run("user", "add", "ops", "--email", "ops@example.test", "--staff", "--password-stdin")).code).toBe(0);
  // A transfer key lets the test AXFR the zone for the validators, as a secondary would.
  xfer = JSON.parse((await run("tsig", "add", "xfer", "--json")).stdout).secret;
  expect((await run("domain", "add", ZONE, "--embedded", "--owner", "ops", "--ns", "ns1.example.net", "--transfer-key", "xfer")).code).toBe(0);
  expect((await run("domain", "dnssec", ZONE, "on")).code).toBe(0);
  secret = JSON.parse((await run("host", "add", HOST, "--owner", "ops", "--json")).stdout).update_secret;
  const s = await startBinary({}, old.path);
  try {
    expect(await update(s.url, secret, "192.0.2.1")).toBe("good 192.0.2.1");
    keysBefore = await dnskeys(s.dnsPort);
    expect(keysBefore.length).toBeGreaterThan(0);
    // Made while the server runs: the copy is one consistent snapshot.
    const b = await underOpenUmask(["backup", backupFile], old.path);
    expect(b.stderr).toBe("");
    expect(b.stdout).toBe(`backup written to ${backupFile} (database, dnssec.key)\n`);
  } finally {
    await s.stop();
  }
}, 60000);

afterAll(() => {
  old.cleanup();
  fresh.cleanup();
});

describe("updns backup", () => {
  test("writes one file, mode 0600 under umask 000, that is an SQLite database holding the master key beside the data", () => {
    expect(mode(backupFile)).toBe(0o600);
    expect(readdirSync(old.path).filter((f) => f.startsWith("updns.backup"))).toEqual(["updns.backup"]);
    const db = new Database(backupFile, { readonly: true });
    try {
      expect(db.query("SELECT value FROM updns_backup WHERE key = 'format'").get()).toEqual({ value: "updns-backup" });
      expect(db.query("SELECT value FROM updns_backup WHERE key = 'master_key'").get()).toEqual({ value: "file" });
      const key = db.query("SELECT name, content FROM updns_backup_files").all() as { name: string; content: Uint8Array }[];
      expect(key.map((k) => k.name)).toEqual(["dnssec.key"]);
      expect(Buffer.from(key[0].content).toString()).toBe(readFileSync(join(old.path, "data/dnssec.key"), "utf8"));
      expect(db.query("SELECT username FROM users").all()).toEqual([{ username: "ops" }]);
    } finally {
      db.close();
    }
  });

  test("an existing file is never overwritten, and a missing directory is a clear error", async () => {
    const again = await cli(["backup", backupFile], { cwd: old.path });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`backup: ${backupFile} already exists; choose a new file`);
    const nowhere = await cli(["backup", join(old.path, "no/such/dir/b")], { cwd: old.path });
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain("its directory does not exist");
  });

  test("with [dnssec] master_key in the config, says the key stays in the config and carries no key file", async () => {
    const d = tempDir();
    try {
      const env = { UPDNS_DNSSEC_MASTER_KEY: "ab".repeat(32) };
      await cli(["migrate"], { cwd: d.path, env });
      const r = await cli(["backup", join(d.path, "b"), "--json"], { cwd: d.path, env });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ files: [], master_key: "config" });
      expect(JSON.parse(r.stdout).notes[0]).toContain("[dnssec] master_key in the config file and is not in the backup");
    } finally {
      d.cleanup();
    }
  });
});

describe("updns restore into a fresh data dir", () => {
  let s: Awaited<ReturnType<typeof startBinary>>;
  beforeAll(async () => {
    const r = await underOpenUmask(["restore", backupFile], fresh.path);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("(updns.sqlite3, dnssec.key)");
    s = await startBinary({}, fresh.path);
  }, 30000);
  afterAll(async () => {
    await s?.stop();
  });

  test("writes the database and the key 0600 in a 0700 dir, and the live database holds no key", () => {
    const data = join(fresh.path, "data");
    expect(mode(data)).toBe(0o700);
    expect(mode(join(data, "updns.sqlite3"))).toBe(0o600);
    expect(mode(join(data, "dnssec.key"))).toBe(0o600);
    expect(readFileSync(join(data, "dnssec.key"), "utf8")).toBe(readFileSync(join(old.path, "data/dnssec.key"), "utf8"));
    const db = new Database(join(data, "updns.sqlite3"), { readonly: true });
    try {
      expect(db.query("SELECT name FROM sqlite_master WHERE name LIKE 'updns_backup%'").all()).toEqual([]);
    } finally {
      db.close();
    }
    const key = readFileSync(join(data, "dnssec.key"), "utf8").trim();
    expect(readFileSync(join(data, "updns.sqlite3")).includes(key)).toBe(false);
  });

  test("serves the same DNSKEYs, and BIND, ldns and Knot accept the signed zone", async () => {
    expect(await dnskeys(s.dnsPort)).toEqual(keysBefore);
    expect(rdata(await dig("127.0.0.1", s.dnsPort, HOST, "A"), "A")).toEqual(["192.0.2.1"]);
    expect(await verifyServedZone(s.dnsPort, fresh.path)).toEqual([]);
  }, 30000);

  test("the update secret still works and the change is signed with the restored private keys", async () => {
    expect(await update(s.url, secret, "192.0.2.2")).toBe("good 192.0.2.2");
    const answer = await dig("127.0.0.1", s.dnsPort, HOST, "A", ["+dnssec"]);
    expect(rdata(answer, "A")).toEqual(["192.0.2.2"]);
    expect(rdata(answer, "RRSIG").length).toBeGreaterThan(0);
    expect(await dnskeys(s.dnsPort)).toEqual(keysBefore);
    expect(await verifyServedZone(s.dnsPort, fresh.path)).toEqual([]);
  }, 30000);

  test("the password still signs in", async () => {
    const w = new WebClient(s.url);
    expect((await w.login("ops", PASSWORD)).status).toBe(303);
    expect((await new WebClient(s.url).login("ops", "not the password")).status).not.toBe(303);
  });

  test("a second restore refuses the non-empty data dir, naming it, and changes nothing", async () => {
    const db = join(fresh.path, "data/updns.sqlite3");
    const before = statSync(db).mtimeMs;
    const r = await cli(["restore", backupFile], { cwd: fresh.path });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the data dir ${join(fresh.path, "data")} is not empty (dnssec.key, updns.sqlite3`);
    expect(r.stderr).toContain("--force");
    expect(statSync(db).mtimeMs).toBe(before);
  });
});

describe("updns restore refuses or warns", () => {
  test("--help says what restore does; no FILE is a usage error", async () => {
    const d = tempDir();
    try {
      const help = await cli(["restore", "--help"], { cwd: d.path });
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("usage: updns restore FILE [--force]");
      const none = await cli(["restore"], { cwd: d.path });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain("restore takes one FILE");
    } finally {
      d.cleanup();
    }
  });

  test("a file that is not an updns backup is refused with a clear message, and no data dir appears", async () => {
    const d = tempDir();
    try {
      writeFileSync(join(d.path, "notes.txt"), "not a database at all\n");
      const text = await cli(["restore", "notes.txt"], { cwd: d.path });
      expect(text.code).toBe(1);
      expect(text.stderr).toContain("notes.txt is not an updns backup: not an SQLite database");
      const other = new Database(join(d.path, "other.sqlite3"));
      other.exec("CREATE TABLE t (x)");
      other.close();
      const sqlite = await cli(["restore", "other.sqlite3"], { cwd: d.path });
      expect(sqlite.stderr).toContain("other.sqlite3 is not an updns backup: an SQLite database without the updns tables");
      expect((await cli(["restore", "missing.backup"], { cwd: d.path })).stderr).toContain("missing.backup does not exist");
      expect(existsSync(join(d.path, "data"))).toBe(false);
    } finally {
      d.cleanup();
    }
  });

  test("a plain database copy (the old backup) restores with a warning that the DNSSEC keys need the old key; serve then names the missing file", async () => {
    const d = tempDir();
    try {
      const copy = join(d.path, "old.sqlite3");
      const src = new Database(join(old.path, "data/updns.sqlite3"), { readonly: true });
      src.exec(`VACUUM INTO '${copy}'`);
      src.close();
      const r = await cli(["restore", copy], { cwd: d.path });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("is a plain database copy (an older \"updns backup\") without the DNSSEC master key");
      expect(r.stderr).toContain(`Copy the old data dir's dnssec.key to ${join(d.path, "data/dnssec.key")}`);
      const serve = await cli(["serve"], { cwd: d.path, env: { UPDNS_HTTP_LISTEN: "127.0.0.1:0", UPDNS_DNS_LISTEN: "127.0.0.1:0" } });
      expect(serve.code).toBe(1);
      expect(serve.stderr).toContain("master key file data/dnssec.key is missing");
      // No fresh key was invented beside the sealed ones.
      expect(existsSync(join(d.path, "data/dnssec.key"))).toBe(false);
    } finally {
      d.cleanup();
    }
  }, 30000);

  test("a damaged dnssec.key stops serve naming the file", async () => {
    const d = tempDir();
    try {
      expect((await cli(["restore", backupFile], { cwd: d.path })).code).toBe(0);
      writeFileSync(join(d.path, "data/dnssec.key"), "garbage\n");
      const serve = await cli(["serve"], { cwd: d.path, env: { UPDNS_HTTP_LISTEN: "127.0.0.1:0", UPDNS_DNS_LISTEN: "127.0.0.1:0" } });
      expect(serve.code).toBe(1);
      expect(serve.stderr).toBe("updns: data/dnssec.key: the DNSSEC master key must be 32 octets (64 hex digits or base64)\n");
    } finally {
      d.cleanup();
    }
  }, 30000);

  test("--force replaces the database of a used data dir; a wrong master key is named", async () => {
    const d = tempDir();
    try {
      await cli(["user", "add", "someone", "--email", "someone@example.test"], { cwd: d.path });
      const r = await cli(["restore", backupFile, "--force"], { cwd: d.path, env: { UPDNS_DNSSEC_MASTER_KEY: "cd".repeat(32) } });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("do not open with [dnssec] master_key of this config");
      expect(JSON.parse((await cli(["user", "list", "--json"], { cwd: d.path })).stdout).map((u: { username: string }) => u.username)).toEqual(["ops"]);
    } finally {
      d.cleanup();
    }
  });
});
