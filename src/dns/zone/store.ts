// The zone store: every change to an embedded zone goes through transaction() (Knot's zone_update), which
// yields a changeset, bumps the SOA serial once, commits to storage first, then swaps in a new immutable
// snapshot and tells the commit listeners (NOTIFY). Transactions that arrive while a commit is in flight
// are grouped into the next commit (one storage write, one serial) — each caller still resolves only
// after that commit is durable. A signed zone is signed inside its commit (signer.ts) with the keys the
// SigningKeys port names (keys.ts keeps their lifecycle); the transaction itself is transaction.ts.
import { commitSerial, nextSerial, normalizeName } from "../wire/index.ts";
import { checkName, soaFields, withSerial } from "./rdata.ts";
import { buildSnapshot, ZoneSet, type ZoneSnapshot } from "./snapshot.ts";
import type { ZoneStorage } from "./storage.ts";
import { indexOf, signChanges } from "./signer.ts";
import { addMember, removeMember, setMemberGroup, syncMembers } from "./catalog.ts";
import { asWritten, canonical, Overlay, ownerIn, validateNodes, type ZoneTx } from "./transaction.ts";
import { type Changeset, isDnssecType, type RR, type RRType, type SerialScheme, type SignerWork, type SigningKeys, type StoredZone, ZoneError } from "./types.ts";

export type { ZoneTx } from "./transaction.ts";

export type CommitListener = (zone: string, serial: number, changeset: Changeset | null) => void;

export interface ZoneStoreOptions {
  /** Clock for serials and journal times (tests move it). */
  now?: () => Date;
  /** Journal trimming: keep at most this many changesets per zone ... */
  journalMaxChanges?: number;
  /** ... and none older than this (ms). */
  journalMaxAgeMs?: number;
  /** Log sink for listener failures. */
  log?: (msg: string) => void;
  /**
   * Which keys sign which zone (keys.ts: ZoneKeys.open passes itself). Without it the store signs nothing:
   * open a store over zones that may be signed through ZoneKeys.open, or only read from it.
   */
  signingKeys?: SigningKeys;
  /**
   * The catalog zone (RFC 9432) of this store's zones: when it is loaded, creating or dropping a zone
   * lists it there or takes it out, in the same step (catalog.ts).
   */
  catalog?: string;
}

interface Pending {
  fn: (tx: ZoneTx) => void | Promise<void>;
  resolve: (c: Changeset | null) => void;
  reject: (e: unknown) => void;
  /** Work on the signer's records (key changes, renewal: signerCommit). */
  internal?: SignerWork;
}

/** Transactions per commit at most. */
const MAX_BATCH = 1000;
/** Group commit: event-loop turns, and milliseconds, a commit waits at most for more transactions. */
const GROUP_TURNS = 16;
const GROUP_MS = 2;

export class ZoneStore {
  private current: ZoneSet;
  private schemes = new Map<string, SerialScheme>();
  private queues = new Map<string, Pending[]>();
  private running = new Set<string>();
  private listeners: CommitListener[] = [];
  private sinceTrim = new Map<string, number>();
  /** Key reloads in flight after reload() (another process changed the zone). */
  private keyRefresh = new Map<string, Promise<unknown>>();
  private readonly now: () => Date;
  readonly journalMaxChanges: number;
  readonly journalMaxAgeMs: number;

  private constructor(
    private readonly storage: ZoneStorage,
    zones: ZoneSet,
    private readonly opts: ZoneStoreOptions,
  ) {
    this.current = zones;
    this.now = opts.now ?? (() => new Date());
    this.journalMaxChanges = opts.journalMaxChanges ?? 1000;
    this.journalMaxAgeMs = opts.journalMaxAgeMs ?? 30 * 86400_000;
    for (const z of zones.zones.values()) this.schemes.set(z.name, z.serialScheme);
  }

