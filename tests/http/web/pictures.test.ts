// The pictures of the web UI as a person sees them: the host page's address timeline (inline SVG with the
// addresses in its text, and a table), and staff reaching any host or domain from the admin lists.
import { expect, test } from "bun:test";
import { makeDnsWebWorld } from "./world.ts";

async function fixture() {
  const w = await makeDnsWebWorld();
  const alice = await w.signedIn("alice");
  expect((await alice.b.submit("/domain/add/", { name: "dyn.example.org", backend: "embedded" }, "/domain/add/")).status).toBe(303);
  expect((await alice.b.submit("/host/add/", { name: "home", domain: "1" }, "/host/add/")).location).toBe("/host/1/");
  const hx = { "hx-request": "true" };
  await alice.b.get("/host/1/");
  // The token is the session's: the one of the host page serves every later form.
  const csrf = alice.b.csrf();
  const update = async (myip: string, path = "/nic/update_authorized") => {
    const r = await alice.b.request("POST", path, new URLSearchParams({ hostname: "home.dyn.example.org", myip, _csrf: csrf }), hx);
    expect(r.status).toBe(200);
    return r.body;
  };
  return { w, alice, update };
}

const svgOf = (body: string) => body.match(/<figure class="chart timeline">[\s\S]*?<\/svg>/)?.[0] ?? "";

test("the host page draws each address the host held on a timeline, readable as text", async () => {
  const { w, alice, update } = await fixture();
  let page = await alice.b.get("/host/1/");
  expect(page.body).toContain("No address change recorded yet.");

  expect(await update("192.0.2.1")).toContain("good");
  w.clock.advance(3 * 3600_000);
  expect(await update("192.0.2.2")).toContain("good");
  w.clock.advance(3600_000);
  expect(await update("2001:db8::2")).toContain("good");
  // A repeated address is no change: it adds nothing to the history.
  expect(await update("192.0.2.2")).toContain("nochg");
  w.clock.advance(3600_000);
  expect(await update("0.0.0.0", "/nic/delete_authorized")).toContain("deleted");

  page = await alice.b.get("/host/1/");
  const svg = svgOf(page.body);
  expect(svg).toContain('role="img"');
  expect(svg).toContain("aria-label=\"Address history of home.dyn.example.org: 4 changes");
  // Every address is in the picture's text (a <title> per segment), the record types name the lanes.
  for (const a of ["192.0.2.1", "192.0.2.2", "2001:db8::2"]) expect(svg).toContain(a);
  expect(svg).toMatch(/<title>A no record: /);
  expect(svg).toContain('data-type="AAAA"');
  // Theme-friendly: drawn in currentColor, no colour of its own.
  expect(svg).toContain('fill="currentColor"');
  expect(svg).not.toMatch(/#[0-9a-f]{6}/i);
  // The same as a table, newest first.
  const rows = [...page.body.matchAll(/<tr><td>[^<]*<\/td><td>(A|AAAA)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => `${m[1]} ${m[2]}`);
  expect(rows).toEqual(["A no record", "AAAA 2001:db8::2", "A 192.0.2.2", "A 192.0.2.1"]);
});

test("the timeline speaks the page's language: dates through Intl, words translated", async () => {
  const { alice, update } = await fixture();
  await update("192.0.2.1");
  alice.b.cookies.set("updns_lang", "de");
  const de = (await alice.b.get("/host/1/")).body;
  expect(de).toContain("Adressverlauf");
  const svg = svgOf(de);
  expect(svg).toContain("192.0.2.1");
  expect(svg).toContain("Adressverlauf von home.dyn.example.org: 1 Änderung");
  // The dates as German write them (Intl.DateTimeFormat), not ISO.
  expect(svg).toMatch(/\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} UTC/);
});

test("staff open any host and domain from the admin lists; others get 404", async () => {
  const { w, alice, update } = await fixture();
  await alice.b.get("/host/1/");
  await update("192.0.2.7");
  const staff = await w.signedIn("root", { staff: true });
  const bob = await w.signedIn("bob");

  // "malice" matches a search for "alice": the users list's links name the account exactly.
  const malice = await w.signedIn("malice");
  expect((await malice.b.submit("/domain/add/", { name: "malice.example.org", backend: "embedded" }, "/domain/add/")).status).toBe(303);
  expect((await malice.b.submit("/host/add/", { name: "box", domain: "2" }, "/host/add/")).location).toBe("/host/2/");
  const users = await staff.b.get("/admin/users");
  expect(users.body).toContain('href="/admin/hosts?owner=alice"');
  expect(users.body).toContain('href="/admin/domains?owner=alice"');
  const hostList = await staff.b.get("/admin/hosts?owner=alice");
  expect(hostList.body).toContain('<a href="/host/1/">home.dyn.example.org</a>');
  expect(hostList.body).not.toContain('href="/host/2/"');
  expect(hostList.body).toContain("Only those of alice.");
  expect(hostList.body).toContain('<input type="hidden" name="owner" value="alice"/>');
  const domainList = await staff.b.get("/admin/domains?owner=alice");
  expect(domainList.body).toContain('<a href="/domain/1/">dyn.example.org</a>');
  expect(domainList.body).not.toContain('href="/domain/2/"');
  expect((await staff.b.get("/admin/hosts?q=alice")).body).toContain('href="/host/2/"');

  const host = await staff.b.get("/host/1/");
  expect(host.status).toBe(200);
  expect(host.body).toContain("it belongs to alice");
  expect(host.body).toContain("192.0.2.7");
  // Looking, not changing: the owner's forms are not offered to staff.
  expect(host.body).not.toContain('action="/host/1/secret"');
  expect((await staff.b.submit("/host/1/", { comment: "x" }, "/host/1/")).status).toBe(404);

  const domain = await staff.b.get("/domain/1/");
  expect(domain.status).toBe(200);
  expect(domain.body).toContain("dyn.example.org");
  expect(domain.body).toContain('href="/host/1/"');
  expect(domain.body).not.toContain('action="/domain/1/secondaries"');

  expect((await bob.b.get("/host/1/")).status).toBe(404);
  expect((await bob.b.get("/domain/1/")).status).toBe(404);
  expect((await bob.b.get("/admin/users")).status).toBe(404);
});
