// Hot-path row reads without the query builder: a prepared SELECT of a table's columns, each value mapped
// the way drizzle maps it (timestamps to Date, booleans, JSON). Drizzle's own row mapping cost about as
// much as the indexed lookup itself on the dyndns2 update path; the column list and the
// mapping still come from the schema, so the two cannot drift apart.
import type { SQLQueryBindings } from "bun:sqlite";
import { getTableColumns, getTableName, type InferSelectModel } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./connection.ts";

/** A reader of one row of `table` by `where` (SQL over the table's column names, `?` placeholders). */
export function rowReader<T extends SQLiteTable>(db: Db, table: T, where: string): (...params: SQLQueryBindings[]) => InferSelectModel<T> | undefined {
  const columns = Object.entries(getTableColumns(table));
  const list = columns.map(([, c]) => `"${c.name}"`).join(", ");
  const stmt = db.$client.prepare<unknown[], SQLQueryBindings[]>(`SELECT ${list} FROM "${getTableName(table)}" WHERE ${where} LIMIT 1`);
  return (...params) => {
    const row = stmt.values(...params)[0];
    if (!row) return undefined;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const [key, column] = columns[i];
      const v = row[i];
      out[key] = v === null ? null : column.mapFromDriverValue(v);
    }
    return out as InferSelectModel<T>;
  };
}
