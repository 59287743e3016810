// The SQL migrations, embedded into the binary as text. drizzle-kit writes them to migrations/ (append-only);
// each new file is listed here once (a test checks that this list and the folder agree).
import m0000 from "../../migrations/0000_init.sql" with { type: "text" };

export interface Migration {
  tag: string;
  sql: string;
}

export const migrations: Migration[] = [{ tag: "0000_init", sql: m0000 }];
