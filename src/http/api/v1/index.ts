// /api/v1: the JSON REST API with scoped account tokens. Mounted like the dyndns2 API:
// createHttpApp({ plugins: [apiV1(deps)] }). Every request: per-address brake on failed authentication,
// `Authorization: Bearer <token>` (core/tokens.ts), per-token rate limit, schema checks, then the route's
// handler, which calls core. Answers are JSON; errors are {error: {code, message, field?}}.
import { Elysia } from "elysia";
import pkg from "../../../../package.json" with { type: "json" };
import type { Config } from "../../../config/index.ts";
import { BadauthLimiter, checkApiToken, challengeTxtFrom, createUpdateService, systemClock, ZoneRecords, type Actor, type BackendFor, type Clock, type DomainsAddPolicy, type Forwarder, type UpdateService, type ZoneEditor, type ZoneRecordStore } from "../../../core/index.ts";
import type { Db } from "../../../db/index.ts";
import { AuthFailureLog, type Logger } from "../../../log/index.ts";
import { clientInfo, ProxyTrust } from "../../client.ts";
import { ApiError, errorResponse, json, toApiError } from "./errors.ts";
import { msg } from "../../../i18n/index.ts";
import { openApiDocument } from "./openapi.ts";
import type { ApiRoute, RouteDeps } from "./route.ts";
import { routes } from "./routes.ts";
import { check, coerceQuery } from "./validate.ts";

export { openApiDocument } from "./openapi.ts";
export { routes as apiV1Routes } from "./routes.ts";
export * as apiV1Schemas from "./schemas.ts";

export interface ApiV1Deps {
  db: Db;
  config: Config;
  log: Logger;
  backendFor: BackendFor;
  /** Static records of embedded zones (backends/embedded EmbeddedZoneRecords); absent: records routes 404. */
  records?: ZoneRecordStore | null;
  /** Creates embedded zones (POST /zones; the same object as `records` in serve.ts); absent: only rfc2136 zones. */
  zoneEditor?: ZoneEditor | null;
  /** The dyndns2 update service, for address changes; made from the other deps when absent. */
  updates?: UpdateService;
  forwarder?: Forwarder;
  clock?: Clock;
  /** Requests per token per minute before 429 (default: config abuse.api_requests_per_minute). */
  requestsPerMinute?: number;
}

export const API_PREFIX = "/api/v1";
const CHALLENGE = 'Bearer realm="updns api"';

/** "/hosts/{fqdn}" → a matcher of concrete paths, for the 405 answer. */
const matcherOf = (path: string) => new RegExp("^" + (API_PREFIX + path).replace(/[.]/g, "\\.").replace(/\{\w+\}/g, "[^/]+") + "/?$");

