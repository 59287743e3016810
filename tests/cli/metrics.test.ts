// GET /metrics of a running server after some traffic: only for [metrics] allow (a client behind a trusted
// proxy is checked by its own address), Prometheus text format that promtool accepts, and the figures an
// operator graphs: dyndns2 answers by code, HTTP requests by route template, update latency, zone serials,
// transfers by zone, NOTIFY, job runs, mails.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { addEmbeddedZone } from "../../src/core/admin/domains.ts";
import { createHost } from "../../src/core/admin/hosts.ts";
import { createUser } from "../../src/core/admin/users.ts";
import { dig } from "../support/dig.ts";
import { havePeers, tempDir, which } from "../support/net.ts";
import { startInProcess, type InProcess } from "../support/updns.ts";

const ZONE = "metrics.example.test";
let server: InProcess;
let host: { fqdn: string; updateSecret: string };
const basic = (user: string, pass: string) => ({ authorization: `Basic ${btoa(`${user}:${pass}`)}` });
const scrape = async () => (await fetch(`${server.url}/metrics`)).text();
/** The value of one series, by its exact name and labels as rendered. */
const value = (text: string, series: string) => {
  const l = text.split("\n").find((x) => x.startsWith(series + " "));
  return l === undefined ? undefined : Number(l.slice(series.length + 1));
};

beforeAll(async () => {
  server = await startInProcess({ UPDNS_HTTP_TRUSTED_PROXIES: "127.0.0.1" });
  await createUser(server.db, { username: "ann", email: "ann@example.test" });
  await addEmbeddedZone(server.db, { name: ZONE, ownerId: 1, public: true, ns: ["ns1.example.test"] }, async (z) => {
    await server.zones.store.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) });
  });
  server.dns.reconfigure();
  host = await createHost(server.db, { fqdn: `home.${ZONE}`, owner: "ann" });
  // Some traffic: a good update, the same again (nochg), a wrong secret, a web page with an id in its path,
  // a path nobody serves, and a refused zone transfer.
  await fetch(`${server.url}/nic/update?hostname=${host.fqdn}&myip=192.0.2.10`, { headers: basic(host.fqdn, host.updateSecret) });
  await fetch(`${server.url}/nic/update?hostname=${host.fqdn}&myip=192.0.2.10`, { headers: basic(host.fqdn, host.updateSecret) });
  await fetch(`${server.url}/nic/update?hostname=${host.fqdn}&myip=192.0.2.11`, { headers: basic(host.fqdn, "wrong") });
  await fetch(`${server.url}/host/12345/`, { redirect: "manual" });
  await fetch(`${server.url}/no/such/page-1`);
  await fetch(`${server.url}/no/such/page-2`);
  if (which("dig")) await dig("127.0.0.1", server.dnsPort, ZONE, "AXFR");
});
afterAll(() => server.close());

describe("who may read /metrics", () => {
  test("a loopback client (the default allow list) gets the metrics", async () => {
    const r = await fetch(`${server.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  test("a client outside [metrics] allow gets 403, also when a trusted proxy forwards it", async () => {
    const r = await fetch(`${server.url}/metrics`, { headers: { "x-forwarded-for": "203.0.113.5" } });
    expect(r.status).toBe(403);
    expect(await r.text()).toBe("forbidden: this address is not in [metrics] allow\n");
  });

  test("[metrics] allow replaces the default: loopback is then refused too", async () => {
    const other = await startInProcess({ UPDNS_METRICS_ALLOW: "192.0.2.0/24" });
    try {
      expect((await fetch(`${other.url}/metrics`)).status).toBe(403);
    } finally {
      await other.close();
    }
  });
});

describe("what /metrics says after some traffic", () => {
  test("dyndns2 answers by code, and the update latency histogram", async () => {
    const text = await scrape();
    expect(value(text, 'updns_dyndns2_answers_total{code="good"}')).toBe(1);
    expect(value(text, 'updns_dyndns2_answers_total{code="nochg"}')).toBe(1);
    expect(value(text, 'updns_dyndns2_answers_total{code="badauth"}')).toBe(1);
    expect(value(text, "updns_dyndns2_request_duration_seconds_count")).toBe(3);
    expect(value(text, 'updns_dyndns2_request_duration_seconds_bucket{le="+Inf"}')).toBe(3);
    expect(value(text, "updns_dyndns2_request_duration_seconds_sum")).toBeGreaterThan(0);
  });

  test("HTTP requests by route template and status, never by raw path", async () => {
    const text = await scrape();
    expect(value(text, 'updns_http_requests_total{route="/nic/update",method="GET",status="200"}')).toBe(2);
    expect(value(text, 'updns_http_requests_total{route="/nic/update",method="GET",status="401"}')).toBe(1);
    expect(text).toMatch(/updns_http_requests_total\{route="\/host\/:id\/",method="GET",status="\d+"\} 1/);
    expect(value(text, 'updns_http_requests_total{route="unmatched",method="GET",status="404"}')).toBe(2);
    expect(text).not.toContain("12345");
    expect(text).not.toContain("page-1");
  });

  test("each zone's serial, as dig sees it", async () => {
    const text = await scrape();
    expect(value(text, `updns_zone_serial{zone="${ZONE}"}`)).toBe(server.zones.store.zone(ZONE)!.serial);
  });

  test.if(Boolean(which("dig")))("a refused transfer, by zone and result", async () => {
    const text = await scrape();
    expect(value(text, `updns_dns_zone_transfers_total{zone="${ZONE}",result="refused"}`)).toBe(1);
  });

  test("every family has HELP and TYPE: job runs, mails and NOTIFY too", async () => {
    const text = await scrape();
    for (const name of ["updns_job_runs_total", "updns_mails_total", "updns_dns_notifies_total", "updns_http_requests_total", "updns_zone_serial", "updns_dyndns2_request_duration_seconds"]) {
      expect(text).toContain(`# HELP ${name} `);
      expect(text).toMatch(new RegExp(`# TYPE ${name} (counter|gauge|histogram)`));
    }
    expect(value(text, 'updns_mails_total{result="sent"}')).toBe(0);
    // Scheduled jobs and every dyndns2 code have their series from the start, at 0.
    expect(value(text, 'updns_job_runs_total{job="cleanup",result="ok"}')).toBe(0);
    expect(value(text, 'updns_dyndns2_answers_total{code="dnserr"}')).toBe(0);
  });

  test.if(havePeers("promtool"))("promtool check metrics accepts a real scrape", async () => {
    const d = tempDir();
    const file = join(d.path, "scrape.txt");
    writeFileSync(file, await scrape());
    const proc = Bun.spawn([which("promtool")!, "check", "metrics"], { stdin: Bun.file(file), stdout: "pipe", stderr: "pipe" });
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    const code = await proc.exited;
    d.cleanup();
    expect(out + err).toBe("");
    expect(code).toBe(0);
  });
});
