// The browser-based updater page `/update` (spec §2.5). It needs Basic credentials to embed in its script; they
// are not checked here (the updates it sends are). The script is served from the binary.
import script from "../../../web/updater.js" with { type: "text" };
import { parseBasic } from "../../core/index.ts";
import { badauth } from "./answer.ts";

export const UPDATER_SCRIPT_PATH = "/updater.js";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside <script>: no "<" so "</script>" cannot end it early. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");

export function updaterPage(request: Request): Response {
  const auth = request.headers.get("authorization");
  const creds = auth ? parseBasic(auth) : null;
  if (!creds) return badauth();
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>updns browser updater: ${escapeHtml(creds.username)}</title>
</head>
<body>
<main>
<h1>Browser updater for ${escapeHtml(creds.username)}</h1>
<p>Keep this page open: it checks your address every 5 minutes and updates the host when it changes.</p>
<dl>
<dt>My IP</dt><dd><span id="myip">…</span> <small id="myip-time"></small></dd>
<dt>Last update response</dt><dd><span id="result">…</span> <small id="result-time"></small></dd>
</dl>
</main>
<script type="application/json" id="updater-config">${scriptJson({ hostname: creds.username, secret: creds.password })}</script>
<script src="${UPDATER_SCRIPT_PATH}"></script>
</body>
</html>
`;
  return new Response(html, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    },
  });
}

export function updaterScript(): Response {
  return new Response(script, { headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" } });
}
