// The web foundation every page builds on. One request goes through `handle()` in this order:
//   1. cookies are read; the session cookie is validated (sessions live in auth/session.ts);
//   2. the CSRF binding is fixed (session, or the anonymous `updns_csrf` cookie) and the token computed;
//   3. for POST/PUT/PATCH/DELETE: the body is read, then Origin and the CSRF token are checked (403 if not);
//   4. the route's access rule is applied (login redirect, or 404 for staff pages);
//   5. the handler runs and returns a Response; cookies queued on the context and the security headers
//      (CSP without inline scripts, no-store) are added to it.
// Handlers get everything through the WebContext: no globals, no hidden middleware.
import { Elysia } from "elysia";
import type { Config } from "../../config/index.ts";
import type { Db } from "../../db/index.ts";
import { AuthFailureLog, type Logger } from "../../log/index.ts";
import { challengeTxtFrom, createUpdateService, queueForwarder, type BackendFor, type Clock, type DnssecPort, type ServerStatus, type UpdateService, type User, type ZoneCheck, type ZoneEditor } from "../../core/index.ts";
import {
  ANON_CSRF_COOKIE,
  CSRF_FIELD,
  CSRF_HEADER,
  SESSION_COOKIE,
  Throttle,
  blankSessionCookie,
  configuredProviders,
  csrfToken,
  csrfTokenValid,
  randomToken,
  sameOrigin,
  serverKey,
  sessionCookie,
  validateSessionToken,
  type OAuthProvider,
  type Session,
  type UserDeleteHook,
} from "../../auth/index.ts";
import type { AppMailer } from "../../mail/index.ts";
import { clientInfo, ProxyTrust, type ClientInfo } from "../client.ts";
import { LANGUAGE_COOKIE, pickLanguage, pluralTranslator, translator, type PluralTranslate, type Translate } from "./i18n.ts";
import { forbiddenPage, notFoundPage } from "./errors.tsx";
import { html } from "./respond.ts";
import type { DetectTokens, ReverseLookup, SessionIps } from "./detect.ts";

export { html };

/** What main.ts hands to webApp(). */
export interface WebDeps {
  db: Db;
  config: Config;
  log: Logger;
  /** From mail/createMailer(); `delivers: false` means mails go to the log. */
  mailer: AppMailer;
  clock?: Clock;
  /** Removes the DNS records of a user's hosts before the account's rows are deleted. */
  onUserDelete?: UserDeleteHook;
  /** The zone backends (embedded or rfc2136, by zone.backend): current addresses, manual updates, deletes. */
  backendFor?: BackendFor;
  /** Creates embedded zones and edits their static records through the zone store. */
  zoneEditor?: ZoneEditor;
  /** DNSSEC of embedded zones through the zone store (state, signing on/off, rollovers); without it the domain page has no DNSSEC section. */
  dnssec?: DnssecPort;
  /** The connectivity test of rfc2136 zones (Rfc2136Backend.checkZone). */
  checkZone?: ZoneCheck;
  /** Where the embedded DNS server listens ("ip:port"), for the secondaries' snippets; else [dns] listen. */
  dnsAddresses?: () => string[];
  /** The running server's own state for the staff status page (cli/status.ts); without it the page shows the counts only. */
  status?: ServerStatus;
  /** IP detection: the token table and address store http/api's /detectip and /ajax_get_ips use too. */
  detectTokens?: DetectTokens;
  sessionIps?: SessionIps;
  /** Reverse names (PTR) of the visitor's addresses, for the home page; without it no names show. */
  reverse?: ReverseLookup;
}

/** The foundation, built once per app: the dependencies (with a clock always set) plus the state pages share. */
export interface Web extends Omit<WebDeps, "clock"> {
  clock: Clock;
  /** The dyndns2 use case, for the session-authenticated update and delete of the host page (spec §1.9). */
  update?: UpdateService;
  /** HMAC key for CSRF tokens and signed cookies. */
  key: Buffer;
  trust: ProxyTrust;
  throttle: Throttle;
  /** Failed logins and throttled attempts, summed up per client and login name (log/failures.ts). */
  loginFailures: AuthFailureLog;
  providers: OAuthProvider[];
}

