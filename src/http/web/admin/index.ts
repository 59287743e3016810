// Staff pages. Issue 12 adds its admin lists (hosts, domains, service updaters, blacklist) beside users.
import { webRoutes, type Web } from "../context.ts";
import { adminUserRoutes } from "./users.tsx";
import { adminListRoutes } from "./lists.tsx";

export function adminUserPages(web: Web) {
  return webRoutes("admin-users", web, (r) => {
    adminUserRoutes(r);
    adminListRoutes(r);
  });
}
