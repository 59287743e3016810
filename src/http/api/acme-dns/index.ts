// The acme-dns HTTP API (peers-and-clients.md §4), wire-compatible, mounted under [acme_dns] base_path:
// POST /register, POST /update, GET /health — plus what acme-dns lacks: DELETE /update (or POST /delete)
// to remove a value, protected registration, N values per account with an expiry. The rules are core's
// (core/acme.ts); this folder reads requests and writes acme-dns's status codes and JSON.
import { Elysia } from "elysia";
import type { Config } from "../../../config/index.ts";
import {
  AcmeError,
  BadauthLimiter,
  acmeSettingsFrom,
  addAcmeTxt,
  authenticateAcme,
  deleteAcmeTxt,
  parseAllowfrom,
  parseBasic,
  parseLooseJson,
  registerAcmeAccount,
  validSubdomain,
  validChallengeTxt,
  type AcmeDeps,
  type AcmeSettings,
  type Clock,
  type ZoneBackend,
  type ZoneRef,
} from "../../../core/index.ts";
import type { Db } from "../../../db/index.ts";
import { AuthFailureLog, type Logger } from "../../../log/index.ts";
import { clientInfo, ProxyTrust } from "../../client.ts";

export interface AcmeDnsApiDeps {
  db: Db;
  config: Config;
  log: Logger;
  backendFor: (zone: ZoneRef) => ZoneBackend;
  /**
   * registration = "staff": checks HTTP Basic credentials of an account; resolves to the user id when it
   * is an active staff account, else null. main/serve wires it to auth's password check.
   */
  staffLogin?: (username: string, password: string) => Promise<number | null>;
  /** Runs before each registration: serve lowers the challenge zone's negative TTL (a zone added later too). */
  prepareZone?: () => Promise<void>;
  clock?: Clock;
}

/** The core settings from [acme_dns]. */
export function acmeSettings(config: Config): AcmeSettings {
  return acmeSettingsFrom(config.acme_dns);
}

