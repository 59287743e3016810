import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { cli, startBinary } from "../support/updns.ts";
import { tempDir } from "../support/net.ts";
import { verifySecret } from "../../src/core/index.ts";

const json = (r: { stdout: string }) => JSON.parse(r.stdout);

describe("updns CLI", () => {
  test("user add / list / remove round trip, with the password from stdin", async () => {
    const d = tempDir();
    const add = await cli(["user", "add", "alice", "--email", "alice@example.test", "--staff", "--password-stdin", "--json"], { cwd: d.path, stdin: "a long enough password\n" });
    expect(add.code).toBe(0);
    expect(json(add)).toMatchObject({ username: "alice", staff: true });
    const db = new Database(join(d.path, "data/updns.sqlite3"), { readonly: true });
    const hash = (db.query("SELECT password_hash FROM users").get() as { password_hash: string }).password_hash;
    db.close();
    expect(hash.startsWith("$argon2id$")).toBe(true);
    expect(await Bun.password.verify("a long enough password", hash)).toBe(true);
    expect(json(await cli(["user", "list", "--json"], { cwd: d.path }))).toEqual([{ username: "alice", email: "alice@example.test", staff: true, active: true }]);
    expect((await cli(["user", "list"], { cwd: d.path })).stdout).toContain("alice");
    const demote = await cli(["user", "set", "alice", "--no-staff", "--inactive", "--json"], { cwd: d.path });
    expect(json(demote)).toEqual({ username: "alice", active: false, staff: false });
    const promote = await cli(["user", "set", "alice", "--staff", "--active", "--json"], { cwd: d.path });
    expect(json(promote)).toEqual({ username: "alice", active: true, staff: true });
    expect((await cli(["user", "set", "alice"], { cwd: d.path })).stderr).toContain("needs --active, --inactive, --staff or --no-staff");
    expect((await cli(["user", "set", "nobody", "--staff"], { cwd: d.path })).stderr).toContain('no user named "nobody"');
    expect((await cli(["user", "remove", "alice"], { cwd: d.path })).code).toBe(0);
    expect(json(await cli(["user", "list", "--json"], { cwd: d.path }))).toEqual([]);
  });

  test("a duplicate user, a bad e-mail and a missing option are clear errors with a non-zero exit", async () => {
    const d = tempDir();
    await cli(["user", "add", "bob", "--email", "bob@example.test"], { cwd: d.path });
    const dup = await cli(["user", "add", "bob", "--email", "other@example.test"], { cwd: d.path });
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain("already exists");
    const bad = await cli(["user", "add", "carol", "--email", "not-an-address"], { cwd: d.path });
    expect(bad.stderr).toContain('"not-an-address" is not an e-mail address');
    const missing = await cli(["user", "add", "dave"], { cwd: d.path });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--email");
    const unknown = await cli(["user", "add", "dave", "--emial", "x@example.test"], { cwd: d.path });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--emial");
  });

  test("tsig add prints a key usable by BIND; a given secret is kept; list never shows secrets", async () => {
    const d = tempDir();
    const gen = await cli(["tsig", "add", "xfer-key", "--algorithm", "hmac-sha512"], { cwd: d.path });
    expect(gen.code).toBe(0);
    expect(gen.stdout).toMatch(/key "xfer-key" \{\n\talgorithm hmac-sha512;\n\tsecret "[A-Za-z0-9+/]{86}==";\n\};/);
    const given = await cli(["tsig", "add", "upd", "--secret", "c2VjcmV0LXNlY3JldC1zZWNyZXQ=", "--json"], { cwd: d.path });
    expect(json(given)).toEqual({ name: "upd", algorithm: "hmac-sha256", secret: "c2VjcmV0LXNlY3JldC1zZWNyZXQ=" });
    const list = await cli(["tsig", "list"], { cwd: d.path });
    expect(list.stdout).toContain("xfer-key");
    expect(list.stdout).not.toContain("c2VjcmV0");
    const badAlg = await cli(["tsig", "add", "k2", "--algorithm", "hmac-sha3"], { cwd: d.path });
    expect(badAlg.stderr).toContain('algorithm "hmac-sha3" must be one of hmac-md5');
    expect((await cli(["tsig", "remove", "upd"], { cwd: d.path })).code).toBe(0);
    expect(json(await cli(["tsig", "list", "--json"], { cwd: d.path }))).toEqual([{ name: "xfer-key", algorithm: "hmac-sha512" }]);
  });

  test("domain add --embedded and --rfc2136, list, remove", async () => {
    const d = tempDir();
    await cli(["user", "add", "ops", "--email", "ops@example.test"], { cwd: d.path });
    await cli(["tsig", "add", "xfer"], { cwd: d.path });
    const emb = await cli(["domain", "add", "Dyn.Example.TEST.", "--embedded", "--owner", "ops", "--public", "--ns", "ns1.example.test", "--ns", "ns2.example.test", "--secondary", "127.0.0.1:5300", "--secondary", "[::1]:5301", "--transfer-key", "xfer", "--update-key", "xfer", "--json"], { cwd: d.path });
    expect(emb.code).toBe(0);
    expect(json(emb)).toMatchObject({ name: "dyn.example.test", backend: "embedded" });
    const rfc = await cli(["domain", "add", "home.example.org", "--rfc2136", "--primary", "192.0.2.53", "--query-server", "192.0.2.54:5353", "--key-name", "home.example.org", "--algorithm", "HMAC_SHA512", "--secret", "YWFhYQ=="], { cwd: d.path });
    expect(rfc.code).toBe(0);
    const list = json(await cli(["domain", "list", "--json"], { cwd: d.path }));
    expect(list).toEqual([
      expect.objectContaining({ name: "dyn.example.test", backend: "embedded", public: true, secondaries: "127.0.0.1:5300,[::1]:5301" }),
      expect.objectContaining({ name: "home.example.org", backend: "rfc2136", primary: "192.0.2.53" }),
    ]);
    const db = new Database(join(d.path, "data/updns.sqlite3"), { readonly: true });
    expect(db.query("SELECT name, type, data FROM zone_records WHERE type = 'NS' ORDER BY data").all()).toEqual([
      { name: "dyn.example.test", type: "NS", data: "ns1.example.test." },
      { name: "dyn.example.test", type: "NS", data: "ns2.example.test." },
    ]);
    const soa = db.query("SELECT data FROM zone_records WHERE type = 'SOA'").get() as { data: string };
    expect(soa.data).toMatch(/^ns1\.example\.test\. hostmaster\.dyn\.example\.test\. \d+ 3600 600 1209600 60$/);
    expect(Number(soa.data.split(" ")[2])).toBe((db.query("SELECT serial FROM domains WHERE name = 'dyn.example.test'").get() as { serial: number }).serial);
    expect(db.query("SELECT update_key_algorithm AS a FROM domains WHERE name='home.example.org'").get()).toEqual({ a: "hmac-sha512" });
    db.close();
    expect((await cli(["domain", "remove", "home.example.org"], { cwd: d.path })).code).toBe(0);
    expect(json(await cli(["domain", "list", "--json"], { cwd: d.path })).map((x: { name: string }) => x.name)).toEqual(["dyn.example.test"]);
  });

  test("domain add errors name the option", async () => {
    const d = tempDir();
    const both = await cli(["domain", "add", "x.example.test"], { cwd: d.path });
    expect(both.stderr).toContain("exactly one of --embedded or --rfc2136");
    const badPrimary = await cli(["domain", "add", "x.example.test", "--rfc2136", "--primary", "ns.example", "--algorithm", "hmac-sha256", "--secret", "YWFhYQ=="], { cwd: d.path });
    expect(badPrimary.stderr).toContain('--primary "ns.example" must be an IP address');
    const badSecret = await cli(["domain", "add", "x.example.test", "--rfc2136", "--primary", "192.0.2.1", "--algorithm", "hmac-sha256", "--secret", "not base64!"], { cwd: d.path });
    expect(badSecret.stderr).toContain("--secret must be base64");
    const noKey = await cli(["domain", "add", "y.example.test", "--embedded", "--transfer-key", "nope"], { cwd: d.path });
    expect(noKey.stderr).toContain('no TSIG key named "nope"');
    const badName = await cli(["domain", "add", "bad-.example.test", "--embedded"], { cwd: d.path });
    expect(badName.stderr).toContain('invalid label "bad-"');
  });

  test("host add prints the update secret once and stores only its hash; a given secret from stdin works", async () => {
    const d = tempDir();
    await cli(["user", "add", "ops", "--email", "ops@example.test"], { cwd: d.path });
    await cli(["domain", "add", "dyn.example.test", "--embedded"], { cwd: d.path });
    const add = await cli(["host", "add", "home.dyn.example.test", "--owner", "ops", "--json"], { cwd: d.path });
    expect(add.code).toBe(0);
    const { fqdn, update_secret } = json(add);
    expect(fqdn).toBe("home.dyn.example.test");
    expect(update_secret.length).toBeGreaterThanOrEqual(22);
    const given = await cli(["host", "add", "nas.dyn.example.test", "--owner", "ops", "--secret-stdin", "--json"], { cwd: d.path, stdin: "my-own-secret-1\n" });
    expect(json(given).update_secret).toBe("my-own-secret-1");
    const db = new Database(join(d.path, "data/updns.sqlite3"), { readonly: true });
    const stored = db.query("SELECT name, update_secret FROM hosts ORDER BY name").all() as { name: string; update_secret: string }[];
    db.close();
    expect(stored.map((h) => h.name)).toEqual(["home", "nas"]);
    // A generated secret gets the fast keyed hash; a chosen one, which may be guessable, gets argon2id.
    expect(stored[0].update_secret).toStartWith("$hmac-sha256$");
    expect(stored[1].update_secret).toStartWith("$argon2id$");
    expect(stored.every((h) => !h.update_secret.includes(update_secret) && !h.update_secret.includes("my-own-secret-1"))).toBe(true);
    expect((await verifySecret(update_secret, stored[0].update_secret)).ok).toBe(true);
    expect(await Bun.password.verify("my-own-secret-1", stored[1].update_secret)).toBe(true);
    const dup = await cli(["host", "add", "home.dyn.example.test", "--owner", "ops"], { cwd: d.path });
    expect(dup.stderr).toContain("already exists");
    const noZone = await cli(["host", "add", "home.nowhere.test", "--owner", "ops"], { cwd: d.path });
    expect(noZone.stderr).toContain('no domain named "nowhere.test"');
    const badName = await cli(["host", "add", "Bad_Name.dyn.example.test", "--owner", "ops"], { cwd: d.path });
    expect(badName.stderr).toContain("Invalid host name");
    expect(json(await cli(["host", "list", "--json"], { cwd: d.path })).map((h: { fqdn: string }) => h.fqdn)).toEqual(["home.dyn.example.test", "nas.dyn.example.test"]);
    expect((await cli(["host", "remove", "nas.dyn.example.test"], { cwd: d.path })).code).toBe(0);
    expect(json(await cli(["host", "list", "--json"], { cwd: d.path })).map((h: { fqdn: string }) => h.fqdn)).toEqual(["home.dyn.example.test"]);
    // The host page's rule holds here too: a host blocked for abuse is not deleted (its owner could re-create it).
    const rw = new Database(join(d.path, "data/updns.sqlite3"));
    rw.run("UPDATE hosts SET abuse_blocked = 1 WHERE name = 'home'");
    rw.close();
    const blocked = await cli(["host", "remove", "home.dyn.example.test"], { cwd: d.path });
    expect([blocked.code, blocked.stderr]).toEqual([1, "updns: A host blocked for abuse cannot be deleted.\n"]);
    expect(json(await cli(["host", "list", "--json"], { cwd: d.path })).map((h: { fqdn: string }) => h.fqdn)).toEqual(["home.dyn.example.test"]);
  });

  test("backup writes a consistent copy that opens as a valid database, while the server runs", async () => {
    const d = tempDir();
    await cli(["user", "add", "ops", "--email", "ops@example.test"], { cwd: d.path });
    const s = await startBinary({}, d.path);
    try {
      const target = join(d.path, "backup.sqlite3");
      const r = await cli(["backup", target], { cwd: d.path });
      expect(r.code).toBe(0);
      const copy = new Database(target, { readonly: true });
      expect(copy.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
      expect(copy.query("SELECT username FROM users").all()).toEqual([{ username: "ops" }]);
      copy.close();
      const again = await cli(["backup", target], { cwd: d.path });
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain("already exists");
    } finally {
      await s.stop();
    }
  });

  test("a CLI write while the server runs works, and the server sees it", async () => {
    const d = tempDir();
    const s = await startBinary({}, d.path);
    try {
      expect(s.setupUrl).not.toBeNull();
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) => cli(["user", "add", `u${i}`, "--email", `u${i}@example.test`, ...(i === 0 ? ["--staff"] : [])], { cwd: d.path })),
      );
      expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
      // The running server reads the same database: with a staff account now present, its setup link is dead.
      const setup = await fetch(s.setupUrl!.replace(/^http:\/\/[^/]+/, s.url));
      expect(setup.status).toBe(404);
    } finally {
      await s.stop();
    }
  });

  test("migrate applies migrations explicitly and is idempotent; check prints the config with secrets redacted", async () => {
    const d = tempDir();
    const first = await cli(["migrate"], { cwd: d.path });
    expect(first.stdout).toContain("applied 0000_init");
    const second = await cli(["migrate"], { cwd: d.path });
    expect(second.stdout).toContain("up to date");
    const check = await cli(["check"], { cwd: d.path, env: { UPDNS_MAIL_SMTP_HOST: "smtp.example.test", UPDNS_MAIL_SMTP_USER: "updns", UPDNS_MAIL_SMTP_PASSWORD: "p4ssw0rd-p4ssw0rd" } });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('smtp_password = "<redacted>"');
    expect(check.stdout).not.toContain("p4ssw0rd");
  });

  test("--help on every command, version, and an unknown command", async () => {
    const d = tempDir();
    for (const c of [["serve"], ["migrate"], ["check"], ["user"], ["tsig"], ["domain"], ["host"], ["backup"]]) {
      const r = await cli([...c, "--help"], { cwd: d.path });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("usage: updns");
    }
    expect((await cli(["version"], { cwd: d.path })).stdout).toMatch(/^updns \d+\.\d+\.\d+/);
    const unknown = await cli(["frobnicate"], { cwd: d.path });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });
});
