// The persistence port of the zone store. dns/zone never touches SQLite: the integrator implements this
// interface over the database (tables zones, records, journal); tests use MemoryZoneStorage below.
// DESIGN.md: every change goes to storage first (durable), then the in-memory swap, then NOTIFY.
import type { Changeset, RR, StoredZone } from "./types.ts";

/**
 * A DNSSEC key as stored (table dnssec_keys). `secret` is the PKCS#8 private key sealed with AES-256-GCM
 * by the store (dns/dnssec sealSecret, additional data "zone/id"): storage never sees it in the clear.
 */
export interface StoredKey {
  zone: string;
  /** Unique within the zone (random hex). */
  id: string;
  role: "csk" | "ksk" | "zsk";
  algorithm: 13 | 15;
  /** 257 (SEP: CSK, KSK) or 256 (ZSK). */
  flags: number;
  keyTag: number;
  /** DNSKEY public key field, base64. */
  publicKey: string;
  secret: string;
  state: "published" | "active" | "retired";
  /** Unix ms when the key entered its state. */
  since: number;
  /** Unix ms of creation. */
  created: number;
}

export interface ZoneStorage {
  /** Every embedded zone with all its records (SOA included), at start-up. */
  loadAll(): Promise<StoredZone[]>;
  /** Create a zone with its first records; the journal starts empty. Rejects if it exists. */
  createZone(zone: StoredZone): Promise<void>;
  /** Remove a zone, its records and its journal. */
  deleteZone(name: string): Promise<void>;
  /**
   * In ONE durable transaction: delete each record of `removed` (match on zone, name, type, data), insert
   * each of `added`, and append the changeset to the zone's journal. Resolve only once it is on disk;
   * reject (changing nothing) otherwise. `removed[0]`/`added[0]` are the old/new SOA.
   */
  commit(changeset: Changeset): Promise<void>;
  /**
   * Journal entries of `zone` from the most recent one whose serialFrom equals `serial`, through the
   * newest, oldest first; [] when no entry starts at `serial`.
   */
  journalFrom(zone: string, serial: number): Promise<Changeset[]>;
  /** Drop journal entries of `zone` beyond the newest `keep`, and those older than `before` (unix ms). */
  trimJournal(zone: string, keep: number, before: number): Promise<number>;
  /** The DNSSEC keys of a zone, any order; [] when it is not signed. */
  loadKeys(zone: string): Promise<StoredKey[]>;
  /** Insert a key, or replace the one with the same zone and id (a state change). */
  saveKey(key: StoredKey): Promise<void>;
  /** Remove one key of a zone (rolled out, or DNSSEC switched off). */
  deleteKey(zone: string, id: string): Promise<void>;
}

/** A ZoneStorage in memory (tests; a restart is a new ZoneStore over the same MemoryZoneStorage). */
const rowKey = (r: { name: string; type: string; data: string }) => `${r.name}\0${r.type}\0${r.data}`;

export class MemoryZoneStorage implements ZoneStorage {
  /** Per zone: its scheme and its records keyed like a UNIQUE(zone, name, type, data) index. */
  private zones = new Map<string, { name: string; serialScheme: StoredZone["serialScheme"]; rows: Map<string, RR> }>();
  private journals = new Map<string, Changeset[]>();
  /** Set to make the next commit fail, to test that nothing changes in memory either. */
  failNext: Error | null = null;
  commits = 0;

  async loadAll(): Promise<StoredZone[]> {
    return [...this.zones.values()].map((z) => ({ name: z.name, serialScheme: z.serialScheme, records: [...z.rows.values()] }));
  }
  async createZone(zone: StoredZone): Promise<void> {
    if (this.zones.has(zone.name)) throw new Error(`zone ${zone.name} exists`);
    this.zones.set(zone.name, { name: zone.name, serialScheme: zone.serialScheme, rows: new Map([...zone.records].map((r) => [rowKey(r), r])) });
    this.journals.set(zone.name, []);
  }
  async deleteZone(name: string): Promise<void> {
    for (const [k, v] of this.keys) if (v.zone === name) this.keys.delete(k);
    this.zones.delete(name);
    this.journals.delete(name);
  }
  async commit(cs: Changeset): Promise<void> {
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
    const z = this.zones.get(cs.zone);
    if (!z) throw new Error(`zone ${cs.zone} does not exist`);
    for (const r of cs.removed) z.rows.delete(rowKey(r));
    for (const r of cs.added) z.rows.set(rowKey(r), r);
    this.journals.get(cs.zone)!.push(structuredClone(cs));
    this.commits++;
  }
  async journalFrom(zone: string, serial: number): Promise<Changeset[]> {
    const j = this.journals.get(zone) ?? [];
    for (let i = j.length - 1; i >= 0; i--) if (j[i].serialFrom === serial) return j.slice(i).map((c) => structuredClone(c));
    return [];
  }
  async trimJournal(zone: string, keep: number, before: number): Promise<number> {
    const j = this.journals.get(zone) ?? [];
    let drop = Math.max(0, j.length - keep);
    while (drop < j.length && j[drop].time < before) drop++;
    j.splice(0, drop);
    return drop;
  }
  private keys = new Map<string, StoredKey>();
  async loadKeys(zone: string): Promise<StoredKey[]> {
    return [...this.keys.values()].filter((k) => k.zone === zone).map((k) => ({ ...k }));
  }
  async saveKey(key: StoredKey): Promise<void> {
    this.keys.set(`${key.zone}\0${key.id}`, { ...key });
  }
  async deleteKey(zone: string, id: string): Promise<void> {
    this.keys.delete(`${zone}\0${id}`);
  }
  /** The stored rows of keys (tests look at them: no clear private key in them). */
  keyRows(): StoredKey[] {
    return [...this.keys.values()];
  }
  journalLength(zone: string): number {
    return this.journals.get(zone)?.length ?? 0;
  }
}
