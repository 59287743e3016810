// Catalog zones (RFC 9432) against real consumers: BIND 9.18 (catalog-zones) and Knot (catalog-role
// interpret) are configured for the catalog alone; a zone added with `updns domain add … --embedded` is then
// served by both, and dropped by both when `updns domain remove` takes it away. No per-zone configuration.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import { memoryLogger } from "../../src/log/index.ts";
import { startServer, type Running } from "../../src/cli/serve.ts";
import { run } from "../../src/main.ts";
import type { Io } from "../../src/cli/args.ts";
import { KNOT_GROUP_TEMPLATE, SECONDARY_PROGRAMS, startCatalogConsumer, type CatalogConsumer, type CatalogConsumerKind } from "../support/secondaries.ts";
import { dig } from "../support/dig.ts";
import { addDomain, deleteDomain } from "../../src/core/index.ts";
import { createUser } from "../../src/core/admin/users.ts";
import { EmbeddedZoneRecords } from "../../src/backends/embedded/index.ts";
import { freePort, havePeers, tempDir, waitFor } from "../support/net.ts";

const KINDS: CatalogConsumerKind[] = ["bind", "knot"];
const HAVE = havePeers("dig", ...KINDS.map((k) => SECONDARY_PROGRAMS[k]));
const CATALOG = "catalog.invalid";

const dir = tempDir("updns-catalog-");
const configFile = join(dir.path, "config.toml");
let server: Running | undefined;
let dnsPort: number;
const consumers: Partial<Record<CatalogConsumerKind, CatalogConsumer>> = {};

/** `updns …` in this process, as its own database connection (the running server sees the change as another process's). */
async function updns(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (s) => void (out += `${s}\n`), err: (s) => void (err += `${s}\n`), stdin: async () => "" };
  const code = await run(["--config", configFile, ...args], io);
  return { code, out, err };
}

/** The zones the catalog served by updns lists (PTR targets below zones.<catalog>). */
const members = () => [...server!.zones.store.zone(CATALOG)!.rrsets()].filter((r) => r.type === "PTR").flatMap((r) => r.data);

const serialAtUpdns = (zone: string) => server!.zones.store.zone(zone)?.serial ?? null;

