// The SQL migrations, embedded into the binary as text. drizzle-kit writes them to migrations/ (append-only);
// each new file is listed here once (a test checks that this list and the folder agree). A migration may
// have a data step, run in the same transaction after its SQL, for what SQL alone cannot do (encrypting).
import type { Database } from "bun:sqlite";
import m0000 from "../../migrations/0000_init.sql" with { type: "text" };
import m0001 from "../../migrations/0001_seal_secrets.sql" with { type: "text" };
import m0002 from "../../migrations/0002_host_txt.sql" with { type: "text" };
import m0003 from "../../migrations/0003_secondary_unsigned_transfer.sql" with { type: "text" };
import m0004 from "../../migrations/0004_catalog_group.sql" with { type: "text" };
import m0005 from "../../migrations/0005_host_nochg_faults.sql" with { type: "text" };
import m0006 from "../../migrations/0006_host_address_history.sql" with { type: "text" };
import { sealClearSecrets } from "./secret-columns.ts";

export interface MigrationContext {
  /** The database's master key (read or created on first use). */
  masterKey: () => Uint8Array;
}

export interface Migration {
  tag: string;
  sql: string;
  data?: (sqlite: Database, ctx: MigrationContext) => void;
}

export const migrations: Migration[] = [
  { tag: "0000_init", sql: m0000 },
  { tag: "0001_seal_secrets", sql: m0001, data: (sqlite, ctx) => void sealClearSecrets(sqlite, ctx.masterKey) },
  { tag: "0002_host_txt", sql: m0002 },
  { tag: "0003_secondary_unsigned_transfer", sql: m0003 },
  { tag: "0004_catalog_group", sql: m0004 },
  { tag: "0005_host_nochg_faults", sql: m0005 },
  { tag: "0006_host_address_history", sql: m0006 },
];
