// db/batch.ts readTogether: the reads of a hot path in one read transaction, which it must always close,
// and which inside a caller's transaction is simply that transaction.
import { expect, test } from "bun:test";
import { openDatabase, readTogether, runInTransaction, users } from "../../src/db/index.ts";

test("readTogether returns what its reads return and leaves no transaction open, also when they throw", () => {
  const db = openDatabase(":memory:");
  db.insert(users).values({ username: "ops" }).run();
  const q = db.$client.prepare<{ n: number }, []>("SELECT count(*) AS n FROM users");
  expect(readTogether(db.$client, () => [db.$client.inTransaction, q.get()!.n])).toEqual([true, 1]);
  expect(db.$client.inTransaction).toBe(false);
  expect(() => readTogether(db.$client, () => db.$client.prepare("SELECT nothing FROM nowhere").get())).toThrow();
  expect(db.$client.inTransaction).toBe(false);
  // A write after it is not caught in a stale read transaction.
  db.insert(users).values({ username: "ops2" }).run();
  expect(readTogether(db.$client, () => q.get()!.n)).toBe(2);
});

test("inside a caller's transaction readTogether runs in it and leaves it open for the caller", () => {
  const db = openDatabase(":memory:");
  runInTransaction(db.$client, () => {
    db.insert(users).values({ username: "ops" }).run();
    expect(readTogether(db.$client, () => db.$client.prepare<{ n: number }, []>("SELECT count(*) AS n FROM users").get()!.n)).toBe(1);
    expect(db.$client.inTransaction).toBe(true);
  }, { relaxed: false });
  expect(db.select().from(users).all()).toHaveLength(1);
});
