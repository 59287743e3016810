// Signing inside the zone transaction (Knot's zone_sign / zone_update flow): after the bodies of a commit
// ran, this signs exactly the RRsets the commit changed (they lost their signatures when they changed),
// updates the NSEC3 (RFC 5155, RFC 9276 parameters) or NSEC (RFC 4034 §4) chain only around the names
// whose existence or types changed, and signs the chain records it rewrote. What it writes goes into the
// same overlay, so the journal, IXFR and storage carry the signed changes.
import { canonicalCompare, parentName, type ZoneSnapshot } from "./snapshot.ts";
import { canonicalWire, typeNameOf } from "./rdata.ts";
import { SortedSet } from "./sortedset.ts";
import { type ChainIndex, type Denial, isDnssecType, type RRset, type RRType, type SigningPolicy, type SignView, TYPE_CODE, typeCode, type ZoneKey } from "./types.ts";
import { dnskeyText, dsText, nsec3Hash, parseSigTime, signRRset } from "../dnssec/index.ts";

/** NSEC3 parameters per RFC 9276 §3.1: SHA-1, no extra iterations, empty salt, no opt-out. */
export const NSEC3PARAM_TEXT = "1 0 0 -";
/** RFC 8078 §4 "delete DS" records, canonical. */
export const CDS_DELETE = "0 0 0 00";
export const CDNSKEY_DELETE = "0 3 0 AA==";

export const DEFAULT_POLICY: SigningPolicy = { validity: 14 * 86400, refresh: 7 * 86400, jitter: 86400, inceptionOffset: 3600 };

export interface SignInput {
  view: SignView;
  /** The zone as the last commit left it: which sets were there before this one. */
  before: Pick<ZoneSnapshot, "get">;
  /**
   * The zone as the bodies left it (with the new SOA), for existence and empty non-terminals. Built on
   * first use: a commit that only changes the content of sets needs none.
   */
  pre: () => ZoneSnapshot;
  /** Names and types the commit touched. */
  touched: ReadonlyMap<string, ReadonlySet<RRType>>;
  keys: readonly ZoneKey[];
  denial: Denial;
  oldIndex: ChainIndex | null;
  /** Re-sign and rebuild everything (enabling, a key rolled in or out, the denial kind changed). */
  full: boolean;
  /** Also re-sign sets whose signatures expire before now + policy.refresh. */
  renew: boolean;
  now: number;
  policy: SigningPolicy;
  random?: () => number;
}

const isChainOwner = (node: ReadonlyMap<RRType, RRset> | undefined) => !!node && node.size > 0 && [...node.keys()].every((t) => t === "NSEC3");

/** The nodes of a snapshot that are NSEC3 records only (they live among the names but are not names). */
export function isNsec3Node(node: ReadonlyMap<RRType, RRset> | undefined): boolean {
  return isChainOwner(node);
}

/** Rebuild the chain index of a loaded zone (start-up). */
export function indexOf(z: ZoneSnapshot): ChainIndex | null {
  // A chain always reaches the apex: NSEC3PARAM there (RFC 5155 §4), or the apex's own NSEC (RFC 4034 §4).
  // Without either there is none, and the names need not be walked (a million hosts, at every start-up).
  if (!z.get(z.name, "NSEC3PARAM") && !z.get(z.name, "NSEC")) return null;
  const hashes: string[] = [];
  const names: string[] = [];
  const suffix = "." + z.name;
  for (const [n, node] of z.nodes) {
    if (node.has("NSEC3")) hashes.push(n.slice(0, n.length - suffix.length));
    if (node.has("NSEC")) names.push(n);
  }
  if (z.get(z.name, "NSEC3PARAM")) return { kind: "nsec3", order: SortedSet.fromSorted(hashes.sort(), strCmp) };
  if (names.length) return { kind: "nsec", order: SortedSet.fromSorted(names.sort(canonicalCompare), canonicalCompare) };
  return null;
}

const strCmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The entry of the chain at or before `x` (wrapping to the last): the record that matches or covers it. */
export function chainPredecessor(idx: ChainIndex, x: string): string | undefined {
  return idx.order.atOrBefore(x);
}

