// The DNSSEC section of an embedded domain's page (issue 10), against a full updns (serve's wiring, so the
// DNSSEC port serve.ts builds over the zone store is the one under test), over HTTP and DNS:
// - the owner signs the zone through the page; the page shows the keys and the DS, which is the store's DS
//   and matches the DNSKEY the server answers (dnssec-dsfromkey); dig +dnssec gets RRSIGs, dig without DO none;
// - KSK rollover through the page shows a second DS, completing it goes back to one;
// - switching off takes two steps: the first only publishes the RFC 8078 "delete" CDS, the second needs the
//   confirmation box, then the zone answers unsigned;
// - another user gets 404 for the same POSTs, a POST without the CSRF token gets 403.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createUser } from "../../../src/core/admin/users.ts";
import { dig, rdata } from "../../support/dig.ts";
import { havePeers, tempDir, which } from "../../support/net.ts";
import { startInProcess, type InProcess } from "../../support/updns.ts";
import { Browser, httpBrowser, preBlock, textOf } from "./harness.ts";

const run = havePeers("dig", "dnssec-dsfromkey");
const ZONE = "signed.example.org";
let server: InProcess;
let owner: Browser;
let domainId = 0;

/** The DS lines in the page's copyable block ([] when the page shows none). */
const shownDs = (html: string) => (html.includes('<pre id="dnssec-ds"') ? preBlock(html, "dnssec-ds").split("\n").map((l) => l.trim()).filter(Boolean) : []);
const page = () => owner.get(`/domain/${domainId}/`);
const post = (what: string, fields: Record<string, string> = {}) => owner.submit(`/domain/${domainId}/dnssec/${what}`, fields, `/domain/${domainId}/`);
const sigsOf = (r: { answer: string[] }) => r.answer.filter((l) => l.split(" ")[3] === "RRSIG");

beforeAll(async () => {
  if (!run) return;
  server = await startInProcess();
  for (const u of ["alice", "mallory"]) await createUser(server.db, { username: u, email: `${u}@example.test`, password: "correct horse battery" });
  owner = httpBrowser(server);
  expect((await owner.login("alice", "correct horse battery")).status).toBe(303);
  const posted = await owner.submit("/domain/add/", { name: ZONE, backend: "embedded" }, "/domain/add/");
  expect(posted.status).toBe(303);
  const added = await owner.get(posted.location!);
  domainId = Number(added.body.match(/href="\/domain\/(\d+)\/"/)![1]);
});
afterAll(async () => {
  await server?.close();
});

