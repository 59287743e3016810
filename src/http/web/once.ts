// A secret shown once: the POST that makes it leaves it here and answers 303, the GET page it leads to
// takes it (and so shows it once); a reload finds nothing and says so, and never posts again. The secret
// stays in the server's memory, bound to the signed-in session, never in a URL or a cookie.
import type { Web, WebContext } from "./context.ts";

const KEEP_MS = 10 * 60_000;
const MAX_PER_WEB = 1000;

interface Kept {
  value: unknown;
  until: number;
}

const stores = new WeakMap<Web, Map<string, Kept>>();

function storeOf(web: Web): Map<string, Kept> {
  let s = stores.get(web);
  if (!s) stores.set(web, (s = new Map()));
  return s;
}

const slotKey = (c: WebContext, slot: string) => `${c.session?.idHash ?? ""}\0${slot}`;

/** Keeps a secret for the next view of `slot` (e.g. "host:3") in this session. */
export function keepOnce(c: WebContext, slot: string, value: unknown): void {
  if (!c.session) return;
  const s = storeOf(c.web);
  const now = c.now.getTime();
  for (const [k, v] of s) if (v.until <= now) s.delete(k);
  // A bound on memory: the oldest go first (a Map iterates in insertion order).
  while (s.size >= MAX_PER_WEB) s.delete(s.keys().next().value!);
  s.set(slotKey(c, slot), { value, until: now + KEEP_MS });
}

/** The secret kept for `slot` in this session, removed as it is taken; null when there is none (any more). */
export function takeOnce<T>(c: WebContext, slot: string): T | null {
  if (!c.session) return null;
  const s = storeOf(c.web);
  const k = slotKey(c, slot);
  const kept = s.get(k);
  s.delete(k);
  return kept && kept.until > c.now.getTime() ? (kept.value as T) : null;
}
