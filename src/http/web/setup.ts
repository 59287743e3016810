// The first-run setup page (kept at this path for the wiring in cli/serve.ts); it lives in setup-page.tsx.
export { setupRoutes } from "./setup-page.tsx";
