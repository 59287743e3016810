// The OpenAPI 3.1 document of /api/v1, made from the route list and the very schema objects that validate
// requests (OpenAPI 3.1 schemas are JSON Schema 2020-12, which TypeBox writes). Named schemas (those with a
// title) go to components and are referenced, so clients generate one type per shape.
import type { TSchema } from "elysia";
import { routes } from "./routes.ts";
import * as S from "./schemas.ts";

type Json = Record<string, unknown>;

/** TypeBox keeps its bookkeeping under symbols and `$id`s; JSON keeps neither, which is what we want. */
function plain(schema: TSchema, components: Json, top = false): Json {
  const copy = JSON.parse(JSON.stringify(schema)) as Json;
  const title = copy.title as string | undefined;
  if (title && !top) {
    components[title] ??= copy;
    return { $ref: `#/components/schemas/${title}` };
  }
  return copy;
}

const ERRORS: Record<string, string> = {
  "400": "The request does not match the schema (error.field names the field)",
  "401": "No token, an unknown one, or an expired one",
  "403": "The token does not cover this host, zone or record type, is read-only, or is used from outside its subnets",
  "404": "No such host, zone or record for this account",
  "409": "The change clashes with what exists (a name taken, a CNAME beside other data, a dynamic host's name)",
  "429": "Too many requests for this token (or failed authentications from this address); see Retry-After",
  "503": "The zone's nameserver failed; see Retry-After when retrying may help",
};

export function openApiDocument(version: string): Json {
  const components: Json = { Error: JSON.parse(JSON.stringify(S.ErrorBody)) };
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const op: Json = { operationId: r.operationId, summary: r.summary, tags: [r.tag] };
    const parameters: Json[] = [];
    if (r.params) for (const [name, s] of Object.entries(r.params.properties)) parameters.push({ name, in: "path", required: true, schema: plain(s as TSchema, components, true) });
    if (r.query) for (const [name, s] of Object.entries(r.query.properties)) parameters.push({ name, in: "query", required: (r.query.required ?? []).includes(name), schema: plain(s as TSchema, components, true) });
    if (parameters.length) op.parameters = parameters;
    if (r.body) op.requestBody = { required: true, content: { "application/json": { schema: plain(r.body, components) } } };
    const responses: Json = {};
    responses[String(r.ok.status)] = r.ok.schema ? { description: r.ok.description, content: { "application/json": { schema: plain(r.ok.schema, components) } } } : { description: r.ok.description };
    const errorCodes = ["401", "403", "429", ...(r.params || r.body || r.query ? ["400"] : []), ...(r.params ? ["404"] : []), ...(r.write ? ["409", "503"] : [])];
    for (const code of errorCodes.sort()) responses[code] = { description: ERRORS[code], content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    op.responses = responses;
    if (r.write) op["x-updns-write"] = true;
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "updns API",
      version,
      description:
        "Hosts, related hosts, zones and static records of an updns account. Authenticate with `Authorization: Bearer <token>` " +
        "(create one with `updns token add USER` or in the web UI). Errors are `{error: {code, message, field?}}`. Lists are paged " +
        "with `limit` and `cursor` (pass `next_cursor` back).",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ bearer: [] }],
    paths,
    components: { schemas: components, securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An updns API token (updns_...)" } } },
  };
}
