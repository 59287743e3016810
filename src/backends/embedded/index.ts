export { EmbeddedBackend, absoluteOwner } from "./backend.ts";
export { SqliteZoneStorage, ZoneConflictError } from "./storage.ts";
export { EmbeddedZoneRecords } from "./records.ts";
