// Static assets, served from the binary: imported as text so `bun build --compile` embeds them (no CDN,
// no files beside the executable; the appliance works on a LAN without internet). URLs carry a content
// hash, so browsers may keep them for a year and still get a new file after an upgrade.
import { Elysia } from "elysia";
import { createHash } from "node:crypto";
import htmx from "htmx.org/dist/htmx.min.js" with { type: "text" };
import appCss from "../../../web/app.css" with { type: "text" };
import appJs from "../../../web/app.js" with { type: "text" };
import icon from "../../../web/icon.svg" with { type: "text" };

interface Asset {
  body: string;
  type: string;
  hash: string;
}

const hash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 12);
const assets: Record<string, Asset> = {
  "htmx.min.js": { body: htmx, type: "text/javascript; charset=utf-8", hash: hash(htmx) },
  "app.css": { body: appCss, type: "text/css; charset=utf-8", hash: hash(appCss) },
  "app.js": { body: appJs, type: "text/javascript; charset=utf-8", hash: hash(appJs) },
  "icon.svg": { body: icon, type: "image/svg+xml", hash: hash(icon) },
};

/** The URL of an embedded asset, with its content hash as cache buster. */
export function assetUrl(name: keyof typeof assets | string): string {
  const a = assets[name];
  return a ? `/static/${name}?v=${a.hash}` : `/static/${name}`;
}

export const assetRoutes = new Elysia({ name: "web/assets" }).get("/static/:name", ({ params }) => {
  const a = assets[params.name];
  if (!a) return new Response("not found\n", { status: 404, headers: { "content-type": "text/plain" } });
  return new Response(a.body, {
    headers: { "content-type": a.type, "cache-control": "public, max-age=31536000, immutable", "x-content-type-options": "nosniff" },
  });
});
