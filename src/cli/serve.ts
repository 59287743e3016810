// `updns serve`: open the database, load the embedded zones, start DNS and HTTP listeners, print the
// first-run setup link, and stop cleanly on SIGTERM/SIGINT (in-flight requests finish, within
// server.shutdown_timeout). SIGHUP reloads TLS. This file wires concrete parts; it holds no rules.
import { join } from "node:path";
import type { Config } from "../config/index.ts";
import { openDatabase, type Db } from "../db/index.ts";
import type { Logger } from "../log/index.ts";
import { countRequests, createHttpApp, directFirst, listenHttp, type HttpListeners } from "../http/index.ts";
import { AppMetrics } from "../metrics/index.ts";
import { dyndnsApi, DetectIpTokens } from "../http/api/index.ts";
import { apiV1 } from "../http/api/v1/index.ts";
import { webApp, webSessionIps } from "../http/web/index.ts";
import { createMailer } from "../mail/index.ts";
import { issueSetupToken, removeUserDns, systemClock, type ZoneBackend, type ZoneRef } from "../core/index.ts";
import { EmbeddedBackend, EmbeddedZoneRecords, zoneStoreDnssec } from "../backends/embedded/index.ts";
import { Rfc2136Backend } from "../backends/rfc2136/index.ts";
import { createForwardWorker, queueForwarder, type ForwardWorker } from "../backends/forwarder/index.ts";
import { openZones, type ZoneRuntime } from "./zones.ts";
import { outgoingSources, startDns, type DnsRuntime } from "./dns.ts";
import { startCatalog } from "./catalog.ts";
import { metricsRoutes } from "./metrics.ts";
import { parseServer, reverseResolver, systemResolvers } from "../dns/rfc2136/index.ts";
import { createJobScheduler, type Scheduler } from "../jobs/index.ts";
import { jobContext } from "./jobs.ts";
import { startAcme, type AcmeRuntime } from "./acme.ts";
import { serverStatus } from "./status.ts";

export interface Running {
  db: Db;
  zones: ZoneRuntime;
  dns: DnsRuntime;
  httpAddresses: string[];
  dnsAddresses: string[];
  /** The first-run setup URL, when one was issued. */
  setupUrl: string | null;
  reloadTls(): void;
  stop(): Promise<void>;
}

export function databasePath(cfg: Config): string {
  return join(cfg.server.data_dir, "updns.sqlite3");
}

/**
 * One backend object per kind: the rfc2136 one keeps the per-zone back-off state in memory, so the
 * connectivity check (which ends a back-off when it succeeds) must use that same object.
 */
export function backendsFor(cfg: Config, zones: ZoneRuntime, db: Db): ((zone: ZoneRef) => ZoneBackend) & { rfc2136: Rfc2136Backend } {
  const embedded = new EmbeddedBackend(() => zones.store, () => zones.refresh());
  const rfc2136 = new Rfc2136Backend({ backoffMs: cfg.dns.backoff * 1000, timeoutMs: cfg.dns.query_timeout * 1000, retries: 1, masterKey: db.$masterKey, source: outgoingSources(cfg.dns).rfc2136 });
  return Object.assign((zone: ZoneRef) => (zone.backend === "embedded" ? embedded : rfc2136), { rfc2136 });
}

