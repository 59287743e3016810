// The administrative use cases (accounts, domains, hosts, TSIG keys, lists, setup, import) that the CLI,
// the web UI and the jobs share. Reached from outside core through core/index.ts.
export { ensureCatalogDomain, type CatalogSettings } from "./catalog.ts";
export {
  validateServerAddress,
  addEmbeddedZone,
  addRfc2136Zone,
  requireDomain,
  listDomains,
  listSecondaries,
  removeDomain,
  addSecondary,
  removeSecondary,
  type DomainRow,
  type EmbeddedZoneInput,
  type NewZoneRecords,
  type ZoneCreation,
  type Rfc2136ZoneInput,
} from "./domains.ts";
export { createHost, listHosts, requireHost, type CreatedHost } from "./hosts.ts";
export { importNsupdate, type ImportCounts, type ImportReport } from "./import-nsupdate.ts";
export { searchHosts, searchDomains, searchBlacklist, addBlacklistEntry, deleteBlacklistEntry, type Paged, type BlacklistRow } from "./lists.ts";
export { normalizeZoneName, normalizeKeyName, normalizeCatalogGroup } from "./names.ts";
export { issueSetupToken, setupTokenValid, completeSetup } from "./setup.ts";
export {
  TSIG_ALGORITHMS,
  normalizeAlgorithm,
  validateSecret,
  generateTsigSecret,
  createTsigKey,
  inClear,
  setTsigSecret,
  requireTsigKey,
  listTsigKeys,
  removeTsigKey,
  bindKeyStanza,
  type TsigKeyRow,
} from "./tsig.ts";
export { validateUsername, validateEmail, validatePassword, hashPassword, createUser, findUser, requireUser, listUsers, hasStaff, type User } from "./users.ts";