/** The lowest ancestor strictly between apex and name that holds NS (a cut above `name`), if any. */
function occludedBy(view: SignView, name: string): boolean {
  let n = parentName(name);
  for (let i = 0; i < 128 && n !== view.name && n !== ""; i++) {
    if (view.get(n, "NS")) return true;
    n = parentName(n);
  }
  return false;
}

/** Which sets at an authoritative name are signed: at a cut only DS and NSEC (RFC 4035 §2.2). */
function signedHere(zone: string, name: string, type: RRType, isCut: boolean): boolean {
  if (type === "RRSIG") return false;
  if (isCut) return type === "DS" || type === "NSEC";
  return true;
}

function userTypes(view: SignView, name: string): RRType[] {
  return view.typesAt(name).filter((t) => t !== "NSEC" && t !== "NSEC3");
}

/**
 * Sign what the commit changed and mend the chain. Returns the new chain index (null: the zone is not
 * signed any more).
 */
export async function signChanges(inp: SignInput): Promise<ChainIndex> {
  const { view, touched, denial, full } = inp;
  let built: ZoneSnapshot | undefined;
  const pre = () => (built ??= inp.pre());
  const zone = view.name;
  const suffix = "." + zone;
  const hashOwner = (h: string) => `${h}${suffix}`;
  const rnd = inp.random ?? Math.random;

  // 1. The names whose place in the chain may have changed.
  const candidates = new Set<string>();
  const resignNames = new Set<string>();
  const addWithAncestors = (n: string) => {
    let x = n;
    for (let i = 0; i < 128; i++) {
      candidates.add(x);
      if (x === zone || x === "") break;
      x = parentName(x);
    }
  };
  if (full) {
    for (const [n, node] of pre().nodes) if (!isChainOwner(node)) candidates.add(n);
    for (const [n, c] of pre().below) if (c > 0 && (n === zone || n.endsWith(suffix))) candidates.add(n);
  } else {
    for (const [n, types] of touched) {
      // Sets that were there and still are (new addresses, the SOA) leave the name's existence, its type
      // bitmap and any cut as they were: its chain entry stands, only the sets get new signatures below.
      if (sameTypes(inp.before, view, n, types)) continue;
      if (isChainOwner(pre().nodes.get(n)) || (n !== zone && [...types].every((t) => t === "NSEC3"))) continue;
      addWithAncestors(n);
      // A cut appeared or went: everything below changes between signed and glue.
      if (n !== zone && types.has("NS")) {
        for (const m of pre().nodes.keys())
          if (m.endsWith("." + n)) {
            addWithAncestors(m); // the empty non-terminals between it and the cut too
            resignNames.add(m);
          }
      }
    }
  }

  // What follows reads the zone as the bodies left it, before the signer writes its own records.
  if (candidates.size > 0 || full || inp.renew || !(inp.oldIndex && inp.oldIndex.kind === denial)) pre();

  // 2. Desired chain entries for the candidates.
  const old = inp.oldIndex && inp.oldIndex.kind === denial ? inp.oldIndex : null;
  const keyOf = (n: string) => (denial === "nsec3" ? nsec3Hash(n) : n);
  const wanted = new Map<string, { name: string; types: string[] }>();
  const unwanted = new Set<string>();
  for (const n of candidates) {
    const k = keyOf(n);
    const node = pre().nodes.get(n);
    const hasData = !!node && !isChainOwner(node) && userTypes(view, n).length > 0;
    const ent = !hasData && (pre().below.get(n) ?? 0) > 0;
    const inChain = (hasData || (denial === "nsec3" && ent)) && !occludedBy(view, n);
    if (!inChain) {
      unwanted.add(k);
      continue;
    }
    wanted.set(k, { name: n, types: bitmapTypes(view, n, denial) });
  }

  // 3. The new order: the old one with removals and insertions (full: from scratch).
  const cmp = denial === "nsec3" ? strCmp : canonicalCompare;
  let order: SortedSet;
  const dirty = new Set<string>();
  if (full || !old) {
    const sorted = [...wanted.keys()].sort(cmp);
    order = SortedSet.fromSorted(sorted, cmp);
    for (const k of sorted) dirty.add(k);
    // Every chain record of another kind or for a name gone is removed.
    for (const [n, node] of pre().nodes) {
      if (node.has("NSEC3") && (denial !== "nsec3" || !wanted.has(n.slice(0, n.length - suffix.length)))) view.set(n, "NSEC3", null);
      if (node.has("NSEC") && (denial !== "nsec" || !wanted.has(n))) view.set(n, "NSEC", null);
    }
  } else {
    const removals = [...unwanted].filter((k) => old.order.has(k));
    const additions = [...wanted.keys()].filter((k) => !old.order.has(k));
    for (const k of removals) {
      if (denial === "nsec3") view.set(hashOwner(k), "NSEC3", null);
      else view.set(k, "NSEC", null);
    }
    // Most commits (an address changed) leave the chain's names alone and keep the order as it is.
    order = removals.length || additions.length ? old.order.with(removals, additions) : old.order;
    // The neighbours before a removed or added entry get a new next pointer.
    for (const k of [...removals, ...additions]) {
      const prev = order.before(k);
      if (prev !== undefined) dirty.add(prev);
    }
    for (const k of wanted.keys()) dirty.add(k);
  }

  // 4. Write the dirty chain records: next pointer from the new order, types from `wanted` or as they were.
  for (const k of dirty) {
    const ttl = pre().negativeTtl; // RFC 9077 §3.3: min(SOA TTL, SOA MINIMUM)
    if (!order.has(k)) continue;
    const next = order.after(k)!;
    if (denial === "nsec3") {
      const owner = hashOwner(k);
      const types = wanted.get(k)?.types ?? (view.get(owner, "NSEC3")?.data[0].split(" ").slice(5) ?? []);
      const data = [`${NSEC3PARAM_TEXT} ${next.toUpperCase()}`, ...types].join(" ");
      if (view.get(owner, "NSEC3")?.data[0] === data) continue;
      view.set(owner, "NSEC3", { name: owner, type: "NSEC3", ttl, data: [data] });
      resignNames.add(owner);
    } else {
      const types = wanted.get(k)?.types ?? (view.get(k, "NSEC")?.data[0].split(" ").slice(1) ?? []);
      const data = [`${next}.`, ...types].join(" ");
      if (view.get(k, "NSEC")?.data[0] === data) continue;
      // The owner as its records write it (RFC 4343 §4); the next name is the chain's lower-case key.
      const owner = view.typesAt(k).map((t) => view.get(k, t)!.name).find((n) => n !== k) ?? k;
      view.set(k, "NSEC", { name: owner, type: "NSEC", ttl, data: [data] });
      resignNames.add(k);
    }
  }

  // 5. Sign: every set the commit wrote (it has no signatures yet), everything when full or renewing.
  const toSign = new Set<string>();
  const consider = (n: string) => toSign.add(n);
  if (full || inp.renew) for (const n of pre().nodes.keys()) consider(n);
  for (const n of touched.keys()) consider(n);
  for (const n of resignNames) consider(n);
  for (const n of candidates) consider(n);
  const renewBefore = inp.now + inp.policy.refresh;
  const zsks = inp.keys.filter((k) => k.state === "active" && (k.role === "zsk" || k.role === "csk"));
  const ksks = inp.keys.filter((k) => k.state === "active" && (k.role === "ksk" || k.role === "csk"));
  let signed = 0;
  for (const n of toSign) {
    // Signing a whole zone takes seconds for 100,000 names: let queries (served from the old snapshot) in.
    if (signed >= 500) {
      signed = 0;
      await new Promise((r) => setImmediate(r));
    }
    const types = view.typesAt(n);
    if (types.length === 0) continue;
    const chainOnly = types.every((t) => t === "NSEC3");
    const occluded = !chainOnly && n !== zone && occludedBy(view, n);
    const isCut = !chainOnly && n !== zone && types.includes("NS");
    for (const t of types) {
      const set = view.get(n, t)!;
      const want = !occluded && signedHere(zone, n, t, isCut);
      if (!want) {
        if (set.sigs?.length) view.set(n, t, strip(set));
        continue;
      }
      const fresh = !!set.sigs?.length && !full && !(inp.renew && expiresBefore(set.sigs, renewBefore));
      if (fresh) continue;
      const signers = t === "DNSKEY" || t === "CDS" || t === "CDNSKEY" ? ksks : zsks;
      view.set(n, t, { ...strip(set), sigs: signSet(set, signers, zone, inp.now, inp.policy, rnd) });
      signed++;
    }
  }
  return { kind: denial, order };
}

