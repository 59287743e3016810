export * as schema from "./schema.ts";
export * from "./schema.ts";
export { openDatabase, migrate, pendingMigrations, backupDatabase, DatabaseTooNewError, type Db, type OpenOptions } from "./connection.ts";
export { migrations } from "./migrations.ts";
export { runStatements, runInTransaction, type SqlStatement } from "./batch.ts";
export { rowReader } from "./rows.ts";
