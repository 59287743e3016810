// Small helpers the account pages share.
import { ValidationError } from "../../../auth/index.ts";
import type { Errors } from "../layout.tsx";
import type { WebContext } from "../context.ts";

/** A ValidationError as the errors of a form (translated); anything else goes up. */
export function formErrors(c: WebContext, e: unknown): Errors {
  if (e instanceof ValidationError) return { [e.field]: c.t(e.message) };
  throw e;
}

export function field(c: WebContext, name: string): string {
  return c.form.get(name) ?? "";
}
