import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseTooNewError, migrations, openDatabase, users } from "../../src/db/index.ts";
import { tempDir } from "../support/net.ts";

describe("database and migrations", () => {
  test("every SQL file in migrations/ is embedded, in order", () => {
    const files = readdirSync(join(import.meta.dir, "../../migrations")).filter((f) => f.endsWith(".sql")).sort();
    expect(migrations.map((m) => m.tag + ".sql")).toEqual(files);
  });

  test("an empty database gets every migration and the pragmas a server needs", () => {
    const d = tempDir();
    const db = openDatabase(join(d.path, "a.sqlite3"));
    const q = (s: string) => Object.values(db.$client.query(s).get() as object)[0];
    expect(q("PRAGMA user_version")).toBe(migrations.length);
    expect(q("PRAGMA journal_mode")).toBe("wal");
    expect(q("PRAGMA foreign_keys")).toBe(1);
    expect(q("PRAGMA synchronous")).toBe(2); // FULL
    expect(Number(q("PRAGMA busy_timeout"))).toBeGreaterThan(0);
    db.$client.close();
    d.cleanup();
  });

  test("an existing database keeps its data when opened again", () => {
    const d = tempDir();
    const path = join(d.path, "a.sqlite3");
    const db = openDatabase(path);
    db.insert(users).values({ username: "kept" }).run();
    db.$client.close();
    const again = openDatabase(path);
    expect(again.select().from(users).all().map((u) => u.username)).toEqual(["kept"]);
    again.$client.close();
    d.cleanup();
  });

  test("a database written by a newer updns is refused, and left untouched", () => {
    const d = tempDir();
    const path = join(d.path, "a.sqlite3");
    openDatabase(path).$client.close();
    const raw = new Database(path);
    raw.exec(`PRAGMA user_version = ${migrations.length + 1}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(DatabaseTooNewError);
    const check = new Database(path);
    expect((check.query("PRAGMA user_version").get() as { user_version: number }).user_version).toBe(migrations.length + 1);
    check.close();
    d.cleanup();
  });

  test("foreign keys cascade: removing a user removes what they own", () => {
    const db = openDatabase(":memory:");
    const u = db.insert(users).values({ username: "gone" }).returning().get();
    db.$client.exec(`INSERT INTO domains (name, owner_id) VALUES ('z.example', ${u.id})`);
    db.delete(users).run();
    expect(db.$client.query("SELECT count(*) AS n FROM domains").get()).toEqual({ n: 0 });
  });
});

describe("a CLI command on a database that needs migrating", () => {
  test("says to run updns migrate and changes nothing", async () => {
    const { cli } = await import("../support/updns.ts");
    const d = tempDir();
    const path = join(d.path, "data", "updns.sqlite3");
    openDatabase(path).$client.close();
    // Pretend this database was made by an older updns: one migration short.
    const raw = new Database(path);
    raw.exec(`PRAGMA user_version = ${migrations.length - 1}`);
    raw.close();
    const r = await cli(["user", "list"], { cwd: d.path });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('needs 1 migration(s) from this newer updns: run "updns migrate"');
    const check = new Database(path, { readonly: true });
    expect((check.query("PRAGMA user_version").get() as { user_version: number }).user_version).toBe(migrations.length - 1);
    check.close();
    d.cleanup();
  });
});
