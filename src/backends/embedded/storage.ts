// The zone store's persistence port over SQLite: zone_records holds every record of an embedded zone,
// zone_journal the changesets IXFR sends, domains.serial mirrors the SOA serial. A commit is one SQLite
// transaction (durable before the store swaps its snapshot in, DESIGN.md "Serving DNS from memory").
import { and, asc, desc, eq, gte, inArray, sql } from "drizzle-orm";
import { dnssecKeys, domains, zoneJournal, zoneRecords, type Db } from "../../db/index.ts";
import type { Changeset, RR, StoredKey, StoredZone, ZoneStorage } from "../../dns/zone/index.ts";
import { commitChangeset, trimJournalRows } from "./commit.ts";

const soaSerial = (data: string) => Number(data.split(" ")[2]);

export class SqliteZoneStorage implements ZoneStorage {
  /** `only`: load just these zones (a CLI command touching one zone need not read a million hosts' records). */
  constructor(
    private readonly db: Db,
    private readonly only?: string[],
  ) {}

  private domainId(name: string): number {
    const d = this.db.select({ id: domains.id, backend: domains.backend }).from(domains).where(eq(domains.name, name)).get();
    if (!d || d.backend !== "embedded") throw new Error(`no embedded domain named ${name}`);
    return d.id;
  }

  async loadAll(): Promise<StoredZone[]> {
    return this.loadZones(this.only);
  }

  /** The stored zones (all embedded ones, or those named), each with every record. */
  loadZones(names?: string[]): StoredZone[] {
    const where = names ? and(eq(domains.backend, "embedded"), inArray(domains.name, names)) : eq(domains.backend, "embedded");
    const rows = this.db.select({ id: domains.id, name: domains.name, scheme: domains.serialScheme }).from(domains).where(where).all();
    const out: StoredZone[] = [];
    for (const d of rows) {
      // A domain row whose records were never written (an interrupted create) is not a zone yet.
      // (The apex's SOA, found through the owner index without reading the zone.)
      if (!this.db.$client.query("SELECT 1 FROM zone_records WHERE domain_id = ? AND name = ? AND type = 'SOA' LIMIT 1").get(d.id, d.name)) continue;
      out.push({ name: d.name, serialScheme: d.scheme, records: this.recordsOf(d.id) });
    }
    return out;
  }

  /**
   * The records of a zone, read row by row as the zone store builds its snapshot: a million hosts are two
   * million rows, and holding them all as objects at once (`.all()`) set the peak memory of a start-up.
   * A statement of its own, so two zones can be read side by side.
   */
  private *recordsOf(id: number): Generator<RR> {
    const stmt = this.db.$client.prepare("SELECT name, type, ttl, data FROM zone_records WHERE domain_id = ?");
    try {
      let n = 0;
      for (const r of stmt.iterate(id) as IterableIterator<RR>) {
        yield r;
        // The rows are garbage as soon as the store has packed them: collect them as we go, so the heap
        // does not first grow by the whole zone (peak memory of a start-up).
        if (++n % 262_144 === 0) Bun.gc(false);
      }
    } finally {
      stmt.finalize();
    }
  }

  /** The serial the database holds for each embedded zone (cheap: one row per zone). */
  serials(): Map<string, number> {
    const rows = this.db.select({ name: domains.name, serial: domains.serial }).from(domains).where(eq(domains.backend, "embedded")).all();
    return new Map(rows.map((r) => [r.name, r.serial]));
  }

  /** The serial scheme the database holds for each embedded zone (an operator may change it at any time). */
  serialSchemes(): Map<string, StoredZone["serialScheme"]> {
    const rows = this.db.select({ name: domains.name, scheme: domains.serialScheme }).from(domains).where(eq(domains.backend, "embedded")).all();
    return new Map(rows.map((r) => [r.name, r.scheme]));
  }

  async createZone(zone: StoredZone): Promise<void> {
    const id = this.domainId(zone.name);
    const records = [...zone.records];
    const soa = records.find((r) => r.type === "SOA");
    this.db.transaction((tx) => {
      const existing = tx.select({ n: sql<number>`count(*)` }).from(zoneRecords).where(eq(zoneRecords.domainId, id)).get();
      if (existing && existing.n > 0) throw new Error(`zone ${zone.name} already has records`);
      for (const r of records) tx.insert(zoneRecords).values({ domainId: id, name: r.name, type: r.type, ttl: r.ttl, data: r.data }).run();
      tx.update(domains).set({ serial: soa ? soaSerial(soa.data) : 0, serialScheme: zone.serialScheme }).where(eq(domains.id, id)).run();
    }, { behavior: "immediate" });
  }

  async deleteZone(name: string): Promise<void> {
    const d = this.db.select({ id: domains.id }).from(domains).where(eq(domains.name, name)).get();
    if (!d) return;
    this.db.transaction((tx) => {
      tx.delete(zoneRecords).where(eq(zoneRecords.domainId, d.id)).run();
      tx.delete(zoneJournal).where(eq(zoneJournal.domainId, d.id)).run();
      tx.delete(dnssecKeys).where(eq(dnssecKeys.domainId, d.id)).run();
    });
  }

  async commit(cs: Changeset): Promise<void> {
    commitChangeset(this.db.$client, cs);
  }

  async journalFrom(zone: string, serial: number): Promise<Changeset[]> {
    const id = this.domainId(zone);
    const start = this.db
      .select({ id: zoneJournal.id })
      .from(zoneJournal)
      .where(and(eq(zoneJournal.domainId, id), eq(zoneJournal.serialFrom, serial)))
      .orderBy(desc(zoneJournal.id))
      .limit(1)
      .get();
    if (!start) return [];
    return this.db
      .select()
      .from(zoneJournal)
      .where(and(eq(zoneJournal.domainId, id), gte(zoneJournal.id, start.id)))
      .orderBy(asc(zoneJournal.id))
      .all()
      .map((j) => ({ zone, serialFrom: j.serialFrom, serialTo: j.serialTo, removed: JSON.parse(j.removed), added: JSON.parse(j.added), time: j.created.getTime() }));
  }

  async trimJournal(zone: string, keep: number, before: number): Promise<number> {
    return trimJournalRows(this.db.$client, zone, keep, before);
  }

  async loadKeys(zone: string): Promise<StoredKey[]> {
    const id = this.domainId(zone);
    return this.db
      .select()
      .from(dnssecKeys)
      .where(eq(dnssecKeys.domainId, id))
      .all()
      .map((k) => ({ zone, id: k.keyId, role: k.role, algorithm: k.algorithm as 13 | 15, flags: k.flags, keyTag: k.keyTag, publicKey: k.publicKey, secret: k.secret, state: k.state, since: k.since, created: k.created }));
  }

  async saveKey(k: StoredKey): Promise<void> {
    const id = this.domainId(k.zone);
    const row = { domainId: id, keyId: k.id, role: k.role, algorithm: k.algorithm, flags: k.flags, keyTag: k.keyTag, publicKey: k.publicKey, secret: k.secret, state: k.state, since: k.since, created: k.created };
    this.db
      .insert(dnssecKeys)
      .values(row)
      .onConflictDoUpdate({ target: [dnssecKeys.domainId, dnssecKeys.keyId], set: { state: k.state, since: k.since, secret: k.secret } })
      .run();
  }

  async deleteKey(zone: string, keyId: string): Promise<void> {
    const id = this.domainId(zone);
    this.db.delete(dnssecKeys).where(and(eq(dnssecKeys.domainId, id), eq(dnssecKeys.keyId, keyId))).run();
  }
}
