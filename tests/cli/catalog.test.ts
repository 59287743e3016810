// `updns serve` with [dns] catalog_zone: the catalog is made at start-up from the configuration, refuses to
// run unsigned or over a zone of its own, catches up with zones made while it was not kept, and its key and
// secondaries reach every member zone.
import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import { memoryLogger } from "../../src/log/index.ts";
import { startServer } from "../../src/cli/serve.ts";
import { loadDnsConfig } from "../../src/cli/dns-config.ts";
import { run } from "../../src/main.ts";
import type { Io } from "../../src/cli/args.ts";
import { tempDir } from "../support/net.ts";

const CATALOG = "catalog.invalid";

/** A data dir with a config file; `dns` is the [dns] section's extra lines. */
function setup(dns: string) {
  const dir = tempDir("updns-catalog-cli-");
  const file = join(dir.path, "config.toml");
  writeFileSync(file, `[server]\ndata_dir = "${dir.path}"\nsynchronous = "NORMAL"\n[http]\nlisten = ["127.0.0.1:0"]\n[dns]\nlisten = ["127.0.0.1:0"]\n${dns}\n`);
  const updns = async (...args: string[]) => {
    let out = "";
    let err = "";
    const io: Io = { out: (s) => void (out += `${s}\n`), err: (s) => void (err += `${s}\n`), stdin: async () => "" };
    const code = await run(["--config", file, ...args], io);
    return { code, out, err };
  };
  return { dir, file, updns, cfg: () => loadConfig({ file, env: {} }) };
}

const catalogMembers = (s: Awaited<ReturnType<typeof startServer>>) =>
  [...s.zones.store.zone(CATALOG)!.rrsets()].filter((r) => r.type === "PTR").flatMap((r) => r.data).sort();