export async function startServer(cfg: Config, log: Logger): Promise<Running> {
  const db = openDatabase(databasePath(cfg), { synchronous: cfg.server.synchronous as "FULL" | "NORMAL", masterKey: cfg.dnssec.master_key, warn: (m) => log.warn(m) });
  let zones: ZoneRuntime | undefined;
  let dns: DnsRuntime | undefined;
  let http: HttpListeners | undefined;
  let forwarder: ForwardWorker | undefined;
  let scheduler: Scheduler | undefined;
  let acme: AcmeRuntime | undefined;
  const metrics = new AppMetrics();
  // The staff status page: this process's version, listeners, rates, secondaries' serials, jobs and mail.
  const status = serverStatus({ cfg, db, metrics, dnsCounters: () => dns?.responder.counters, dnsAddresses: () => dns?.addresses ?? [], httpAddresses: () => http?.addresses ?? [] });
  try {
    zones = await openZones(db, cfg, log);
    const catalog = await startCatalog(cfg, db, zones.store);
    // Loading a large zone leaves much garbage behind (rows, strings); give it back before serving.
    Bun.gc(true);
    dns = await startDns(cfg, db, zones, log);
    zones.onExternalChange(() => dns!.reconfigure());
    // A zone added or removed here changes the catalog: its transfer ACL and NOTIFY targets (the catalog's key
    // and secondaries) are in place before the consumers, told by the catalog's NOTIFY, ask for it.
    if (catalog) zones.store.onCommit((zone) => zone === catalog && dns!.reconfigure());
    const backendFor = backendsFor(cfg, zones, db);
    const records = new EmbeddedZoneRecords(() => zones!.store, () => zones!.refresh(), () => zones!.keys);
    // IP detection: /detectip (http/api) records addresses the home and host pages (http/web) read.
    // Reverse names of visitors' addresses (home page, /ajax_get_ips/): [dns] resolver, else resolv.conf's.
    const reverse = reverseResolver({ servers: cfg.dns.resolver.length ? cfg.dns.resolver.map((s) => parseServer(s)) : systemResolvers() });
    const sessionIps = webSessionIps(reverse);
    const detectTokens = new DetectIpTokens();
    acme = await startAcme(cfg, db, () => zones!.store, backendFor, log);
    forwarder = createForwardWorker({ db, log: log.child({ component: "forwarder" }) });
    forwarder.start(5000);
    // Built (and its [jobs] expressions checked) before the listeners; started after them.
    const jobsLog = log.child({ component: "jobs" });
    scheduler = createJobScheduler({
      db,
      log: jobsLog,
      clock: systemClock,
      schedules: cfg.jobs as unknown as Record<string, string>,
      settings: { flagAbuseThreshold: cfg.abuse.flag_abuse_threshold },
      context: jobContext(cfg, db, jobsLog, { backendFor, trimJournals: () => zones!.store.trimJournal(), resignZones: () => zones!.keys.dnssecTick(), mailLog: log.child({ component: "mail" }), metrics }),
      onRun: (job, result) => metrics.jobRun(job, result),
    });
    for (const job of scheduler.state()) if (job.next) metrics.jobScheduled(job.name);
    const dyndns = dyndnsApi({ db, config: cfg, log: log.child({ component: "dyndns2" }), backendFor, forwarder: queueForwarder(db, systemClock), sessionIps, detectTokens, metrics });
    const app = createHttpApp({
      config: cfg,
      log,
      health: {
        check: () => {
          let database = "ok";
          try {
            db.$client.query("SELECT 1").get();
          } catch (e) {
            database = (e as Error).message;
          }
          return { database, http: "ok", dns: dns ? "ok" : "not listening" };
        },
      },
      plugins: [
        dyndns,
        apiV1({ db, config: cfg, log: log.child({ component: "api" }), backendFor, records, zoneEditor: records, forwarder: queueForwarder(db, systemClock) }),
        webApp({
          db,
          config: cfg,
          log: log.child({ component: "web" }),
          mailer: createMailer(cfg.mail, log.child({ component: "mail" }), metrics),
          backendFor,
          // Domain pages: embedded zones through the zone store (the API's records object, with its retry after
          // another process committed); DNS settings (keys, secondaries) reloaded after a change.
          zoneEditor: Object.assign(records, { reconfigure: () => dns!.reconfigure() }),
          // Domain pages' DNSSEC section: the zone store's own operations (rules in core/dnssec-edit.ts).
          dnssec: zoneStoreDnssec(() => zones!.keys),
          dnsAddresses: () => dns!.addresses,
          status,
          sessionIps,
          detectTokens,
          reverse,
          checkZone: (zone) => backendFor.rfc2136.checkZone(zone),
          onUserDelete: async (userId) => {
            const errors = [...(await removeUserDns(db, backendFor, userId)), ...(await acme!.removeUser(userId))];
            if (errors.length) log.warn("some DNS records of a deleted account could not be removed", { user_id: userId, errors: errors.join("; ") });
          },
        }),
        ...(acme.plugin ? [acme.plugin] : []),
        metricsRoutes(
          () => ({
            dns: dns!.responder.counters,
            app: metrics,
            zones: function* () {
              for (const z of zones!.store.snapshot().zones.values()) yield { name: z.name, serial: z.serial };
            },
          }),
          { allow: cfg.metrics.allow, trustedProxies: cfg.http.trusted_proxies },
        ),
      ],
    });
    http = listenHttp(countRequests(directFirst((req) => app.handle(req), [dyndns.direct], cfg.http.trusted_proxies), metrics), {
      listen: cfg.http.listen,
      tlsCert: cfg.http.tls_cert || undefined,
      tlsKey: cfg.http.tls_key || undefined,
      maxBodyBytes: cfg.http.max_body_bytes,
    });
  } catch (e) {
    await acme?.stop();
    await forwarder?.stop();
    await dns?.stop();
    zones?.stop();
    db.$client.close();
    throw e;
  }
  const base = cfg.server.public_url || `${cfg.http.tls_cert ? "https" : "http"}://${http.addresses[0]}`;
  const token = issueSetupToken(db);
  const setupUrl = token ? `${base.replace(/\/$/, "")}/setup/${token}` : null;
  log.info("listening", { http: http.addresses.join(","), dns: dns.addresses.join(","), zones: zones.store.snapshot().zones.size, data_dir: cfg.server.data_dir });
  // The setup link is a one-time credential meant for whoever reads this log (the operator), so it is the
  // one secret-bearing line we print on purpose.
  if (setupUrl) log.info("no staff account yet: open this link once to create one", { setup_url: setupUrl });
  const sch = scheduler!;
  sch.start();
  status.start();
  let stopping: Promise<void> | undefined;
  const [z, d, h, f, ac] = [zones, dns, http, forwarder, acme];
  return {
    db,
    zones: z,
    dns: d,
    httpAddresses: h.addresses,
    dnsAddresses: d.addresses,
    setupUrl,
    reloadTls: () => h.reloadTls(),
    stop() {
      stopping ??= (async () => {
        // A running job may still need the database: wait for it, within the shutdown timeout.
        status.stop();
        await Promise.race([sch.stop(), Bun.sleep(cfg.server.shutdown_timeout * 1000)]);
        z.stop();
        const graceful = h.stop(true);
        const timeout = Bun.sleep(cfg.server.shutdown_timeout * 1000).then(() => h.stop(false));
        await Promise.race([graceful, timeout]);
        await ac.stop();
        await f.stop();
        await d.stop();
        db.$client.close();
      })();
      return stopping;
    },
  };
}
