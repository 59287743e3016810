// The staff status page as staff see it: version, listeners, the last day's charts, every embedded zone with
// its serial and what a real secondary (NSD, transferring from our DNS listener) serves, jobs and mail.
import { afterAll, expect, test } from "bun:test";
import { listenDns, Responder, type DnsListener } from "../../../src/dns/server/index.ts";
import { AppMetrics } from "../../../src/metrics/index.ts";
import { serverStatus } from "../../../src/cli/status.ts";
import pkg from "../../../package.json" with { type: "json" };
import { dig, rdata } from "../../support/dig.ts";
import { havePeers, waitFor } from "../../support/net.ts";
import { startSecondary, type Secondary } from "../../support/secondaries.ts";
import { makeDnsWebWorld } from "./world.ts";
import { settings } from "../../../src/db/index.ts";
import { findJob, runExclusive, type JobContext } from "../../../src/jobs/index.ts";
import { memoryLogger } from "../../../src/log/index.ts";
import type { ServerStatus } from "../../../src/core/index.ts";
import { englishLeftovers, englishWords, nativeWords } from "../../i18n/english.ts";

const ZONE = "sec.example.test";
let dns: DnsListener | undefined;
let nsd: Secondary | undefined;
afterAll(async () => {
  await nsd?.stop();
  await dns?.stop();
});

async function world(secondarySerial?: ServerStatus["secondarySerial"]) {
  const metrics = new AppMetrics();
  let responder: Responder | undefined;
  const w = await makeDnsWebWorld({
    status: (db, config) => {
      const st = serverStatus({ cfg: config, db, metrics, dnsCounters: () => responder?.counters, dnsAddresses: () => (dns ? [`127.0.0.1:${dns.addresses[0].udpPort}`] : []), httpAddresses: () => ["127.0.0.1:8080"], startedAt: new Date("2026-01-01T00:00:00Z") });
      return secondarySerial ? { ...st, secondarySerial } : st;
    },
  });
  responder = new Responder({ store: w.store });
  return { w, metrics, responder };
}

// CI has NSD: a missing one fails the test rather than skipping it.
const peers = havePeers("nsd", "dig") || !!process.env.CI;

test.if(peers)("the status page lists each zone's serial and what its secondary serves: in sync, then behind", async () => {
  const { w, responder } = await world();
  const staff = await w.signedIn("root", { staff: true });
  expect((await staff.b.submit("/domain/add/", { name: ZONE, backend: "embedded" }, "/domain/add/")).status).toBe(303);
  responder.setAcl({ [ZONE]: { transferKeys: [], transferAddresses: ["127.0.0.1/32"], notify: [] } });
  dns = await listenDns({ listen: ["127.0.0.1:0"], responder });
  const port = dns.addresses[0].udpPort;
  nsd = await startSecondary("nsd", ZONE, port, null);
  expect((await staff.b.submit("/domain/1/secondaries", { address: `127.0.0.1:${nsd.port}` }, "/domain/1/")).status).toBe(303);
  const ours = w.store.zone(ZONE)!.serial;
  await waitFor("NSD to transfer the zone", async () => Number(rdata(await dig("127.0.0.1", nsd!.port, ZONE, "SOA"), "SOA")[0]?.split(" ")[2]) === ours, 10_000, 100);

  let page = await staff.b.get("/status/");
  expect(page.status).toBe(200);
  const zoneRow = () => page.body.match(new RegExp(`<tr><td data-label="Zone">${ZONE.replaceAll(".", "\\.")}</td>[\\s\\S]*?</tr>`))?.[0] ?? "";
  expect(zoneRow()).toContain(`<td data-label="Serial">${ours}</td>`);
  expect(zoneRow()).toContain(`<code>127.0.0.1:${nsd.port}</code> <span>${ours}</span>`);
  expect(zoneRow()).toContain('data-state="in-sync"');
  expect(zoneRow()).toContain(">in sync<");

  // A change here that nobody NOTIFYs NSD about: it keeps serving the old serial, and the page says so.
  w.clock.advance(5000);
  await w.store.transaction(ZONE, (tx) => tx.replaceRRset(`www.${ZONE}`, "A", 60, ["192.0.2.80"]));
  const newer = w.store.zone(ZONE)!.serial;
  expect(newer).not.toBe(ours);
  page = await staff.b.get("/status/");
  expect(zoneRow()).toContain(`<td data-label="Serial">${newer}</td>`);
  expect(zoneRow()).toContain(`<span>${ours}</span>`);
  expect(zoneRow()).toContain('data-state="behind"');
  expect(zoneRow()).toContain(">behind<");
}, 30_000);

test("the status page shows version, uptime, listeners, charts of the day, jobs and mail; others get 404", async () => {
  const { w, metrics, responder } = await world();
  const staff = await w.signedIn("root", { staff: true });
  const user = await w.signedIn("bob");
  // Three updates and 1200 queries in one minute; 60 ms each on average.
  for (const s of [0.05, 0.06, 0.07]) metrics.updateLatency.observe(s);
  responder.counters.queriesByType.A = 1200;
  metrics.mail("failed", "connection refused");

  const page = await staff.b.get("/status/");
  expect(page.status).toBe(200);
  const b = page.body;
  expect(b).toContain(`<dd>${pkg.version}</dd>`);
  expect(b).toContain("Running since");
  expect(b).toContain("127.0.0.1:8080");
  // Three charts, each an SVG image with a text summary of the day.
  const charts = [...b.matchAll(/<figure class="chart sparkline"><svg [^>]*role="img" aria-label="([^"]*)"/g)].map((m) => m[1]);
  expect(charts).toHaveLength(3);
  expect(charts[0]).toBe("Updates per minute: 3 in the last 24 h; at most 3 in one minute; 3 in the last minute.");
  expect(charts[1]).toBe("Queries per second: 1,200 queries in the last 24 h; 0.014 per second on average, at most 20 (a minute's mean).");
  expect(charts[2]).toBe("Update latency (ms): 60 ms on average in the last 24 h; the slowest minute 60 ms.");
  expect(b).toContain("<polyline");
  // Each chart's scale is written on it: its top is the busiest minute the summary names.
  expect([...b.matchAll(/class="scale">([^<]*)</g)].map((m) => m[1])).toEqual(["3", "20", "60"]);
  // Jobs: every job with its schedule, and whether it ran.
  expect(b).toContain("<code>faults</code>");
  expect(b).toContain("never ran");
  // Mail: not configured here; the last failure with its reason.
  expect(b).toContain("not configured: mails go to the log");
  expect(b).toContain("connection refused");

  expect((await user.b.get("/status/")).status).toBe(404);
});

