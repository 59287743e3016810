// Reading dyndns2 parameters leniently (updns.md §1.1): query string, plus an urlencoded POST body; the last
// value of a repeated name wins (spec §1.1). Bad percent-escapes or non-UTF-8 bytes never throw: they decode
// to U+FFFD and then fail validation with their own dyndns2 code.

/** Largest body read for a POST update; dyndns2 parameters are tiny. */
const MAX_FORM_BYTES = 16 * 1024;

export async function requestParams(request: Request, url: URL): Promise<Record<string, string>> {
  const params: Record<string, string> = {};
  for (const [k, v] of url.searchParams) params[k] = v;
  if (request.method === "POST" && (request.headers.get("content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    try {
      const text = await request.text();
      if (text.length <= MAX_FORM_BYTES) for (const [k, v] of new URLSearchParams(text)) params[k] = v;
    } catch {
      // An unreadable body adds nothing.
    }
  }
  return params;
}

/** `//nic//update/` → `/nic/update`: routers and UniFi-generated configs double slashes (peers §3). */
export function collapsePath(pathname: string): string {
  const p = pathname.replace(/\/{2,}/g, "/");
  return p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p;
}
