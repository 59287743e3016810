// The zone store: every change to an embedded zone goes through transaction() (Knot's zone_update), which
// yields a changeset, bumps the SOA serial once, commits to storage first, then swaps in a new immutable
// snapshot and tells the commit listeners (NOTIFY). Transactions that arrive while a commit is in flight
// are grouped into the next commit (one storage write, one serial) — each caller still resolves only
// after that commit is durable.
import { commitSerial, nextSerial, normalizeName, serialGt } from "../wire/index.ts";
import { checkName, inZone, parseRdata, RdataError, rdataKey, soaFields, tokenize, withSerial } from "./rdata.ts";
import { LayeredMap } from "./layered.ts";
import { buildSnapshot, countBelow, type Node, NodeSets, ZoneSet, ZoneSnapshot } from "./snapshot.ts";
import type { StoredKey, ZoneStorage } from "./storage.ts";
import { CDS_DELETE, DEFAULT_POLICY, type Denial, indexOf, type KeyRole, setKeyRecords, signChanges, type SigningPolicy, unsignAll, type ZoneKey } from "./signer.ts";
import { type DnssecAlgorithm, dsText, dnskeyText, FLAGS_KSK, FLAGS_ZSK, generateKey, keyFromPkcs8, openSecret, sealSecret, toBase64 } from "../dnssec/index.ts";
import { randomBytes } from "node:crypto";
import { addMember, removeMember, setMemberGroup, syncMembers } from "./catalog.ts";
import { type Changeset, isDnssecType, isZoneType, type RR, type RRset, type RRType, type SerialScheme, type StoredZone, ZoneError } from "./types.ts";

/** What a transaction body may do. Names may be given with or without the trailing dot, in any case. */
export interface ZoneTx {
  readonly zone: string;
  /** The RRset as it stands inside this transaction. */
  get(name: string, type: RRType): RRset | undefined;
  /** Types present at a name inside this transaction. */
  types(name: string): RRType[];
  /** Owner names strictly below `name` that hold records inside this transaction (walks the zone: small zones only). */
  namesBelow(name: string): string[];
  /** Make (name, type) hold exactly `data` (presentation or canonical rdata) with `ttl`; [] deletes it. */
  replaceRRset(name: string, type: RRType, ttl: number, data: readonly string[]): void;
  deleteRRset(name: string, type: RRType): void;
  /** Delete every RRset of a name (at the apex the SOA and NS stay: RFC 2136 §3.4.2.3). */
  deleteName(name: string): void;
  /** Add one record; an equal record gets the new TTL (the whole RRset does: RFC 2181 §5.2). */
  addRR(rr: { name: string; type: RRType; ttl: number; data: string }): void;
  /** Delete one record (matched on canonical rdata). */
  deleteRR(rr: { name: string; type: RRType; data: string }): void;
  /**
   * Change SOA timers or names. The serial is the store's to set; `serial` only asks for one (a master
   * file's on import): the commit takes it when it is newer than the zone's (RFC 1982), else its next one.
   */
  updateSoa(fields: Partial<{ mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number; ttl: number }>): void;
}

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
  /** DNSSEC: the master key sealing private keys at rest, and the signing policy. */
  dnssec?: DnssecOptions;
  /**
   * The catalog zone (RFC 9432) of this store's zones: when it is loaded, creating or dropping a zone
   * lists it there or takes it out, in the same step (catalog.ts).
   */
  catalog?: string;
}

export interface DnssecOptions {
  /** 32 octets (dns/dnssec loadOrCreateMasterKey(dataDir + "/dnssec.key") or parseMasterKey(config)). */
  masterKey: Uint8Array;
  policy?: Partial<SigningPolicy>;
  /** A ZSK is rolled (pre-publish) once it has signed this long (default 90 days). */
  zskLifetimeMs?: number;
  /** TTL of DNSKEY, CDS, CDNSKEY and NSEC3PARAM (default 3600). */
  dnskeyTtl?: number;
  /** Randomness of the signature jitter (tests fix it). */
  random?: () => number;
}

/** How to sign a zone when DNSSEC is switched on. */
export interface DnssecSettings {
  /** 13 = ECDSA P-256/SHA-256 (default), 15 = Ed25519. */
  algorithm?: DnssecAlgorithm;
  /** NSEC3 (RFC 9276 parameters, default) or NSEC. */
  denial?: Denial;
  /** "csk" (default): one combined key; "split": a KSK and a ZSK. */
  keys?: "csk" | "split";
}

/** What the DNSSEC maintenance job did to a zone. */
export interface DnssecTickResult {
  zone: string;
  renewed: boolean;
  /** Rollover steps taken: "zsk-published", "zsk-activated", "key-removed". */
  steps: string[];
}

