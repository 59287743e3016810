// `updns serve`: open the database, start DNS and HTTP listeners, print the first-run setup link, and stop
// cleanly on SIGTERM/SIGINT (in-flight requests finish, within server.shutdown_timeout). SIGHUP reloads TLS.
import { join } from "node:path";
import type { Config } from "../config/index.ts";
import { openDatabase, type Db } from "../db/index.ts";
import type { Logger } from "../log/index.ts";
import { createHttpApp, listenHttp, type HttpListeners } from "../http/index.ts";
import { myipRoutes } from "../http/api/index.ts";
import { setupRoutes } from "../http/web/setup.ts";
import { issueSetupToken } from "../core/admin/setup.ts";
import { listenDnsStub, type DnsListeners } from "./dns-stub.ts";

export interface Running {
  db: Db;
  httpAddresses: string[];
  dnsAddresses: string[];
  /** The first-run setup URL, when one was issued. */
  setupUrl: string | null;
  stop(): Promise<void>;
}

export function databasePath(cfg: Config): string {
  return join(cfg.server.data_dir, "updns.sqlite3");
}

export async function startServer(cfg: Config, log: Logger): Promise<Running> {
  const db = openDatabase(databasePath(cfg), { synchronous: cfg.server.synchronous as "FULL" | "NORMAL" });
  let dns: DnsListeners | undefined;
  let http: HttpListeners | undefined;
  try {
    dns = await listenDnsStub(cfg.dns.listen);
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
      plugins: [myipRoutes, setupRoutes(db)],
    });
    http = listenHttp((req) => app.handle(req), {
      listen: cfg.http.listen,
      tlsCert: cfg.http.tls_cert || undefined,
      tlsKey: cfg.http.tls_key || undefined,
      maxBodyBytes: cfg.http.max_body_bytes,
    });
  } catch (e) {
    dns?.stop();
    db.$client.close();
    throw e;
  }
  const base = cfg.server.public_url || `${cfg.http.tls_cert ? "https" : "http"}://${http.addresses[0]}`;
  const token = issueSetupToken(db);
  const setupUrl = token ? `${base.replace(/\/$/, "")}/setup/${token}` : null;
  log.info("listening", { http: http.addresses.join(","), dns: dns.addresses.join(","), data_dir: cfg.server.data_dir });
  // The setup link is a one-time credential meant for whoever reads this log (the operator), so it is the
  // one secret-bearing line we print on purpose.
  if (setupUrl) log.info("no staff account yet: open this link once to create one", { setup_url: setupUrl });
  let stopping: Promise<void> | undefined;
  return {
    db,
    httpAddresses: http.addresses,
    dnsAddresses: dns.addresses,
    setupUrl,
    stop() {
      stopping ??= (async () => {
        dns!.stop();
        const graceful = http!.stop(true);
        const timeout = Bun.sleep(cfg.server.shutdown_timeout * 1000).then(() => http!.stop(false));
        await Promise.race([graceful, timeout]);
        db.$client.close();
      })();
      return stopping;
    },
    reloadTls: () => http!.reloadTls(),
  } as Running & { reloadTls(): void };
}
