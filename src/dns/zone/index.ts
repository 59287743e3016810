// dns/zone: the authoritative zone store — snapshots, one transaction per change, changesets, journal.
export * from "./types.ts";
export { ZoneSnapshot, ZoneSet, buildSnapshot, canonicalCompare, parentName, type Node } from "./snapshot.ts";
export { ZoneStore, type ZoneTx, type CommitListener, type ZoneStoreOptions } from "./store.ts";
export { type ZoneStorage, MemoryZoneStorage } from "./storage.ts";
export {
  RdataError,
  WireWriter,
  absoluteName,
  checkName,
  inZone,
  parseRdata,
  parseTtl,
  rdataFromText,
  readRdata,
  soaFields,
  targetOf,
  tokenize,
  txtRdata,
  writeRdata,
  type Token,
} from "./rdata.ts";
export { MasterFileError, parseMasterFile, writeMasterFile } from "./masterfile.ts";
