// The DNSSEC key lifecycle of embedded zones, above the store: keys made, sealed and stored (enableDnssec),
// rolled (ZSK pre-publish, double-KSK), retired and removed (dnssecTick), and the apex records that publish
// them (DNSKEY, CDS/CDNSKEY, NSEC3PARAM). Each step is a commit through the store's signerCommit; the store
// signs every commit with the keys this module names through the SigningKeys port (types.ts), and knows
// nothing of rollovers. Open a store whose zones may be signed with ZoneKeys.open.
import { randomBytes } from "node:crypto";
import { normalizeName } from "../wire/index.ts";
import { type DnssecAlgorithm, dsText, dnskeyText, FLAGS_KSK, FLAGS_ZSK, generateKey, keyFromPkcs8, openSecret, sealSecret, toBase64 } from "../dnssec/index.ts";
import { CDS_DELETE, DEFAULT_POLICY, setKeyRecords, unsignAll } from "./signer.ts";
import type { ZoneSnapshot } from "./snapshot.ts";
import type { StoredKey, ZoneStorage } from "./storage.ts";
import { ZoneStore, type ZoneStoreOptions } from "./store.ts";
import { type Changeset, type Denial, type KeyRole, type SigningKeys, type SigningPolicy, type SignView, ZoneError, type ZoneKey } from "./types.ts";

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

/** How a store with signed zones opens: the store's options and the DNSSEC ones. */
export interface ZoneKeysOptions extends Omit<ZoneStoreOptions, "signingKeys"> {
  /** DNSSEC: the master key sealing private keys at rest, and the signing policy. */
  dnssec?: DnssecOptions;
}

/** A signed zone's keys in use, its denial kind, and whether it asks the parent to drop the DS. */
interface KeyedZone {
  keys: ZoneKey[];
  denial: Denial;
  /** CDS/CDNSKEY say "delete the DS" (RFC 8078 §4): switching off is under way. */
  removeDs?: boolean;
}

const PROPAGATION_MS = 3600_000;

export class ZoneKeys implements SigningKeys {
  /** Signed zones: their keys in use and the denial kind. */
  private zones = new Map<string, KeyedZone>();
  private opened?: ZoneStore;
  private readonly now: () => Date;

