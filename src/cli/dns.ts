// The embedded primary of a running server: Responder (answers, transfers, UPDATE in), UDP/TCP listeners
// and the NOTIFY sender, configured from the database and reconfigured when it changes.
import type { Config } from "../config/index.ts";
import type { Db } from "../db/index.ts";
import { availableParallelism } from "node:os";
import { BindError, listenDns, Notifier, prepareTransfers, Responder, ResponseRateLimiter, startDnsThreads, type DnsListener, type DnsThreads } from "../dns/server/index.ts";
import { listenSources, type SourceAddresses } from "../dns/wire/index.ts";
import type { Logger } from "../log/index.ts";
import { updatePolicy } from "../core/index.ts";
import { loadDnsConfig } from "./dns-config.ts";
import type { ZoneRuntime } from "./zones.ts";

export class DnsListenError extends Error {}

/**
 * Where outgoing DNS leaves from, per family: NOTIFY and SOA checks to secondaries from dns.notify_source(_v6),
 * by default the address the zones are served on (a secondary's ACL names it); UPDATEs and queries to external
 * primaries from dns.rfc2136_source(_v6), by default the same.
 */
export function outgoingSources(dns: Config["dns"]): { notify: SourceAddresses; rfc2136: SourceAddresses } {
  const served = listenSources(dns.listen);
  const pick = (set: string, fallback: string | undefined) => (set || fallback) || undefined;
  const notify = { v4: pick(dns.notify_source, served.v4), v6: pick(dns.notify_source_v6, served.v6) };
  return { notify, rfc2136: { v4: pick(dns.rfc2136_source, notify.v4), v6: pick(dns.rfc2136_source_v6, notify.v6) } };
}

export interface DnsRuntime {
  responder: Responder;
  listener: DnsListener;
  /** The DNS threads beside the main thread (dns.threads > 1). */
  threads?: DnsThreads;
  addresses: string[];
  reconfigure(): void;
  stop(): Promise<void>;
}

export async function startDns(cfg: Config, db: Db, zones: ZoneRuntime, log: Logger): Promise<DnsRuntime> {
  const dnsLog = log.child({ component: "dns" });
  const initial = loadDnsConfig(db, dnsLog, cfg.dns.catalog_zone);
  let current = initial;
  // Who may UPDATE what is core's rule; it is looked up per UPDATE through this indirection, so reconfigure()
  // swaps it atomically.
  let policy = updatePolicy(db);
  const responder = new Responder({
    store: zones.store,
    maxUdpSize: cfg.dns.max_udp_size,
    keys: initial.keys,
    acl: initial.acl,
    updatePolicy: (req) => policy(req),
    chaos: { version: cfg.dns.chaos_version || undefined, id: cfg.dns.chaos_id || undefined },
    log: (msg) => dnsLog.info(msg),
    events: dnsLog,
  });
  // dns.threads: 0 means one per core. The main thread is one of them; the others are workers (threads.ts).
  const threads = cfg.dns.threads || availableParallelism();
  // Each thread limits the answers it sends on its own, at the configured rate: one client socket's queries
  // all reach one thread (the kernel picks by address and port), so it sees exactly that rate; queries from
  // many ports of one network (spoofed ones, say) spread over the threads and get at most threads × rate.
  const rrlOptions = {
    responsesPerSecond: cfg.dns.rrl_responses_per_second,
    slip: cfg.dns.rrl_slip,
    ipv4PrefixLength: cfg.dns.rrl_ipv4_prefix,
    ipv6PrefixLength: cfg.dns.rrl_ipv6_prefix,
  };
  let listener: DnsListener;
  try {
    listener = await listenDns({
      reusePort: threads > 1,
      listen: cfg.dns.listen,
      responder,
      tcpIdleMs: cfg.dns.tcp_idle_timeout * 1000,
      maxTcpConnections: cfg.dns.tcp_max_connections,
      maxTcpConnectionsPerAddress: cfg.dns.tcp_max_connections_per_address,
      rrl: new ResponseRateLimiter({ ...rrlOptions, counters: responder.counters.rrl }),
      log: (msg) => dnsLog.warn(msg),
    });
  } catch (e) {
    const addr = e instanceof BindError ? e.address : cfg.dns.listen.join(", ");
    const inUse = (e as NodeJS.ErrnoException).code === "EADDRINUSE" || /in use/i.test((e as Error).message);
    throw new DnsListenError(`cannot listen on ${addr} (dns.listen): ${inUse ? "address already in use" : (e as Error).message}`);
  }
  let dnsThreads: DnsThreads | undefined;
  if (threads > 1) {
    try {
      dnsThreads = await startDnsThreads({
        workers: threads - 1,
        addresses: listener.addresses.map((a) => ({ host: a.host, port: a.udpPort })),
        store: zones.store,
        responder,
        maxUdpSize: cfg.dns.max_udp_size,
        rrl: rrlOptions,
        log: (msg) => dnsLog.error(msg),
      });
    } catch (e) {
      await listener.stop();
      throw new DnsListenError(`cannot start ${threads - 1} more DNS thread(s) on ${cfg.dns.listen.join(", ")} (dns.threads = ${cfg.dns.threads}): ${(e as Error).message}`);
    }
  }
  const notifier = new Notifier({
    store: zones.store,
    targets: (z) => responder.notifyTargets(z),
    lookupKey: responder.lookupKey,
    counters: responder.counters,
    log: (msg) => dnsLog.info(msg),
    events: dnsLog,
    source: outgoingSources(cfg.dns).notify,
  });
  notifier.start();
  // The first AXFR after start-up finds its messages built, in the background once the listeners are up.
  const stopPreparing = prepareTransfers(zones.store, (zone) => {
    const acl = current.acl[zone];
    return !!acl && (acl.transferKeys.length > 0 || acl.transferAddresses.length > 0);
  });
  return {
    responder,
    listener,
    threads: dnsThreads,
    addresses: listener.addresses.map((a) => (a.host.includes(":") ? `[${a.host}]:${a.udpPort}` : `${a.host}:${a.udpPort}`)),
    reconfigure() {
      const next = loadDnsConfig(db, dnsLog, cfg.dns.catalog_zone);
      responder.setKeys(next.keys);
      responder.setAcl(next.acl);
      policy = updatePolicy(db);
      // A secondary added (or a key changed) elsewhere hears of the zone now, not at the next change.
      for (const [zone, acl] of Object.entries(next.acl)) {
        if (JSON.stringify(acl.notify) !== JSON.stringify(current.acl[zone]?.notify)) void notifier.notifyZone(zone);
      }
      current = next;
    },
    async stop() {
      stopPreparing();
      await notifier.stop();
      await dnsThreads?.stop();
      await listener.stop();
    },
  };
}
