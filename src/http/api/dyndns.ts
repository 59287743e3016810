// The dyndns2 endpoints (spec §1.1, updns.md §1.1): /nic/update, /nic/delete and their aliases, GET, HEAD and
// POST alike. Everything after reading the request is core's update use case.
import { Elysia } from "elysia";
import type { DyndnsRequest, UpdateMode, UpdateService } from "../../core/index.ts";
import { redactUrl, type Logger } from "../../log/index.ts";
import type { AppMetrics } from "../../metrics/index.ts";
import { noteRoute, type DirectRoute } from "../app.ts";
import { clientInfo, type ProxyTrust } from "../client.ts";
import { plain, toResponse } from "./answer.ts";
import { collapsePath, requestParams } from "./params.ts";
import { updaterPage } from "./updater.ts";

const ROUTES: Record<string, UpdateMode | "update-or-page"> = {
  "/nic/update": "update",
  "/nic/delete": "delete",
  "/v2/update": "update",
  "/v3/update": "update",
  "/update": "update-or-page",
};

/** Parameters that only an update client sends: with any of them, `/update` is the API, not the page. */
const CLIENT_PARAMS = ["hostname", "myip", "myipv4", "myipv6", "ipv4", "ipv6", "myip6", "username", "password", "txt", "system"];

/**
 * `/update` is both the browser updater page (spec §2.5) and an alias of the API (updns.md §1.1): it is the
 * API when it carries a Bearer token or client parameters, or when the caller does not ask for HTML.
 */
function wantsPage(request: Request, url: URL): boolean {
  const auth = (request.headers.get("authorization") ?? "").trim().toLowerCase();
  if (auth.startsWith("bearer ") || auth.startsWith("token ")) return false;
  if (CLIENT_PARAMS.some((p) => url.searchParams.has(p))) return false;
  return (request.headers.get("accept") ?? "").includes("text/html");
}

export interface DyndnsRouteDeps {
  service: UpdateService;
  trust: ProxyTrust;
  log: Logger;
  /** dyndns2 answers by code and the update latency. */
  metrics?: AppMetrics;
}

/**
 * The route of a GET to a dyndns2 path, read from the URL without parsing it (the update path runs this on
 * every request, so it must cost next to nothing); undefined for anything else. Doubled and trailing slashes are collapsed as the
 * router's onRequest below does.
 */
function directPath(request: Request): string | undefined {
  if (request.method !== "GET") return undefined;
  const url = request.url;
  const scheme = url.indexOf("://");
  if (scheme < 0) return undefined;
  const start = url.indexOf("/", scheme + 3);
  if (start < 0) return undefined;
  let end = url.indexOf("?", start);
  if (end < 0) end = url.length;
  const hash = url.indexOf("#", start);
  if (hash >= 0 && hash < end) end = hash;
  let path = url.slice(start, end);
  if (!(path in ROUTES)) path = collapsePath(path);
  return path in ROUTES ? path : undefined;
}

export function dyndnsRoutes(deps: DyndnsRouteDeps) {
  async function handle(request: Request, path: string): Promise<Response> {
    noteRoute(request, path);
    const route = ROUTES[path];
    if (request.method !== "GET" && request.method !== "HEAD" && request.method !== "POST") {
      return plain("method not allowed", 405, { allow: "GET, HEAD, POST" });
    }
    const url = new URL(request.url);
    if (route === "update-or-page" && wantsPage(request, url)) return updaterPage(request);
    const req: DyndnsRequest = {
      mode: route === "delete" ? "delete" : "update",
      params: await requestParams(request, url),
      authorization: request.headers.get("authorization"),
      userAgent: request.headers.get("user-agent"),
      client: clientInfo(request, deps.trust),
    };
    deps.log.debug("dyndns2 request", { method: request.method, url: redactUrl(url.pathname + url.search).slice(0, 512), client: req.client.address });
    const t0 = performance.now();
    let answer: Parameters<typeof toResponse>[0];
    try {
      answer = await deps.service.handle(req);
    } catch (e) {
      // Our own trouble (the database, a bug): dyndns2's "911", as a 503 so clients retry later (updns.md §1.7).
      deps.log.error("dyndns2 request failed", { error: e, client: req.client.address });
      answer = { status: "unavailable", body: "911", retryAfter: 300 };
    }
    if (deps.metrics) {
      deps.metrics.dyndnsAnswer(answer.body);
      deps.metrics.updateLatency.observe((performance.now() - t0) / 1000);
    }
    return toResponse(answer);
  }

  let app = new Elysia({ name: "dyndns2" })
    // Paths with doubled slashes (`//nic/update`) or a trailing one never reach the router: answer them here.
    .onRequest(({ request }) => {
      const pathname = new URL(request.url).pathname;
      if (!pathname.includes("//") && !(pathname.length > 1 && pathname.endsWith("/"))) return;
      const path = collapsePath(pathname);
      if (path in ROUTES) return handle(request, path);
    });
  for (const path of Object.keys(ROUTES)) {
    app = app.all(path, ({ request }) => handle(request, path), { parse: "none" }) as unknown as typeof app;
  }
  // The same handler, for a server to try before the router (http/app.ts directFirst): routers and update
  // clients send GETs, and the framework's routing and hooks were a sixth of the CPU of a nochg.
  const direct: DirectRoute = (request) => {
    const path = directPath(request);
    return path === undefined ? undefined : handle(request, path);
  };
  return Object.assign(app, { direct });
}