export function createWeb(deps: WebDeps): Web {
  return {
    db: deps.db,
    config: deps.config,
    log: deps.log.child({ module: "http/web" }),
    mailer: deps.mailer,
    clock: deps.clock ?? { now: () => new Date() },
    onUserDelete: deps.onUserDelete,
    backendFor: deps.backendFor,
    zoneEditor: deps.zoneEditor,
    dnssec: deps.dnssec,
    checkZone: deps.checkZone,
    dnsAddresses: deps.dnsAddresses,
    status: deps.status,
    detectTokens: deps.detectTokens,
    sessionIps: deps.sessionIps,
    reverse: deps.reverse,
    update: deps.backendFor
      ? createUpdateService({ db: deps.db, abuse: deps.config.abuse, log: deps.log.child({ module: "web-update" }), backendFor: deps.backendFor, forwarder: queueForwarder(deps.db, deps.clock ?? { now: () => new Date() }), clock: deps.clock, maxAddresses: deps.config.update.max_addresses, challengeTxt: challengeTxtFrom(deps.config.acme_dns) })
      : undefined,
    key: serverKey(deps.db),
    trust: new ProxyTrust(deps.config.http.trusted_proxies),
    throttle: new Throttle(),
    loginFailures: new AuthFailureLog(deps.log.child({ module: "http/web" }), "web-login"),
    providers: configuredProviders(deps.config),
  };
}

export type FlashKind = "info" | "error";
export interface Flash {
  kind: FlashKind;
  text: string;
}

/** Who may open a route. */
export type Access = "any" | "user" | "staff" | "anonymous";

export interface WebContext {
  web: Web;
  request: Request;
  url: URL;
  params: Record<string, string>;
  client: ClientInfo;
  /** The clock's time at the start of the request (one value for the whole request). */
  now: Date;
  user: User | null;
  session: Session | null;
  lang: string;
  t: Translate;
  /** t() for a count message: `c.tn(n, { one: "{n} user", other: "{n} users" })` in the language's plural form. */
  tn: PluralTranslate;
  /** The CSRF token for this page's forms (hidden field `_csrf`) and htmx (`X-CSRF-Token`). */
  csrf: string;
  /** The submitted form (empty for GET). */
  form: URLSearchParams;
  /** Messages left by the previous request (shown once). */
  flashes: Flash[];
  /** "light" | "dark" | "" (follow the system). */
  theme: string;
  /** Whether this request came from htmx (then redirects are HX-Redirect headers). */
  htmx: boolean;
  cookies: Record<string, string>;
  /** Queues a Set-Cookie for the response. */
  setCookie(value: string): void;
  /** Leaves a message for the next page. */
  flash(kind: FlashKind, text: string): void;
  /** Replaces the session (login): the old one, if any, is already deleted by the caller. */
  adoptSession(token: string, session: Session, user: User): void;
  /** The origin links in mails and OAuth redirects use: [server] public_url, else this request's. */
  origin(): string;
}

export type Handler = (c: WebContext) => Response | Promise<Response>;

/** Where people go after signing in: the overview of their hosts and domains. */
export const AFTER_LOGIN = "/overview/";
export const LOGIN_PATH = "/account/login";
const FLASH_COOKIE = "updns_flash";
const THEME_COOKIE = "updns_theme";

export function parseCookies(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    // The first value wins, as browsers send the most specific cookie first (RFC 6265 §5.4).
    if (k && !(k in out)) out[k] = part.slice(eq + 1).trim();
  }
  return out;
}

/** A cookie the browser keeps for us: host-only, HttpOnly, SameSite=Lax, Secure over HTTPS. */
export function cookie(name: string, value: string, secure: boolean, maxAgeSeconds?: number, path = "/"): string {
  return [`${name}=${value}`, `Path=${path}`, "HttpOnly", "SameSite=Lax", ...(maxAgeSeconds !== undefined ? [`Max-Age=${maxAgeSeconds}`] : []), ...(secure ? ["Secure"] : [])].join("; ");
}

