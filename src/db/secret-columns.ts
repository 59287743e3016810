// The columns that hold a secret the server must use again (so it cannot be hashed): TSIG secrets — named
// keys, the update key of a zone at an external primary — and the passwords of third-party dyndns2
// services. Every write seals the value and every use opens it, here and nowhere else; the column's name
// is the additional data, so a sealed value moved to another column does not open.
import type { Database } from "bun:sqlite";
import { isSealed, openSecret, sealSecret, SEALED_PREFIX } from "./sealed.ts";

/** table.column of every secret column: the data step of migration 0001 seals what an older updns left in clear. */
export const SECRET_COLUMNS = ["tsig_keys.secret", "domains.update_key_secret", "service_updater_host_configs.password"] as const;
export type SecretColumn = (typeof SECRET_COLUMNS)[number];

/** Anything that carries the database's master key (a Db from openDatabase). */
export interface HasMasterKey {
  $masterKey: () => Uint8Array;
}

/** The stored form of `plain`: sealed; "" stays "" (no secret set). */
export function sealColumn(db: HasMasterKey, plain: string, column: SecretColumn): string {
  return plain === "" ? "" : sealSecret(db.$masterKey(), Buffer.from(plain, "utf8"), column);
}

/**
 * The clear text of a stored value. A value without the sealed prefix is read as clear text: a database
 * restored from before sealing works until its next migration seals it.
 */
export function openColumn(db: HasMasterKey, stored: string, column: SecretColumn): string {
  if (!isSealed(stored)) return stored;
  return Buffer.from(openSecret(db.$masterKey(), stored, column)).toString("utf8");
}

/** Seal every clear-text value of the secret columns (each row once: sealed values are recognised by their prefix). */
export function sealClearSecrets(sqlite: Database, masterKey: () => Uint8Array): number {
  let sealed = 0;
  const holder = { $masterKey: masterKey };
  for (const column of SECRET_COLUMNS) {
    const [table, name] = column.split(".");
    const rows = sqlite.query<{ id: number; v: string }, []>(`SELECT id, "${name}" AS v FROM "${table}" WHERE "${name}" <> '' AND substr("${name}", 1, ${SEALED_PREFIX.length}) <> '${SEALED_PREFIX}'`).all();
    const update = sqlite.prepare(`UPDATE "${table}" SET "${name}" = ? WHERE id = ?`);
    for (const r of rows) {
      update.run(sealColumn(holder, r.v, column), r.id);
      sealed++;
    }
  }
  return sealed;
}
