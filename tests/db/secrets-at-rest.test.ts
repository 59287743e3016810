// Secrets the server must use again (TSIG secrets, the update key of a zone at an external primary, the
// password of a third-party dyndns2 service) are kept sealed under the master key: a copy of the database
// without the data directory's dnssec.key reveals none of them.
import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { copyFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { domains, migrations, openColumn, openDatabase, SECRET_COLUMNS, serviceUpdaterHostConfigs, tsigKeys, type Db } from "../../src/db/index.ts";
import { createTsigKey, listTsigKeys, requireTsigKey } from "../../src/core/admin/tsig.ts";
import { addRfc2136Zone } from "../../src/core/admin/domains.ts";
import { addHostConfig, updateHostConfig, hostConfigById } from "../../src/core/forwarders-edit.ts";
import { regenerateDomainKey, transferKeyOf, updateDomain } from "../../src/core/domains-edit.ts";
import { zoneRefOf } from "../../src/core/index.ts";
import { tempDir } from "../support/net.ts";

const TSIG = "c2VjcmV0LXRzaWcta2V5LW9mLXRoaXJ0eS10d28tYnl0ZXM="; // "secret-tsig-key-of-thirty-two-bytes"
const UPDATE_KEY = "dXBkYXRlLWtleS1mb3ItdGhlLWV4dGVybmFsLXByaW1hcnk="; // "update-key-for-the-external-primary"
const FORWARDER = "forwarder-password-at-the-other-service";

/** One TSIG key, one zone at an external primary with its update key, one forwarder with its password. */
function storeSecrets(db: Db): { forwarderId: number } {
  createTsigKey(db, { name: "xfer", secret: TSIG });
  addRfc2136Zone(db, { name: "ext.example.test", primary: "192.0.2.53", algorithm: "hmac-sha256", secret: UPDATE_KEY });
  const owner = db.$client.query("INSERT INTO users (username) VALUES ('ops') RETURNING id").get() as { id: number };
  const domain = db.select().from(domains).get()!;
  const host = db.$client.query(`INSERT INTO hosts (name, domain_id, owner_id) VALUES ('h', ${domain.id}, ${owner.id}) RETURNING id`).get() as { id: number };
  const service = db.$client.query("INSERT INTO service_updaters (name, server) VALUES ('elsewhere', 'dyn.example.net') RETURNING id").get() as { id: number };
  const fwd = addHostConfig(db, host.id, { serviceId: service.id, hostname: "", name: "me", password: FORWARDER, giveIpv4: true, giveIpv6: false, comment: "" });
  return { forwarderId: fwd.id };
}

/** Every form a secret could take in a file: as given, and (base64 ones) the bytes they stand for. */
function formsOf(secret: string): Buffer[] {
  const forms = [Buffer.from(secret)];
  if (/^[A-Za-z0-9+/]+=*$/.test(secret)) forms.push(Buffer.from(secret, "base64"));
  return forms;
}

describe("secrets at rest", () => {
  test("every column named for a secret is either sealed or holds a hash", () => {
    const db = openDatabase(":memory:");
    const tables = (db.$client.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    const secretish = tables.flatMap((t) =>
      (db.$client.query(`PRAGMA table_info("${t}")`).all() as { name: string }[]).map((c) => `${t}.${c.name}`).filter((c) => /secret|password|key$/.test(c) && !/_hash$/.test(c)),
    );
    // hosts.update_secret holds a hash (core/secrets.ts); dnssec_keys.secret is sealed by the zone store
    // (same mechanism, the zone and key id as additional data); public keys and setting names are public.
    const hashedOrPublic = ["hosts.update_secret", "dnssec_keys.public_key", "dnssec_keys.secret", "settings.key"];
    expect(secretish.filter((c) => !hashedOrPublic.includes(c)).sort()).toEqual([...SECRET_COLUMNS].sort());
  });

  test("a TSIG secret is stored sealed; the key's functions hand it back in clear", () => {
    const db = openDatabase(":memory:");
    const created = createTsigKey(db, { name: "xfer", secret: TSIG });
    expect(created.secret).toBe(TSIG);
    const raw = db.$client.query("SELECT secret FROM tsig_keys").get() as { secret: string };
    expect(raw.secret).toStartWith("aesgcm1:");
    expect(raw.secret).not.toContain(TSIG);
    expect(requireTsigKey(db, "xfer").secret).toBe(TSIG);
    expect(listTsigKeys(db)[0].secret).toBe(TSIG);
  });

  test("a generated secret, a regenerated one and the transfer key of a zone are sealed too", () => {
    const db = openDatabase(":memory:");
    const k = createTsigKey(db, { name: "gen" });
    expect((db.$client.query("SELECT secret FROM tsig_keys").get() as { secret: string }).secret).not.toContain(k.secret);
    const d = addRfc2136Zone(db, { name: "ext.example.test", primary: "192.0.2.53", algorithm: "hmac-sha256", secret: UPDATE_KEY });
    const fresh = regenerateDomainKey(db, d);
    const stored = db.select().from(domains).get()!;
    expect(stored.updateKeySecret).toStartWith("aesgcm1:");
    expect(openColumn(db, stored.updateKeySecret, "domains.update_key_secret")).toBe(fresh.secret);
    db.update(domains).set({ transferKeyId: k.id }).run();
    expect(transferKeyOf(db, db.select().from(domains).get()!)!.secret).toBe(k.secret);
  });

  test("a forwarder password is sealed; an empty password field keeps the stored one", () => {
    const db = openDatabase(":memory:");
    const { forwarderId } = storeSecrets(db);
    const row = hostConfigById(db, forwarderId)!;
    expect(row.password).toStartWith("aesgcm1:");
    expect(openColumn(db, row.password, "service_updater_host_configs.password")).toBe(FORWARDER);
    updateHostConfig(db, row, { serviceId: row.serviceId, hostname: "", name: "me2", password: "", giveIpv4: true, giveIpv6: false, comment: "" });
    const kept = hostConfigById(db, forwarderId)!;
    expect(kept.name).toBe("me2");
    expect(openColumn(db, kept.password, "service_updater_host_configs.password")).toBe(FORWARDER);
  });

  test("a zone's update key reaches the backend as stored; the backend opens it (tests/backends/rfc2136 sign with it)", () => {
    const db = openDatabase(":memory:");
    const d = addRfc2136Zone(db, { name: "ext.example.test", primary: "192.0.2.53", algorithm: "hmac-sha256", secret: UPDATE_KEY });
    const zone = zoneRefOf(d);
    expect(zone.updateKey!.secret).toStartWith("aesgcm1:");
    expect(openColumn(db, zone.updateKey!.secret, "domains.update_key_secret")).toBe(UPDATE_KEY);
  });

  test("a changed update key on the domain page is stored sealed", async () => {
    const db = openDatabase(":memory:");
    const d = addRfc2136Zone(db, { name: "ext.example.test", primary: "192.0.2.53", algorithm: "hmac-sha256", secret: UPDATE_KEY });
    await updateDomain(db, d, { comment: "", public: false, available: false, primary: "192.0.2.53", secret: TSIG });
    const stored = db.select().from(domains).get()!;
    expect(stored.updateKeySecret).not.toContain(TSIG);
    expect(openColumn(db, stored.updateKeySecret, "domains.update_key_secret")).toBe(TSIG);
    // Saved again without a new secret: the stored one stays, opened to the same value.
    await updateDomain(db, stored, { comment: "x", public: false, available: false, primary: "192.0.2.53" });
    expect(openColumn(db, db.select().from(domains).get()!.updateKeySecret, "domains.update_key_secret")).toBe(TSIG);
  });

  test("a copied database alone reveals no secret: not in a dump, not in the file's bytes", () => {
    const d = tempDir();
    const path = join(d.path, "updns.sqlite3");
    const db = openDatabase(path);
    storeSecrets(db);
    db.$client.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.$client.close();
    const dump = Bun.spawnSync(["sqlite3", path, ".dump"]).stdout.toString();
    expect(dump).toContain("INSERT INTO tsig_keys");
    const bytes = readFileSync(path);
    for (const secret of [TSIG, UPDATE_KEY, FORWARDER])
      for (const form of formsOf(secret)) {
        expect(dump.includes(form.toString("latin1"))).toBe(false);
        expect(bytes.includes(form)).toBe(false);
      }
    // The copy, opened beside another master key, does not open; the error names where the key lives.
    const other = tempDir();
    copyFileSync(path, join(other.path, "updns.sqlite3"));
    const copy = openDatabase(join(other.path, "updns.sqlite3"));
    expect(() => listTsigKeys(copy)).toThrow(/wrong master key \(dnssec\.key file or \[dnssec\] master_key\)/);
    copy.$client.close();
    // With its own dnssec.key beside it, the same file opens again.
    const back = openDatabase(path);
    expect(listTsigKeys(back)[0].secret).toBe(TSIG);
    back.$client.close();
    d.cleanup();
    other.cleanup();
  });

  test("a configured master key ([dnssec] master_key) is used instead of a dnssec.key file", () => {
    const d = tempDir();
    const path = join(d.path, "updns.sqlite3");
    const key = "ab".repeat(32);
    const db = openDatabase(path, { masterKey: key });
    createTsigKey(db, { name: "xfer", secret: TSIG });
    db.$client.close();
    expect(existsSync(join(d.path, "dnssec.key"))).toBe(false);
    expect(() => listTsigKeys(openDatabase(path, { masterKey: "cd".repeat(32) }))).toThrow(/wrong master key/);
    expect(listTsigKeys(openDatabase(path, { masterKey: key }))[0].secret).toBe(TSIG);
    d.cleanup();
  });

  test("an older database with secrets in clear is sealed once by its migration and keeps working", () => {
    const d = tempDir();
    const path = join(d.path, "updns.sqlite3");
    // The database as the updns before sealing left it: migration 0000 only, secrets in clear.
    const old = new Database(path, { create: true });
    for (const stmt of migrations[0].sql.split("--> statement-breakpoint")) if (stmt.trim()) old.exec(stmt);
    old.exec("PRAGMA user_version = 1");
    old.exec(`INSERT INTO users (username) VALUES ('ops')`);
    old.exec(`INSERT INTO tsig_keys (name, algorithm, secret) VALUES ('xfer', 'hmac-sha256', '${TSIG}')`);
    old.exec(`INSERT INTO domains (name, backend, "primary", update_key_secret) VALUES ('ext.example.test', 'rfc2136', '192.0.2.53', '${UPDATE_KEY}')`);
    old.exec(`INSERT INTO domains (name, backend) VALUES ('emb.example.test', 'embedded')`);
    old.exec(`INSERT INTO hosts (name, domain_id, owner_id) VALUES ('h', 1, 1)`);
    old.exec(`INSERT INTO service_updaters (name, server) VALUES ('elsewhere', 'dyn.example.net')`);
    old.exec(`INSERT INTO service_updater_host_configs (service_id, host_id, name, password) VALUES (1, 1, 'me', '${FORWARDER}')`);
    old.close();

    const db = openDatabase(path);
    expect((db.$client.query("PRAGMA user_version").get() as { user_version: number }).user_version).toBe(migrations.length);
    const raw = () => [
      (db.$client.query("SELECT secret AS v FROM tsig_keys").get() as { v: string }).v,
      (db.$client.query("SELECT update_key_secret AS v FROM domains WHERE name = 'ext.example.test'").get() as { v: string }).v,
      (db.$client.query("SELECT password AS v FROM service_updater_host_configs").get() as { v: string }).v,
    ];
    const sealed = raw();
    for (const v of sealed) expect(v).toStartWith("aesgcm1:");
    // "No key" stays "no key": the embedded zone's empty update key is not sealed.
    expect((db.$client.query("SELECT update_key_secret AS v FROM domains WHERE name = 'emb.example.test'").get() as { v: string }).v).toBe("");
    expect(requireTsigKey(db, "xfer").secret).toBe(TSIG);
    expect(openColumn(db, db.select().from(domains).get()!.updateKeySecret, "domains.update_key_secret")).toBe(UPDATE_KEY);
    expect(openColumn(db, db.select().from(serviceUpdaterHostConfigs).get()!.password, "service_updater_host_configs.password")).toBe(FORWARDER);
    db.$client.close();
    // Opened again: nothing is sealed twice.
    const again = openDatabase(path);
    expect(again.select({ s: tsigKeys.secret }).from(tsigKeys).get()!.s).toBe(sealed[0]);
    again.$client.close();
    d.cleanup();
  });

  test("without its dnssec.key a database's sealed secrets stay closed (the key must be backed up with it)", () => {
    const d = tempDir();
    const path = join(d.path, "updns.sqlite3");
    const db = openDatabase(path);
    createTsigKey(db, { name: "xfer", secret: TSIG });
    db.$client.close();
    rmSync(join(d.path, "dnssec.key"));
    const lost = openDatabase(path);
    expect(() => requireTsigKey(lost, "xfer")).toThrow(/cannot decrypt a secret stored in the database \(tsig_keys\.secret\): wrong master key/);
    lost.$client.close();
    d.cleanup();
  });
});
