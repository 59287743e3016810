// core's public face: the update use case and the helpers the web UI and the CLI reuse.
export * from "./ports.ts";
export * from "./errors.ts";
export * from "./admin/index.ts";
export type { AddressResult, DyndnsAnswer, DyndnsRequest, UpdateMode, ErrorWord } from "./types.ts";
export { createUpdateService, addressesFrom, MAX_HOSTS, RETRY_AFTER_SECONDS, type UpdateDeps, type UpdateService, type AbuseSettings, type AddressChange } from "./update.ts";
export { combineResults, singleLine } from "./results.ts";
export { RESULT_LINES, resultLine, readResultLine, type ResultKind, type ResultReading } from "./result-lines.ts";
export { parseBasic, credentialsFrom, lenientBase64, BadauthLimiter, type Credentials } from "./credentials.ts";
export { authenticate, checkHostSecret, parseScopes, tokenCovers, type Principal, type TokenScopes } from "./authenticate.ts";
export {
  generateSecret,
  hashSecret,
  hashChosenSecret,
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
export { stampMessage, HostLedger, hostHealth, KEEPALIVE_MS, MESSAGE_MAX } from "./faults.ts";
export { addHostTxt, clearHostTxt, sweepHostTxt, challengeTxtFrom, DEFAULT_CHALLENGE_TXT, type ChallengeTxtSettings } from "./host-txt.ts";
export { findHost, zoneRefOf, effectiveTtl, relatedHostsOf, type HostRecord, type RelatedHostRow, type HostRow, type DomainRow } from "./hosts.ts";
export { queueForwarder, forwardTargets } from "./forward.ts";
export { removeHostDns, removeUserDns, type BackendFor } from "./dns-cleanup.ts";
export {
  createToken,
  listTokens,
  revokeToken,
  checkApiToken,
  validateScopes,
  parseExpiry,
  tokenSees,
  tokenSeesZone,
  tokenAllowsType,
  SCOPE_TYPES,
  type TokenInput,
  type TokenInfo,
  type CreatedToken,
  type CheckedToken,
  type TokenCheck,
} from "./tokens.ts";
export {
  parseLooseJson,
  parseAllowfrom,
  allowedFrom,
  allowfromOf,
  validUsername,
  validKey,
  validSubdomain,
  validTxt,
  challengeZone,
  fulldomainOf,
  registerAcmeAccount,
  authenticateAcme,
  addAcmeTxt,
  deleteAcmeTxt,
  sweepAcmeTxt,
  startAcmeSweep,
  listAcmeAccounts,
  acmeAccountById,
  revokeAcmeAccount,
  revokeUserAcmeAccounts,
  isAcmeChallengeName,
  acmeSettingsFrom,
  embeddedZoneOf,
  grantUpdate,
  listGrants,
  type GrantMatch,
  type GrantView,
  type AcmeSettings,
  type AcmeDeps,
  type AcmeRegistration,
  type AcmeAccountRow,
  type AcmeAccountView,
} from "./acme.ts";
export { ownedHost, hostById, userHosts, domainsForNewHosts, addHost, updateHostSettings, regenerateHostSecret, deleteHost, setAbuseBlocked, currentAddresses, type HostSettings } from "./hosts-edit.ts";
export { relatedOf, relatedById, addRelated, updateRelated, deleteRelated, type RelatedInput } from "./related-edit.ts";
export { hostFor, hostsFor, zoneForNewHost, requireTypes, zonesFor, zoneFor, ownsZone, recordZoneFor, hostLabels, type Actor, type Need } from "./access.ts";
export { ZoneRecords, ownerName, relativeName, type ZoneRecordStore, type StaticRRset } from "./zone-records.ts";
export { checkNewZone, enclosingZone, mayAddEmbeddedZones, publicSuffixSection, type ZoneCreator, type DomainsAddPolicy } from "./zone-ownership.ts";
export { listServices, hostConfigs, hostConfigById, addHostConfig, updateHostConfig, deleteHostConfig, addService, deleteService, searchServices, type HostConfigInput, type ServiceInput, type ServiceRow, type HostConfigRow } from "./forwarders-edit.ts";
export {
  ownedDomain,
  visibleDomains,
  addDomain,
  updateDomain,
  regenerateDomainKey,
  deleteDomain,
  transferKeyOf,
  staticRecords,
  setStaticRRset,
  apexNs,
  setApexNs,
  checkStaticRecord,
  delegate,
  delegateAround,
  undelegate,
  STATIC_TYPES,
  type ZoneEditor,
  type ZoneCheck,
  type NewDomainInput,
  type NewDomain,
  type DomainSettings,
  type StaticRecord,
} from "./domains-edit.ts";
export { statusCounts, STATUS_PERIODS, type StatusCounts } from "./status.ts";
export { enableDomainDnssec, disableDomainDnssec, keepDomainDnssec, rollDomainKeys, DNSSEC_ALGORITHMS, type DnssecPort, type DnssecState, type DnssecKeyView, type DnssecForm, type Rollover } from "./dnssec-edit.ts";
