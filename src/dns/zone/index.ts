// dns/zone: the authoritative zone store — snapshots, one transaction per change, changesets, journal.
export * from "./types.ts";
export { ZoneSnapshot, ZoneSet, buildSnapshot, canonicalCompare, parentName, type Node, type PreparedAnswer } from "./snapshot.ts";
export { ZoneStore, type CommitListener, type ZoneStoreOptions } from "./store.ts";
export type { ZoneTx } from "./transaction.ts";
export { ZoneKeys, type ZoneKeysOptions, type DnssecOptions, type DnssecSettings, type DnssecTickResult, type DnssecKeyInfo } from "./keys.ts";
export { type ZoneStorage, type StoredKey, MemoryZoneStorage } from "./storage.ts";
export { chainPredecessor, isNsec3Node, DEFAULT_POLICY } from "./signer.ts";
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
export type { PackedNodes } from "./packed.ts";
export { ZoneSetSharer, ZoneSetReceiver, type SharedZoneSet } from "./share.ts";