/** Only local paths are followed after login (no open redirect to another site, nor "//evil"). */
export function safeNext(next: string | null | undefined, fallback = AFTER_LOGIN): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.includes("\\") || /[\r\n]/.test(next)) return fallback;
  return next;
}

function readFlashes(raw: string | undefined): Flash[] {
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (!Array.isArray(v)) return [];
    return v
      .filter((f): f is Flash => typeof f === "object" && f !== null && (f.kind === "info" || f.kind === "error") && typeof f.text === "string")
      .slice(0, 5)
      .map((f) => ({ kind: f.kind, text: f.text.slice(0, 500) }));
  } catch {
    return [];
  }
}

/** The Content-Security-Policy of every page: scripts and styles only from our own files, no inline script. */
export function contentSecurityPolicy(config: Config): string {
  // The IP detection of the home page asks the ipv4./ipv6. names: allow exactly those.
  const extra = [config.server.ipv4_url, config.server.ipv6_url].filter(Boolean).map((u) => new URL(u).origin);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${extra.map((o) => " " + o).join("")}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

async function readForm(request: Request): Promise<URLSearchParams> {
  const type = request.headers.get("content-type") ?? "";
  try {
    if (type.startsWith("multipart/form-data")) {
      const fd = await request.formData();
      const out = new URLSearchParams();
      for (const [k, v] of fd) if (typeof v === "string") out.append(k, v);
      return out;
    }
    return new URLSearchParams(await request.text());
  } catch {
    return new URLSearchParams();
  }
}

/** Runs one request through the foundation (see the header comment). */
export async function handle(web: Web, request: Request, params: Record<string, string>, access: Access, handler: Handler, checkCsrf = true): Promise<Response> {
  const url = new URL(request.url);
  const client = clientInfo(request, web.trust);
  const now = web.clock.now();
  const cookies = parseCookies(request.headers.get("cookie"));
  const outCookies: string[] = [];
  const outFlashes: Flash[] = [];

  let session: Session | null = null;
  let user: User | null = null;
  const token = cookies[SESSION_COOKIE];
  if (token) {
    const valid = validateSessionToken(web.db, token, now);
    if (valid) {
      session = valid.session;
      user = valid.user;
      // A long session's cookie gets a fresh Max-Age when the server-side expiry moves.
      if (valid.refreshed && valid.session.longLived) outCookies.push(sessionCookie(token, true, { secure: client.secure }));
    } else {
      outCookies.push(blankSessionCookie({ secure: client.secure }));
    }
  }

  let anon = cookies[ANON_CSRF_COOKIE];
  if (!anon || !/^[A-Za-z0-9_-]{43}$/.test(anon)) {
    anon = randomToken();
    outCookies.push(cookie(ANON_CSRF_COOKIE, anon, client.secure));
  }
  const binding = () => (session ? `s:${session.idHash}` : `a:${anon}`);

  const lang = pickLanguage(user?.language ?? "", request.headers.get("accept-language"), cookies[LANGUAGE_COOKIE]);
  const c: WebContext = {
    web,
    request,
    url,
    params,
    client,
    now,
    user,
    session,
    lang,
    t: translator(lang),
    tn: pluralTranslator(lang),
    csrf: csrfToken(web.key, binding()),
    form: new URLSearchParams(),
    flashes: readFlashes(cookies[FLASH_COOKIE]),
    theme: cookies[THEME_COOKIE] === "light" || cookies[THEME_COOKIE] === "dark" ? cookies[THEME_COOKIE] : "",
    htmx: request.headers.get("hx-request") === "true",
    cookies,
    setCookie: (v) => outCookies.push(v),
    flash: (kind, text) => outFlashes.push({ kind, text }),
    adoptSession(newToken, newSession, newUser) {
      session = newSession;
      user = newUser;
      c.session = newSession;
      c.user = newUser;
      c.csrf = csrfToken(web.key, binding());
      outCookies.push(sessionCookie(newToken, newSession.longLived, { secure: client.secure }));
    },
    origin() {
      if (web.config.server.public_url) return web.config.server.public_url.replace(/\/$/, "");
      return `${client.secure ? "https" : "http"}://${request.headers.get("host") ?? url.host}`;
    },
  };

  let response: Response;
  if (UNSAFE.has(request.method)) {
    c.form = await readForm(request);
    const presented = request.headers.get(CSRF_HEADER) ?? c.form.get(CSRF_FIELD);
    const expectedOrigins = [`${client.secure ? "https" : "http"}://${request.headers.get("host") ?? url.host}`];
    if (web.config.server.public_url) expectedOrigins.push(new URL(web.config.server.public_url).origin);
    if (checkCsrf && (!sameOrigin(request, expectedOrigins) || !csrfTokenValid(web.key, binding(), presented))) {
      web.log.warn("csrf check failed", { path: url.pathname, client: client.address });
      response = await forbidden(c);
      return finish(c, response, outCookies, outFlashes);
    }
  }

  if ((access === "user" || access === "staff") && !user) {
    response = redirect(c, `${LOGIN_PATH}?next=${encodeURIComponent(url.pathname + url.search)}`);
  } else if (access === "staff" && !user!.isStaff) {
    // Staff pages answer 404 to others, like every object someone does not own (spec §5).
    response = await notFound(c);
  } else if (access === "anonymous" && user) {
    response = redirect(c, AFTER_LOGIN);
  } else {
    response = await handler(c);
  }
  return finish(c, response, outCookies, outFlashes);
}

function finish(c: WebContext, response: Response, outCookies: string[], outFlashes: Flash[]): Response {
  const h = response.headers;
  if (outFlashes.length) {
    outCookies.push(cookie(FLASH_COOKIE, Buffer.from(JSON.stringify(outFlashes)).toString("base64url"), c.client.secure, 300));
  } else if (c.flashes.length && (h.get("content-type") ?? "").startsWith("text/html")) {
    // Shown on this page: forget them.
    outCookies.push(cookie(FLASH_COOKIE, "", c.client.secure, 0));
  }
  for (const v of outCookies) h.append("set-cookie", v);
  if (!h.has("cache-control")) h.set("cache-control", "no-store");
  if (!h.has("content-security-policy")) h.set("content-security-policy", contentSecurityPolicy(c.web.config));
  // The language comes from the profile, the cookie or Accept-Language (i18n).
  h.set("vary", "Cookie, Accept-Language");
  return response;
}

/** 303 to `to` (a POST is followed by a GET), or for htmx a 200 with HX-Redirect (htmx follows it itself). */
export function redirect(c: WebContext, to: string): Response {
  if (c.htmx) return new Response(null, { status: 200, headers: { "hx-redirect": to } });
  return new Response(null, { status: 303, headers: { location: to } });
}

export async function notFound(c: WebContext): Promise<Response> {
  return notFoundPage(c);
}
export async function forbidden(c: WebContext): Promise<Response> {
  return forbiddenPage(c);
}

/**
 * A plugin with a group of routes. Every route runs through handle(); Elysia does not parse bodies
 * (`parse: "none"`): handle() reads the form itself, once.
 */
export interface Router {
  get(path: string, handler: Handler, access?: Access): Router;
  /** `csrf: false` only for forms whose URL is itself a secret (the setup link): say why where you use it. */
  post(path: string, handler: Handler, access?: Access, opts?: { csrf?: boolean }): Router;
}

export function webRoutes(name: string, web: Web, define: (r: Router) => void) {
  let app = new Elysia({ name: `web/${name}` });
  const router: Router = {
    get(path, handler, access = "any") {
      app = app.get(path, ({ request, params }) => handle(web, request, params as Record<string, string>, access, handler), { parse: "none" }) as unknown as typeof app;
      return router;
    },
    post(path, handler, access = "any", opts = {}) {
      const csrf = opts.csrf ?? true;
      app = app.post(path, ({ request, params }) => handle(web, request, params as Record<string, string>, access, handler, csrf), { parse: "none" }) as unknown as typeof app;
      return router;
    },
  };
  define(router);
  return app;
}
