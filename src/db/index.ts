export * as schema from "./schema.ts";
export * from "./schema.ts";
export { openDatabase, migrate, pendingMigrations, backupDatabase, DatabaseTooNewError, type Db, type OpenOptions } from "./connection.ts";
export { migrations } from "./migrations.ts";
export { sealColumn, openColumn, SECRET_COLUMNS, type SecretColumn, type HasMasterKey } from "./secret-columns.ts";
export { SEALED_PREFIX, isSealed, sealSecret, openSecret, parseMasterKey, loadOrCreateMasterKey, masterKeyFor } from "./sealed.ts";
export { withPrivateUmask, ensurePrivateDir, tightenPrivateFile, writePrivateFile, chmodPrivate, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from "./files.ts";
export { readTogether, runStatements, runInTransaction, type SqlStatement } from "./batch.ts";
export { rowReader } from "./rows.ts";
