// The pure answering rules of an authoritative server (RFC 1034 §4.3.2), over the zones we serve. No
// sockets, no wire format: a question in, sections of records out. dns/server encodes the result.
import { type RR, type RRset, rrTypeOf, targetOf, type ZoneSet, type ZoneSnapshot } from "../zone/index.ts";
import { parentName } from "../zone/index.ts";
import { QTYPE, RCODE, TYPE } from "./constants.ts";
import { nameExists, Proof, pushSigned } from "./denial.ts";

export interface Answer {
  rcode: number;
  /** Authoritative Answer flag. */
  aa: boolean;
  answer: RR[];
  authority: RR[];
  additional: RR[];
  /** True when the answer depends on one zone only (it may be cached in that zone's snapshot). */
  singleZone: boolean;
  /** Extended DNS Error info-code (RFC 8914) for the OPT record, when the query had EDNS. */
  ede?: number;
}

/** RFC 8914 §4.21: the name is not in a zone we serve (what NSD and Knot send with their REFUSED). */
export const EDE_NOT_AUTHORITATIVE = 20;

/** CNAME chains are followed at most this far (loops end here too). */
const MAX_CHAIN = 8;

function push(out: RR[], s: RRset, owner = s.name): void {
  for (const d of s.data) out.push({ name: owner, type: s.type, ttl: s.ttl, data: d });
}

function negative(z: ZoneSnapshot, a: Answer, dnssec = false): void {
  // RFC 2308 §3: the SOA goes in the authority section with TTL = min(SOA TTL, SOA MINIMUM).
  a.authority.push({ name: z.name, type: "SOA", ttl: z.negativeTtl, data: z.soa.data[0] });
  // RFC 4035 §3.1.3: with its signature (same TTL as the SOA in the answer: RFC 4034 §3 allows the minimum).
  if (dnssec && z.soa.sigs) for (const d of z.soa.sigs) a.authority.push({ name: z.name, type: "RRSIG", ttl: z.negativeTtl, data: d });
}

/**
 * The closest delegation (a non-apex name with NS) at or above `name` inside `z`, if any. A DS query for
 * the cut itself is the parent's to answer (RFC 4035 §3.1.4.1), so `name`'s own NS is skipped then.
 */
function findCut(z: ZoneSnapshot, name: string, dsQuery = false): { ns: RRset; name: string } | undefined {
  if (!z.hasCuts) return undefined;
  // `name` is the lower-case key of the cut (its NS set's owner keeps the case it was written in).
  let best: { ns: RRset; name: string } | undefined;
  let n = dsQuery ? parentName(name) : name;
  // Walk up to the apex; the highest cut wins (anything below it is not ours to answer).
  for (let i = 0; i < 128 && n !== z.name && n !== ""; i++) {
    const ns = z.get(n, "NS");
    if (ns) best = { ns, name: n };
    n = parentName(n);
  }
  return best;
}

/** The highest DNAME strictly above `name` in `z` (RFC 6672 §2.3: it redirects the names below its owner). */
function findDname(z: ZoneSnapshot, name: string): RRset | undefined {
  let best: RRset | undefined;
  if (name === z.name) return undefined;
  let n = parentName(name);
  for (let i = 0; i < 128; i++) {
    const d = z.get(n, "DNAME");
    if (d) best = d;
    if (n === z.name || n === "") break;
    n = parentName(n);
  }
  return best;
}

/**
 * The addresses of the names `sets` point to, for the additional section (RFC 1035 §3.3.9 and friends).
 * With `dnssec` their RRSIGs follow, after all addresses (as Knot orders them), so that a response too big
 * for the client loses the signatures before the addresses: additional data is optional (RFC 4035 §3.1.1).
 */
