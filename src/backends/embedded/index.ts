export { EmbeddedBackend, absoluteOwner } from "./backend.ts";
export { SqliteZoneStorage } from "./storage.ts";
export { ZoneConflictError } from "./commit.ts";
export { EmbeddedZoneRecords } from "./records.ts";
export { zoneStoreDnssec } from "./dnssec.ts";
