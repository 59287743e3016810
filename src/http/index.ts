export { createHttpApp, countRequests, directFirst, noteRoute, type DirectRoute, type HttpDeps, type HealthSource } from "./app.ts";
export { listenHttp, listenHostPort, ListenError, type HttpListeners } from "./listen.ts";
export { clientInfo, normalizeAddress, ProxyTrust, rememberPeer, type ClientInfo } from "./client.ts";