describe.if(run)("DNSSEC on a domain page", () => {
  test("an unsigned zone offers signing with the algorithms, NSEC3/NSEC and the key layouts", async () => {
    const p = await page();
    expect(p.status).toBe(200);
    const text = textOf(p.body);
    expect(text).toContain("The zone is not signed.");
    expect(p.body).toContain(`action="/domain/${domainId}/dnssec/on"`);
    for (const v of ['value="13"', 'value="15"', 'value="nsec3"', 'value="nsec"', 'value="csk"', 'value="split"']) expect(p.body).toContain(v);
    expect((await dig("127.0.0.1", server.dnsPort, ZONE, "SOA", ["+dnssec"])).answer.some((l) => l.includes(" RRSIG "))).toBe(false);
  });

  test("signing on through the page: keys and DS shown, the DS is the store's and the served DNSKEY's, answers carry RRSIGs when DO asks", async () => {
    const on = await post("on", { dnssec_algorithm: "15", denial: "nsec3", keys: "split" });
    expect(on.status).toBe(303);
    const p = await page();
    const text = textOf(p.body);
    expect(text).toContain("The zone is signed. Give the parent zone the DS record shown below.");
    expect(text).toContain("The zone is signed; names that do not exist are proven with NSEC3.");
    expect(text).toMatch(/\d+ KSK active Ed25519 \(15\)/);
    expect(text).toMatch(/\d+ ZSK active Ed25519 \(15\)/);
    const ds = shownDs(p.body);
    expect(ds).toEqual(server.zones.keys.dsRecords(ZONE).map((r) => `${ZONE}. IN DS ${r}`));
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatch(new RegExp(`^${ZONE.replace(/\./g, "\\.")}\\. IN DS \\d+ 15 2 [0-9A-F]{64}$`));
    expect(server.db.$client.query("SELECT dnssec FROM domains WHERE id = ?").get(domainId)).toEqual({ dnssec: 1 });

    // The parent's view: a DS made from the DNSKEY the server answers is the one the page shows.
    const keys = await dig("127.0.0.1", server.dnsPort, ZONE, "DNSKEY", ["+dnssec"]);
    expect(keys.status).toBe("NOERROR");
    expect(sigsOf(keys).length).toBeGreaterThan(0);
    const dir = tempDir("updns-dnssec-web-");
    try {
      const file = join(dir.path, "keys");
      writeFileSync(file, keys.answer.filter((l) => l.split(" ")[3] === "DNSKEY").join("\n") + "\n");
      const proc = Bun.spawnSync([which("dnssec-dsfromkey")!, "-2", "-f", file, ZONE], { stdout: "pipe", stderr: "pipe" });
      const fromKey = proc.stdout.toString().split("\n").filter(Boolean).map((l) => l.split(/\s+/).join(" "));
      expect(fromKey).toEqual(ds);
    } finally {
      dir.cleanup();
    }

    const withDo = await dig("127.0.0.1", server.dnsPort, ZONE, "SOA", ["+dnssec"]);
    expect(rdata(withDo, "SOA")).toHaveLength(1);
    expect(sigsOf(withDo).map((l) => l.split(" ")[4])).toEqual(["SOA"]);
    const nx = await dig("127.0.0.1", server.dnsPort, `nothing.${ZONE}`, "A", ["+dnssec"]);
    expect(nx.status).toBe("NXDOMAIN");
    expect(nx.authority.some((l) => l.split(" ")[3] === "NSEC3")).toBe(true);
    const withoutDo = await dig("127.0.0.1", server.dnsPort, ZONE, "SOA");
    expect(sigsOf(withoutDo)).toEqual([]);
  });

  test("KSK rollover through the page: a second DS while it runs, one again once completed", async () => {
    const before = shownDs((await page()).body);
    expect((await post("roll", { action: "roll-ksk" })).status).toBe(303);
    let p = await page();
    expect(textOf(p.body)).toContain("KSK rollover started: give the parent the new DS record, then complete the rollover.");
    const during = shownDs(p.body);
    expect(during).toHaveLength(2);
    expect(during).toContain(before[0]);
    expect(during).toEqual(server.zones.keys.dsRecords(ZONE).map((r) => `${ZONE}. IN DS ${r}`));
    expect((await post("roll", { action: "complete-ksk" })).status).toBe(303);
    p = await page();
    expect(textOf(p.body)).toContain("KSK rollover completed: the old key stops signing.");
    const after = shownDs(p.body);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    expect(textOf(p.body)).toMatch(/\d+ KSK retired, removed soon/);

    expect((await post("roll", { action: "roll-zsk" })).status).toBe(303);
    expect(textOf((await page()).body)).toContain("ZSK rollover started: the new key signs once caches know it.");
    expect(textOf((await page()).body)).toMatch(/\d+ ZSK published, not signing yet/);
  });

  test("ECDSA with NSEC and one CSK: NXDOMAIN proven with NSEC, no ZSK to roll (a forged ZSK roll is refused with a reason)", async () => {
    const other = await owner.get((await owner.submit("/domain/add/", { name: "csk.example.org", backend: "embedded" }, "/domain/add/")).location!);
    const id = Number(other.body.match(/href="\/domain\/(\d+)\/"/)![1]);
    expect((await owner.submit(`/domain/${id}/dnssec/on`, { dnssec_algorithm: "13", denial: "nsec", keys: "csk" }, `/domain/${id}/`)).status).toBe(303);
    const p = await owner.get(`/domain/${id}/`);
    const text = textOf(p.body);
    expect(text).toContain("The zone is signed; names that do not exist are proven with NSEC.");
    expect(text).toMatch(/\d+ CSK active ECDSA P-256 \/ SHA-256 \(13\)/);
    expect(p.body).not.toContain('value="roll-zsk"');
    expect(shownDs(p.body)).toEqual(server.zones.keys.dsRecords("csk.example.org").map((r) => `csk.example.org. IN DS ${r}`));
    const nx = await dig("127.0.0.1", server.dnsPort, "nothing.csk.example.org", "A", ["+dnssec"]);
    expect(nx.status).toBe("NXDOMAIN");
    expect(nx.authority.some((l) => l.split(" ")[3] === "NSEC")).toBe(true);
    expect((await owner.submit(`/domain/${id}/dnssec/roll`, { action: "roll-zsk" }, `/domain/${id}/`)).status).toBe(303);
    expect(textOf((await owner.get(`/domain/${id}/`)).body)).toContain("This zone signs with one combined key (CSK): roll it with the KSK rollover.");
  });

  test("a zone at an external primary has no DNSSEC section and its DNSSEC POSTs are 404", async () => {
    const posted = await owner.submit("/domain/add/", { name: "ext.example.org", backend: "rfc2136", primary: "127.0.0.1:5399", algorithm: "hmac-sha256" }, "/domain/add/");
    expect(posted.status).toBe(303);
    const added = await owner.get(posted.location!);
    const id = Number(added.body.match(/href="\/domain\/(\d+)\/"/)![1]);
    const p = await owner.get(`/domain/${id}/`);
    expect(p.status).toBe(200);
    expect(p.body).not.toContain('id="h-dnssec"');
    expect((await owner.submit(`/domain/${id}/dnssec/on`, { dnssec_algorithm: "13" }, `/domain/${id}/`)).status).toBe(404);
  });

  test("another user gets 404 for the DNSSEC POSTs; a POST without the CSRF token gets 403", async () => {
    const other = httpBrowser(server);
    expect((await other.login("mallory", "correct horse battery")).status).toBe(303);
    for (const what of ["on", "off", "keep", "roll"]) {
      const r = await other.submit(`/domain/${domainId}/dnssec/${what}`, { confirm: "1", action: "roll-ksk" }, "/overview/");
      expect(r.status).toBe(404);
    }
    expect((await other.get(`/domain/${domainId}/`)).status).toBe(404);
    const forged = await owner.request("POST", `/domain/${domainId}/dnssec/off`, new URLSearchParams({ confirm: "1" }));
    expect(forged.status).toBe(403);
    expect(server.zones.keys.isSigned(ZONE)).toBe(true);
  });

  test("switching off: the first step only publishes the DS-removal request, the second needs the confirmation", async () => {
    expect((await post("off")).status).toBe(303);
    let p = await page();
    expect(textOf(p.body)).toContain("The zone now asks the parent to remove its DS record. Once the DS is gone, confirm to stop signing.");
    expect(server.zones.keys.isSigned(ZONE)).toBe(true);
    expect(shownDs(p.body)).toEqual([]);
    const cds = await dig("127.0.0.1", server.dnsPort, ZONE, "CDS");
    expect(rdata(cds, "CDS")).toEqual(["0 0 0 00"]);

    // Without the box ticked nothing goes.
    expect((await post("off")).status).toBe(303);
    p = await page();
    expect(textOf(p.body)).toContain("Confirm that the parent zone no longer has a DS record for this zone.");
    expect(server.zones.keys.isSigned(ZONE)).toBe(true);

    // Changed one's mind: keep signing, the normal CDS is back.
    expect((await post("keep")).status).toBe(303);
    expect(textOf((await page()).body)).toContain("The zone stays signed.");
    expect(rdata(await dig("127.0.0.1", server.dnsPort, ZONE, "CDS"), "CDS")[0]).not.toBe("0 0 0 00");

    expect((await post("off")).status).toBe(303);
    expect((await post("off", { confirm: "1" })).status).toBe(303);
    p = await page();
    expect(textOf(p.body)).toContain("The zone is no longer signed.");
    expect(textOf(p.body)).toContain("The zone is not signed.");
    expect(server.zones.keys.isSigned(ZONE)).toBe(false);
    expect(server.db.$client.query("SELECT dnssec FROM domains WHERE id = ?").get(domainId)).toEqual({ dnssec: 0 });
    const soa = await dig("127.0.0.1", server.dnsPort, ZONE, "SOA", ["+dnssec"]);
    expect(rdata(soa, "SOA")).toHaveLength(1);
    expect(sigsOf(soa)).toEqual([]);
    expect((await dig("127.0.0.1", server.dnsPort, ZONE, "DNSKEY")).answer).toEqual([]);
  });
});
