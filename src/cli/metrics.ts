// GET /metrics in the Prometheus text format (version 0.0.4), for the addresses in [metrics] allow (403 for
// others): the DNS side's counters (queries, responses, transfers by zone, NOTIFYs, UPDATEs, RRL), each
// zone's serial, dyndns2 answers by code, update latency, HTTP requests by route template and status, job
// runs, mails, and process figures. Built from plain counter objects on each scrape; nothing is counted
// here.
import { Elysia } from "elysia";
import type { DnsCounters } from "../dns/server/index.ts";
import { clientInfo, ProxyTrust } from "../http/index.ts";
import type { AppMetrics } from "../metrics/index.ts";

type Labels = Record<string, string | number>;

const escapeLabel = (v: string) => v.replace(/["\\\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));

function line(name: string, labels: Labels, value: number): string {
  const l = Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeLabel(String(v))}"`)
    .join(",");
  return `${name}${l ? `{${l}}` : ""} ${value}`;
}

/** Prometheus renders +Inf as "+Inf" and bucket bounds as plain decimals. */
const bound = (b: number) => (b === Infinity ? "+Inf" : String(b));

export interface MetricsSources {
  dns: DnsCounters;
  app?: AppMetrics;
  /** Each embedded zone's current SOA serial. */
  zones?: () => Iterable<{ name: string; serial: number }>;
}

export function renderMetrics(src: MetricsSources): string {
  const { dns, app } = src;
  const out: string[] = [];
  const family = (name: string, type: "counter" | "gauge" | "histogram", help: string, rows: string[]) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...rows);
  const rowsOf = <T>(name: string, entries: [string, T][], labels: (k: string) => Labels, value: (v: T) => number) => entries.map(([k, v]) => line(name, labels(k), value(v)));

  family("updns_dns_queries_total", "counter", "DNS queries received, by query type.", rowsOf("updns_dns_queries_total", Object.entries(dns.queriesByType), (t) => ({ type: t }), (n) => n));
  family("updns_dns_responses_total", "counter", "DNS responses sent, by rcode.", rowsOf("updns_dns_responses_total", Object.entries(dns.responsesByRcode), (r) => ({ rcode: r }), (n) => n));
  family("updns_dns_dropped_total", "counter", "DNS packets dropped without an answer.", [line("updns_dns_dropped_total", {}, dns.dropped)]);
  family("updns_dns_truncated_total", "counter", "UDP answers sent with TC set.", [line("updns_dns_truncated_total", {}, dns.truncated)]);
  family("updns_dns_transfers_total", "counter", "Zone transfers, by outcome.", rowsOf("updns_dns_transfers_total", Object.entries(dns.transfers), (k) => ({ kind: k }), (n) => n));
  const byZone: string[] = [];
  for (const [zone, results] of Object.entries(dns.transfersByZone)) for (const [result, n] of Object.entries(results)) byZone.push(line("updns_dns_zone_transfers_total", { zone, result }, n));
  family("updns_dns_zone_transfers_total", "counter", "AXFR/IXFR requests of zones served here, by zone and result (AXFR, IXFR, IXFR-as-AXFR, IXFR-current, refused).", byZone);
  family("updns_dns_notifies_total", "counter", "NOTIFY messages, by outcome.", rowsOf("updns_dns_notifies_total", Object.entries(dns.notifies), (k) => ({ outcome: k }), (n) => n));
  family("updns_dns_updates_total", "counter", "RFC 2136 UPDATEs received, by outcome.", rowsOf("updns_dns_updates_total", Object.entries(dns.updates), (k) => ({ outcome: k }), (n) => n));
  family("updns_dns_rrl_total", "counter", "UDP answers over the response rate limit, by what became of them.", rowsOf("updns_dns_rrl_total", Object.entries(dns.rrl), (k) => ({ action: k }), (n) => n));
  if (src.zones) {
    const serials: string[] = [];
    for (const z of src.zones()) serials.push(line("updns_zone_serial", { zone: z.name }, z.serial));
    family("updns_zone_serial", "gauge", "SOA serial of each embedded zone.", serials);
  }
  if (app) {
    family("updns_dyndns2_answers_total", "counter", "dyndns2 answer lines (one per host of a request), by code.", rowsOf("updns_dyndns2_answers_total", Object.entries(app.dyndnsAnswers), (c) => ({ code: c }), (n) => n));
    const h = app.updateLatency;
    const buckets: string[] = [];
    let cumulative = 0;
    for (let i = 0; i <= h.bounds.length; i++) {
      cumulative += h.counts[i];
      buckets.push(line("updns_dyndns2_request_duration_seconds_bucket", { le: bound(i < h.bounds.length ? h.bounds[i] : Infinity) }, cumulative));
    }
    family("updns_dyndns2_request_duration_seconds", "histogram", "Seconds from a dyndns2 update or delete request to its answer.", [
      ...buckets,
      line("updns_dyndns2_request_duration_seconds_sum", {}, h.sum),
      line("updns_dyndns2_request_duration_seconds_count", {}, h.count),
    ]);
    const http: string[] = [];
    for (const [route, methods] of Object.entries(app.httpRequests))
      for (const [method, statuses] of Object.entries(methods)) for (const [status, n] of Object.entries(statuses)) http.push(line("updns_http_requests_total", { route, method, status }, n));
    family("updns_http_requests_total", "counter", "HTTP requests answered, by route template, method and status.", http);
    const jobs: string[] = [];
    for (const [job, results] of Object.entries(app.jobRuns)) for (const [result, n] of Object.entries(results)) jobs.push(line("updns_job_runs_total", { job, result }, n));
    family("updns_job_runs_total", "counter", "Scheduled job runs, by job and result (ok, failed, busy).", jobs);
    family("updns_mails_total", "counter", "Mails, by result (sent, failed, not_sent: no SMTP server).", rowsOf("updns_mails_total", Object.entries(app.mails), (r) => ({ result: r }), (n) => n));
  }
  const mem = process.memoryUsage();
  family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", [line("process_resident_memory_bytes", {}, mem.rss)]);
  family("process_uptime_seconds", "gauge", "Seconds since the process started.", [line("process_uptime_seconds", {}, Math.round(process.uptime()))]);
  return out.join("\n") + "\n";
}

export interface MetricsRouteOptions {
  /** [metrics] allow: addresses or CIDR prefixes that may scrape. */
  allow: string[];
  /** [http] trusted_proxies, so the client behind a proxy is the one checked. */
  trustedProxies: string[];
}

export function metricsRoutes(sources: () => MetricsSources, opts: MetricsRouteOptions) {
  const allowed = new ProxyTrust(opts.allow);
  const trust = new ProxyTrust(opts.trustedProxies);
  return new Elysia({ name: "metrics" }).get("/metrics", ({ request }) => {
    if (!allowed.trusts(clientInfo(request, trust).address)) {
      return new Response("forbidden: this address is not in [metrics] allow\n", { status: 403, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
    }
    return new Response(renderMetrics(sources()), { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } });
  });
}