test("job results and secondaries' problems in the reader's language; other programs' diagnostics quoted as they are", async () => {
  // One secondary refuses (the DNS client's own message), one never answers (our time limit).
  const refused = "connection refused by 192.0.2.1:53 (nothing listens on that UDP port)";
  const { w } = await world(async (_zone, address) => (address === "192.0.2.1" ? Promise.reject(new Error(refused)) : new Promise<number>(() => {})));
  const staff = await w.signedIn("root", { staff: true });
  expect((await staff.b.submit("/domain/add/", { name: ZONE, backend: "embedded" }, "/domain/add/")).status).toBe(303);
  for (const address of ["192.0.2.1", "192.0.2.2"]) expect((await staff.b.submit("/domain/1/secondaries", { address }, "/domain/1/")).status).toBe(303);
  expect((await staff.b.submit("/host/add/", { name: "home", domain: "1" }, "/host/add/")).status).toBe(303);
  // Runs as the scheduler records them: two jobs that ran, one that failed, one recorded before runs kept
  // their counts (its English line is all there is), and domains_check never ran.
  const now = () => w.clock.now();
  const ctx = { db: w.db, log: memoryLogger("error"), clock: w.clock, mailer: { send: async () => {} }, backendFor: () => { throw new Error("no DNS change expected"); }, site: "updns.test" } as unknown as JobContext;
  for (const name of ["hosts_stale_check", "cleanup"]) await runExclusive(w.db, name, "scheduler", now, () => findJob(name)!.run(ctx, { flagAbuseThreshold: 0 }));
  await runExclusive(w.db, "users_stale_check", "scheduler", now, async () => Promise.reject(new Error("database is locked"))).catch(() => {});
  const old = { startedAt: now().toISOString(), finishedAt: now().toISOString(), ok: true, result: "1 hosts, 0 changed, 0 flagged as abuse", by: "scheduler" };
  w.db.insert(settings).values({ key: "job:faults", value: JSON.stringify(old) }).run();
  // A run whose process died: started, never finished, and nobody holds its lease.
  w.db.insert(settings).values({ key: "job:dnssec_resign", value: JSON.stringify({ ...old, finishedAt: null, ok: null, result: "running" }) }).run();

  const cell = (body: string, job: string) => body.match(new RegExp(`<code>${job}</code>[\\s\\S]*?<td data-label="[^"]*">[\\s\\S]*?<td data-label="[^"]*">[\\s\\S]*?<td data-label="[^"]*"[^>]*>([\\s\\S]*?)</td>`))?.[1].trim() ?? "";
  const en = (await staff.b.get("/status/")).body;
  expect(cell(en, "hosts_stale_check")).toBe("<span>ok: 1 host checked, 0 owners reminded, 0 made unavailable, 0 deleted, 0 updated again</span>");
  expect(cell(en, "cleanup")).toBe("<span>ok: cleaned up 0 expired sessions, 0 expired links, 0 unconfirmed sign-ups, 0 stale forwardings, journals not trimmed (no zone store)</span>");

  const de = (await staff.b.get("/status/", { "accept-language": "de" })).body;
  expect(cell(de, "hosts_stale_check")).toBe("<span>OK: 1 Host geprüft, 0 Besitzer erinnert, 0 nicht mehr verfügbar, 0 gelöscht, 0 wieder aktualisiert</span>");
  expect(cell(de, "cleanup")).toBe("<span>OK: 0 abgelaufene Sitzungen, 0 abgelaufene Links, 0 unbestätigte Registrierungen, 0 veraltete Weiterleitungen entfernt, Journale nicht gekürzt (kein Zonenspeicher)</span>");
  expect(cell(de, "faults")).toBe('<span><span>OK, wie die Aufgabe es festhielt:</span> <samp translate="no">1 hosts, 0 changed, 0 flagged as abuse</samp></span>');
  expect(cell(de, "users_stale_check")).toBe('<span><span>fehlgeschlagen:</span> <samp translate="no">database is locked</samp></span>');
  expect(cell(de, "domains_check")).toBe("<span>nie gelaufen</span>");
  expect(cell(de, "dnssec_resign")).toBe("<span>nicht beendet</span>");
  // The secondaries: our own time limit in words, the DNS client's message quoted after a lead-in.
  expect(de).toContain(`<span class="muted">die Abfrage scheiterte:</span> <samp translate="no">${refused}</samp>`);
  expect(de).toContain('<span class="muted">(nach 2.000 ms aufgegeben)</span>');
  // Nothing else in English on the page.
  expect(englishLeftovers(de, "de", englishWords(), nativeWords("de"))).toEqual([]);
}, 30_000);
