// Hostile values people can type (host, domain, related and forwarding comments, a TXT record, a user name)
// render as text on every page that shows them: no tag of theirs survives into the markup.
import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { serviceUpdaters, users } from "../../../src/db/index.ts";
import { textOf } from "./harness.ts";
import { makeDnsWebWorld } from "./world.ts";

const EVIL = [`<script>alert(1)</script>`, `"><img src=x onerror=alert(2)>`, `'><svg onload=alert(3)>`];
const evil = EVIL.join(" ");
/** The markup with every quoted attribute value emptied: what is left are real tags (see admin.test.ts). */
const tagsOnly = (html: string) => html.replace(/="[^"]*"/g, '=""');
const clean = (html: string) => {
  const t = tagsOnly(html);
  for (const bad of ["<script>alert", "<img src=x", "<svg onload"]) expect(t).not.toContain(bad);
};

test("hostile comments, names and record data are shown as text everywhere", async () => {
  const w = await makeDnsWebWorld();
  const { b, id } = await w.signedIn("mallory");
  w.db.update(users).set({ username: `m<script>alert(4)</script>` }).where(eq(users.id, id)).run();
  expect((await b.submit("/domain/add/", { name: "dyn.example.org", backend: "embedded", comment: evil }, "/domain/add/")).status).toBe(303);
  expect((await b.submit("/host/add/", { name: "home", domain: "1", comment: evil }, "/host/add/")).status).toBe(303);
  expect((await b.submit("/host/1/related/add/", { name: "nas", comment: evil, available: "1" }, "/host/1/related/add/")).status).toBe(303);
  w.db.insert(serviceUpdaters).values({ name: `<script>alert(5)</script>`, server: "dyn.example.com" }).run();
  expect((await b.submit("/updater_hostconfig_overview/1/", { service: "1", name: evil, password: "p", comment: evil, hostname: "" }, "/updater_hostconfig_overview/1/")).status).toBe(303);
  expect((await b.submit("/domain/1/records", { name: "txt", type: "TXT", ttl: "60", data: `"${EVIL[1].replaceAll('"', "")}"` }, "/domain/1/")).status).toBe(303);
  // Form errors echo the input back.
  const bad = await b.submit("/host/add/", { name: evil, domain: "1", comment: evil }, "/host/add/");
  expect(bad.status).toBe(400);
  clean(bad.body);

  const pages = ["/overview/", "/host/1/", "/host/1/related/", "/host/1/related/1/", "/updater_hostconfig_overview/1/", "/updater_hostconfig/1/", "/domain/1/", "/generate_secret/1/"];
  for (const p of pages) {
    const r = await b.get(p);
    expect([p, r.status]).toEqual([p, 200]);
    clean(r.body);
  }
  const overview = textOf((await b.get("/overview/")).body);
  expect(overview).toContain(EVIL[0]);
  expect(overview).toContain("m<script>alert(4)</script>"); // the owner column and the "signed in as" line

  const { b: s } = await w.signedIn("boss", { staff: true });
  for (const p of ["/admin/hosts", "/admin/domains", "/admin/services", `/admin/hosts?q=${encodeURIComponent(evil)}`, "/admin/users"]) {
    const r = await s.get(p);
    expect([p, r.status]).toEqual([p, 200]);
    clean(r.body);
  }
  expect(textOf((await s.get("/admin/services")).body)).toContain("<script>alert(5)</script>");
});
