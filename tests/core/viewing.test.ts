// Who may look at a host or a domain (core/viewing.ts): the owner to change it, staff to look at anyone's.
import { expect, test } from "bun:test";
import { openDatabase, domains, hosts, users } from "../../src/db/index.ts";
import { viewableDomain, viewableHost } from "../../src/core/index.ts";

test("owners see their own, staff see everyone's (not as owners), others see nothing", () => {
  const db = openDatabase(":memory:");
  const [ann, bob, root] = ["ann", "bob", "root"].map((username) => db.insert(users).values({ username, isStaff: username === "root" }).returning().get());
  const d = db.insert(domains).values({ name: "dyn.example.org", ownerId: ann.id }).returning().get();
  const nobodys = db.insert(domains).values({ name: "free.example.org", ownerId: null }).returning().get();
  const h = db.insert(hosts).values({ name: "home", domainId: d.id, ownerId: ann.id }).returning().get();
  const as = (u: typeof ann) => ({ id: u.id, isStaff: u.isStaff });

  expect(viewableHost(db, as(ann), h.id)).toMatchObject({ own: true, owner: "ann", item: { fqdn: "home.dyn.example.org" } });
  expect(viewableHost(db, as(root), h.id)).toMatchObject({ own: false, owner: "ann" });
  expect(viewableHost(db, as(bob), h.id)).toBeNull();
  expect(viewableHost(db, as(root), 999)).toBeNull();

  expect(viewableDomain(db, as(ann), d.id)).toMatchObject({ own: true, owner: "ann" });
  expect(viewableDomain(db, as(root), d.id)).toMatchObject({ own: false, owner: "ann" });
  expect(viewableDomain(db, as(root), nobodys.id)).toMatchObject({ own: false, owner: "" });
  expect(viewableDomain(db, as(bob), d.id)).toBeNull();
  expect(viewableDomain(db, as(bob), nobodys.id)).toBeNull();
});
