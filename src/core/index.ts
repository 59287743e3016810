// core's public face: the update use case and the helpers the web UI and the CLI reuse.
export * from "./ports.ts";
export type { AddressResult, DyndnsAnswer, DyndnsRequest, UpdateMode, ErrorWord } from "./types.ts";
export { createUpdateService, addressesFrom, MAX_HOSTS, RETRY_AFTER_SECONDS, type UpdateDeps, type UpdateService, type AbuseSettings } from "./update.ts";
export { combineResults, singleLine } from "./results.ts";
export { parseBasic, credentialsFrom, lenientBase64, BadauthLimiter, type Credentials } from "./credentials.ts";
export { authenticate, checkHostSecret, parseScopes, tokenCovers, type Principal, type TokenScopes } from "./authenticate.ts";
export {
  generateSecret,
  hashSecret,
  verifySecret,
  clearVerifyCache,
  constantTimeEqual,
  generateApiToken,
  hashApiToken,
  looksLikeApiToken,
  API_TOKEN_PREFIX,
  ARGON2_PARAMS,
  type VerifyResult,
} from "./secrets.ts";
export { parseAddress, sameAddress, stripPrefixLength, networkOf, isPrefixOnly, withInterfaceId, recordType, AddressSet, type Address, type AddressKind } from "./addresses.ts";
export { canonicalName, splitFqdn, looksLikeFqdn, validateHostName, isBlacklisted, validateBlacklistPattern, checkNewHostName, type SplitName } from "./names.ts";
export { stampMessage, HostLedger, KEEPALIVE_MS, MESSAGE_MAX } from "./faults.ts";
export { findHost, zoneRefOf, effectiveTtl, relatedHostsOf, type HostRecord, type HostRow, type DomainRow } from "./hosts.ts";
export { queueForwarder, forwardTargets } from "./forward.ts";
export { removeHostDns, removeUserDns, type BackendFor } from "./dns-cleanup.ts";
