// One error shape for every /api/v1 answer that is not a success: {"error": {"code", "message", "field"?}}.
// Core's refusals map to HTTP statuses here; nothing else in this folder picks a status for an error.
import { AccessError, ValidationError, ZoneBackendError, ZoneNotAllowedError, ZoneRecordError } from "../../../core/index.ts";
import { fromAcceptLanguage, translator } from "../../../i18n/index.ts";

export type ErrorCode = "invalid_request" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "method_not_allowed" | "rate_limited" | "unavailable" | "internal";

const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(value), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/**
 * The error as JSON. `message` is for people: in the client's Accept-Language when updns has that language
 * (Content-Language says which), else English; `code` and `field` are for programs and never change.
 */
export function errorResponse(e: ApiError, acceptLanguage?: string | null): Response {
  const lang = fromAcceptLanguage(acceptLanguage) || "en";
  const body: { code: ErrorCode; message: string; field?: string } = { code: e.code, message: translator(lang)(e.message) };
  if (e.field) body.field = e.field;
  return json(e.status, { error: body }, { ...e.headers, "content-language": lang, vary: "Accept-Language" });
}

/** Seconds a client is told to wait after a transient nameserver failure. */
export const RETRY_AFTER_DNS = 60;

/** Core's refusals as API errors; anything else is ours (500, logged by the caller). */
export function toApiError(e: unknown): ApiError | null {
  if (e instanceof ApiError) return e;
  if (e instanceof AccessError) return new ApiError(e.code, e.message);
  if (e instanceof ZoneNotAllowedError) return new ApiError("forbidden", e.message, e.field);
  if (e instanceof ValidationError) {
    // Core says "already exists" for a name clash: the request is fine, the state is not.
    const clash = /already (exists|has)/i.test(e.message);
    return new ApiError(clash ? "conflict" : "invalid_request", e.message, e.field);
  }
  if (e instanceof ZoneRecordError) {
    switch (e.reason) {
      case "cname":
      case "exists":
      case "apex":
        return new ApiError("conflict", e.message, e.field);
      case "nozone":
        return new ApiError("unavailable", e.message, undefined, { "retry-after": String(RETRY_AFTER_DNS) });
      default:
        return new ApiError("invalid_request", e.message, e.field);
    }
  }
  if (e instanceof ZoneBackendError) {
    return new ApiError("unavailable", `the zone's nameserver failed: ${e.message}`, undefined, e.transient ? { "retry-after": String(RETRY_AFTER_DNS) } : {});
  }
  return null;
}