export function apiV1(deps: ApiV1Deps) {
  const clock = deps.clock ?? systemClock;
  const trust = new ProxyTrust(deps.config.http.trusted_proxies);
  const updates = deps.updates ?? createUpdateService({ db: deps.db, abuse: deps.config.abuse, log: deps.log, backendFor: deps.backendFor, forwarder: deps.forwarder, clock, challengeTxt: challengeTxtFrom(deps.config.acme_dns) });
  const perMinute = deps.requestsPerMinute ?? deps.config.abuse.api_requests_per_minute;
  // Both are sliding windows of events per key: failed authentications per client address, requests per token.
  const authFailures = new BadauthLimiter(deps.config.abuse.badauth_per_minute);
  const requests = new BadauthLimiter(perMinute);
  const failures = new AuthFailureLog(deps.log, "api-token");
  const routeDeps: RouteDeps = { db: deps.db, log: deps.log, backendFor: deps.backendFor, updates, records: deps.records ? new ZoneRecords(deps.db, deps.records) : null, zoneEditor: deps.zoneEditor ?? null, domainsAdd: deps.config.domains.add as DomainsAddPolicy };
  const document = JSON.stringify(openApiDocument(pkg.version));
  const matchers = routes.map((r) => ({ r, re: matcherOf(r.path) }));

  function authenticate(request: Request, address: string, now: Date): Actor {
    const wait = authFailures.retryAfter(address, now.getTime());
    if (wait > 0) {
      failures.blocked(address, "api token", wait);
      throw new ApiError("rate_limited", `too many failed authentications from ${address}; retry in ${wait} s`, undefined, { "retry-after": String(wait) });
    }
    const header = (request.headers.get("authorization") ?? "").trim();
    const m = header.match(/^bearer\s+(\S+)$/i);
    if (!m) throw new ApiError("unauthorized", "send an API token: Authorization: Bearer <token>", undefined, { "www-authenticate": CHALLENGE });
    const result = checkApiToken(deps.db, m[1], address, now);
    if (!result.ok) {
      if (result.reason === "subnet") throw new ApiError("forbidden", `this token may not be used from ${address || "this address"}`);
      authFailures.fail(address, now.getTime());
      failures.failed(address, "api token", result.reason === "expired" ? "expired token" : "unknown or revoked token");
      const why = result.reason === "expired" ? msg("this token has expired") : msg("unknown or revoked token");
      throw new ApiError("unauthorized", why, undefined, { "www-authenticate": `${CHALLENGE}, error="invalid_token"` });
    }
    const t = result.token;
    const key = `token:${t.tokenId}`;
    const limited = requests.retryAfter(key, now.getTime());
    if (limited > 0) {
      failures.blocked(address, t.name || `#${t.tokenId}`, limited, "requests");
      throw new ApiError("rate_limited", `more than ${perMinute} requests a minute with this token; retry in ${limited} s`, undefined, { "retry-after": String(limited) });
    }
    requests.fail(key, now.getTime());
    const name = t.name || `#${t.tokenId}`;
    return { userId: t.userId, isStaff: t.isStaff, scopes: t.scopes, name, label: `api token ${JSON.stringify(name)}`, tokenId: t.tokenId };
  }

  async function readBody(r: ApiRoute, request: Request): Promise<unknown> {
    if (!r.body) return undefined;
    const type = request.headers.get("content-type");
    if (type && !/\bjson\b/i.test(type)) throw new ApiError("invalid_request", `send the body as JSON (Content-Type: application/json), not ${type.slice(0, 60)}`);
    const text = await request.text();
    if (text.trim() === "") throw new ApiError("invalid_request", "body: a JSON object is required");
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiError("invalid_request", "body: not valid JSON");
    }
  }

  async function handle(r: ApiRoute, request: Request, params: Record<string, string>): Promise<Response> {
    const client = clientInfo(request, trust);
    try {
      const actor = authenticate(request, client.address, clock.now());
      if (r.write && actor.scopes.readOnly) throw new ApiError("forbidden", "this token is read-only");
      const url = new URL(request.url);
      const query = Object.fromEntries(url.searchParams);
      const ctx = {
        actor,
        client,
        deps: routeDeps,
        params: r.params ? check(r.params, params, "path") : {},
        query: r.query ? check(r.query, coerceQuery(r.query, query), "query") : {},
        body: r.body ? check(r.body, await readBody(r, request), "body") : undefined,
      };
      const out = await r.handler(ctx);
      return json(r.ok.status, out);
    } catch (e) {
      let api = toApiError(e);
      if (!api) {
        deps.log.error("api request failed", { route: `${r.method} ${r.path}`, error: e instanceof Error ? e.message : String(e), client: client.address });
        api = new ApiError("internal", "internal error (logged on the server)");
      }
      return errorResponse(api, request.headers.get("accept-language"));
    }
  }

  const unrouted = ({ request }: { request: Request }) => {
    const path = new URL(request.url).pathname;
    const allowed = matchers.filter((m) => m.re.test(path)).map((m) => m.r.method);
    if (allowed.length) return errorResponse(new ApiError("method_not_allowed", `${request.method} is not allowed here (allowed: ${allowed.join(", ")})`, undefined, { allow: allowed.join(", ") }), request.headers.get("accept-language"));
    return errorResponse(new ApiError("not_found", `no endpoint ${path} (see ${API_PREFIX}/openapi.json)`), request.headers.get("accept-language"));
  };

  let app = new Elysia({ name: "api-v1" }).get(`${API_PREFIX}/openapi.json`, () => new Response(document, { headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-cache" } }));
  for (const r of routes) {
    const path = API_PREFIX + r.path.replace(/\{(\w+)\}/g, ":$1");
    app = app.route(r.method, path, ({ request, params }) => handle(r, request, params as Record<string, string>), { parse: "none" }) as unknown as typeof app;
  }
  return app.all(`${API_PREFIX}/*`, unrouted, { parse: "none" }).all(API_PREFIX, unrouted, { parse: "none" });
}