function addTargets(z: ZoneSet, home: ZoneSnapshot, a: Answer, sets: RR[], dnssec: boolean, only?: (target: string) => boolean): void {
  const seen = new Set(a.additional.map((r) => `${r.name}/${r.type}/${r.data}`));
  let sigs: RR[] | null = null;
  for (const rr of sets) {
    const t = targetOf(rr.type, rr.data);
    if (!t || (only && !only(t))) continue;
    const tz = z.find(t);
    if (!tz) continue;
    // Another zone's addresses (and signatures) would go stale in this zone's answer cache.
    if (tz !== home) a.singleZone = false;
    for (const type of ["A", "AAAA"] as const) {
      const s = tz.get(t, type);
      if (!s) continue;
      let added = false;
      for (const d of s.data) {
        const k = `${t}/${type}/${d}`;
        if (!seen.has(k) && !a.answer.some((r) => r.name === t && r.type === type)) {
          seen.add(k);
          a.additional.push({ name: t, type, ttl: s.ttl, data: d });
          added = true;
        }
      }
      // Glue below a cut has no signatures; only authoritative data of a signed zone has them.
      if (added && dnssec && tz.chain !== null && s.sigs) for (const d of s.sigs) (sigs ??= []).push({ name: t, type: "RRSIG", ttl: s.ttl, data: d });
    }
  }
  if (sigs) for (const r of sigs) a.additional.push(r);
}

/**
 * Answer `qname`/`qtype` (class IN) from `zones`. `qname` is normalized (lower case, no trailing dot).
 * Meta types other than ANY (AXFR, IXFR, MAILA, MAILB, OPT, TSIG) are the caller's business.
 */
