// Public face of http/web: webApp(deps) is the web UI as one Elysia plugin (main.ts mounts it through
// createHttpApp's plugins). Pages of other features build on the same foundation: they take the `Web`
// object, define routes with webRoutes(), and render with page() and the components of layout.tsx.
import { Elysia } from "elysia";
import { createWeb, type WebDeps } from "./context.ts";
import { assetRoutes } from "./assets.ts";
import { accountPages } from "./accounts/index.ts";
import { adminUserPages } from "./admin/index.ts";
import { homePages } from "./home.tsx";
import { setupRoutes } from "./setup.ts";
import { hostPages } from "./hosts/index.tsx";
import { domainPages } from "./domains/index.tsx";
import { relatedPages } from "./related/index.tsx";
import { forwarderPages } from "./forwarders/index.tsx";
import { statusPages } from "./status/index.tsx";
import { acmePages } from "./acme/index.tsx";
import { languagePages } from "./language.ts";
import { tokenPages } from "./tokens/index.tsx";

export function webApp(deps: WebDeps) {
  const web = createWeb(deps);
  return new Elysia({ name: "web" })
    .use(assetRoutes)
    .use(languagePages(web))
    .use(setupRoutes(deps.db, web))
    .use(accountPages(web))
    .use(adminUserPages(web))
    .use(homePages(web))
    .use(hostPages(web))
    .use(relatedPages(web))
    .use(forwarderPages(web))
    .use(domainPages(web))
    .use(statusPages(web))
    .use(acmePages(web))
    .use(tokenPages(web));
}

export {
  AFTER_LOGIN,
  LOGIN_PATH,
  createWeb,
  handle,
  webRoutes,
  redirect,
  html,
  notFound,
  forbidden,
  cookie,
  parseCookies,
  safeNext,
  contentSecurityPolicy,
  type Web,
  type WebDeps,
  type WebContext,
  type Handler,
  type Router,
  type Access,
  type Flash,
  type FlashKind,
} from "./context.ts";
export { Layout, page, fragment, CsrfField, Field, FormError, MailNotice, type Errors, type FieldProps } from "./layout.tsx";
export { assetUrl } from "./assets.ts";
export { webSessionIps, type SessionIps, type DetectTokens, type DetectedIps, type ReverseLookup } from "./detect.ts";
export { helpTabs, serviceNames, type HelpTab, type HelpInput, type ServiceNames } from "./help/index.tsx";
export { secondarySnippets, primarySnippets, type KeyText, type Snippet } from "./domains/index.tsx";
export { translator, pickLanguage, addCatalogue, SUPPORTED_LANGUAGES, type Translate } from "./i18n.ts";