  /** Load every zone from storage (start-up, restart). */
  static async open(storage: ZoneStorage, opts: ZoneStoreOptions = {}): Promise<ZoneStore> {
    const zones = new Map<string, ZoneSnapshot>();
    const keyed: string[] = [];
    const keys = opts.signingKeys;
    for (const z of await storage.loadAll()) {
      // Keys first: the names of a signed zone all carry signatures, so there is nothing to pack.
      const signed = (await keys?.hasStoredKeys(z.name)) ?? false;
      if (signed) keyed.push(z.name);
      const snap = buildSnapshot(z.name, z.serialScheme, z.records, { pack: !signed });
      snap.chain = indexOf(snap);
      zones.set(z.name, snap);
    }
    const store = new ZoneStore(storage, new ZoneSet(zones), opts);
    for (const zone of keyed) await keys!.load(zone, store.zone(zone));
    return store;
  }

  /** The current version of every zone; hold on to it for a consistent view. */
  snapshot(): ZoneSet {
    return this.current;
  }

  /** Propose this zone's next serials by `scheme` from now on (storage holds it; this is the live copy). */
  setSerialScheme(zoneName: string, scheme: SerialScheme): void {
    const zone = normalizeName(zoneName);
    if (this.schemes.has(zone)) this.schemes.set(zone, scheme);
  }

  zone(name: string): ZoneSnapshot | undefined {
    return this.current.zones.get(normalizeName(name));
  }

  /** Whether a transaction on the zone is queued or being committed: its snapshot may be about to change. */
  busy(name: string): boolean {
    const zone = normalizeName(name);
    return this.running.has(zone) || (this.queues.get(zone)?.length ?? 0) > 0;
  }

  private publishBarrier: ((set: ZoneSet) => Promise<void>) | null = null;

  /** Have each commit await `fn(new zone set)` after the swap and before it is acknowledged (null: none). */
  setPublishBarrier(fn: ((set: ZoneSet) => Promise<void>) | null): void {
    this.publishBarrier = fn;
  }

  /** After a swap: wait until every other place answering queries serves the new zone set (the barrier). */
  private async published(zone: string, serial: number): Promise<void> {
    if (this.publishBarrier) await this.publishBarrier(this.current).catch((e) => this.opts.log?.(`dns/zone: publishing ${zone} serial ${serial}: ${(e as Error).message}`));
  }

