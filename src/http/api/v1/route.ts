// A route of /api/v1 as data: method, path, schemas, the success status, and the handler. index.ts mounts
// the list on Elysia, openapi.ts describes the same list, validate.ts checks requests against its schemas.
import type { TSchema } from "elysia";
import type { TObject } from "@sinclair/typebox";
import type { Actor, BackendFor, DomainsAddPolicy, UpdateService, ZoneEditor, ZoneRecords } from "../../../core/index.ts";
import type { Db } from "../../../db/index.ts";
import type { Logger } from "../../../log/index.ts";
import type { ClientInfo } from "../../client.ts";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteDeps {
  db: Db;
  log: Logger;
  backendFor: BackendFor;
  updates: UpdateService;
  /** Null when the server has no embedded zones wired (records routes then answer 404). */
  records: ZoneRecords | null;
  /** Creates embedded zones (null: only rfc2136 zones can be added). */
  zoneEditor: ZoneEditor | null;
  /** `[domains] add`. */
  domainsAdd: DomainsAddPolicy;
}

export interface Ctx<P = any, Q = any, B = any> {
  actor: Actor;
  params: P;
  query: Q;
  body: B;
  client: ClientInfo;
  deps: RouteDeps;
}

export interface ApiRoute {
  method: Method;
  /** OpenAPI style, below /api/v1: "/hosts/{fqdn}". */
  path: string;
  operationId: string;
  summary: string;
  tag: "token" | "hosts" | "related hosts" | "zones" | "records";
  params?: TObject;
  query?: TObject;
  body?: TSchema;
  /** Whether the route changes anything: read-only tokens are refused before the handler runs. */
  write: boolean;
  ok: { status: 200 | 201 | 204; schema?: TSchema; description: string };
  handler(ctx: Ctx): Promise<unknown> | unknown;
}

export const route = (r: ApiRoute): ApiRoute => r;