  private constructor(
    private readonly storage: ZoneStorage,
    private readonly opts: ZoneKeysOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * Open the zone store over `storage` with this key lifecycle as its signing keys: every commit of a
   * signed zone is signed with the keys in use. Without `dnssec` a signed zone is served as stored and
   * refuses changes.
   */
  static async open(storage: ZoneStorage, opts: ZoneKeysOptions = {}): Promise<ZoneKeys> {
    const keys = new ZoneKeys(storage, opts);
    const { dnssec: _, ...storeOpts } = opts;
    keys.opened = await ZoneStore.open(storage, { ...storeOpts, signingKeys: keys });
    return keys;
  }

  /** The store these keys sign for. */
  get store(): ZoneStore {
    if (!this.opened) throw new Error("dns/zone: ZoneKeys used before its store was opened");
    return this.opened;
  }

  // ---------- The SigningKeys port: what the store asks ----------

  signingOf(zone: string): KeyedZone | undefined {
    return this.zones.get(zone);
  }

  async hasStoredKeys(zone: string): Promise<boolean> {
    return (await this.storage.loadKeys(zone)).length > 0;
  }

  /**
   * Take the DNSSEC keys of a zone from storage again. A zone is signed when it has keys AND publishes a
   * DNSKEY at its apex (keys left over from an interrupted switch-off do not make it signed).
   */
  async load(zoneName: string, snap: Pick<ZoneSnapshot, "get" | "chain"> | undefined): Promise<void> {
    const zone = normalizeName(zoneName);
    const stored = snap ? await this.storage.loadKeys(zone) : [];
    if (!snap || stored.length === 0 || !snap.get(zone, "DNSKEY")) {
      this.zones.delete(zone);
      return;
    }
    const denial = snap.chain?.kind ?? "nsec3";
    if (!this.opts.dnssec) {
      this.opts.log?.(`dns/zone: ${zone} is signed but no DNSSEC master key is configured: changes to it are refused`);
      this.zones.set(zone, { keys: [], denial });
      return;
    }
    const removeDs = snap.get(zone, "CDS")?.data[0] === CDS_DELETE;
    this.zones.set(zone, { keys: stored.map((k) => this.unseal(k)), denial, removeDs });
  }

  forget(zone: string): void {
    this.zones.delete(zone);
  }

  // ---------- The lifecycle ----------

  get policy(): SigningPolicy {
    return { ...DEFAULT_POLICY, ...this.opts.dnssec?.policy };
  }
  get random(): (() => number) | undefined {
    return this.opts.dnssec?.random;
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

  private keyRecords(zone: string): (view: SignView) => void {
    return (o) => {
      const s = this.zones.get(zone);
      setKeyRecords(o, s?.keys ?? [], s ? s.denial : null, this.dnskeyTtl, s?.removeDs);
    };
  }

  isSigned(zone: string): boolean {
    return this.zones.has(normalizeName(zone));
  }

  /**
   * Switch DNSSEC on for a zone: new keys (a CSK, or a KSK and a ZSK), DNSKEY/CDS/CDNSKEY and NSEC3PARAM at
   * the apex, every RRset signed and the chain built, in one commit. On a signed zone only the denial kind
   * can change (NSEC ↔ NSEC3); the keys stay.
   */
  async enableDnssec(zoneName: string, settings: DnssecSettings = {}): Promise<Changeset | null> {
    const zone = normalizeName(zoneName);
    if (!this.store.zone(zone)) throw new ZoneError(`zone ${zone} is not an embedded zone here`, "nozone");
    this.masterKey();
    const denial = settings.denial ?? "nsec3";
    const cur = this.zones.get(zone);
    if (cur) {
      if (cur.denial === denial) return null;
      cur.denial = denial;
      return this.store.signerCommit(zone, { full: true, apply: this.keyRecords(zone) });
    }
    // Keys left over from an interrupted switch-off are not reused.
    for (const k of await this.storage.loadKeys(zone)) await this.storage.deleteKey(zone, k.id);
    const alg = settings.algorithm ?? 13;
    if (alg !== 13 && alg !== 15) throw new ZoneError(`DNSSEC algorithm ${alg} is not offered (13 ECDSA P-256, 15 Ed25519)`, "invalid");
    const keys = settings.keys === "split" ? [await this.newKey(zone, "ksk", alg, "active"), await this.newKey(zone, "zsk", alg, "active")] : [await this.newKey(zone, "csk", alg, "active")];
    this.zones.set(zone, { keys, denial });
    try {
      return await this.store.signerCommit(zone, { full: true, apply: this.keyRecords(zone) });
    } catch (e) {
      this.zones.delete(zone);
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
    const s = this.zones.get(zone);
    if (!s) throw new ZoneError(`zone ${zone} is not signed`, "invalid");
    s.removeDs = !undo;
    return this.store.signerCommit(zone, { apply: this.keyRecords(zone) });
  }

  /**
   * Switch DNSSEC off: signatures, chain and key records go in one commit, then the keys are deleted.
   * The parent must hold no DS for the zone by then (see requestDsRemoval).
   */
  async disableDnssec(zoneName: string): Promise<Changeset | null> {
    const zone = normalizeName(zoneName);
    const cur = this.zones.get(zone);
    if (!cur) return null;
    const cs = await this.store.signerCommit(zone, {
      full: true,
      apply: (o) => {
        this.zones.delete(zone);
        setKeyRecords(o, [], null, this.dnskeyTtl);
        unsignAll(o, this.store.zone(zone)!);
      },
    });
    for (const k of await this.storage.loadKeys(zone)) await this.storage.deleteKey(zone, k.id);
    return cs;
  }

  /** The DS records (RFC 4509 SHA-256) to give the parent: one per SEP key (KSK or CSK) in use. */
  dsRecords(zoneName: string): string[] {
    const zone = normalizeName(zoneName);
    const s = this.zones.get(zone);
    if (!s) return [];
    return s.keys.filter((k) => k.role !== "zsk" && k.state !== "retired").map((k) => dsText(zone, k.key));
  }

  /** The keys of a signed zone and its DS records (null: not signed). */
  dnssecStatus(zoneName: string): { zone: string; denial: Denial; keys: DnssecKeyInfo[]; ds: string[] } | null {
    const zone = normalizeName(zoneName);
    const s = this.zones.get(zone);
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
    const s = this.zones.get(zone);
    if (!s) throw new ZoneError(`zone ${zone} is not signed`, "invalid");
    const zsk = s.keys.find((k) => k.role === "zsk" && k.state === "active");
    if (!zsk) throw new ZoneError(`zone ${zone} signs with a CSK: roll it with rollKsk`, "invalid");
    if (s.keys.some((k) => k.role === "zsk" && k.state === "published")) return null;
    s.keys.push(await this.newKey(zone, "zsk", zsk.key.algorithm, "published"));
    return this.store.signerCommit(zone, { apply: this.keyRecords(zone) });
  }

  /**
   * Start a KSK/CSK rollover (double-KSK, RFC 6781 §4.1.2): a new SEP key signs at once beside the old one,
   * and CDS/CDNSKEY (RFC 7344) now name it. Once the parent's DS points to it, completeKskRollover.
   */
  async rollKsk(zoneName: string): Promise<Changeset | null> {
    const zone = normalizeName(zoneName);
    const s = this.zones.get(zone);
    if (!s) throw new ZoneError(`zone ${zone} is not signed`, "invalid");
    const sep = s.keys.find((k) => k.role !== "zsk" && k.state === "active");
    if (!sep) throw new ZoneError(`zone ${zone} has no active KSK or CSK`, "invalid");
    s.keys.push(await this.newKey(zone, sep.role, sep.key.algorithm, "active"));
    return this.store.signerCommit(zone, { full: true, apply: this.keyRecords(zone) });
  }

  /** The parent has the new DS: the older SEP keys stop signing (dnssecTick removes them later). */
  async completeKskRollover(zoneName: string): Promise<Changeset | null> {
    const zone = normalizeName(zoneName);
    const s = this.zones.get(zone);
    if (!s) throw new ZoneError(`zone ${zone} is not signed`, "invalid");
    const seps = s.keys.filter((k) => k.role !== "zsk" && k.state === "active").sort((a, b) => b.since - a.since);
    if (seps.length < 2) return null;
    for (const k of seps.slice(1)) await this.setState(zone, k, "retired");
    return this.store.signerCommit(zone, { full: true, apply: this.keyRecords(zone) });
  }

  /**
   * The DNSSEC job (call it hourly): renews signatures that expire within the policy's refresh time and
   * moves key rollovers on (ZSK pre-publish by age; retired keys removed once caches forgot them).
   */
  async dnssecTick(zoneName?: string): Promise<DnssecTickResult[]> {
    const zones = zoneName ? [normalizeName(zoneName)] : [...this.zones.keys()];
    const out: DnssecTickResult[] = [];
    for (const zone of zones) {
      const s = this.zones.get(zone);
      const snap = this.store.zone(zone);
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
      if (steps.length || renew) await this.store.signerCommit(zone, { full, renew, apply: this.keyRecords(zone) });
      out.push({ zone, renewed: renew || full, steps });
    }
    return out;
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