export function answer(zones: ZoneSet, qname: string, qtype: number, dnssecOk = false): Answer {
  const a: Answer = { rcode: RCODE.NOERROR, aa: false, answer: [], authority: [], additional: [], singleZone: true };
  let first = zones.find(qname);
  // RFC 4035 §3.1.4.1: a DS lives on the parent side of the cut; when we serve the parent too, it answers.
  if (qtype === TYPE.DS && first && first.name === qname && qname !== "") {
    const parent = zones.find(parentName(qname));
    if (parent && parent.get(qname, "NS")) {
      first = parent;
      a.singleZone = false; // cached by qname's zone (the child), but it is the parent's answer
    }
  }
  if (!first) {
    a.rcode = RCODE.REFUSED; // not authoritative for this name, and no recursion offered
    a.ede = EDE_NOT_AUTHORITATIVE;
    return a;
  }
  a.aa = true;
  let name = qname;
  const visited = new Set<string>();
  for (let hop = 0; hop <= MAX_CHAIN; hop++) {
    const z: ZoneSnapshot | undefined = hop === 0 ? first : zones.find(name);
    // RFC 1034 §4.3.2 step 3a: a CNAME to a name outside our zones ends here; the resolver goes on.
    if (!z) return a;
    if (z !== first) a.singleZone = false;
    visited.add(name);
    // DNSSEC records go in only when asked (RFC 4035 §3.2.1) and the zone is signed.
    const dnssec = dnssecOk && z.chain !== null;
    const proof = dnssec ? new Proof(z, a.authority) : null;

    // Step 3b: a delegation on the way down gives a referral (not authoritative for what is below).
    const cut = findCut(z, name, qtype === TYPE.DS);
    const dname = findDname(z, name);
    // Going down from the apex, whichever of a cut and a DNAME comes first decides (RFC 6672 §3.2).
    const dnameOwner = dname?.name.toLowerCase();
    if (dname && dnameOwner !== undefined && (!cut || cut.name.endsWith("." + dnameOwner))) {
      // RFC 6672 §3.1: the DNAME, then a CNAME synthesised with its TTL from the query name's prefix.
      pushSigned(a.answer, dname, dnssec, dnameOwner);
      const target = dname.data[0].slice(0, -1);
      const prefix = name.slice(0, name.length - dname.name.length - (dname.name === "" ? 0 : 1));
      const synth = target === "" ? prefix : `${prefix}.${target}`;
      // §2.2: a synthesised name longer than 255 octets is YXDOMAIN.
      if (synth.length > 253) {
        a.rcode = RCODE.YXDOMAIN;
        return a;
      }
      a.answer.push({ name, type: "CNAME", ttl: dname.ttl, data: synth + "." });
      const next = synth.toLowerCase();
      if (qtype === TYPE.CNAME || visited.has(next)) return a;
      name = next;
      continue;
    }
    if (cut) {
      if (hop === 0) a.aa = false;
      // Owned by the lookup key like answers are, so it shares the question's case as NSD and Knot do.
      push(a.authority, cut.ns, cut.name);
      // RFC 4035 §3.1.4: the DS of a signed delegation, or the proof that it has none.
      const ds = z.get(cut.name, "DS");
      if (dnssec && ds) pushSigned(a.authority, ds, true);
      else proof?.nodata(cut.name);
      const cutName = cut.name;
      addTargets(zones, z, a, a.authority.filter((r) => r.type === "NS"), dnssecOk, (t) => t === cutName || t.endsWith("." + cutName));
      return a;
    }

    let node = z.nodes.get(name);
    let owner = name;
    /** The closest encloser when a wildcard answers (its proofs need it). */
    let wildCe: string | null = null;
    if (node && z.chain !== null && !nameExists(z, name)) node = undefined; // an NSEC3 owner is not a name
    if (!node) {
      if (nameExists(z, name)) {
        // An empty non-terminal exists (RFC 4592 §2.2.2): NODATA.
        negative(z, a, dnssec);
        proof?.nodata(name);
        return a;
      }
      // RFC 4592 §3.3.1: the source of synthesis is "*." + the closest encloser.
      let ce = parentName(name);
      for (let i = 0; i < 128 && ce !== z.name && !nameExists(z, ce); i++) ce = parentName(ce);
      const wild = z.nodes.get(`*.${ce}`);
      if (!wild) {
        a.rcode = RCODE.NXDOMAIN;
        negative(z, a, dnssec);
        proof?.nxdomain(name, ce);
        return a;
      }
      node = wild;
      owner = name;
      wildCe = ce;
    }

    if (qtype === QTYPE.ANY) {
      // RFC 8482 §4.2: answer ANY with one RRset of the name instead of all of them.
      const pick = node.get("CNAME") ?? node.get("A") ?? node.get("AAAA") ?? [...node.values()].sort((x, y) => (x.type < y.type ? -1 : 1))[0];
      pushSigned(a.answer, pick, dnssec, owner);
      if (wildCe !== null) proof?.wildcardAnswer(name, wildCe);
      return a;
    }
    if (qtype === TYPE.RRSIG) {
      // An explicit RRSIG query gets the signatures at the name, DO or not (RFC 4035 §3.2.1 allows them
      // when asked for by type), and no CNAME is followed: RRSIG may sit beside a CNAME (RFC 2181 §10.1,
      // RFC 4035 §2.5). Knot answers just so; NSD adds the apex NS, which nothing requires.
      for (const s of node.values()) if (s.sigs) for (const d of s.sigs) a.answer.push({ name: owner, type: "RRSIG", ttl: s.ttl, data: d });
      if (a.answer.length > 0) return a;
      negative(z, a, dnssec);
      if (wildCe !== null) proof?.wildcardNodata(name, wildCe);
      else proof?.nodata(name);
      return a;
    }
    const type = rrTypeOf(qtype);
    const want = type && type !== "RRSIG" ? node.get(type) : undefined;
    if (want) {
      pushSigned(a.answer, want, dnssec, owner);
      if (wildCe !== null) proof?.wildcardAnswer(name, wildCe);
      if (type === "MX" || type === "SRV" || type === "NS") addTargets(zones, z, a, a.answer.filter((r) => r.type === type), dnssecOk);
      return a;
    }
    const cname = node.get("CNAME");
    if (cname && qtype !== TYPE.CNAME) {
      pushSigned(a.answer, cname, dnssec, owner);
      if (wildCe !== null) proof?.wildcardAnswer(name, wildCe);
      const target = targetOf("CNAME", cname.data[0])!;
      if (visited.has(target)) return a; // a loop: what we have is all there is
      name = target;
      continue;
    }
    negative(z, a, dnssec);
    if (wildCe !== null) proof?.wildcardNodata(name, wildCe);
    else proof?.nodata(name);
    return a;
  }
  return a;
}