describe("serve with a catalog zone", () => {
  test("a bad catalog_zone or catalog_secondaries entry is refused when the config is read, naming the key", () => {
    const bad = setup(`catalog_zone = "not a zone"`);
    expect(() => bad.cfg()).toThrow("dns.catalog_zone");
    const sec = setup(`catalog_zone = "${CATALOG}"\ncatalog_transfer_key = "cat"\ncatalog_secondaries = ["ns2.example.org"]`);
    expect(() => sec.cfg()).toThrow("dns.catalog_secondaries");
    bad.dir.cleanup();
    sec.dir.cleanup();
  });

  test("without catalog_transfer_key it does not start, and says which setting is missing", async () => {
    const t = setup(`catalog_zone = "${CATALOG}"`);
    await t.updns("migrate");
    await expect(startServer(t.cfg(), memoryLogger())).rejects.toThrow("dns.catalog_zone is set but dns.catalog_transfer_key is empty");
    t.dir.cleanup();
  });

  test("a catalog_transfer_key that names no TSIG key is refused, naming the setting", async () => {
    const t = setup(`catalog_zone = "${CATALOG}"\ncatalog_transfer_key = "nope"`);
    await t.updns("migrate");
    await expect(startServer(t.cfg(), memoryLogger())).rejects.toThrow('no TSIG key named "nope" (create it with "updns tsig add")');
    t.dir.cleanup();
  });

  test("a catalog_zone that is an ordinary zone here is refused, and the zone is left as it was", async () => {
    const t = setup(`catalog_zone = "dyn.example.org"\ncatalog_transfer_key = "cat"`);
    expect((await t.updns("domain", "add", "dyn.example.org", "--embedded")).code).toBe(0);
    expect((await t.updns("tsig", "add", "cat")).code).toBe(0);
    await expect(startServer(t.cfg(), memoryLogger())).rejects.toThrow("dns.catalog_zone: dyn.example.org is an embedded zone of its own");
    expect((await t.updns("record", "list", "dyn.example.org")).out).not.toContain("version");
    const db = new Database(join(t.dir.path, "updns.sqlite3"), { readonly: true });
    expect(db.query("SELECT transfer_key_id FROM domains WHERE name = 'dyn.example.org'").get()).toEqual({ transfer_key_id: null });
    db.close();
    t.dir.cleanup();
  });

  test("a catalog_zone inside or above another zone is refused, so the catalog never shadows a zone's names", async () => {
    for (const [catalog, zone] of [["catalog.dyn.example.org", "dyn.example.org"], ["example.org", "dyn.example.org"]]) {
      const t = setup(`catalog_zone = "${catalog}"\ncatalog_transfer_key = "cat"`);
      expect((await t.updns("user", "add", "alice", "--email", "alice@example.test")).code).toBe(0);
      expect((await t.updns("domain", "add", zone, "--embedded", "--owner", "alice")).code).toBe(0);
      expect((await t.updns("tsig", "add", "cat")).code).toBe(0);
      await expect(startServer(t.cfg(), memoryLogger())).rejects.toThrow(catalog === "example.org" ? "would be above dyn.example.org, another account's zone" : "would lie inside another zone of this server");
      const db = new Database(join(t.dir.path, "updns.sqlite3"), { readonly: true });
      expect(db.query("SELECT name FROM domains ORDER BY name").all()).toEqual([{ name: zone }]);
      db.close();
      t.dir.cleanup();
    }
  });

  test("zones made before the catalog was switched on are listed at start-up; ids survive a restart", async () => {
    const t = setup(`catalog_zone = "${CATALOG}"\ncatalog_transfer_key = "cat"\ncatalog_secondaries = ["127.0.0.1:5399"]`);
    expect((await t.updns("domain", "add", "a.example.org", "--embedded")).code).toBe(0);
    expect((await t.updns("domain", "add", "b.example.org", "--embedded", "--secondary", "192.0.2.7")).code).toBe(0);
    expect((await t.updns("tsig", "add", "cat")).code).toBe(0);
    let s = await startServer(t.cfg(), memoryLogger());
    expect(catalogMembers(s)).toEqual(["a.example.org.", "b.example.org."]);
    const before = [...s.zones.store.zone(CATALOG)!.rrsets()].filter((r) => r.type === "PTR").map((r) => r.name).sort();
    // The catalog's key may transfer every member zone, and its secondaries hear of each one's changes.
    const dns = loadDnsConfig(s.db, memoryLogger(), CATALOG);
    expect(dns.acl[CATALOG]).toMatchObject({ transferKeys: ["cat"], notify: [{ address: "127.0.0.1", port: 5399, key: "cat" }] });
    expect(dns.acl["a.example.org"]).toMatchObject({ transferKeys: ["cat"], notify: [{ address: "127.0.0.1", port: 5399, key: "cat" }] });
    expect(dns.acl["b.example.org"].notify.map((n) => `${n.address}:${n.port}`)).toEqual(["192.0.2.7:53", "127.0.0.1:5399"]);
    await s.stop();
    s = await startServer(t.cfg(), memoryLogger());
    expect([...s.zones.store.zone(CATALOG)!.rrsets()].filter((r) => r.type === "PTR").map((r) => r.name).sort()).toEqual(before);
    await s.stop();
    t.dir.cleanup();
  });

  test("the catalog is listed like any embedded zone, and `domain remove` of a member takes it out while the server is down", async () => {
    const t = setup(`catalog_zone = "${CATALOG}"\ncatalog_transfer_key = "cat"`);
    expect((await t.updns("tsig", "add", "cat")).code).toBe(0);
    expect((await t.updns("domain", "add", "a.example.org", "--embedded")).code).toBe(0);
    const s = await startServer(t.cfg(), memoryLogger());
    await s.stop();
    const list = await t.updns("domain", "list", "--json");
    expect(JSON.parse(list.out).map((d: { name: string }) => d.name)).toEqual(["a.example.org", CATALOG]);
    expect((await t.updns("domain", "remove", "a.example.org")).code).toBe(0);
    const ptrs = (await t.updns("record", "list", CATALOG)).out;
    expect(ptrs).not.toContain("a.example.org");
    expect(ptrs).toContain('"2"');
    t.dir.cleanup();
  });

  describe("catalog group (RFC 9432 §4.4.2)", () => {
    const groupTxt = async (t: ReturnType<typeof setup>) => (await t.updns("record", "list", CATALOG)).out.split("\n").filter((l) => l.includes("group."));

    test("`domain add --catalog-group` lists the zone with its group; `domain set` changes and clears it", async () => {
      const t = setup(`catalog_zone = "${CATALOG}"\ncatalog_transfer_key = "cat"`);
      expect((await t.updns("tsig", "add", "cat")).code).toBe(0);
      await (await startServer(t.cfg(), memoryLogger())).stop();
      expect((await t.updns("domain", "add", "a.example.org", "--embedded", "--catalog-group", "tmpl-b")).code).toBe(0);
      expect((await t.updns("domain", "add", "plain.example.org", "--embedded")).code).toBe(0);
      const added = await groupTxt(t);
      expect(added.length).toBe(1);
      expect(added[0]).toContain('"tmpl-b"');
      const set = await t.updns("domain", "set", "a.example.org", "--catalog-group", "tmpl-a");
      expect(set.code).toBe(0);
      expect(set.out).toContain('catalog group "tmpl-a"');
      const changed = await groupTxt(t);
      expect(changed.length).toBe(1);
      expect(changed[0]).toContain('"tmpl-a"');
      expect(changed[0].split(/\s+/)[0]).toBe(added[0].split(/\s+/)[0]); // the same member id
      expect((await t.updns("domain", "set", "a.example.org", "--no-catalog-group")).code).toBe(0);
      expect(await groupTxt(t)).toEqual([]);
      t.dir.cleanup();
    });

    test("a group that is not 1–255 printable octets is refused, naming the setting, and nothing changes", async () => {
      const t = setup(`catalog_zone = "${CATALOG}"\ncatalog_transfer_key = "cat"`);
      expect((await t.updns("tsig", "add", "cat")).code).toBe(0);
      await (await startServer(t.cfg(), memoryLogger())).stop();
      expect((await t.updns("domain", "add", "a.example.org", "--embedded", "--catalog-group", "tmpl-a")).code).toBe(0);
      const long = await t.updns("domain", "set", "a.example.org", "--catalog-group", "x".repeat(256));
      expect(long.code).not.toBe(0);
      expect(long.err).toContain("longer than 255 octets");
      const tab = await t.updns("domain", "set", "a.example.org", "--catalog-group", "a\tb");
      expect(tab.code).not.toBe(0);
      expect(tab.err).toContain("catalog_group");
      expect(tab.err).toContain("printable");
      const both = await t.updns("domain", "set", "a.example.org", "--catalog-group", "x", "--no-catalog-group");
      expect(both.err).toContain("either --catalog-group NAME or --no-catalog-group");
      const bad = await t.updns("domain", "add", "b.example.org", "--embedded", "--catalog-group", "\u00e9t\u00e9");
      expect(bad.code).not.toBe(0);
      expect(bad.err).toContain("--catalog-group");
      expect((await t.updns("domain", "list")).out).not.toContain("b.example.org");
      const txt = await groupTxt(t);
      expect(txt.length).toBe(1);
      expect(txt[0]).toContain('"tmpl-a"');
      t.dir.cleanup();
    });

    test("groups set while no catalog was kept are listed at start-up", async () => {
      const t = setup(`catalog_zone = "${CATALOG}"\ncatalog_transfer_key = "cat"`);
      expect((await t.updns("domain", "add", "a.example.org", "--embedded", "--catalog-group", "tmpl-b")).code).toBe(0);
      expect((await t.updns("tsig", "add", "cat")).code).toBe(0);
      const s = await startServer(t.cfg(), memoryLogger());
      const snap = s.zones.store.zone(CATALOG)!;
      const id = [...snap.rrsets()].find((r) => r.type === "PTR" && r.data[0] === "a.example.org.")!.name.split(".")[0];
      expect(snap.get(`group.${id}.zones.${CATALOG}`, "TXT")?.data).toEqual(['"tmpl-b"']);
      await s.stop();
      t.dir.cleanup();
    });
  });
});