/** A key as the UI and the CLI show it. */
export interface DnssecKeyInfo {
  id: string;
  role: KeyRole;
  state: ZoneKey["state"];
  algorithm: DnssecAlgorithm;
  keyTag: number;
  since: number;
  dnskey: string;
}

interface Pending {
  fn: (tx: ZoneTx) => void | Promise<void>;
  resolve: (c: Changeset | null) => void;
  reject: (e: unknown) => void;
  /** Store-internal work on the signer's records (key changes, renewal). */
  internal?: { full?: boolean; renew?: boolean; apply?: (o: Overlay) => void };
}

interface ZoneSigning {
  keys: ZoneKey[];
  denial: Denial;
  /** CDS/CDNSKEY say "delete the DS" (RFC 8078 §4): switching off is under way. */
  removeDs?: boolean;
}

const PROPAGATION_MS = 3600_000;
/** Transactions per commit at most. */
const MAX_BATCH = 1000;
/** Group commit: event-loop turns, and milliseconds, a commit waits at most for more transactions. */
const GROUP_TURNS = 16;
const GROUP_MS = 2;

const key = (name: string, type: RRType) => `${name}\0${type}`;

export class ZoneStore {
  private current: ZoneSet;
  private schemes = new Map<string, SerialScheme>();
  private queues = new Map<string, Pending[]>();
  private running = new Set<string>();
  private listeners: CommitListener[] = [];
  private sinceTrim = new Map<string, number>();
  /** Signed zones: their keys in use and the denial kind. */
  private signing = new Map<string, ZoneSigning>();
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
    const keys = new Map<string, StoredKey[]>();
    for (const z of await storage.loadAll()) {
      // Keys first: the names of a signed zone all carry signatures, so there is nothing to pack.
      const k = await storage.loadKeys(z.name);
      if (k.length) keys.set(z.name, k);
      const snap = buildSnapshot(z.name, z.serialScheme, z.records, { pack: k.length === 0 });
      snap.chain = indexOf(snap);
      zones.set(z.name, snap);
    }
    const store = new ZoneStore(storage, new ZoneSet(zones), opts);
    // Without a master key a signed zone is served as stored; nothing is re-signed, changes are refused.
    for (const zone of keys.keys()) await store.refreshKeys(zone);
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
      const snap = buildSnapshot(z.name, z.serialScheme, z.records, { pack: !this.signing.has(z.name) });
      snap.chain = indexOf(snap);
      set = set.with(snap);
      this.schemes.set(z.name, z.serialScheme);
    }
    for (const g of gone) {
      set = set.without(normalizeName(g));
      this.schemes.delete(normalizeName(g));
      this.signing.delete(normalizeName(g));
    }
    this.current = set;
    // The other process may have switched DNSSEC on or off or rolled a key: take its keys as well.
    // Commits of the zone wait for this (commitBatch), so none signs with the keys of before.
    for (const z of zones) {
      const p = this.refreshKeys(z.name).catch((e) => this.opts.log?.(`dns/zone: loading the DNSSEC keys of ${z.name} failed: ${(e as Error).message}`));
      this.keyRefresh.set(z.name, p);
      void p.then(() => {
        if (this.keyRefresh.get(z.name) === p) this.keyRefresh.delete(z.name);
      });
    }
    for (const z of zones) this.notify(z.name, set.zones.get(z.name)!.serial, null);
    return this.catalogChange(added, gone.map(normalizeName));
  }

  /**
   * Take the DNSSEC keys of a zone from storage again. A zone is signed when it has keys AND publishes a
   * DNSKEY at its apex (keys left over from an interrupted switch-off do not make it signed).
   */
  async refreshKeys(zoneName: string): Promise<void> {
    const zone = normalizeName(zoneName);
    const snap = this.current.zones.get(zone);
    const stored = snap ? await this.storage.loadKeys(zone) : [];
    if (!snap || stored.length === 0 || !snap.get(zone, "DNSKEY")) {
      this.signing.delete(zone);
      return;
    }
    const denial = snap.chain?.kind ?? "nsec3";
    if (!this.opts.dnssec) {
      this.opts.log?.(`dns/zone: ${zone} is signed but no DNSSEC master key is configured: changes to it are refused`);
      this.signing.set(zone, { keys: [], denial });
      return;
    }
    const removeDs = snap.get(zone, "CDS")?.data[0] === CDS_DELETE;
    this.signing.set(zone, { keys: stored.map((k) => this.unseal(k)), denial, removeDs });
  }

  // ---------- DNSSEC ----------

  private get policy(): SigningPolicy {
    return { ...DEFAULT_POLICY, ...this.opts.dnssec?.policy };
  }
  private get dnskeyTtl(): number {
    return this.opts.dnssec?.dnskeyTtl ?? 3600;
  }
  private masterKey(): Uint8Array {
    const mk = this.opts.dnssec?.masterKey;
    if (!mk) throw new ZoneError("DNSSEC needs a master key ([dnssec] master_key or the data dir's dnssec.key)", "invalid");
    return mk;
  }

  private unseal(k: StoredKey): ZoneKey {
    const pkcs8 = openSecret(this.masterKey(), k.secret, `${k.zone}/${k.id}`);
    return { id: k.id, role: k.role, state: k.state, since: k.since, key: keyFromPkcs8(k.algorithm, k.flags, pkcs8) };
  }

  /** A new key, stored (sealed) before it is used. */
  private async newKey(zone: string, role: KeyRole, algorithm: DnssecAlgorithm, state: ZoneKey["state"]): Promise<ZoneKey> {
    const flags = role === "zsk" ? FLAGS_ZSK : FLAGS_KSK;
    const { key, pkcs8 } = generateKey(algorithm, flags);
    const id = randomBytes(8).toString("hex");
    const now = this.now().getTime();
    const secret = sealSecret(this.masterKey(), pkcs8, `${zone}/${id}`);
    await this.storage.saveKey({ zone, id, role, algorithm, flags, keyTag: key.keyTag, publicKey: toBase64(key.publicKey), secret, state, since: now, created: now });
    return { id, role, state, since: now, key };
  }

  private async setState(zone: string, k: ZoneKey, state: ZoneKey["state"]): Promise<void> {
    const stored = (await this.storage.loadKeys(zone)).find((x) => x.id === k.id);
    k.state = state;
    k.since = this.now().getTime();
    if (stored) await this.storage.saveKey({ ...stored, state, since: k.since });
  }

  /** Queue store-internal signer work on a zone as its own commit. */
  private internalCommit(zone: string, internal: NonNullable<Pending["internal"]>): Promise<Changeset | null> {
    if (!this.current.zones.has(zone)) return Promise.reject(new ZoneError(`zone ${zone} is not an embedded zone here`, "nozone"));
    return new Promise((resolve, reject) => {
      let q = this.queues.get(zone);
      if (!q) this.queues.set(zone, (q = []));
      q.push({ fn: () => {}, resolve, reject, internal });
      if (!this.running.has(zone)) void this.run(zone);
    });
  }

  private keyRecords(zone: string): (o: Overlay) => void {
    return (o) => {
      const s = this.signing.get(zone);
      setKeyRecords(o, s?.keys ?? [], s ? s.denial : null, this.dnskeyTtl, s?.removeDs);
    };
  }

  isSigned(zone: string): boolean {
    return this.signing.has(normalizeName(zone));
  }

  /**
   * Switch DNSSEC on for a zone: new keys (a CSK, or a KSK and a ZSK), DNSKEY/CDS/CDNSKEY and NSEC3PARAM at
   * the apex, every RRset signed and the chain built, in one commit. On a signed zone only the denial kind
   * can change (NSEC ↔ NSEC3); the keys stay.
   */
  async enableDnssec(zoneName: string, settings: DnssecSettings = {}): Promise<Changeset | null> {
    const zone = normalizeName(zoneName);
    if (!this.current.zones.has(zone)) throw new ZoneError(`zone ${zone} is not an embedded zone here`, "nozone");
    this.masterKey();
    const denial = settings.denial ?? "nsec3";
    const cur = this.signing.get(zone);
    if (cur) {
      if (cur.denial === denial) return null;
      cur.denial = denial;
      return this.internalCommit(zone, { full: true, apply: this.keyRecords(zone) });
    }
    // Keys left over from an interrupted switch-off are not reused.
    for (const k of await this.storage.loadKeys(zone)) await this.storage.deleteKey(zone, k.id);
    const alg = settings.algorithm ?? 13;
    if (alg !== 13 && alg !== 15) throw new ZoneError(`DNSSEC algorithm ${alg} is not offered (13 ECDSA P-256, 15 Ed25519)`, "invalid");
    const keys = settings.keys === "split" ? [await this.newKey(zone, "ksk", alg, "active"), await this.newKey(zone, "zsk", alg, "active")] : [await this.newKey(zone, "csk", alg, "active")];
    this.signing.set(zone, { keys, denial });
    try {
      return await this.internalCommit(zone, { full: true, apply: this.keyRecords(zone) });
    } catch (e) {
      this.signing.delete(zone);
      for (const k of keys) await this.storage.deleteKey(zone, k.id).catch(() => {});
      throw e;
    }
  }

  /**
   * First step of switching off safely: the zone stays signed and publishes the RFC 8078 §4 "delete"
   * CDS/CDNSKEY, so a parent that automates DS upkeep removes the DS (others: the operator removes it).
   * Only once no DS is at the parent may disableDnssec run: a DS pointing at an unsigned zone makes it
   * bogus for validating resolvers. `undo` goes back to the normal CDS/CDNSKEY.
   */
  async requestDsRemoval(zoneName: string, undo = false): Promise<Changeset | null> {
    const zone = normalizeName(zoneName);
    const s = this.signing.get(zone);
    if (!s) throw new ZoneError(`zone ${zone} is not signed`, "invalid");
    s.removeDs = !undo;
    return this.internalCommit(zone, { apply: this.keyRecords(zone) });
  }

  /**
   * Switch DNSSEC off: signatures, chain and key records go in one commit, then the keys are deleted.
   * The parent must hold no DS for the zone by then (see requestDsRemoval).
   */
  async disableDnssec(zoneName: string): Promise<Changeset | null> {
    const zone = normalizeName(zoneName);
    const cur = this.signing.get(zone);
    if (!cur) return null;
    const cs = await this.internalCommit(zone, {
      full: true,
      apply: (o) => {
        this.signing.delete(zone);
        setKeyRecords(o, [], null, this.dnskeyTtl);
        unsignAll(o, this.current.zones.get(zone)!);
      },
    });
    for (const k of await this.storage.loadKeys(zone)) await this.storage.deleteKey(zone, k.id);
    return cs;
  }

  /** The DS records (RFC 4509 SHA-256) to give the parent: one per SEP key (KSK or CSK) in use. */
  dsRecords(zoneName: string): string[] {
    const zone = normalizeName(zoneName);
    const s = this.signing.get(zone);
    if (!s) return [];
    return s.keys.filter((k) => k.role !== "zsk" && k.state !== "retired").map((k) => dsText(zone, k.key));
  }

  /** The keys of a signed zone and its DS records (null: not signed). */
  dnssecStatus(zoneName: string): { zone: string; denial: Denial; keys: DnssecKeyInfo[]; ds: string[] } | null {
    const zone = normalizeName(zoneName);
    const s = this.signing.get(zone);
    if (!s) return null;
    return {
      zone,
      denial: s.denial,
      keys: s.keys.map((k) => ({ id: k.id, role: k.role, state: k.state, algorithm: k.key.algorithm, keyTag: k.key.keyTag, since: k.since, dnskey: dnskeyText(k.key) })),
      ds: this.dsRecords(zone),
    };
  }

  /** Start a ZSK rollover now (pre-publish, RFC 6781 §4.1.1.1); dnssecTick finishes it. Split keys only. */
  async rollZsk(zoneName: string): Promise<Changeset | null> {
    const zone = normalizeName(zoneName);
    const s = this.signing.get(zone);
    if (!s) throw new ZoneError(`zone ${zone} is not signed`, "invalid");
    const zsk = s.keys.find((k) => k.role === "zsk" && k.state === "active");
    if (!zsk) throw new ZoneError(`zone ${zone} signs with a CSK: roll it with rollKsk`, "invalid");
    if (s.keys.some((k) => k.role === "zsk" && k.state === "published")) return null;
    s.keys.push(await this.newKey(zone, "zsk", zsk.key.algorithm, "published"));
    return this.internalCommit(zone, { apply: this.keyRecords(zone) });
  }

  /**
   * Start a KSK/CSK rollover (double-KSK, RFC 6781 §4.1.2): a new SEP key signs at once beside the old one,
   * and CDS/CDNSKEY (RFC 7344) now name it. Once the parent's DS points to it, completeKskRollover.
   */
  async rollKsk(zoneName: string): Promise<Changeset | null> {
    const zone = normalizeName(zoneName);
    const s = this.signing.get(zone);
    if (!s) throw new ZoneError(`zone ${zone} is not signed`, "invalid");
    const sep = s.keys.find((k) => k.role !== "zsk" && k.state === "active");
    if (!sep) throw new ZoneError(`zone ${zone} has no active KSK or CSK`, "invalid");
    s.keys.push(await this.newKey(zone, sep.role, sep.key.algorithm, "active"));
    return this.internalCommit(zone, { full: true, apply: this.keyRecords(zone) });
  }

  /** The parent has the new DS: the older SEP keys stop signing (dnssecTick removes them later). */
  async completeKskRollover(zoneName: string): Promise<Changeset | null> {
    const zone = normalizeName(zoneName);
    const s = this.signing.get(zone);
    if (!s) throw new ZoneError(`zone ${zone} is not signed`, "invalid");
    const seps = s.keys.filter((k) => k.role !== "zsk" && k.state === "active").sort((a, b) => b.since - a.since);
    if (seps.length < 2) return null;
    for (const k of seps.slice(1)) await this.setState(zone, k, "retired");
    return this.internalCommit(zone, { full: true, apply: this.keyRecords(zone) });
  }

  /**
   * The DNSSEC job (call it hourly): renews signatures that expire within the policy's refresh time and
   * moves key rollovers on (ZSK pre-publish by age; retired keys removed once caches forgot them).
   */
  async dnssecTick(zoneName?: string): Promise<DnssecTickResult[]> {
    const zones = zoneName ? [normalizeName(zoneName)] : [...this.signing.keys()];
    const out: DnssecTickResult[] = [];
    for (const zone of zones) {
      const s = this.signing.get(zone);
      const snap = this.current.zones.get(zone);
      if (!s || !snap || s.keys.length === 0) continue;
      const now = this.now().getTime();
      const steps: string[] = [];
      let full = false;
      const publishWait = this.dnskeyTtl * 1000 + PROPAGATION_MS;
      const retireWait = Math.max(this.dnskeyTtl, maxTtl(snap)) * 1000 + PROPAGATION_MS;
      for (const k of [...s.keys]) {
        if (k.state === "retired" && now - k.since >= retireWait) {
          s.keys = s.keys.filter((x) => x !== k);
          await this.storage.deleteKey(zone, k.id);
          steps.push("key-removed");
        }
      }
      const next = s.keys.find((k) => k.role === "zsk" && k.state === "published");
      const active = s.keys.find((k) => k.role === "zsk" && k.state === "active");
      if (next && now - next.since >= publishWait) {
        await this.setState(zone, next, "active");
        if (active) await this.setState(zone, active, "retired");
        steps.push("zsk-activated");
        full = true;
      } else if (!next && active && now - active.since >= (this.opts.dnssec?.zskLifetimeMs ?? 90 * 86400_000)) {
        s.keys.push(await this.newKey(zone, "zsk", active.key.algorithm, "published"));
        steps.push("zsk-published");
      }
      const renew = !full && earliestExpiry(snap) < now / 1000 + this.policy.refresh;
      if (steps.length || renew) await this.internalCommit(zone, { full, renew, apply: this.keyRecords(zone) });
      out.push({ zone, renewed: renew || full, steps });
    }
    return out;
  }

  async deleteZone(name: string): Promise<void> {
    const n = normalizeName(name);
    this.signing.delete(n);
    await this.storage.deleteZone(n);
    this.clearAnswerCaches();
    this.current = this.current.without(n);
    await this.published(n, 0);
    this.schemes.delete(n);
    await this.catalogChange([], [n]);
  }

  /**
   * Run `fn` against the zone and commit what it changed: one serial bump, storage first, then the swap.
   * Resolves with the changeset (null when `fn` changed nothing: no bump, no journal entry). If `fn`
   * throws, or leaves the zone invalid, the promise rejects and nothing of it is applied.
   */
  transaction(zoneName: string, fn: (tx: ZoneTx) => void | Promise<void>): Promise<Changeset | null> {
    const zone = normalizeName(zoneName);
    if (!this.current.zones.has(zone)) return Promise.reject(new ZoneError(`zone ${zone} is not an embedded zone here`, "nozone"));
    return new Promise((resolve, reject) => {
      let q = this.queues.get(zone);
      if (!q) this.queues.set(zone, (q = []));
      q.push({ fn, resolve, reject });
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
    const signing = this.signing.get(zone);
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
        pre: work.build(),
        touched: work.touchedNames(),
        keys: signing.keys,
        denial: signing.denial,
        oldIndex: base.chain,
        full: internal.some((i) => i.full),
        renew: internal.some((i) => i.renew),
        now: Math.floor(this.now().getTime() / 1000),
        policy: this.policy,
        random: this.opts.dnssec?.random,
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

/** The largest TTL in a zone (how long a cache may keep a signature made by a retired key). */
function maxTtl(z: ZoneSnapshot): number {
  let m = 0;
  for (const node of z.nodes.values()) for (const set of node.values()) if (set.ttl > m) m = set.ttl;
  return m;
}

/** The earliest RRSIG expiration in a zone (seconds; Infinity when unsigned). */
function earliestExpiry(z: ZoneSnapshot): number {
  let m = Infinity;
  for (const node of z.nodes.values())
    for (const set of node.values())
      for (const sig of set.sigs ?? []) {
        const f = sig.split(" ")[4];
        const e = Date.UTC(+f.slice(0, 4), +f.slice(4, 6) - 1, +f.slice(6, 8), +f.slice(8, 10), +f.slice(10, 12), +f.slice(12, 14)) / 1000;
        if (e < m) m = e;
      }
  return m;
}

/** Canonical rdata of presentation/canonical text; ZoneError "invalid" naming the problem. */
function canonical(zone: string, type: RRType, data: string): string {
  try {
    return parseRdata(type, tokenize(data), zone);
  } catch (e) {
    if (e instanceof RdataError) throw new ZoneError(`bad ${type} data ${JSON.stringify(data)}: ${e.message}`, "invalid");
    throw e;
  }
}

/** An owner name as written (RFC 4343 §4: the case is kept for storage and output), no trailing dot. */
function asWritten(name: string): string {
  const n = name.trim();
  return n.endsWith(".") ? n.slice(0, -1) : n;
}

/** Rdata without duplicates (compared by rdataKey: names in any case are one name), the first written kept. */
function uniqueRdata(type: RRType, data: Iterable<string>): string[] {
  const seen = new Map<string, string>();
  for (const d of data) {
    const k = rdataKey(type, d);
    if (!seen.has(k)) seen.set(k, d);
  }
  return [...seen.values()].sort();
}

/**
 * An owner name, absolute, checked to be inside the zone: the lower-case key nodes are found by. Relative
 * names are NOT accepted here.
 */
function ownerIn(zone: string, name: string): string {
  const n = normalizeName(name);
  try {
    checkName(n);
  } catch (e) {
    throw new ZoneError((e as Error).message, "invalid");
  }
  if (!inZone(n, zone)) throw new ZoneError(`${n} is not inside zone ${zone}`, "notzone");
  return n;
}

interface NodeView {
  readonly name: string;
  get(name: string, type: RRType): RRset | undefined;
  typesAt(name: string): RRType[];
}

/** Zone rules checked on every touched name before a commit. */
function validateNodes(z: NodeView | ZoneSnapshot, names: Iterable<string>): void {
  // RFC 4035 §2.5: RRSIG and NSEC may sit beside a CNAME; the signer's records are not the user's data.
  const typesAt = (n: string): RRType[] => ("typesAt" in z ? z.typesAt(n) : [...(z.nodes.get(n)?.keys() ?? [])]).filter((t) => !isDnssecType(t));
  for (const n of names) {
    const types = typesAt(n);
    if (n === z.name) {
      const soa = z.get(n, "SOA");
      if (!soa || soa.data.length !== 1) throw new ZoneError(`the apex of ${z.name} must keep exactly one SOA`, "apex");
      if (!z.get(n, "NS")?.data.length) throw new ZoneError(`the apex of ${z.name} must keep at least one NS record`, "apex");
      if (types.includes("CNAME")) throw new ZoneError(`no CNAME at the apex of ${z.name} (RFC 1034 §3.6.2: it would clash with SOA and NS)`, "cname");
    } else if (types.includes("SOA")) throw new ZoneError(`SOA only at the apex of ${z.name}`, "apex");
    // RFC 1034 §3.6.2 / RFC 2181 §10.1: a CNAME owner has no other data, and one CNAME only.
    if (types.includes("CNAME")) {
      if (types.length > 1) throw new ZoneError(`${n} has a CNAME and other records (${types.filter((t) => t !== "CNAME").join(", ")}); a CNAME stands alone`, "cname");
      if (z.get(n, "CNAME")!.data.length > 1) throw new ZoneError(`${n} has more than one CNAME`, "cname");
    }
  }
}

/** The working copy of one zone during a commit: base snapshot + changed RRsets (null = deleted). */
class Overlay implements NodeView {
  readonly name: string;
  private changes = new Map<string, RRset | null>();
  private touched = new Map<string, Set<RRType>>();

  constructor(readonly base: ZoneSnapshot) {
    this.name = base.name;
  }

  get(name: string, type: RRType): RRset | undefined {
    const k = key(name, type);
    if (this.changes.has(k)) return this.changes.get(k) ?? undefined;
    return this.base.get(name, type);
  }

  typesAt(name: string): RRType[] {
    const out = new Set<RRType>(this.base.nodes.get(name)?.keys() ?? []);
    for (const t of this.touched.get(name) ?? []) {
      if (this.changes.get(key(name, t))) out.add(t);
      else out.delete(t);
    }
    return [...out];
  }

  set(name: string, type: RRType, s: RRset | null): void {
    const cur = this.get(name, type);
    if (sameSet(cur, s ?? undefined)) return;
    const k = key(name, type);
    let t = this.touched.get(name);
    // Undo log for savepoints: what the slot held before (absent = not in `changes`).
    this.undo.push({ k, name, type, had: this.changes.has(k), prev: this.changes.get(k), newName: !t, newType: !t || !t.has(type) });
    this.changes.set(k, s);
    if (!t) this.touched.set(name, (t = new Set()));
    t.add(type);
  }

  private undo: { k: string; name: string; type: RRType; had: boolean; prev: RRset | null | undefined; newName: boolean; newType: boolean }[] = [];

  /** Names changed since a savepoint (what one transaction body touched). */
  touchedSince(sp: number): Set<string> {
    const out = new Set<string>();
    for (let i = sp; i < this.undo.length; i++) out.add(this.undo[i].name);
    return out;
  }

  /** A savepoint: the undo log's length (cost O(1), so a batch of n transactions stays O(n)). */
  save(): number {
    return this.undo.length;
  }
  restore(sp: number): void {
    // Bounded by the log length; entries are undone newest first.
    while (this.undo.length > sp) {
      const u = this.undo.pop()!;
      if (u.had) this.changes.set(u.k, u.prev!);
      else this.changes.delete(u.k);
      if (u.newName) this.touched.delete(u.name);
      else if (u.newType) this.touched.get(u.name)?.delete(u.type);
    }
  }
  changedSince(sp: number): boolean {
    return this.undo.length !== sp;
  }

  /** Names and types written so far. */
  touchedNames(): ReadonlyMap<string, ReadonlySet<RRType>> {
    return this.touched;
  }

  /** Removed and added records against the base (SOA left out: the commit handles it); null if none. */
  diff(): { removed: RR[]; added: RR[] } | null {
    const removed: RR[] = [];
    const added: RR[] = [];
    let soaChanged = false;
    for (const [k, s] of this.changes) {
      const [key, type] = k.split("\0") as [string, RRType];
      const old = this.base.get(key, type);
      if (sameSet(old, s ?? undefined)) continue;
      // Rows carry the owner as written; a new TTL or a new case of the owner replaces every row.
      const ttlChanged = !!old && !!s && (old.ttl !== s.ttl || old.name !== s.name);
      const name = s?.name ?? old!.name;
      const oldName = old?.name ?? name;
      if (type === "SOA") soaChanged = true;
      else {
        const oldData = new Set(old?.data ?? []);
        const newData = new Set(s?.data ?? []);
        for (const d of oldData) if (ttlChanged || !newData.has(d)) removed.push({ name: oldName, type, ttl: old!.ttl, data: d });
        for (const d of newData) if (ttlChanged || !oldData.has(d)) added.push({ name, type, ttl: s!.ttl, data: d });
      }
      // Signatures are rows of type RRSIG with the TTL of the set they cover (RFC 4034 §3).
      const oldSigs = new Set(old?.sigs ?? []);
      const newSigs = new Set(s?.sigs ?? []);
      for (const d of oldSigs) if (ttlChanged || !newSigs.has(d)) removed.push({ name: oldName, type: "RRSIG", ttl: old!.ttl, data: d });
      for (const d of newSigs) if (ttlChanged || !oldSigs.has(d)) added.push({ name, type: "RRSIG", ttl: s!.ttl, data: d });
    }
    if (removed.length === 0 && added.length === 0 && !soaChanged) return null;
    return { removed, added };
  }

  /** The new snapshot: the base's maps with the touched nodes replaced (cost ∝ changes, see layered.ts). */
  build(): ZoneSnapshot {
    const base = this.base;
    const nodeChanges: [string, Node | undefined][] = [];
    const belowDelta = new Map<string, number>();
    let cuts = base.cutCount;
    for (const [name, types] of this.touched) {
      const old = base.nodes.get(name);
      const node = new Map<RRType, RRset>(old ?? []);
      for (const t of types) {
        const s = this.changes.get(key(name, t));
        if (s) node.set(t, s);
        else node.delete(t);
      }
      nodeChanges.push([name, node.size > 0 ? new NodeSets([...node.values()]) : undefined]);
      if (!old && node.size > 0) countBelow(belowDelta, name, this.name, +1);
      if (old && node.size === 0) countBelow(belowDelta, name, this.name, -1);
      if (name !== this.name) cuts += (node.has("NS") ? 1 : 0) - (old?.has("NS") ? 1 : 0);
    }
    const belowChanges: [string, number | undefined][] = [];
    for (const [n, d] of belowDelta) {
      const v = (base.below.get(n) ?? 0) + d;
      belowChanges.push([n, v > 0 ? v : undefined]);
    }
    return new ZoneSnapshot(this.name, base.serialScheme, LayeredMap.of(base.nodes).with(nodeChanges), LayeredMap.of(base.below).with(belowChanges), cuts);
  }

  tx(): ZoneTx {
    const zone = this.name;
    const self = this;
    const typeOk = (type: string): RRType => {
      if (!isZoneType(type)) throw new ZoneError(`record type ${type} is not served by embedded zones`, "invalid");
      return type;
    };
    const ttlOk = (ttl: number) => {
      if (!Number.isInteger(ttl) || ttl < 0 || ttl > 2 ** 31 - 1) throw new ZoneError(`bad TTL ${ttl}`, "invalid");
      return ttl;
    };
    const noSoa = (type: RRType) => {
      if (type === "SOA") throw new ZoneError("the SOA changes only through updateSoa (its serial is the store's)", "apex");
    };
    return {
      zone,
      get: (name, type) => self.get(normalizeName(name), type),
      types: (name) => self.typesAt(normalizeName(name)).filter((t) => !isDnssecType(t)),
      namesBelow(name) {
        const suffix = `.${normalizeName(name)}`;
        const out = new Set<string>();
        for (const n of self.base.nodes.keys()) if (n.endsWith(suffix)) out.add(n);
        for (const n of self.touchedNames().keys()) if (n.endsWith(suffix)) out.add(n);
        return [...out].filter((n) => self.typesAt(n).length > 0);
      },
      replaceRRset(name, type, ttl, data) {
        const owner = ownerIn(zone, name);
        noSoa(typeOk(type));
        const set = uniqueRdata(type, data.map((d) => canonical(zone, type, d)));
        self.set(owner, type, set.length ? { name: asWritten(name), type, ttl: ttlOk(ttl), data: set } : null);
      },
      deleteRRset(name, type) {
        const owner = ownerIn(zone, name);
        noSoa(typeOk(type));
        self.set(owner, type, null);
      },
      deleteName(name) {
        const owner = ownerIn(zone, name);
        for (const t of self.typesAt(owner)) {
          // RFC 2136 §3.4.2.3: deleting all RRsets at the apex leaves the SOA and NS alone.
          if (owner === zone && (t === "SOA" || t === "NS")) continue;
          if (isDnssecType(t)) continue; // the signer's; it removes them when the name goes

          self.set(owner, t, null);
        }
      },
      addRR(rr) {
        const owner = ownerIn(zone, rr.name);
        const type = typeOk(rr.type);
        noSoa(type);
        const d = canonical(zone, type, rr.data);
        const cur = self.get(owner, type);
        const data = uniqueRdata(type, [...(cur?.data ?? []), d]);
        self.set(owner, type, { name: cur?.name ?? asWritten(rr.name), type, ttl: ttlOk(rr.ttl), data });
      },
      deleteRR(rr) {
        const owner = ownerIn(zone, rr.name);
        const type = typeOk(rr.type);
        noSoa(type);
        const d = rdataKey(type, canonical(zone, type, rr.data));
        const cur = self.get(owner, type);
        if (!cur || !cur.data.some((x) => rdataKey(type, x) === d)) return;
        const data = cur.data.filter((x) => rdataKey(type, x) !== d);
        self.set(owner, type, data.length ? { ...cur, data } : null);
      },
      updateSoa(f) {
        const cur = self.get(zone, "SOA")!;
        const s = soaFields(cur.data[0]);
        const mname = f.mname ?? s.mname;
        const rname = f.rname ?? s.rname;
        const serial = f.serial ?? s.serial;
        if (!Number.isInteger(serial) || serial < 0 || serial > 2 ** 32 - 1) throw new ZoneError(`bad SOA serial ${serial}`, "invalid");
        const text = `${mname} ${rname} ${serial} ${f.refresh ?? s.refresh} ${f.retry ?? s.retry} ${f.expire ?? s.expire} ${f.minimum ?? s.minimum}`;
        self.set(zone, "SOA", { name: zone, type: "SOA", ttl: f.ttl !== undefined ? ttlOk(f.ttl) : cur.ttl, data: [canonical(zone, "SOA", text)] });
      },
    };
  }
}

function sameSet(a: RRset | undefined, b: RRset | undefined): boolean {
  if (!a || !b) return !a && !b;
  if (a.ttl !== b.ttl || a.name !== b.name || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  const sa = a.sigs ?? [];
  const sb = b.sigs ?? [];
  if (sa.length !== sb.length) return false;
  for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return false;
  return true;
}

export { serialGt };
