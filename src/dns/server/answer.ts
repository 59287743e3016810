// The pure answering rules of an authoritative server (RFC 1034 §4.3.2), over the zones we serve. No
// sockets, no wire format: a question in, sections of records out. dns/server encodes the result.
import { type RR, type RRset, type RRType, targetOf, type ZoneSet, type ZoneSnapshot } from "../zone/index.ts";
import { parentName } from "../zone/index.ts";
import { QTYPE, RCODE, TYPE, TYPE_NAME } from "./constants.ts";

export interface Answer {
  rcode: number;
  /** Authoritative Answer flag. */
  aa: boolean;
  answer: RR[];
  authority: RR[];
  additional: RR[];
  /** True when the answer depends on one zone only (it may be cached in that zone's snapshot). */
  singleZone: boolean;
}

/** CNAME chains are followed at most this far (loops end here too). */
const MAX_CHAIN = 8;

function push(out: RR[], s: RRset, owner = s.name): void {
  for (const d of s.data) out.push({ name: owner, type: s.type, ttl: s.ttl, data: d });
}

function negative(z: ZoneSnapshot, a: Answer): void {
  // RFC 2308 §3: the SOA goes in the authority section with TTL = min(SOA TTL, SOA MINIMUM).
  a.authority.push({ name: z.name, type: "SOA", ttl: z.negativeTtl, data: z.soa.data[0] });
}

/** The closest delegation (a non-apex name with NS) at or above `name` inside `z`, if any. */
function findCut(z: ZoneSnapshot, name: string): RRset | undefined {
  if (!z.hasCuts) return undefined;
  let best: RRset | undefined;
  let n = name;
  // Walk up to the apex; the highest cut wins (anything below it is not ours to answer).
  for (let i = 0; i < 128 && n !== z.name && n !== ""; i++) {
    const ns = z.get(n, "NS");
    if (ns) best = ns;
    n = parentName(n);
  }
  return best;
}

function addTargets(z: ZoneSet, a: Answer, sets: RR[], only?: (target: string) => boolean): void {
  const seen = new Set(a.additional.map((r) => `${r.name}/${r.type}/${r.data}`));
  for (const rr of sets) {
    const t = targetOf(rr.type, rr.data);
    if (!t || (only && !only(t))) continue;
    const tz = z.find(t);
    if (!tz) continue;
    for (const type of ["A", "AAAA"] as const) {
      const s = tz.get(t, type);
      if (!s) continue;
      for (const d of s.data) {
        const k = `${t}/${type}/${d}`;
        if (!seen.has(k) && !a.answer.some((r) => r.name === t && r.type === type)) {
          seen.add(k);
          a.additional.push({ name: t, type, ttl: s.ttl, data: d });
        }
      }
    }
  }
}

/**
 * Answer `qname`/`qtype` (class IN) from `zones`. `qname` is normalized (lower case, no trailing dot).
 * Meta types other than ANY (AXFR, IXFR, MAILA, MAILB, OPT, TSIG) are the caller's business.
 */
export function answer(zones: ZoneSet, qname: string, qtype: number): Answer {
  const a: Answer = { rcode: RCODE.NOERROR, aa: false, answer: [], authority: [], additional: [], singleZone: true };
  const first = zones.find(qname);
  if (!first) {
    a.rcode = RCODE.REFUSED; // not authoritative for this name, and no recursion offered
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

    // Step 3b: a delegation on the way down gives a referral (not authoritative for what is below).
    const cut = findCut(z, name);
    if (cut) {
      if (hop === 0) a.aa = false;
      push(a.authority, cut);
      const cutName = cut.name;
      addTargets(zones, a, a.authority, (t) => t === cutName || t.endsWith("." + cutName));
      return a;
    }

    let node = z.nodes.get(name);
    let owner = name;
    if (!node) {
      if (z.exists(name)) {
        // An empty non-terminal exists (RFC 4592 §2.2.2): NODATA.
        negative(z, a);
        return a;
      }
      // RFC 4592 §3.3.1: the source of synthesis is "*." + the closest encloser.
      let ce = parentName(name);
      for (let i = 0; i < 128 && ce !== z.name && !z.exists(ce); i++) ce = parentName(ce);
      const wild = z.nodes.get(`*.${ce}`);
      if (!wild) {
        a.rcode = RCODE.NXDOMAIN;
        negative(z, a);
        return a;
      }
      node = wild;
      owner = name;
    }

    if (qtype === QTYPE.ANY) {
      // RFC 8482 §4.2: answer ANY with one RRset of the name instead of all of them.
      const pick = node.get("CNAME") ?? node.get("A") ?? node.get("AAAA") ?? [...node.values()].sort((x, y) => (x.type < y.type ? -1 : 1))[0];
      push(a.answer, pick, owner);
      return a;
    }
    const type = TYPE_NAME[qtype] as RRType | undefined;
    const want = type ? node.get(type) : undefined;
    if (want) {
      push(a.answer, want, owner);
      if (type === "MX" || type === "SRV" || type === "NS") addTargets(zones, a, a.answer.filter((r) => r.type === type));
      return a;
    }
    const cname = node.get("CNAME");
    if (cname && qtype !== TYPE.CNAME) {
      push(a.answer, cname, owner);
      const target = targetOf("CNAME", cname.data[0])!;
      if (visited.has(target)) return a; // a loop: what we have is all there is
      name = target;
      continue;
    }
    negative(z, a);
    return a;
  }
  return a;
}
