// The HTTP application: security headers for every answer, health, the client's address, and the
// feature plugins (dyndns2 API, web UI, ...) that main.ts hands in.
import { Elysia } from "elysia";
import type { Config } from "../config/index.ts";
import type { Logger } from "../log/index.ts";
import type { AppMetrics } from "../metrics/index.ts";
import { badForwardedAnswer, clientInfo, forwardedProblem, ProxyTrust, type ClientInfo } from "./client.ts";

export interface HealthSource {
  /** name → "ok" or a problem text. */
  check(): Record<string, string>;
}

export interface HttpDeps {
  config: Config;
  log: Logger;
  health: HealthSource;
  /** Feature plugins, mounted in order. */
  plugins?: Elysia<any, any, any, any, any, any, any>[];
}

/**
 * A request a feature answers without the framework's routing and hooks (the dyndns2 update path, where the router cost a third of the time),
 * or undefined to leave it to the app. What it answers gets the same security headers (see directFirst).
 */
export type DirectRoute = (request: Request) => Promise<Response> | undefined;

const securityHeaders: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=()",
};

/**
 * Over HTTPS (ours, or a trusted proxy's), browsers are told to keep to HTTPS for a year, as Miniflux
 * does; never over plain HTTP, where it would pin a name to HTTPS that may not exist (RFC 6797 §7.2).
 */
const HSTS = "max-age=31536000";

const SECURITY_HEADER_ENTRIES = Object.entries(securityHeaders);

/**
 * The route template each request matched ("/host/:id/"), for the request counter: the raw path would give
 * every host its own series. Requests no route matched (404s of any path) count as "unmatched".
 */
const matchedRoute = new WeakMap<Request, string>();

/** Tells the request counter which route answered `request` (for routes outside the framework's router). */
export function noteRoute(request: Request, route: string): void {
  matchedRoute.set(request, route);
}

/** The handler, counting each answer by route template, method and status. */
export function countRequests(handle: (request: Request) => Response | Promise<Response>, metrics: AppMetrics): (request: Request) => Response | Promise<Response> {
  const count = (request: Request, res: Response) => {
    metrics.httpRequest(matchedRoute.get(request) ?? "unmatched", request.method, res.status);
    return res;
  };
  return (request) => {
    const r = handle(request);
    return r instanceof Promise ? r.then((res) => count(request, res)) : count(request, r);
  };
}

/** The app's handler with `direct` routes tried first; their answers get the headers every answer gets. */
export function directFirst(handle: (request: Request) => Response | Promise<Response>, direct: DirectRoute[], trustedProxies: string[]): (request: Request) => Response | Promise<Response> {
  const trust = new ProxyTrust(trustedProxies);
  const finish = (request: Request, res: Response) => {
    for (const [k, v] of SECURITY_HEADER_ENTRIES) if (!res.headers.has(k)) res.headers.set(k, v);
    if (!res.headers.has("strict-transport-security") && clientInfo(request, trust).secure) res.headers.set("strict-transport-security", HSTS);
    return res;
  };
  return (request) => {
    // A bad forwarded address is the app's to answer (and log): see createHttpApp's onRequest.
    if (forwardedProblem(request, trust)) return handle(request);
    for (const d of direct) {
      const r = d(request);
      if (r) return r.then((res) => finish(request, res));
    }
    return handle(request);
  };
}

export function createHttpApp(deps: HttpDeps) {
  const trust = new ProxyTrust(deps.config.http.trusted_proxies);
  let app = new Elysia()
    // RFC 9112 §3.2: a Host header that is not a valid host is a 400. Bun then hands over a relative URL,
    // which every `new URL(request.url)` further in (and in onError) would throw on: a 500 before this.
    .onRequest(({ request }) => {
      if (!URL.canParse(request.url)) return new Response("bad request\n", { status: 400, headers: { "content-type": "text/plain; charset=utf-8", ...securityHeaders } });
      // A trusted proxy that forwards a non-address is a 400 before anything reads the client address.
      const problem = forwardedProblem(request, trust);
      if (problem) {
        // The operator's to fix (the proxy's configuration): every client behind it gets this 400.
        deps.log.warn("a trusted proxy forwarded a client address that is not an IP address", { header: problem.header, value: problem.value.slice(0, 80), path: new URL(request.url).pathname });
        return badForwardedAnswer(problem, securityHeaders);
      }
    })
    .decorate("log", deps.log)
    .onBeforeHandle({ as: "global" }, ({ request, route }) => void matchedRoute.set(request, route))
    .derive({ as: "global" }, ({ request }): { client: ClientInfo } => ({ client: clientInfo(request, trust) }))
    .onAfterHandle({ as: "global" }, ({ set, client }) => {
      for (const [k, v] of SECURITY_HEADER_ENTRIES) set.headers[k] ??= v;
      if (client.secure) set.headers["strict-transport-security"] ??= HSTS;
    })
    .onError({ as: "global" }, ({ code, error, set, request }) => {
      for (const [k, v] of Object.entries(securityHeaders)) set.headers[k] ??= v;
      if (clientInfo(request, trust).secure) set.headers["strict-transport-security"] ??= HSTS;
      if (code === "NOT_FOUND") {
        set.status = 404;
        return "not found\n";
      }
      if (code === "PARSE" || code === "VALIDATION") {
        set.status = 400;
        return "bad request\n";
      }
      deps.log.error("request failed", { path: new URL(request.url).pathname, error: error instanceof Error ? error.message : String(error) });
      set.status = 500;
      // Never a stack trace or a path in an answer.
      return "internal error\n";
    })
    .get("/healthz", ({ set }) => {
      const checks = deps.health.check();
      const ok = Object.values(checks).every((v) => v === "ok");
      set.status = ok ? 200 : 503;
      return new Response(JSON.stringify({ status: ok ? "ok" : "degraded", checks }), {
        status: ok ? 200 : 503,
        headers: { "content-type": "application/json", ...securityHeaders },
      });
    })
    .get("/robots.txt", () => new Response("User-agent: *\nCrawl-delay: 10\nDisallow: /account/\nDisallow: /nic/\nDisallow: /host/\nDisallow: /domain/\nDisallow: /overview/\nDisallow: /admin/\nDisallow: /api/\n", { headers: { "content-type": "text/plain" } }));
  for (const p of deps.plugins ?? []) app = app.use(p) as typeof app;
  return app;
}
