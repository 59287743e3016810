// An installation from before secrets were sealed: its database holds a TSIG key in clear. `updns migrate`
// seals it once, and the server then signs and checks with it as before (an AXFR with that key).
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { migrations } from "../../src/db/index.ts";
import { cli, startBinary, type BinaryServer } from "../support/updns.ts";
import { havePeers, tempDir, waitFor } from "../support/net.ts";
import { axfrLines } from "../support/world.ts";

const SECRET = "b2xkLXBsYWluLXRleHQtdHNpZy1zZWNyZXQtMzItYnk="; // "old-plain-text-tsig-secret-32-by"
const dir = tempDir();
let server: BinaryServer | undefined;
afterAll(async () => {
  await server?.stop();
  dir.cleanup();
});

test.skipIf(!havePeers("dig"))("a clear-text TSIG key of an older database is sealed by updns migrate and still transfers the zone", async () => {
  const data = join(dir.path, "data");
  mkdirSync(data, { mode: 0o700 });
  const path = join(data, "updns.sqlite3");
  const old = new Database(path, { create: true });
  for (const stmt of migrations[0].sql.split("--> statement-breakpoint")) if (stmt.trim()) old.exec(stmt);
  old.exec("PRAGMA user_version = 1");
  old.exec("PRAGMA journal_mode = WAL");
  old.exec("INSERT INTO users (username, email) VALUES ('ops', 'ops@example.test')");
  old.exec(`INSERT INTO tsig_keys (name, algorithm, secret) VALUES ('xfer', 'hmac-sha256', '${SECRET}')`);
  old.close();

  // A CLI command before migrating is told to migrate; the secret is untouched.
  const early = await cli(["tsig", "list"], { cwd: dir.path });
  expect(early.code).toBe(1);
  expect(early.stderr).toContain('run "updns migrate"');

  const m = await cli(["migrate"], { cwd: dir.path });
  // The sealing migration, then any later ones.
  expect(m.stdout).toMatch(/^applied 0001_seal_secrets(, \d{4}_\w+)*\n$/);
  expect(m.code).toBe(0);
  const raw = new Database(path, { readonly: true });
  const stored = (raw.query("SELECT secret FROM tsig_keys").get() as { secret: string }).secret;
  raw.close();
  expect(stored).toStartWith("aesgcm1:");
  expect(readFileSync(path).includes(Buffer.from(SECRET))).toBe(false);
  expect(readFileSync(path).includes(Buffer.from(SECRET, "base64"))).toBe(false);
  // Migrating again changes nothing.
  expect((await cli(["migrate"], { cwd: dir.path })).stdout).toBe("database is up to date\n");

  const add = await cli(["domain", "add", "old.example.test", "--embedded", "--owner", "ops", "--ns", "ns1.example.test", "--transfer-key", "xfer"], { cwd: dir.path });
  expect(add.stderr).toBe("");
  server = await startBinary({}, dir.path);
  const lines = await waitFor("the zone to transfer with the old key", () => axfrLines("127.0.0.1", server!.dnsPort, "old.example.test", { name: "xfer", algorithm: "hmac-sha256", secret: SECRET }).catch(() => null), 5000, 100);
  expect(lines.some((l) => l.startsWith("old.example.test. ") && l.includes(" SOA "))).toBe(true);
}, 30_000);