/** acme-dns answers: JSON on a single line (acme.sh reads it with sed), never cached. */
function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", "cache-control": "no-store", ...headers } });
}
const error = (code: string, status: number, headers: Record<string, string> = {}) => json({ error: code }, status, headers);
const forbidden = () => error("forbidden", 401);
const notFound = () => new Response("404 page not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });

const REALM = "acme-dns registration";

export function acmeDnsApi(deps: AcmeDnsApiDeps) {
  const cfg = deps.config.acme_dns;
  const trust = new ProxyTrust(deps.config.http.trusted_proxies);
  const settings = acmeSettings(deps.config);
  const core: AcmeDeps = { db: deps.db, backendFor: deps.backendFor, settings, clock: deps.clock };
  const limiter = new BadauthLimiter(deps.config.abuse.badauth_per_minute);
  const now = () => (deps.clock ?? { now: () => new Date() }).now().getTime();
  const base = cfg.base_path.replace(/\/+$/, "");
  const log = deps.log;
  const failures = new AuthFailureLog(log, "acme-dns");

  /** A body as text, whatever its Content-Type (acme.sh sends JSON as form-urlencoded). */
  const bodyOf = async (request: Request) => (request.method === "GET" || request.method === "HEAD" ? "" : await request.text());

  async function register(request: Request, viaToken: boolean): Promise<Response> {
    const client = clientInfo(request, trust).address;
    let ownerId: number | null = null;
    if (cfg.registration === "off" || (cfg.registration === "token" && !viaToken)) return notFound();
    if (cfg.registration === "staff") {
      const wait = limiter.retryAfter(client, now());
      if (wait > 0) {
        failures.blocked(client, parseBasic(request.headers.get("authorization") ?? "")?.username ?? "-", wait);
        return error("forbidden", 429, { "retry-after": String(wait) });
      }
      const creds = parseBasic(request.headers.get("authorization") ?? "");
      ownerId = creds && deps.staffLogin ? await deps.staffLogin(creds.username, creds.password) : null;
      if (ownerId === null) {
        limiter.fail(client, now());
        failures.failed(client, creds?.username ?? "-", "registration without staff credentials");
        return error("forbidden", 401, { "www-authenticate": `Basic realm="${REALM}"` });
      }
    }
    const body = parseLooseJson(await bodyOf(request));
    if (!body) return error("malformed_json_payload", 400);
    try {
      const allowfrom = parseAllowfrom(body.allowfrom);
      await deps.prepareZone?.();
      const account = registerAcmeAccount(core, { allowfrom, ownerId });
      log.info("acme-dns account registered", { username: account.username, subdomain: account.subdomain, client });
      return json(account, 201);
    } catch (e) {
      if (e instanceof AcmeError && e.code !== "db_error") return error(e.code, 400);
      log.error("acme-dns registration failed", { error: (e as Error).message });
      return error((e as Error).message, 500);
    }
  }

  /** POST /update (add a value) and DELETE /update, POST /delete (remove one value, or all without txt). */
  async function change(request: Request, action: "add" | "delete"): Promise<Response> {
    const client = clientInfo(request, trust).address;
    // Checks 1–3 (§4): credentials, then the client address.
    const account = authenticateAcme(deps.db, request.headers.get("x-api-user") ?? "", request.headers.get("x-api-key") ?? "", client);
    if (!account) {
      failures.failed(client, request.headers.get("x-api-user") ?? "", "wrong X-Api-User, X-Api-Key or source address");
      return forbidden();
    }
    const body = parseLooseJson(await bodyOf(request));
    // acme-dns answers a body it cannot read with "forbidden" (the subdomain then does not match); the
    // caller is authenticated by now, so it may learn what is wrong.
    if (!body) return error("malformed_json_payload", 400);
    const subdomain = typeof body.subdomain === "string" ? body.subdomain : "";
    if (!validSubdomain(subdomain)) return error("bad_subdomain", 400);
    // Check 4: the body names the account's own subdomain.
    if (subdomain.toLowerCase() !== account.subdomain) return forbidden();
    const txt = typeof body.txt === "string" ? body.txt : undefined;
    try {
      if (action === "add") {
        if (txt === undefined || !validChallengeTxt(txt)) return error("bad_txt", 400);
        await addAcmeTxt(core, account, txt, client);
        log.info("acme-dns txt added", { subdomain: account.subdomain, client });
        return json({ txt }, 200);
      }
      if (txt !== undefined && txt !== "" && !validChallengeTxt(txt)) return error("bad_txt", 400);
      const removed = await deleteAcmeTxt(core, account, txt === "" ? undefined : txt, client);
      log.info("acme-dns txt deleted", { subdomain: account.subdomain, removed, client });
      return json({ deleted: removed }, 200);
    } catch (e) {
      if (e instanceof AcmeError && e.code === "bad_txt") return error("bad_txt", 400);
      log.error("acme-dns update failed", { subdomain: account.subdomain, error: (e as Error).message });
      return error("db_error", 500);
    }
  }

  const health = () => new Response(null, { status: 200 });

  let app = new Elysia({ name: "acme-dns-api" });
  const prefixes = [base];
  if (cfg.registration === "token" && cfg.registration_token) prefixes.push(`${base}/${cfg.registration_token}`);
  for (const p of prefixes) {
    const viaToken = p !== base;
    app = app
      .post(`${p}/register`, ({ request }) => register(request, viaToken), { parse: "none" })
      .post(`${p}/update`, ({ request }) => change(request, "add"), { parse: "none" })
      .delete(`${p}/update`, ({ request }) => change(request, "delete"), { parse: "none" })
      .post(`${p}/delete`, ({ request }) => change(request, "delete"), { parse: "none" })
      .get(`${p}/health`, health) as unknown as typeof app;
  }
  return app;
}
