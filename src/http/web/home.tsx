// PLACEHOLDER pages until the htmx UI (issue 12) replaces them: the home page and the overview, so that
// signing in lands somewhere. Issue 12 owns this file and may rewrite it entirely.
import { Html } from "@elysiajs/html";
import { webRoutes, type Web } from "./context.ts";
import { page } from "./layout.tsx";

export function homePages(web: Web) {
  return webRoutes("home", web, (r) => {
    r.get("/", (c) =>
      page(
        c,
        c.t("Home"),
        <>
          <h1 safe>{c.t("Dynamic DNS for your own domains")}</h1>
          <p safe>{c.t("Point a name at a changing address: your router or a small client tells updns, updns updates the zone.")}</p>
        </>,
      ),
    );
    r.get(
      "/overview/",
      (c) =>
        page(
          c,
          c.t("Overview"),
          <>
            <h1 safe>{c.t("Overview")}</h1>
            <p safe>{c.t("Signed in as {username}.", { username: c.user!.username })}</p>
          </>,
        ),
      "user",
    );
  });
}
