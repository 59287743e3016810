// addDomain for a zone at an external primary: the update key's secret is the pasted one (stored sealed)
// or, when none is given, a new one of the algorithm's length; a secret that is not base64 is refused.
import { expect, test } from "bun:test";
import { addDomain, ValidationError } from "../../src/core/index.ts";
import { openColumn, openDatabase, users } from "../../src/db/index.ts";

const setup = () => {
  const db = openDatabase(":memory:");
  const owner = db.insert(users).values({ username: "alice", email: "alice@example.org" }).returning().get().id;
  const add = (name: string, secret?: string) => addDomain(db, undefined, { name, ownerId: owner, backend: "rfc2136", primary: "192.0.2.53", algorithm: "hmac-sha256", secret, policy: "users" });
  const stored = (name: string) => {
    const row = db.$client.query("SELECT update_key_secret FROM domains WHERE name = ?").get(name) as { update_key_secret: string };
    return { raw: row.update_key_secret, clear: openColumn(db, row.update_key_secret, "domains.update_key_secret") };
  };
  return { db, add, stored };
};

test("a pasted secret is the update key, sealed at rest", async () => {
  const { add, stored } = setup();
  const pasted = Buffer.alloc(32, 9).toString("base64");
  const made = await add("ext.example.org", ` ${pasted} `);
  expect(made.key.secret).toBe(pasted);
  expect(stored("ext.example.org").clear).toBe(pasted);
  expect(stored("ext.example.org").raw).not.toContain(pasted);
});

test("an empty secret is generated with the algorithm's length", async () => {
  const { add, stored } = setup();
  const made = await add("ext.example.org", "");
  expect(Buffer.from(made.key.secret, "base64").length).toBe(32);
  expect(stored("ext.example.org").clear).toBe(made.key.secret);
});

test("a secret that is not base64 is refused on its field and nothing is added", async () => {
  const { db, add } = setup();
  const e = await add("ext.example.org", "not base64!").catch((x) => x);
  expect(e).toBeInstanceOf(ValidationError);
  expect([e.field, e.message]).toEqual(["secret", 'secret must be base64 (e.g. from "updns tsig add" or "tsig-keygen")']);
  expect(db.$client.query("SELECT count(*) AS n FROM domains").get()).toEqual({ n: 0 });
});
