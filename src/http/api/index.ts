// The public HTTP API of updns: dyndns2 updates, IP detection and the browser updater. main.ts mounts the
// plugin returned by dyndnsApi() through createHttpApp's `plugins`.
import { Elysia } from "elysia";
import type { Config } from "../../config/index.ts";
import { challengeTxtFrom, createUpdateService, type Clock, type Forwarder, type UpdateService, type ZoneBackend, type ZoneRef } from "../../core/index.ts";
import type { Db } from "../../db/index.ts";
import type { Logger } from "../../log/index.ts";
import type { AppMetrics } from "../../metrics/index.ts";
import { clientInfo, ProxyTrust } from "../client.ts";
import { DetectIpTokens, memorySessionIps, type SessionIps } from "./detectip.ts";
import { dyndnsRoutes } from "./dyndns.ts";
import { myipRoutes } from "./myip.ts";
import { UPDATER_SCRIPT_PATH, updaterScript } from "./updater.ts";

export { myipRoutes } from "./myip.ts";
export { DetectIpTokens, memorySessionIps, type SessionIps, type DetectedIps } from "./detectip.ts";
export { REALM } from "./answer.ts";

export interface DyndnsApiDeps {
  db: Db;
  config: Config;
  log: Logger;
  backendFor: (zone: ZoneRef) => ZoneBackend;
  /** Defaults to the SQLite forward queue (drained by backends/forwarder's worker). */
  forwarder?: Forwarder;
  clock?: Clock;
  /** Session addresses for /detectip and /ajax_get_ips/; the web UI passes its own. */
  sessionIps?: SessionIps;
  /** Token table shared with the web UI, which creates tokens when it renders pages. */
  detectTokens?: DetectIpTokens;
  /** dyndns2 answers by code and the update latency, for /metrics. */
  metrics?: AppMetrics;
}

/** The update service behind the plugin, for callers that need it directly (bench, web UI). */
export function updateServiceFor(deps: DyndnsApiDeps): UpdateService {
  return createUpdateService({ db: deps.db, abuse: deps.config.abuse, log: deps.log, backendFor: deps.backendFor, forwarder: deps.forwarder, clock: deps.clock, maxAddresses: deps.config.update.max_addresses, challengeTxt: challengeTxtFrom(deps.config.acme_dns) });
}

const html = (body: string) => new Response(body, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });

export function dyndnsApi(deps: DyndnsApiDeps) {
  const trust = new ProxyTrust(deps.config.http.trusted_proxies);
  const service = updateServiceFor(deps);
  const sessions = deps.sessionIps ?? memorySessionIps();
  const tokens = deps.detectTokens ?? new DetectIpTokens();
  const now = () => (deps.clock ?? { now: () => new Date() }).now().getTime();

  const detect = (request: Request, token: string) => {
    // Unknown or expired tokens get the same empty 204: nothing to learn by probing (spec §2.2).
    const key = /^\w{1,64}$/.test(token) ? tokens.sessionOf(token, now()) : null;
    if (key) sessions.record(key, clientInfo(request, trust).address, now());
    return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
  };
  const ajaxIps = async (request: Request) => {
    const key = sessions.keyOf(request);
    const ips = !key ? { ipv4: "", ipv4_rdns: "", ipv6: "", ipv6_rdns: "" } : sessions.resolve ? await sessions.resolve(key, now()) : sessions.read(key, now());
    return new Response(JSON.stringify(ips), { headers: { "content-type": "application/json", "cache-control": "no-store" } });
  };

  const dyndns = dyndnsRoutes({ service, trust, log: deps.log, metrics: deps.metrics });
  const plugin = new Elysia({ name: "dyndns-api" })
    .use(myipRoutes)
    .use(dyndns)
    .get("/nic/checkip.html", ({ request }) => html(`<html><head><title>Current IP Check</title></head><body>Current IP Address: ${clientInfo(request, trust).address}</body></html>\n`))
    .get("/detectip/:token", ({ request, params }) => detect(request, params.token))
    .get("/detectip/:token/", ({ request, params }) => detect(request, params.token))
    .get("/ajax_get_ips/", ({ request }) => ajaxIps(request))
    .get("/ajax_get_ips", ({ request }) => ajaxIps(request))
    .get(UPDATER_SCRIPT_PATH, () => updaterScript());
  /** The update path for a server to try before the router (http/app.ts directFirst). */
  return Object.assign(plugin, { direct: dyndns.direct });
}
