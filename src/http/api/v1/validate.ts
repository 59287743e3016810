// Request checks against the routes' TypeBox schemas (compiled once each). The first failure becomes a 400
// naming the field, e.g. {"error": {"code": "invalid_request", "field": "ttl", "message": "ttl: Expected integer"}}.
import type { TSchema } from "elysia";
import type { TObject } from "@sinclair/typebox";
import { TypeCompiler, type TypeCheck } from "elysia/type-system";
import { ApiError } from "./errors.ts";

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checker(schema: TSchema): TypeCheck<TSchema> {
  let c = compiled.get(schema);
  if (!c) compiled.set(schema, (c = TypeCompiler.Compile(schema)));
  return c;
}

/** `where` names the part of the request ("body", "query", "path") for errors without a field. */
export function check<T>(schema: TSchema, value: unknown, where: string): T {
  const c = checker(schema);
  if (c.Check(value)) return value as T;
  const first = c.Errors(value).First();
  const field = first?.path ? first.path.replace(/^\//, "").replaceAll("/", ".") : "";
  // Messages for unknown properties name them, so a typo ("ttll") is obvious.
  let message = first?.message ?? "invalid";
  if (first && first.schema && (first.schema as { additionalProperties?: boolean }).additionalProperties === false && first.value && typeof first.value === "object") {
    const allowed = Object.keys((first.schema as TObject).properties ?? {});
    const extra = Object.keys(first.value as object).filter((k) => !allowed.includes(k));
    if (extra.length) message = `unknown field ${extra.map((k) => JSON.stringify(k)).join(", ")} (allowed: ${allowed.join(", ")})`;
  }
  throw new ApiError("invalid_request", field ? `${field}: ${message}` : `${where}: ${message}`, field || undefined);
}

/** Query strings carry text: numbers in the schema are read from their digits before the check. */
export function coerceQuery(schema: TObject, query: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) {
    const prop = schema.properties[k] as { type?: string } | undefined;
    out[k] = (prop?.type === "number" || prop?.type === "integer") && /^-?\d{1,15}$/.test(v) ? Number(v) : v;
  }
  return out;
}
