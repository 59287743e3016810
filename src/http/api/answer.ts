// The dyndns2 answer on the wire (updns.md §1.7): protocol results 200 with the bare code, badauth 401 with a
// Basic challenge, abuse from BAD_HOSTS 403, too many failed logins 429, server-side dnserr 503; both
// of the last two with Retry-After. Bodies are exactly `text/plain`, no charset (spec §1.1).
import type { DyndnsAnswer } from "../../core/index.ts";

export const REALM = "authenticate to update DNS";

const STATUS: Record<DyndnsAnswer["status"], number> = { ok: 200, unauthorized: 401, forbidden: 403, ratelimited: 429, unavailable: 503 };

export function plain(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain", "cache-control": "no-store", "x-content-type-options": "nosniff", ...headers } });
}

export function badauth(): Response {
  return plain("badauth", 401, { "www-authenticate": `Basic realm="${REALM}"` });
}

export function toResponse(a: Pick<DyndnsAnswer, "status" | "body" | "retryAfter">): Response {
  const headers: Record<string, string> = {};
  if (a.status === "unauthorized") headers["www-authenticate"] = `Basic realm="${REALM}"`;
  if (a.retryAfter !== undefined && (a.status === "ratelimited" || a.status === "unavailable")) headers["retry-after"] = String(a.retryAfter);
  return plain(a.body, STATUS[a.status], headers);
}
