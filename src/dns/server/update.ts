// RFC 2136 UPDATE received: zone section, prerequisites (§2.4, §3.2), policy (§3.3), update section
// (§2.5, §3.4), all applied through ONE zone transaction or not at all. A TSIG key is required.
// The policy is the integrator's (updns: core's updatePolicy, handed in through the Responder's options);
// what the handler needs of the server around it comes in an UpdateContext of plain values and functions.
import { readName, type ScannedMessage, type ScannedRecord, signMessage, type TsigKey, verifyMessage, TSIG_TYPE } from "../wire/index.ts";
import { isZoneType, RdataError, rdataKey, readRdata, rrTypeOf, type RRType, ZoneError, type ZoneStore, type ZoneTx } from "../zone/index.ts";
import { inZone } from "../zone/index.ts";
import { CLASS, QTYPE, RCODE, TYPE } from "./constants.ts";
import type { DnsCounters } from "./counters.ts";
import type { Edns } from "./message.ts";
import type { UpdatePolicy } from "./policy.ts";
import type { Peer } from "./responder.ts";

/** A prerequisite or update failed with this rcode; nothing is applied. */
class UpdateFailure extends Error {
  constructor(
    readonly rcode: number,
    message: string,
  ) {
    super(message);
  }
}

interface Rec {
  name: string;
  /** The owner as sent (RFC 4343 §4: an added record keeps it); `name` is its lower-case form. */
  written: string;
  type: number;
  rtype: RRType | null;
  class: number;
  ttl: number;
  data: string | null;
}

function decode(msg: Uint8Array, r: ScannedRecord): Rec {
  // The DNSSEC types (RRSIG, NSEC3, DNSKEY, ...) are the signer's: to UPDATE they are types we do not serve.
  const known = rrTypeOf(r.type);
  const rtype = isZoneType(known) ? known : null;
  let data: string | null = null;
  if (r.rdlength > 0) {
    if (!rtype) throw new UpdateFailure(RCODE.REFUSED, `record type ${r.type} is not served by embedded zones`);
    try {
      data = readRdata(msg, r.rdataOffset, r.rdlength, rtype);
    } catch (e) {
      if (e instanceof RdataError) throw new UpdateFailure(RCODE.FORMERR, `bad ${rtype} rdata of ${r.name}: ${e.message}`);
      throw e;
    }
  }
  return { name: r.name, written: readName(msg, r.offset, true).name, type: r.type, rtype, class: r.class, ttl: r.ttl, data };
}

/** What became of an UPDATE beyond its rcode, for the log line (responder.ts). */
export interface UpdateNote {
  /** The zone's serial after an UPDATE that changed it; absent when nothing changed. */
  serial?: number;
  /** Why a REFUSED was refused. */
  why?: string;
}

/** What the UPDATE handler needs from the server it runs in. */
export interface UpdateContext {
  store: ZoneStore;
  /** Who may change what (§3.3); absent: every UPDATE is refused. */
  policy: UpdatePolicy | undefined;
  counters: DnsCounters["updates"];
  lookupKey: (name: string) => TsigKey | undefined;
  /** A bare answer with `rcode`, the question echoed when it parsed. */
  errorResponse: (msg: Uint8Array, rcode: number, m: ScannedMessage, edns: Edns | null) => Uint8Array;
  /** The answer to a request whose TSIG did not verify (RFC 8945 §5.3.2). */
  tsigError: (msg: Uint8Array, m: ScannedMessage, v: Extract<ReturnType<typeof verifyMessage>, { ok: false }>, peer: Peer) => Uint8Array;
}

