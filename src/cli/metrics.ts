// GET /metrics in the Prometheus text format (version 0.0.4): DNS queries by type and rcode, transfers,
// NOTIFYs, UPDATEs received, and process figures. Built from plain counter objects on each scrape.
import { Elysia } from "elysia";
import type { DnsCounters } from "../dns/server/index.ts";

function line(name: string, labels: Record<string, string>, value: number): string {
  const l = Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`))}"`)
    .join(",");
  return `${name}${l ? `{${l}}` : ""} ${value}`;
}

export function renderMetrics(dns: DnsCounters): string {
  const out: string[] = [];
  const family = (name: string, type: "counter" | "gauge", help: string, rows: string[]) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...rows);
  family("updns_dns_queries_total", "counter", "DNS queries received, by query type.", Object.entries(dns.queriesByType).map(([t, n]) => line("updns_dns_queries_total", { type: t }, n)));
  family("updns_dns_responses_total", "counter", "DNS responses sent, by rcode.", Object.entries(dns.responsesByRcode).map(([r, n]) => line("updns_dns_responses_total", { rcode: r }, n)));
  family("updns_dns_dropped_total", "counter", "DNS packets dropped without an answer.", [line("updns_dns_dropped_total", {}, dns.dropped)]);
  family("updns_dns_truncated_total", "counter", "UDP answers sent with TC set.", [line("updns_dns_truncated_total", {}, dns.truncated)]);
  family("updns_dns_transfers_total", "counter", "Zone transfers, by outcome.", Object.entries(dns.transfers).map(([k, n]) => line("updns_dns_transfers_total", { kind: k }, n)));
  family("updns_dns_notifies_total", "counter", "NOTIFY messages, by outcome.", Object.entries(dns.notifies).map(([k, n]) => line("updns_dns_notifies_total", { outcome: k }, n)));
  family("updns_dns_updates_total", "counter", "RFC 2136 UPDATEs received, by outcome.", Object.entries(dns.updates).map(([k, n]) => line("updns_dns_updates_total", { outcome: k }, n)));
  family("updns_dns_rrl_total", "counter", "UDP answers over the response rate limit, by what became of them.", Object.entries(dns.rrl).map(([k, n]) => line("updns_dns_rrl_total", { action: k }, n)));
  const mem = process.memoryUsage();
  family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", [line("process_resident_memory_bytes", {}, mem.rss)]);
  family("process_uptime_seconds", "gauge", "Seconds since the process started.", [line("process_uptime_seconds", {}, Math.round(process.uptime()))]);
  return out.join("\n") + "\n";
}

export function metricsRoutes(dns: () => DnsCounters) {
  return new Elysia({ name: "metrics" }).get(
    "/metrics",
    () => new Response(renderMetrics(dns()), { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } }),
  );
}
