// core's ZoneBackend for zones updns serves itself: every change is one zone transaction (db first, then
// the in-memory swap, then NOTIFY through the store's commit listeners).
import ipaddr from "ipaddr.js";
import { ZoneBackendError, type ChangeOutcome, type DynamicType, type ZoneBackend, type ZoneRef } from "../../core/ports.ts";
import { canonicalName } from "../../core/index.ts";
import { ZoneError, type RRset, type ZoneStore } from "../../dns/zone/index.ts";

/** "home" → "home.dyn.example.org"; "@" → the apex. */
export function absoluteOwner(zone: string, name: string): string {
  const n = canonicalName(name);
  return n === "@" || n === "" ? zone : `${n}.${zone}`;
}

/** Values in the form the zone store keeps them (canonical rdata), so sets compare as sets. */
function canonicalValue(type: DynamicType, value: string): string {
  if (type === "TXT") return `"${value.replace(/(["\\])/g, "\\$1")}"`;
  // Addresses compare as addresses (updns.md §1.5): 2001:DB8::1 equals 2001:db8::1.
  return ipaddr.parse(value).toString();
}

function presentValue(type: DynamicType, data: string): string {
  if (type !== "TXT") return data;
  // TXT canonical data is one or more quoted strings; a dynamic TXT is one string.
  const parts = [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(["\\])/g, "$1"));
  return parts.join("");
}

/**
 * Runs one zone transaction. When another process committed to the zone first (the store finds the stored
 * serial "changed underneath"), `refresh` reloads the zone and the transaction runs once more on it.
 */
export async function withRefreshRetry(attempt: () => Promise<unknown>, refresh?: () => void): Promise<void> {
  try {
    await attempt();
  } catch (e) {
    if (!refresh || !/changed underneath/.test((e as Error).message)) throw e;
    refresh();
    await attempt();
  }
}

export class EmbeddedBackend implements ZoneBackend {
  /**
   * `refresh` reloads zones that another process committed to; it is called when a commit finds the stored
   * serial moved (ZoneConflictError), and the change is then tried once more on the fresh zone. It is also
   * called when a zone is not loaded at all: one just added by the CLI may not have been picked up yet.
   */
  constructor(
    private readonly store: () => ZoneStore,
    private readonly refresh?: () => void,
  ) {}

  /** The zone's snapshot, reloading first when it is missing (added by another process a moment ago). */
  private loaded(zone: string) {
    const snap = this.store().zone(zone);
    if (snap || !this.refresh) return snap;
    this.refresh();
    return this.store().zone(zone);
  }

  async read(zone: ZoneRef, name: string, type: DynamicType): Promise<string[]> {
    const snap = this.loaded(zone.name);
    if (!snap) throw new ZoneBackendError(`zone ${zone.name} is not loaded`, true);
    return [...(snap.get(absoluteOwner(zone.name, name), type)?.data ?? [])].map((d) => presentValue(type, d));
  }

  async replace(zone: ZoneRef, name: string, type: DynamicType, values: string[], ttl: number): Promise<ChangeOutcome> {
    const owner = absoluteOwner(zone.name, name);
    let wanted: string[];
    try {
      wanted = [...new Set(values.map((v) => canonicalValue(type, v)))].sort();
    } catch {
      throw new ZoneBackendError(`invalid ${type} value for ${owner}`, false);
    }
    const same = (have: RRset | undefined) => (have ? have.ttl === ttl && have.data.length === wanted.length && [...have.data].sort().every((d, i) => d === wanted[i]) : wanted.length === 0);
    // A nochg (a router's keep-alive, most of the traffic) needs no transaction while none is queued for the
    // zone: the committed snapshot is then exactly what the transaction would see.
    const snap = this.store().zone(zone.name);
    if (snap && !this.store().busy(zone.name) && same(snap.get(owner, type))) return "unchanged";
    return this.change(zone, owner, (tx) => {
      if (same(tx.get(owner, type))) return false;
      if (wanted.length === 0) tx.deleteRRset(owner, type);
      else tx.replaceRRset(owner, type, ttl, wanted);
      return true;
    });
  }

  async remove(zone: ZoneRef, name: string, type: DynamicType): Promise<ChangeOutcome> {
    const owner = absoluteOwner(zone.name, name);
    return this.change(zone, owner, (tx) => {
      if (!tx.get(owner, type)) return false;
      tx.deleteRRset(owner, type);
      return true;
    });
  }

  private async change(zone: ZoneRef, owner: string, fn: (tx: Parameters<Parameters<ZoneStore["transaction"]>[1]>[0]) => boolean): Promise<ChangeOutcome> {
    let changed = false;
    this.loaded(zone.name);
    const attempt = () =>
      this.store().transaction(zone.name, (tx) => {
        changed = fn(tx);
      });
    try {
      await withRefreshRetry(attempt, this.refresh);
    } catch (e) {
      if (e instanceof ZoneError) throw new ZoneBackendError(`${owner}: ${e.message}`, e.reason === "nozone");
      // Storage failures (disk full, database locked for too long) may pass: the client should retry.
      throw new ZoneBackendError(`${owner}: ${(e as Error).message}`, true);
    }
    return changed ? "changed" : "unchanged";
  }
}
