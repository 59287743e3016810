// Cursor pagination: items sorted by a stable text key; the cursor is the last key of a page (base64url, to be
// passed back untouched). Keys are compared, not counted, so an insert between two pages skips nothing.
import { ApiError } from "./errors.ts";

export const DEFAULT_LIMIT = 50;

export function paginate<T, O>(items: T[], key: (item: T) => string, query: { limit?: number; cursor?: string }, out: (item: T) => O): { items: O[]; next_cursor: string | null } {
  const limit = query.limit ?? DEFAULT_LIMIT;
  let after: string | null = null;
  if (query.cursor !== undefined) {
    after = Buffer.from(query.cursor, "base64url").toString("utf8");
    if (!after || Buffer.from(after, "utf8").toString("base64url") !== query.cursor) throw new ApiError("invalid_request", "cursor: not a cursor this API gave out", "cursor");
  }
  const sorted = items.map((item) => ({ item, k: key(item) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const rest = after === null ? sorted : sorted.filter((x) => x.k > after!);
  const pageItems = rest.slice(0, limit);
  const more = rest.length > limit;
  return { items: pageItems.map((x) => out(x.item)), next_cursor: more ? Buffer.from(pageItems[pageItems.length - 1].k, "utf8").toString("base64url") : null };
}
