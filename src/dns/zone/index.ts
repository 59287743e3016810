// dns/zone: the authoritative zone store — snapshots, one transaction per change, changesets, journal.
export * from "./types.ts";
export { ZoneSnapshot, ZoneSet, buildSnapshot, canonicalCompare, parentName, type Node } from "./snapshot.ts";
export {
  ZoneStore,
  type ZoneTx,
  type CommitListener,
  type ZoneStoreOptions,
  type DnssecOptions,
  type DnssecSettings,
  type DnssecTickResult,
  type DnssecKeyInfo,
} from "./store.ts";
export { type ZoneStorage, type StoredKey, MemoryZoneStorage } from "./storage.ts";
export { chainPredecessor, isNsec3Node, type ChainIndex, type Denial, type KeyRole, type KeyState, type SigningPolicy, DEFAULT_POLICY } from "./signer.ts";
export {
  RdataError,
  WireWriter,
  absoluteName,
  checkName,
  inZone,
  parseRdata,
  parseTtl,
  rdataFromText,
  rdataKey,
  readRdata,
  canonicalWire,
  typeCodeOf,
  typeNameOf,
  soaFields,
  targetOf,
  tokenize,
  txtRdata,
  writeRdata,
  type Token,
} from "./rdata.ts";
export { MasterFileError, parseMasterFile, writeMasterFile } from "./masterfile.ts";
export { CATALOG_VERSION, addMember, catalogMembers, catalogZoneDefinition, isCatalog, removeMember, setMemberGroup, syncMembers } from "./catalog.ts";
export { ZoneSetSharer, ZoneSetReceiver, type SharedZoneSet } from "./share.ts";
