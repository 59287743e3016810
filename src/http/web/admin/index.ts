// Staff pages. Issue 12 adds its admin lists (hosts, domains, service updaters, blacklist) beside users.
import { webRoutes, type Web } from "../context.ts";
import { adminUserRoutes } from "./users.tsx";

export function adminUserPages(web: Web) {
  return webRoutes("admin-users", web, adminUserRoutes);
}