/** Whether each of `types` at `n` was there before the commit exactly when it is there now. */
function sameTypes(before: Pick<ZoneSnapshot, "get">, view: SignView, n: string, types: ReadonlySet<RRType>): boolean {
  for (const t of types) if (!before.get(n, t) !== !view.get(n, t)) return false;
  return true;
}

function strip(s: RRset): RRset {
  return { name: s.name, type: s.type, ttl: s.ttl, data: s.data };
}

function expiresBefore(sigs: readonly string[], t: number): boolean {
  for (const s of sigs) if (parseSigTime(s.split(" ")[4]) < t) return true;
  return false;
}

/** The type bitmap of a name's NSEC/NSEC3 record (RFC 4034 §4.1.2, RFC 5155 §3.2.1). */
function bitmapTypes(view: SignView, n: string, denial: Denial): string[] {
  const types = userTypes(view, n).filter((t) => t !== "RRSIG");
  const isCut = n !== view.name && types.includes("NS");
  const codes = new Set(types.map(typeCode));
  // RRSIG is there when something at the name is signed: not at an unsigned delegation (RFC 5155 §7.1);
  // an NSEC is always signed itself (RFC 4034 §4.1.2).
  if (denial === "nsec") {
    codes.add(TYPE_CODE.NSEC);
    codes.add(TYPE_CODE.RRSIG);
  } else if (types.length > 0 && (!isCut || types.includes("DS"))) codes.add(TYPE_CODE.RRSIG);
  return [...codes].sort((a, b) => a - b).map(typeNameOf);
}