export async function handleUpdate(ctx: UpdateContext, msg: Uint8Array, m: ScannedMessage, peer: Peer, edns: Edns | null, note: UpdateNote = {}): Promise<Uint8Array> {
  const { store, policy } = ctx;
  const c = ctx.counters;
  // §3.1.1: exactly one zone, of type SOA.
  if (m.questions.length !== 1 || m.questions[0].type !== TYPE.SOA) {
    c.formerr++;
    return ctx.errorResponse(msg, RCODE.FORMERR, m, edns);
  }
  let key: { key: TsigKey; mac: Uint8Array } | null = null;
  if (m.records.some((r) => r.type === TSIG_TYPE)) {
    const v = verifyMessage(msg, ctx.lookupKey);
    if (!v.ok) {
      c.notauth++;
      return ctx.tsigError(msg, m, v, peer);
    }
    key = { key: v.key, mac: v.mac };
  }
  const sign = (out: Uint8Array) => (key ? signMessage(out, key.key, { requestMac: key.mac }).wire : out);
  const fail = (rcode: number) => sign(ctx.errorResponse(msg, rcode, m, edns));

  const zoneName = m.questions[0].name;
  const zone = store.zone(zoneName);
  // §3.1.1: not a zone we are primary for.
  if (!zone || m.questions[0].class !== CLASS.IN) {
    c.notauth++;
    return fail(RCODE.NOTAUTH);
  }
  if (!key || !policy) {
    // An unsigned UPDATE is never accepted: the key is what the policy grants rights to.
    note.why = key ? "no update policy" : "unsigned";
    c.refused++;
    return fail(RCODE.REFUSED);
  }
  let prereqs: Rec[];
  let updates: Rec[];
  try {
    prereqs = m.records.filter((r) => r.section === "answer").map((r) => decode(msg, r));
    updates = m.records.filter((r) => r.section === "authority").map((r) => decode(msg, r));
  } catch (e) {
    if (!(e instanceof UpdateFailure)) throw e;
    if (e.rcode === RCODE.FORMERR) c.formerr++;
    else c.refused++;
    return fail(e.rcode);
  }

  // §3.2: prerequisite names must be in the zone; class and TTL forms checked before anything runs.
  for (const p of prereqs) {
    if (p.ttl !== 0) return (c.formerr++, fail(RCODE.FORMERR));
    if (!inZone(p.name, zone.name)) return (c.formerr++, fail(RCODE.NOTZONE));
    if ((p.class === CLASS.ANY || p.class === CLASS.NONE) && p.data !== null) return (c.formerr++, fail(RCODE.FORMERR));
    if (p.class !== CLASS.ANY && p.class !== CLASS.NONE && p.class !== CLASS.IN) return (c.formerr++, fail(RCODE.FORMERR));
    if (p.class === CLASS.IN && (p.data === null || p.type === QTYPE.ANY)) return (c.formerr++, fail(RCODE.FORMERR));
  }
  // §3.4.1: prescan of the update section.
  for (const u of updates) {
    if (!inZone(u.name, zone.name)) return (c.formerr++, fail(RCODE.NOTZONE));
    if (u.class === CLASS.IN) {
      if (u.type === QTYPE.ANY || u.type >= QTYPE.TSIG || u.type === QTYPE.OPT || u.data === null) return (c.formerr++, fail(RCODE.FORMERR));
      if (!u.rtype) return ((note.why = "unknown record type"), c.refused++, fail(RCODE.REFUSED));
    } else if (u.class === CLASS.ANY) {
      if (u.ttl !== 0 || u.data !== null || (u.type >= QTYPE.TSIG && u.type !== QTYPE.ANY)) return (c.formerr++, fail(RCODE.FORMERR));
    } else if (u.class === CLASS.NONE) {
      if (u.ttl !== 0 || u.type >= QTYPE.TSIG || u.data === null) return (c.formerr++, fail(RCODE.FORMERR));
    } else return (c.formerr++, fail(RCODE.FORMERR));
  }
  // §3.3: the key's policy must grant every name and type touched.
  for (const u of updates) {
    const type: RRType | "ANY" = u.type === QTYPE.ANY ? "ANY" : (u.rtype ?? "ANY");
    if (!policy({ zone: zone.name, key: key.key.name, name: u.name, type, address: peer.address })) {
      note.why = `key not granted ${type} at ${u.name}`;
      c.refused++;
      return fail(RCODE.REFUSED);
    }
  }

  try {
    const cs = await store.transaction(zone.name, (tx) => {
      checkPrerequisites(tx, prereqs);
      for (const u of updates) apply(tx, zone.name, u);
    });
    if (cs) c.applied++;
    else c.noop++;
    if (cs) note.serial = cs.serialTo;
    return sign(ctx.errorResponse(msg, RCODE.NOERROR, m, edns));
  } catch (e) {
    if (e instanceof UpdateFailure) {
      c.prereqFailed++;
      return fail(e.rcode);
    }
    if (e instanceof ZoneError) {
      note.why = e.message;
      c.refused++;
      return fail(e.reason === "notzone" ? RCODE.NOTZONE : e.reason === "invalid" ? RCODE.FORMERR : RCODE.REFUSED);
    }
    c.refused++;
    return fail(RCODE.SERVFAIL);
  }
}

