// GET /myip: the caller's address as plain text (spec §2.1), behind a trusted proxy the forwarded one.
import { Elysia } from "elysia";
import type { ClientInfo } from "../client.ts";

export const myipRoutes = new Elysia({ name: "myip" }).get("/myip", (ctx) => {
  const { client } = ctx as unknown as { client: ClientInfo };
  return new Response(client.address, { headers: { "content-type": "text/plain", "cache-control": "no-store" } });
});
