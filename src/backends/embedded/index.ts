export { EmbeddedBackend, absoluteOwner } from "./backend.ts";
export { SqliteZoneStorage, ZoneConflictError } from "./storage.ts";