/** §3.2.5: every prerequisite, against the zone as it stands inside the transaction. */
function checkPrerequisites(tx: ZoneTx, prereqs: Rec[]): void {
  const valueSets = new Map<string, { name: string; rtype: RRType | null; data: Set<string> }>();
  for (const p of prereqs) {
    const types = tx.types(p.name);
    if (p.class === CLASS.ANY) {
      if (p.type === QTYPE.ANY) {
        // §2.4.4 Name Is In Use
        if (types.length === 0) throw new UpdateFailure(RCODE.NXDOMAIN, `${p.name} does not exist`);
      } else if (!p.rtype || !types.includes(p.rtype)) {
        // §2.4.1 RRset Exists (value independent)
        throw new UpdateFailure(RCODE.NXRRSET, `${p.name} has no ${p.rtype ?? p.type} RRset`);
      }
    } else if (p.class === CLASS.NONE) {
      if (p.type === QTYPE.ANY) {
        // §2.4.5 Name Is Not In Use
        if (types.length > 0) throw new UpdateFailure(RCODE.YXDOMAIN, `${p.name} exists`);
      } else if (p.rtype && types.includes(p.rtype)) {
        // §2.4.3 RRset Does Not Exist
        throw new UpdateFailure(RCODE.YXRRSET, `${p.name} has a ${p.rtype} RRset`);
      }
    } else {
      // §2.4.2 RRset Exists (value dependent): collect, then compare whole sets.
      const k = `${p.name}\0${p.type}`;
      let s = valueSets.get(k);
      if (!s) valueSets.set(k, (s = { name: p.name, rtype: p.rtype, data: new Set() }));
      // Names in rdata compare case-insensitively (RFC 4343 §3).
      s.data.add(rdataKey(p.rtype!, p.data!));
    }
  }
  for (const s of valueSets.values()) {
    const have = s.rtype ? tx.get(s.name, s.rtype) : undefined;
    if (!have || have.data.length !== s.data.size || have.data.some((d) => !s.data.has(rdataKey(s.rtype!, d))))
      throw new UpdateFailure(RCODE.NXRRSET, `${s.name} ${s.rtype} does not hold exactly the given records`);
  }
}

/** §3.4.2: one update record. */
function apply(tx: ZoneTx, zone: string, u: Rec): void {
  const apex = u.name === zone;
  if (u.class === CLASS.IN) {
    const t = u.rtype!;
    // The serial is ours to manage (one bump per transaction); an SOA in an UPDATE is ignored.
    if (t === "SOA") return;
    const types = tx.types(u.name);
    // §3.4.2.2: a CNAME is not added beside other data, nor other data beside a CNAME.
    if (t === "CNAME" && types.some((x) => x !== "CNAME")) return;
    if (t !== "CNAME" && types.includes("CNAME")) return;
    if (t === "CNAME" && types.includes("CNAME")) tx.deleteRRset(u.name, "CNAME");
    tx.addRR({ name: u.written, type: t, ttl: u.ttl, data: u.data! });
  } else if (u.class === CLASS.ANY) {
    if (u.type === QTYPE.ANY) return tx.deleteName(u.name); // keeps apex SOA and NS (§3.4.2.3)
    if (!u.rtype) return;
    // §3.4.2.3: the apex SOA and NS RRsets are never deleted as a whole.
    if (apex && (u.rtype === "SOA" || u.rtype === "NS")) return;
    tx.deleteRRset(u.name, u.rtype);
  } else {
    if (!u.rtype || u.rtype === "SOA") return; // §3.4.2.4: never delete the SOA
    // §3.4.2.4: the last NS at the apex stays.
    if (apex && u.rtype === "NS") {
      const ns = tx.get(u.name, "NS");
      if (ns && ns.data.length === 1 && rdataKey("NS", ns.data[0]) === rdataKey("NS", u.data!)) return;
    }
    tx.deleteRR({ name: u.name, type: u.rtype, data: u.data! });
  }
}

