// Staff pages: the users list and the admin lists (hosts, domains, service updaters, blacklist).
import { webRoutes, type Web } from "../context.ts";
import { adminUserRoutes } from "./users.tsx";
import { adminListRoutes } from "./lists.tsx";

export function adminUserPages(web: Web) {
  return webRoutes("admin-users", web, (r) => {
    adminUserRoutes(r);
    adminListRoutes(r);
  });
}
