// Cross-site request forgery defence for every state-changing request (POST, PUT, PATCH, DELETE).
//
// Two independent checks, both must pass:
//   1. Origin: browsers send Origin (and Sec-Fetch-Site) on POSTs; one that names another site is refused.
//      This alone stops modern browsers; the token below covers old ones and proxies that strip headers.
//   2. Token: HMAC(server key, binding). The binding is the session id hash when signed in, or a random
//      value in the HttpOnly `updns_csrf` cookie when not (login and sign-up forms need protection too:
//      login CSRF would sign a victim into the attacker's account). An attacker's page cannot read either
//      value, so it cannot compute the token. Forms carry it in the `_csrf` field, htmx in the
//      `X-CSRF-Token` header (hx-headers on <body>).
import { constantTimeEqual, hmacHex } from "./crypto.ts";

export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";
export const ANON_CSRF_COOKIE = "updns_csrf";

export function csrfToken(key: Buffer, binding: string): string {
  return hmacHex(key, `csrf:${binding}`);
}

export function csrfTokenValid(key: Buffer, binding: string, presented: string | null | undefined): boolean {
  if (!presented || !binding) return false;
  return constantTimeEqual(presented, csrfToken(key, binding));
}

/**
 * Whether the request's Origin / Sec-Fetch-Site say it came from this site. A missing Origin is accepted
 * here (some clients do not send it) and left to the token check. Several origins may be ours: the one
 * the Host header names, and [server] public_url (a reverse proxy may pass on another Host).
 */
export function sameOrigin(request: Request, expectedOrigins: string[]): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = request.headers.get("origin");
  if (origin === null) return true;
  return expectedOrigins.includes(origin);
}
