// Authenticated denial in answers (RFC 4035 §3.1.3, RFC 5155 §7.2): which NSEC3 or NSEC records, with
// their RRSIGs, prove that a name or a type does not exist, that a wildcard answered, or that a
// delegation is unsigned. Used only for queries with the DO bit on signed zones.
import { chainPredecessor, isNsec3Node, parentName, type RR, type RRset, type ZoneSnapshot } from "../zone/index.ts";
import { nsec3Hash } from "../dnssec/index.ts";

/** Push a set and, when asked, its signatures (RFC 4035 §3.1.1) under `owner` (a wildcard's query name). */
export function pushSigned(out: RR[], s: RRset, dnssec: boolean, owner = s.name): void {
  for (const d of s.data) out.push({ name: owner, type: s.type, ttl: s.ttl, data: d });
  if (dnssec && s.sigs) for (const d of s.sigs) out.push({ name: owner, type: "RRSIG", ttl: s.ttl, data: d });
}

/** Whether a name exists in the zone's data (NSEC3 owners are not names: RFC 5155 §7.2.8). */
export function nameExists(z: ZoneSnapshot, n: string): boolean {
  const node = z.nodes.get(n);
  if (node && !(z.chain?.kind === "nsec3" && isNsec3Node(node))) return true;
  return (z.below.get(n) ?? 0) > 0;
}

/** Adds proof records to the authority section, each set once. */
export class Proof {
  private seen = new Set<string>();
  constructor(
    private readonly z: ZoneSnapshot,
    private readonly out: RR[],
  ) {}

  private add(s: RRset | undefined): void {
    if (!s) return;
    const k = `${s.name}\0${s.type}`;
    if (this.seen.has(k)) return;
    this.seen.add(k);
    pushSigned(this.out, s, true);
  }

  /** The NSEC3 whose owner hashes from `name` (or the NSEC at `name`). */
  matching(name: string): void {
    const z = this.z;
    if (!z.chain) return;
    if (z.chain.kind === "nsec3") this.add(z.get(`${nsec3Hash(name)}.${z.name}`, "NSEC3"));
    else this.add(z.get(name, "NSEC"));
  }

  /** The NSEC3 (NSEC) whose span covers `name`: the chain entry before it. */
  covering(name: string): void {
    const z = this.z;
    if (!z.chain) return;
    if (z.chain.kind === "nsec3") {
      const prev = chainPredecessor(z.chain, nsec3Hash(name));
      if (prev !== undefined) this.add(z.get(`${prev}.${z.name}`, "NSEC3"));
    } else {
      const prev = chainPredecessor(z.chain, name);
      if (prev !== undefined) this.add(z.get(prev, "NSEC"));
    }
  }

  /** The name one label below `ce` on the way to `name` (RFC 5155 §1.3 "next closer name"). */
  static nextCloser(name: string, ce: string): string {
    let n = name;
    for (let i = 0; i < 128 && parentName(n) !== ce && n !== ""; i++) n = parentName(n);
    return n;
  }

  /** RFC 5155 §7.2.2 / RFC 4035 §3.1.3.2: the name does not exist, nor does the wildcard that could have made it. */
  nxdomain(name: string, ce: string): void {
    if (this.z.chain?.kind === "nsec3") {
      this.matching(ce);
      this.covering(Proof.nextCloser(name, ce));
      this.covering(`*.${ce}`);
    } else {
      this.covering(name);
      this.covering(`*.${ce}`);
    }
  }

  /** RFC 5155 §7.2.3 / RFC 4035 §3.1.3.1: the name exists without the type (an empty non-terminal too). */
  nodata(name: string): void {
    if (this.z.chain?.kind === "nsec") {
      // An empty non-terminal has no NSEC of its own; the one before it covers it (RFC 4035 §3.1.3.1).
      if (this.z.get(name, "NSEC")) this.matching(name);
      else this.covering(name);
    } else this.matching(name);
  }

  /** RFC 5155 §7.2.6 / RFC 4035 §3.1.3.3: an answer made from a wildcard; no closer name exists. */
  wildcardAnswer(name: string, ce: string): void {
    if (this.z.chain?.kind === "nsec3") this.covering(Proof.nextCloser(name, ce));
    else this.covering(name);
  }

  /** RFC 5155 §7.2.5 / RFC 4035 §3.1.3.4: a wildcard matched, but not with this type. */
  wildcardNodata(name: string, ce: string): void {
    if (this.z.chain?.kind === "nsec3") {
      this.matching(ce);
      this.covering(Proof.nextCloser(name, ce));
      this.matching(`*.${ce}`);
    } else {
      this.covering(name);
      this.matching(`*.${ce}`);
    }
  }
}