  /** Subscribe to commits; returns the unsubscribe function. Listeners run after the swap. */
  onCommit(listener: CommitListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Create an embedded zone: SOA from `soa` (serial picked by the scheme unless given), apex NS from `ns`
   * (at least one), plus optional further records. Throws ZoneError "exists" when it is there already.
   */
  async createZone(def: {
    name: string;
    serialScheme?: SerialScheme;
    soa: { mname: string; rname: string; serial?: number; refresh?: number; retry?: number; expire?: number; minimum?: number; ttl?: number };
    ns: string[];
    nsTtl?: number;
    records?: { name: string; type: RRType; ttl: number; data: string }[];
    /** Its group in the catalog (RFC 9432 §4.4.2), written with its member PTR in the same catalog commit. */
    catalogGroup?: string;
  }): Promise<ZoneSnapshot> {
    const name = normalizeName(def.name);
    checkName(name);
    if (this.current.zones.has(name)) throw new ZoneError(`zone ${name} exists already`, "exists");
    if (def.ns.length === 0) throw new ZoneError(`zone ${name} needs at least one NS record`, "apex");
    const scheme = def.serialScheme ?? "unixtime";
    const s = def.soa;
    const serial = s.serial ?? nextSerial(0, scheme, this.now());
    const soaData = canonical(name, "SOA", `${s.mname} ${s.rname} ${serial} ${s.refresh ?? 3600} ${s.retry ?? 600} ${s.expire ?? 1209600} ${s.minimum ?? 60}`);
    const records: RR[] = [{ name, type: "SOA", ttl: s.ttl ?? 3600, data: soaData }];
    for (const n of def.ns) records.push({ name, type: "NS", ttl: def.nsTtl ?? 3600, data: canonical(name, "NS", n) });
    for (const r of def.records ?? []) {
      ownerIn(name, r.name);
      if (r.type === "SOA") throw new ZoneError("the SOA comes from the zone settings", "apex");
      records.push({ name: asWritten(r.name), type: r.type, ttl: r.ttl, data: canonical(name, r.type, r.data) });
    }
    const snap = buildSnapshot(name, scheme, records);
    validateNodes(snap, snap.nodes.keys());
    await this.storage.createZone({ name, serialScheme: scheme, records: [...snap.records()] });
    this.schemes.set(name, scheme);
    this.clearAnswerCaches(); // a CNAME elsewhere may now lead into this zone
    this.current = this.current.with(snap);
    await this.published(name, snap.serial);
    this.notify(name, snap.serial, null);
    await this.catalogChange([name], [], def.catalogGroup);
    return snap;
  }

  /** The catalog zone's name when one is configured and loaded here. */
  private get catalog(): string | undefined {
    const c = this.opts.catalog ? normalizeName(this.opts.catalog) : undefined;
    return c && this.current.zones.has(c) ? c : undefined;
  }

  /**
   * List zones that came and drop zones that went from the catalog, in one commit of the catalog (its
   * serial, journal and NOTIFY as for any zone). A failure is logged, not thrown: the zone change itself
   * is done, and the next start-up's syncCatalog() lists the zones as they are.
   */
  private async catalogChange(added: string[], gone: string[], group = ""): Promise<void> {
    const catalog = this.catalog;
    if (!catalog || (added.length === 0 && gone.length === 0)) return;
    try {
      await this.transaction(catalog, (tx) => {
        for (const z of gone) removeMember(tx, z);
        for (const z of added) addMember(tx, z, group);
      });
    } catch (e) {
      this.opts.log?.(`dns/zone: updating the catalog ${catalog} failed: ${(e as Error).message}`);
    }
  }

  /**
   * Make the catalog list exactly the zones loaded here (start-up of a store that holds every zone), with
   * the groups `groups` names (zone → group, "" none).
   */
  async syncCatalog(groups?: ReadonlyMap<string, string>): Promise<void> {
    const catalog = this.catalog;
    if (!catalog) return;
    const zones = [...this.current.zones.keys()].filter((z) => z !== catalog);
    await this.transaction(catalog, (tx) => syncMembers(tx, zones, groups));
  }

  /**
   * Set the group (RFC 9432 §4.4.2) of a zone the catalog lists, "" for none: one commit of the catalog
   * (serial, journal, NOTIFY), none when it is that already or no catalog is kept here.
   */
  async setCatalogGroup(zone: string, group: string): Promise<void> {
    const catalog = this.catalog;
    if (!catalog) return;
    await this.transaction(catalog, (tx) => setMemberGroup(tx, zone, group));
  }

  /**
   * Create a zone from a whole record list (a parsed master file): it must hold one SOA at the apex and
   * NS records there. The SOA serial is kept as given.
   */
  async createZoneFromRecords(name: string, all: RR[], serialScheme: SerialScheme = "unixtime"): Promise<ZoneSnapshot> {
    const zone = normalizeName(name);
    // A signed zone's file: its signatures, keys and chain are not ours to keep (enableDnssec makes new ones).
    const records = all.filter((r) => !isDnssecType(r.type));
    const soa = records.filter((r) => r.type === "SOA");
    if (soa.length !== 1 || normalizeName(soa[0].name) !== zone) throw new ZoneError(`zone ${zone} needs exactly one SOA record, at its apex`, "apex");
    const f = soaFields(soa[0].data);
    return this.createZone({
      name: zone,
      serialScheme,
      soa: { ...f, ttl: soa[0].ttl },
      ns: records.filter((r) => r.type === "NS" && normalizeName(r.name) === zone).map((r) => r.data),
      nsTtl: records.find((r) => r.type === "NS" && normalizeName(r.name) === zone)?.ttl,
      records: records.filter((r) => r.type !== "SOA" && !(r.type === "NS" && normalizeName(r.name) === zone)),
    });
  }

  /**
   * Make an existing zone hold exactly `records` (a master file import) in ONE transaction: every other
   * RRset goes, the SOA timers are taken from the file's SOA, and so is its serial when it is newer than the
   * zone's (RFC 1982): a secondary carried over from the file's old primary then follows on. An older or
   * equal one cannot be kept (secondaries would miss the change): the zone's next serial is taken.
   */
  importZone(name: string, all: RR[]): Promise<Changeset | null> {
    const zone = normalizeName(name);
    // DNSSEC records in the file are dropped: a signed zone is signed anew by this store's keys.
    const records = all.filter((r) => !isDnssecType(r.type));
    return this.transaction(zone, (tx) => {
      const snap = this.current.zones.get(zone)!;
      const groups = new Map<string, { name: string; type: RRType; ttl: number; data: string[] }>();
      for (const r of records) {
        if (r.type === "SOA") {
          if (normalizeName(r.name) !== zone) throw new ZoneError(`SOA only at the apex of ${zone}`, "apex");
          const f = soaFields(r.data);
          tx.updateSoa({ mname: f.mname, rname: f.rname, serial: f.serial, refresh: f.refresh, retry: f.retry, expire: f.expire, minimum: f.minimum, ttl: r.ttl });
          continue;
        }
        // Owners compare case-insensitively (RFC 4343 §3); the set keeps the case first written.
        const k = `${normalizeName(r.name)}\0${r.type}`;
        const g = groups.get(k);
        if (g) {
          g.data.push(r.data);
          g.ttl = Math.min(g.ttl, r.ttl);
        } else groups.set(k, { name: r.name, type: r.type, ttl: r.ttl, data: [r.data] });
      }
      for (const [n, node] of snap.nodes)
        for (const t of node.keys()) if (t !== "SOA" && !isDnssecType(t) && !groups.has(`${n}\0${t}`)) tx.deleteRRset(n, t);
      for (const g of groups.values()) tx.replaceRRset(g.name, g.type, g.ttl, g.data);
    });
  }

  /**
   * Swap in zones as storage holds them now, because another process (a CLI command, the web UI of a second
   * instance) committed to them; `gone` lists zones that no longer exist. Nothing is written. Listeners hear
   * of each reloaded zone, so secondaries get a NOTIFY for changes made elsewhere too.
   */
  reload(zones: StoredZone[], gone: string[] = []): Promise<void> {
    const added = zones.map((z) => normalizeName(z.name)).filter((z) => !this.current.zones.has(z));
    let set = this.current;
    for (const z of zones) {
      const snap = buildSnapshot(z.name, z.serialScheme, z.records, { pack: !this.opts.signingKeys?.signingOf(z.name) });
      snap.chain = indexOf(snap);
      set = set.with(snap);
      this.schemes.set(z.name, z.serialScheme);
    }
    for (const g of gone) {
      set = set.without(normalizeName(g));
      this.schemes.delete(normalizeName(g));
      this.opts.signingKeys?.forget(normalizeName(g));
    }
    this.current = set;
    // The other process may have switched DNSSEC on or off or rolled a key: take its keys as well.
    // Commits of the zone wait for this (commitBatch), so none signs with the keys of before.
    const keys = this.opts.signingKeys;
    for (const z of zones) {
      if (!keys) break;
      const p = keys.load(z.name, this.zone(z.name)).catch((e) => this.opts.log?.(`dns/zone: loading the DNSSEC keys of ${z.name} failed: ${(e as Error).message}`));
      this.keyRefresh.set(z.name, p);
      void p.then(() => {
        if (this.keyRefresh.get(z.name) === p) this.keyRefresh.delete(z.name);
      });
    }
    for (const z of zones) this.notify(z.name, set.zones.get(z.name)!.serial, null);
    return this.catalogChange(added, gone.map(normalizeName));
  }

  async deleteZone(name: string): Promise<void> {
    const n = normalizeName(name);
    this.opts.signingKeys?.forget(n);
    await this.storage.deleteZone(n);
    this.clearAnswerCaches();
    this.current = this.current.without(n);
    await this.published(n, 0);
    this.schemes.delete(n);
    await this.catalogChange([], [n]);
  }

  /**
   * Queue work on the signer's records (keys.ts: a key rolled in or out, signatures renewed) as a commit of
   * its own, in turn with the zone's transactions: `work.apply` writes the key records, then the commit
   * signs as `full`/`renew` ask, with the keys the SigningKeys port names by then.
   */
  signerCommit(zoneName: string, work: SignerWork): Promise<Changeset | null> {
    return this.enqueue(normalizeName(zoneName), () => {}, work);
  }

  /**
   * Run `fn` against the zone and commit what it changed: one serial bump, storage first, then the swap.
   * Resolves with the changeset (null when `fn` changed nothing: no bump, no journal entry). If `fn`
   * throws, or leaves the zone invalid, the promise rejects and nothing of it is applied.
   */
  transaction(zoneName: string, fn: (tx: ZoneTx) => void | Promise<void>): Promise<Changeset | null> {
    return this.enqueue(normalizeName(zoneName), fn);
  }

  private enqueue(zone: string, fn: Pending["fn"], internal?: SignerWork): Promise<Changeset | null> {
    if (!this.current.zones.has(zone)) return Promise.reject(new ZoneError(`zone ${zone} is not an embedded zone here`, "nozone"));
    return new Promise((resolve, reject) => {
      let q = this.queues.get(zone);
      if (!q) this.queues.set(zone, (q = []));
      q.push({ fn, resolve, reject, internal });
      if (!this.running.has(zone)) void this.run(zone);
    });
  }

  /** Changesets that bring a secondary from `serial` to the current serial; null when the journal does not reach back. */
  async journalSince(zoneName: string, serial: number): Promise<Changeset[] | null> {
    const zone = normalizeName(zoneName);
    const snap = this.current.zones.get(zone);
    if (!snap) return null;
    if (serial === snap.serial) return [];
    const entries = await this.storage.journalFrom(zone, serial);
    // The chain must be unbroken from `serial` up to a serial the snapshot has reached.
    const out: Changeset[] = [];
    let at = serial;
    for (const c of entries) {
      if (c.serialFrom !== at) return null;
      out.push(c);
      at = c.serialTo;
      if (at === snap.serial) return out;
    }
    return null;
  }

  /** Trim the journal of a zone (or every zone) by the configured count and age. */
  async trimJournal(zoneName?: string, keep = this.journalMaxChanges, maxAgeMs = this.journalMaxAgeMs): Promise<number> {
    const zones = zoneName ? [normalizeName(zoneName)] : [...this.current.zones.keys()];
    let n = 0;
    for (const z of zones) n += await this.storage.trimJournal(z, keep, this.now().getTime() - maxAgeMs);
    return n;
  }

  private clearAnswerCaches() {
    for (const z of this.current.zones.values()) z.cache.clear();
  }

  private notify(zone: string, serial: number, cs: Changeset | null) {
    for (const l of this.listeners) {
      try {
        l(zone, serial, cs);
      } catch (e) {
        this.opts.log?.(`dns/zone: commit listener failed for ${zone}: ${(e as Error).message}`);
      }
    }
  }

  /**
   * Group commit: before a batch is taken, let the event loop turn while more transactions keep arriving,
   * so requests that are already being handled join this commit (one transaction, one fsync, one serial)
   * instead of waiting for the next. A lone request waits one turn; a busy zone at most GROUP_TURNS turns
   * or GROUP_MS. Nothing is acknowledged before its commit either way.
   */
  private async gather(q: Pending[]): Promise<void> {
    const t0 = performance.now();
    for (let i = 0, before = -1; i < GROUP_TURNS && q.length !== before && q.length < MAX_BATCH && performance.now() - t0 < GROUP_MS; i++) {
      before = q.length;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private async run(zone: string): Promise<void> {
    this.running.add(zone);
    try {
      // Bounded: each turn takes at most MAX_BATCH waiting transactions; the loop ends when none wait.
      for (let turn = 0; ; turn++) {
        const q = this.queues.get(zone) ?? [];
        if (q.length === 0) break;
        await this.gather(q);
        const batch = q.splice(0, MAX_BATCH);
        await this.commitBatch(zone, batch);
        if (turn > 1e9) break;
      }
    } finally {
      this.running.delete(zone);
      if ((this.queues.get(zone)?.length ?? 0) > 0) void this.run(zone);
    }
  }

  private async commitBatch(zone: string, batch: Pending[]): Promise<void> {
    const refreshing = this.keyRefresh.get(zone);
    if (refreshing) await refreshing;
    const base = this.current.zones.get(zone);
    if (!base) {
      for (const p of batch) p.reject(new ZoneError(`zone ${zone} was deleted`, "nozone"));
      return;
    }
    const work = new Overlay(base);
    const ok: { p: Pending; dirty: boolean }[] = [];
    for (const p of batch) {
      const save = work.save();
      const tx = work.tx();
      try {
        await p.fn(tx);
        validateNodes(work, work.touchedSince(save));
        ok.push({ p, dirty: work.changedSince(save) });
      } catch (e) {
        work.restore(save);
        p.reject(e);
      }
    }
    const internal = batch.filter((p) => p.internal).map((p) => p.internal!);
    for (const i of internal) i.apply?.(work);
    let diff = work.diff();
    if (!diff && !internal.some((i) => i.full || i.renew)) {
      for (const { p } of ok) p.resolve(null);
      return;
    }
    const oldSoa = base.soa;
    const newSoaSet = work.get(zone, "SOA")!;
    const wanted = soaFields(newSoaSet.data[0]).serial;
    const serialTo = commitSerial(base.serial, wanted === base.serial ? undefined : wanted, this.schemes.get(zone) ?? "unixtime", this.now());
    const newSoa: RR = { name: zone, type: "SOA", ttl: newSoaSet.ttl, data: withSerial(newSoaSet.data[0], serialTo) };
    work.set(zone, "SOA", { name: zone, type: "SOA", ttl: newSoa.ttl, data: [newSoa.data] });
    const keys = this.opts.signingKeys;
    const signing = keys?.signingOf(zone);
    let chain = base.chain;
    if (signing) {
      if (signing.keys.length === 0) {
        const err = new ZoneError(`zone ${zone} is signed and no DNSSEC master key is configured`, "invalid");
        for (const { p } of ok) p.reject(err);
        return;
      }
      // Sign inside the commit: what the journal, IXFR and storage get is already signed.
      chain = await signChanges({
        view: work,
        before: base,
        pre: () => work.build(),
        touched: work.touchedNames(),
        keys: signing.keys,
        denial: signing.denial,
        oldIndex: base.chain,
        full: internal.some((i) => i.full),
        renew: internal.some((i) => i.renew),
        now: Math.floor(this.now().getTime() / 1000),
        policy: keys!.policy,
        random: keys!.random,
      });
    } else if (internal.some((i) => i.full)) chain = null;
    diff = work.diff();
    if (!diff) {
      for (const { p } of ok) p.resolve(null);
      return;
    }
    const cs: Changeset = {
      zone,
      serialFrom: base.serial,
      serialTo,
      removed: [{ name: zone, type: "SOA", ttl: oldSoa.ttl, data: oldSoa.data[0] }, ...diff.removed],
      added: [newSoa, ...diff.added],
      time: this.now().getTime(),
    };
    try {
      await this.storage.commit(cs);
    } catch (e) {
      const err = new Error(`dns/zone: commit of ${zone} serial ${serialTo} failed, nothing changed: ${(e as Error).message}`);
      for (const { p } of ok) p.reject(err);
      return;
    }
    const snap = work.build();
    snap.chain = chain;
    this.current = this.current.with(snap);
    // Where queries are answered elsewhere too (DNS threads), they all serve the new version before the
    // change is acknowledged: an update's client then finds its address at every socket.
    await this.published(zone, serialTo);
    for (const { p, dirty } of ok) p.resolve(dirty ? cs : null);
    this.notify(zone, serialTo, cs);
    // Keep the journal within its count and age every so often, off the caller's path.
    const n = (this.sinceTrim.get(zone) ?? 0) + 1;
    this.sinceTrim.set(zone, n);
    if (n >= 64) {
      this.sinceTrim.set(zone, 0);
      this.trimJournal(zone).catch((e) => this.opts.log?.(`dns/zone: trimming the journal of ${zone} failed: ${(e as Error).message}`));
    }
  }
}

