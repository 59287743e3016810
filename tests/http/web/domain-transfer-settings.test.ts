// The domain page of an embedded zone sets what the CLI's `domain set` and `domain secondary add` set: the
// serial scheme (a bad one is refused by name, nothing stored), and a secondary's keyless-transfer opt-in,
// which the page then shows. Both go through the same core use cases as the CLI.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createUser } from "../../../src/core/admin/users.ts";
import { domains, zoneSecondaries } from "../../../src/db/index.ts";
import { startInProcess, type InProcess } from "../../support/updns.ts";
import { httpBrowser, textOf } from "./harness.ts";

let server: InProcess;
let b: ReturnType<typeof httpBrowser>;
const zone = () => server.db.select().from(domains).where(eq(domains.name, "dyn.example.org")).get()!;

beforeAll(async () => {
  server = await startInProcess();
  await createUser(server.db, { username: "alice", email: "alice@example.test", password: "correct horse battery" });
  b = httpBrowser(server);
  expect((await b.login("alice", "correct horse battery")).status).toBe(303);
  expect((await b.submit("/domain/add/", { name: "dyn.example.org", backend: "embedded" }, "/domain/add/")).status).toBe(303);
});

afterAll(async () => {
  await server?.close();
});

describe("serial scheme on the domain page", () => {
  test("the page offers the three schemes with the zone's own selected", async () => {
    const page = await b.get(`/domain/${zone().id}/`);
    expect(page.body).toMatch(/<select[^>]*name="serial_scheme"/);
    expect(page.body).toMatch(/<option value="unixtime"[^>]*selected/);
    expect(textOf(page.body)).toContain("dateserial: YYYYMMDDnn");
  });

  test("saving another scheme stores it", async () => {
    const id = zone().id;
    const r = await b.submit(`/domain/${id}/`, { comment: "", available: "1", ns: "ns1.dyn.example.org", serial_scheme: "dateserial" }, `/domain/${id}/`);
    expect(r.status).toBe(303);
    expect(zone().serialScheme).toBe("dateserial");
  });

  test("an unknown scheme is refused by name and the stored one stays", async () => {
    const id = zone().id;
    const r = await b.submit(`/domain/${id}/`, { comment: "changed", available: "1", ns: "ns1.dyn.example.org", serial_scheme: "weekly" }, `/domain/${id}/`);
    expect(r.status).toBe(400);
    expect(textOf(r.body)).toContain('serial scheme "weekly" must be one of unixtime, dateserial, increment');
    expect(zone().serialScheme).toBe("dateserial");
    expect(zone().comment).toBe("");
  });
});

describe("keyless transfer opt-in per secondary", () => {
  const secondaries = () => server.db.select().from(zoneSecondaries).where(eq(zoneSecondaries.domainId, zone().id)).all();

  test("a secondary added without the box may only transfer with the key", async () => {
    const id = zone().id;
    expect((await b.submit(`/domain/${id}/secondaries`, { address: "192.0.2.2" }, `/domain/${id}/`)).status).toBe(303);
    expect(secondaries().map((s) => [s.address, s.allowUnsignedTransfer])).toEqual([["192.0.2.2", false]]);
  });

  test("ticking the box opts that secondary in, and the page says so", async () => {
    const id = zone().id;
    expect((await b.submit(`/domain/${id}/secondaries`, { address: "192.0.2.3", allow_unsigned_transfer: "1" }, `/domain/${id}/`)).status).toBe(303);
    expect(secondaries().find((s) => s.address === "192.0.2.3")?.allowUnsignedTransfer).toBe(true);
    const text = textOf((await b.get(`/domain/${id}/`)).body);
    expect(text).toContain("192.0.2.3 may transfer without a key");
    expect(text).not.toContain("192.0.2.2 may transfer without a key");
  });
});
