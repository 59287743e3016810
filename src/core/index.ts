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
export { parseAddress, sameAddress, stripPrefixLength, networkOf, isPrefixOnly, withInterfaceId, recordType, AddressSet, type Address, type AddressKind } from "../net/index.ts";
export { canonicalName, splitFqdn, looksLikeFqdn, validateHostName, isBlacklisted, validateBlacklistPattern, checkNewHostName, type SplitName } from "./names.ts";
export { stampMessage, HostLedger, hostHealth, KEEPALIVE_MS, MESSAGE_MAX } from "./faults.ts";
export { addHostTxt, clearHostTxt, sweepHostTxt, challengeTxtFrom, DEFAULT_CHALLENGE_TXT, type ChallengeTxtSettings } from "./host-txt.ts";
export { findHost, zoneRefOf, effectiveTtl, relatedHostsOf, hostOwnedNames, type HostRecord, type RelatedHostRow, type HostRow, type DomainRow } from "./hosts.ts";
export { queueForwarder, forwardTargets, dropStaleForwards, FORWARD_MAX_AGE_MS } from "./forward.ts";
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
  validChallengeTxt,
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
export { ownedHost, hostById, userHosts, domainsForNewHosts, addHost, updateHostSettings, regenerateHostSecret, deleteHost, removeHost, setAbuseBlocked, currentAddresses, type HostSettings } from "./hosts-edit.ts";
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
export { statusCounts, STATUS_PERIODS, MinuteSeries, SERIES_MINUTES, zoneSerials, SERIAL_QUERIES_AT_ONCE, type StatusCounts, type StatusTotals, type StatusSeries, type ServerStatus, type JobLine, type MailState, type ZoneSerials, type SecondaryState, type SecondaryProblem } from "./status.ts";
export { addressHistory, HISTORY_MAX, type AddressChangeRow } from "./address-history.ts";
export { viewableHost, viewableDomain, hostsInDomain, type Viewer, type Viewed } from "./viewing.ts";
export { domainDnssecStatus, enableDomainDnssec, disableDomainDnssec, keepDomainDnssec, rollDomainKeys, DNSSEC_ALGORITHMS, type DnssecPort, type DnssecState, type DnssecKeyView, type DnssecForm, type Rollover } from "./dnssec-edit.ts";
export { sweepStaleHosts, STALE_AFTER_DAYS, REACTION_DAYS, UNAVAILABLE_AT, DELETE_AT, type StaleHostRules, type StaleHostStage, type StaleHostOutcome, type StaleHostSweep } from "./stale-hosts.ts";
export { sweepFaults, faultsModify, type FaultRules, type FaultOutcome, type FaultSweep } from "./fault-sweep.ts";
export { sweepStaleAccounts, accountTotals, UNUSED_AFTER_DAYS, ACCOUNT_GRACE_DAYS, type StaleAccountRules, type StaleAccountOutcome, type AccountSeen, type RemoveAccount } from "./stale-accounts.ts";
export { checkDomains, sweepStaleDomains, type DomainProbe, type ProbeStep, type DomainCheckOutcome, type StaleDomainOutcome } from "./domain-checks.ts";
export { runExclusive, lastRun, leaseHolder, JobBusyError, LEASE_MS, type JobRun, type JobOutcome } from "./job-runs.ts";
export { updatePolicy, policyFromRules, grantsWithAcme, type UpdateGrant, type UpdateGrantRequest, type UpdateGrantRule, type AcmeGrant } from "./update-policy.ts";