/** Signatures over one set by each key, with the validity window jittered (RFC 6781 §4.4.2.3). */
export function signSet(set: RRset, keys: readonly ZoneKey[], zone: string, now: number, policy: SigningPolicy, rnd: () => number = Math.random): string[] {
  const inception = now - policy.inceptionOffset;
  const expiration = now + policy.validity - Math.floor(rnd() * policy.jitter);
  const code = typeCode(set.type);
  const wire = { owner: set.name, type: code, ttl: set.ttl, rdatas: set.data.map((d) => canonicalWire(set.type, d)) };
  return keys.map((k) => signRRset(k.key, wire, set.type, { inception, expiration, signer: zone })).sort();
}

/**
 * The apex records that publish the keys: DNSKEY (every key in the zone), CDS/CDNSKEY for the newest
 * active SEP key (RFC 7344 §4: what the parent's DS should become), NSEC3PARAM when NSEC3 is used.
 */
export function setKeyRecords(view: SignView, keys: readonly ZoneKey[], denial: Denial | null, ttl: number, removeDs = false): void {
  const zone = view.name;
  const put = (type: RRType, data: string[]) =>
    view.set(zone, type, data.length ? { name: zone, type, ttl, data: [...new Set(data)].sort() } : null);
  put("DNSKEY", keys.map((k) => dnskeyText(k.key)));
  const sep = keys.filter((k) => k.state === "active" && k.role !== "zsk").sort((a, b) => b.since - a.since)[0];
  // RFC 8078 §4: the signed "delete" CDS/CDNSKEY ask the parent to remove the DS before signing stops.
  put("CDNSKEY", removeDs ? [CDNSKEY_DELETE] : sep ? [dnskeyText(sep.key)] : []);
  put("CDS", removeDs ? [CDS_DELETE] : sep ? [dsText(zone, sep.key)] : []);
  put("NSEC3PARAM", denial === "nsec3" ? [NSEC3PARAM_TEXT] : []);
}

/** Remove every signature and chain record (DNSSEC switched off). */
export function unsignAll(view: SignView, pre: ZoneSnapshot): void {
  for (const [n, node] of pre.nodes)
    for (const [t, set] of node) {
      if (isDnssecType(t)) view.set(n, t, null);
      else if (set.sigs?.length) view.set(n, t, strip(set));
    }
}
