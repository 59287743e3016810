export { myipRoutes } from "./myip.ts";
