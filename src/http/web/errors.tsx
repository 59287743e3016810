// The answers every route may give besides its own page: not found (also for what someone may not see)
// and CSRF refusals.
import { Html } from "@elysiajs/html";
import type { WebContext } from "./context.ts";
import { page } from "./layout.tsx";

export function notFoundPage(c: WebContext): Promise<Response> {
  return page(c, c.t("Not found"), <><h1 safe>{c.t("Not found")}</h1><p safe>{c.t("There is nothing here, or it is not yours to see.")}</p></>, 404);
}

export function forbiddenPage(c: WebContext): Promise<Response> {
  return page(
    c,
    c.t("Request refused"),
    <>
      <h1 safe>{c.t("Request refused")}</h1>
      <p safe>{c.t("The form was too old or came from another site (CSRF protection). Go back, reload the page and try again.")}</p>
    </>,
    403,
  );
}