/** Wait until `kind` serves `zone` at the serial `want()` (null: until it does not serve it); its log tells why not. */
async function serving(kind: CatalogConsumerKind, zone: string, want: () => number | null): Promise<void> {
  try {
    await waitFor(`${kind} to serve ${zone} at serial ${want()}`, async () => (await consumers[kind]!.serial(zone)) === want(), 30_000, 200);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${kind} log:\n${consumers[kind]!.log().slice(-3000)}`);
  }
}

describe.if(HAVE)("catalog zone consumers", () => {
  beforeAll(async () => {
    dnsPort = await freePort();
    const ports = { bind: await freePort(), knot: await freePort() };
    writeFileSync(
      configFile,
      `[server]
data_dir = "${dir.path}"
synchronous = "NORMAL"
[http]
listen = ["127.0.0.1:0"]
[dns]
listen = ["127.0.0.1:${dnsPort}"]
catalog_zone = "${CATALOG}"
catalog_transfer_key = "catalog-xfr"
catalog_secondaries = ["127.0.0.1:${ports.bind}", "127.0.0.1:${ports.knot}"]
`,
    );
    const add = await updns("tsig", "add", "catalog-xfr", "--algorithm", "hmac-sha256", "--json");
    expect(add.code).toBe(0);
    const key = JSON.parse(add.out) as { name: string; algorithm: string; secret: string };
    server = await startServer(loadConfig({ file: configFile, env: {} }), memoryLogger());
    for (const kind of KINDS) consumers[kind] = await startCatalogConsumer(kind, { catalog: CATALOG, primaryPort: dnsPort, key, port: ports[kind] });
    // Knot does not answer queries for a catalog it interprets: its log tells that the transfer happened.
    for (const kind of KINDS) await waitFor(`${kind} to transfer the catalog`, () => consumers[kind]!.log().includes(String(serialAtUpdns(CATALOG))), 20_000, 200);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(Object.values(consumers).map((c) => c?.stop()));
    await server?.stop();
    dir.cleanup();
  });

  test("updns serves the catalog: version 2, NS invalid., and refuses it without the key", async () => {
    const version = await dig("127.0.0.1", dnsPort, `version.${CATALOG}`, "TXT");
    expect(version.answer).toEqual([`version.${CATALOG}. 0 IN TXT "2"`]);
    const axfr = await dig("127.0.0.1", dnsPort, CATALOG, "AXFR");
    expect(axfr.raw).toMatch(/Transfer failed/);
  });

  test("a zone added with `updns domain add --embedded` is served by BIND and Knot, follows its changes, and is dropped when removed", async () => {
    const add = await updns("domain", "add", "dyn.example.org", "--embedded");
    expect(add.out).toContain("domain dyn.example.org (embedded) added");
    // The CLI listed the zone in the catalog in the same step; the server picked both up and sent NOTIFY.
    await waitFor("the member PTR at updns", () => members().includes("dyn.example.org."), 5000);
    expect(serialAtUpdns("dyn.example.org")).not.toBeNull();
    for (const kind of KINDS) await serving(kind, "dyn.example.org", () => serialAtUpdns("dyn.example.org"));
    const ns = await dig("127.0.0.1", consumers.bind!.port, "dyn.example.org", "NS");
    expect(ns.answer).toEqual(["dyn.example.org. 3600 IN NS ns1.dyn.example.org."]);

    // A change to the member zone reaches them at once: the catalog's secondaries get the member's NOTIFY
    // too (its SOA refresh is an hour away).
    expect((await updns("record", "add", "dyn.example.org", "www", "A", "192.0.2.80")).code).toBe(0);
    for (const kind of KINDS) {
      await waitFor(`${kind} to serve www.dyn.example.org`, async () => (await dig("127.0.0.1", consumers[kind]!.port, "www.dyn.example.org", "A")).answer.some((l) => l.endsWith(" A 192.0.2.80")), 10_000, 200);
    }

    const remove = await updns("domain", "remove", "dyn.example.org");
    expect(remove.out).toContain("domain dyn.example.org removed");
    await waitFor("the member PTR to go at updns", () => members().length === 0, 5000);
    for (const kind of KINDS) await serving(kind, "dyn.example.org", () => null);
    // The catalog's changes travelled as IXFR from its journal, as any zone's do.
    expect(consumers.bind!.log()).toMatch(/transfer of 'catalog\.invalid\/IN' from 127\.0\.0\.1#\d+: got incremental response/);
    expect(consumers.knot!.log()).toMatch(/\[catalog\.invalid\.\] IXFR, incoming, remote 127\.0\.0\.1@\d+, finished/);
  }, 90_000);

  test("a zone an owner adds in the web UI (core addDomain over the server's zone store) is served by both, and dropped when deleted", async () => {
    const owner = await createUser(server!.db, { username: "owner", email: "owner@example.test" });
    // The web UI's zone editor, without its reconfigure step: the catalog's commit itself brings the DNS
    // settings up to date, before the consumers ask for the new zone.
    const editor = new EmbeddedZoneRecords(() => server!.zones.store);
    const made = await addDomain(server!.db, editor, { name: "web.example.net", ownerId: owner.id, backend: "embedded", by: { userId: owner.id, isStaff: true } });
    expect(members()).toContain("web.example.net.");
    for (const kind of KINDS) await serving(kind, "web.example.net", () => serialAtUpdns("web.example.net"));
    await deleteDomain(server!.db, undefined, editor, made.domain);
    expect(members()).not.toContain("web.example.net.");
    for (const kind of KINDS) await serving(kind, "web.example.net", () => null);
  }, 90_000);

  test("Knot configures a member by the catalog-template its catalog group names (RFC 9432 §4.4.2); BIND serves it all the same", async () => {
    const knot = consumers.knot!;
    const fileOf = (zone: string, template?: string) => join(knot.dir, ...(template ? [template] : []), `${zone}.zone`);
    expect((await updns("domain", "add", "grouped.example.org", "--embedded", "--catalog-group", KNOT_GROUP_TEMPLATE)).code).toBe(0);
    expect((await updns("domain", "add", "plain.example.org", "--embedded")).code).toBe(0);
    expect((await updns("domain", "add", "other.example.org", "--embedded", "--catalog-group", "no-such-template")).code).toBe(0);
    const zones = ["grouped.example.org", "plain.example.org", "other.example.org"];
    await waitFor("the members at updns", () => zones.every((z) => members().includes(`${z}.`)), 5000);
    for (const kind of KINDS) for (const zone of zones) await serving(kind, zone, () => serialAtUpdns(zone));
    // Knot writes each transferred zone to its template's storage: the group's template for the grouped
    // member, the first catalog-template for the others (no group, or one that names no template).
    await waitFor("Knot to write the grouped member's zone file under its template's storage", () => existsSync(fileOf("grouped.example.org", KNOT_GROUP_TEMPLATE)), 10_000, 200);
    await waitFor("Knot to write the plain member's zone file", () => existsSync(fileOf("plain.example.org")), 10_000, 200);
    await waitFor("Knot to write the other member's zone file", () => existsSync(fileOf("other.example.org")), 10_000, 200);
    expect(existsSync(fileOf("grouped.example.org"))).toBe(false);
    expect(existsSync(fileOf("plain.example.org", KNOT_GROUP_TEMPLATE))).toBe(false);

    // A new group is one catalog commit (IXFR): Knot reconfigures the member by the group's template. It
    // writes a zone file when the zone changes, so a record added afterwards lands in that template's storage.
    const catalogSerial = serialAtUpdns(CATALOG);
    expect((await updns("domain", "set", "plain.example.org", "--catalog-group", KNOT_GROUP_TEMPLATE)).code).toBe(0);
    await waitFor("the catalog's commit at updns", () => serialAtUpdns(CATALOG) !== catalogSerial, 5000);
    const regrouped = new RegExp(`\\[catalog\\.invalid\\.\\] refresh, .* serial \\d+ -> ${serialAtUpdns(CATALOG)}\\b`);
    await waitFor("Knot to take the catalog's new serial", () => regrouped.test(knot.log()), 20_000, 200);
    expect(knot.log()).toMatch(/\[catalog\.invalid\.\] IXFR, incoming, .* finished/);
    expect((await updns("record", "add", "plain.example.org", "www", "A", "192.0.2.81")).code).toBe(0);
    await waitFor("Knot to write the regrouped member's zone file under the group's template's storage", () => existsSync(fileOf("plain.example.org", KNOT_GROUP_TEMPLATE)), 20_000, 200);
    await serving("knot", "plain.example.org", () => serialAtUpdns("plain.example.org"));
  }, 90_000);
});
