// Every route of /api/v1, in the order the OpenAPI document lists them.
import { listTokens } from "../../../core/index.ts";
import { ApiError } from "./errors.ts";
import { hostRoutes } from "./hosts.ts";
import { route, type ApiRoute } from "./route.ts";
import * as S from "./schemas.ts";
import { zoneRoutes } from "./zones.ts";

const tokenRoutes: ApiRoute[] = [
  route({
    method: "GET",
    path: "/token",
    operationId: "getToken",
    summary: "The token making this request: its account, scopes and expiry",
    tag: "token",
    write: false,
    ok: { status: 200, schema: S.TokenSelf, description: "The token" },
    handler(ctx) {
      const t = listTokens(ctx.deps.db, { id: ctx.actor.tokenId ?? -1 })[0];
      if (!t) throw new ApiError("not_found", "this request was not made with a token");
      const { readOnly, ...rest } = t.scopes;
      return { id: t.id, name: t.name, user: t.username, scopes: { ...rest, read_only: Boolean(readOnly) }, expires_at: t.expiresAt?.toISOString() ?? null };
    },
  }),
];

export const routes: ApiRoute[] = [...tokenRoutes, ...hostRoutes, ...zoneRoutes];
