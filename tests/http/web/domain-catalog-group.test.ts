// The domain page of an embedded zone sets its group in the catalog zone (RFC 9432 §4.4.2), through the
// same core use case as `updns domain set --catalog-group`: the catalog the server keeps gets the group's
// TXT in one commit, a bad group is refused by name and nothing changes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { createUser } from "../../../src/core/admin/users.ts";
import { domains } from "../../../src/db/index.ts";
import { run } from "../../../src/main.ts";
import { tempDir } from "../../support/net.ts";
import { startInProcess, type InProcess } from "../../support/updns.ts";
import { httpBrowser, textOf } from "./harness.ts";

const CATALOG = "catalog.invalid";
const dir = tempDir("updns-web-catalog-group-");
let server: InProcess;
let b: ReturnType<typeof httpBrowser>;
const zone = () => server.db.select().from(domains).where(eq(domains.name, "dyn.example.org")).get()!;

/** The zone's group TXT in the catalog the server keeps (undefined: none). */
function groupTxt(): readonly string[] | undefined {
  const catalog = server.zones.store.zone(CATALOG)!;
  const ptr = [...catalog.rrsets()].find((r) => r.type === "PTR" && r.data[0] === "dyn.example.org.");
  expect(ptr).toBeDefined();
  return catalog.get(`group.${ptr!.name}`, "TXT")?.data;
}

beforeAll(async () => {
  // The catalog's transfer key exists before the server starts (it refuses to keep a catalog without one).
  const file = join(dir.path, "config.toml");
  writeFileSync(file, `[server]\ndata_dir = "${dir.path}"\n`);
  const io = { out: () => {}, err: () => {}, stdin: async () => "" };
  expect(await run(["--config", file, "tsig", "add", "cat"], io)).toBe(0);
  server = await startInProcess({ UPDNS_SERVER_DATA_DIR: dir.path, UPDNS_DNS_CATALOG_ZONE: CATALOG, UPDNS_DNS_CATALOG_TRANSFER_KEY: "cat" });
  await createUser(server.db, { username: "alice", email: "alice@example.test", password: "correct horse battery" });
  b = httpBrowser(server);
  expect((await b.login("alice", "correct horse battery")).status).toBe(303);
  expect((await b.submit("/domain/add/", { name: "dyn.example.org", backend: "embedded" }, "/domain/add/")).status).toBe(303);
});

afterAll(async () => {
  await server?.close();
  dir.cleanup();
});

describe("catalog group on the domain page", () => {
  test("the page has the field, empty for a zone without a group", async () => {
    const page = await b.get(`/domain/${zone().id}/`);
    expect(page.body).toMatch(/<input[^>]*name="catalog_group"[^>]*value=""/);
    expect(groupTxt()).toBeUndefined();
  });

  test("saving a group stores it and the catalog lists it in one commit", async () => {
    const id = zone().id;
    const serial = server.zones.store.zone(CATALOG)!.serial;
    const r = await b.submit(`/domain/${id}/`, { comment: "", available: "1", ns: "ns1.dyn.example.org", serial_scheme: "unixtime", catalog_group: "tmpl-a" }, `/domain/${id}/`);
    expect(r.status).toBe(303);
    expect(zone().catalogGroup).toBe("tmpl-a");
    expect(groupTxt()).toEqual(['"tmpl-a"']);
    const journal = await server.zones.store.journalSince(CATALOG, serial);
    expect(journal!.length).toBe(1);
    expect((await b.get(`/domain/${id}/`)).body).toMatch(/name="catalog_group"[^>]*value="tmpl-a"/);
  });

  test("a group with a control character is refused by name; the row and the catalog stay", async () => {
    const id = zone().id;
    const serial = server.zones.store.zone(CATALOG)!.serial;
    const r = await b.submit(`/domain/${id}/`, { comment: "changed", available: "1", ns: "ns1.dyn.example.org", serial_scheme: "unixtime", catalog_group: "a\tb" }, `/domain/${id}/`);
    expect(r.status).toBe(400);
    expect(textOf(r.body)).toContain("may hold only printable ASCII characters");
    expect(zone().catalogGroup).toBe("tmpl-a");
    expect(zone().comment).toBe("");
    expect(server.zones.store.zone(CATALOG)!.serial).toBe(serial);
  });

  test("emptying the field drops the group from the catalog", async () => {
    const id = zone().id;
    expect((await b.submit(`/domain/${id}/`, { comment: "", available: "1", ns: "ns1.dyn.example.org", serial_scheme: "unixtime", catalog_group: "" }, `/domain/${id}/`)).status).toBe(303);
    expect(zone().catalogGroup).toBe("");
    expect(groupTxt()).toBeUndefined();
  });
});
