// Turns one received DNS message into the messages to send back. The hot path answers plain queries from
// wire-format answers prepared per zone snapshot (ID, flags and the question's case patched in); the slow
// path handles everything else: FORMERR, BADVERS, TSIG, AXFR/IXFR, UPDATE, CHAOS, NOTIMP.
import {
  appendUnsignedTsigError,
  badTimeOtherData,
  findTsig,
  MessageFormatError,
  normalizeName,
  scanMessage,
  type ScannedMessage,
  serialGt,
  signMessage,
  type TsigKey,
  TsigStreamSigner,
  verifyMessage,
  TSIG_ERROR,
  TSIG_TYPE,
} from "../wire/index.ts";
import { type PreparedAnswer, type ZoneSet, type ZoneSnapshot, type ZoneStore } from "../zone/index.ts";
import { answer, type Answer, EDE_NOT_AUTHORITATIVE } from "./answer.ts";
import { CLASS, OPCODE, QTYPE, RCODE, RCODE_NAME, TYPE, typeLabel } from "./constants.ts";
import { bump, type DnsCounters, newCounters, RESPONSE_CELLS } from "./counters.ts";
import { type Edns, encodeResponse, encodeWithin, FLAG, HEADER, mixKey, QueryScan, type ResponseParts, scanQuery, scannedEdns, scannedName, udpLimit } from "./message.ts";
import { ApexIndex, findPrepared, keepPrepared } from "./prepared.ts";
import { addressAllowed, addressSetOf, type UpdatePolicy, type ZoneAcl } from "./policy.ts";
import type { DnsEventFields, DnsEvents } from "./events.ts";
import { handleUpdate, type UpdateContext, type UpdateNote } from "./update.ts";
import { axfrMessages, Framer, ixfrMessages, messageAt, patch, patchInPlace, transferOf, type Transfer } from "./xfr.ts";

/** RFC 8914 §4.22: a class (or CHAOS name) we do not serve; NSD sends it with such REFUSED answers. */
const EDE_NOT_SUPPORTED = 21;

/** RFC 8914 §4.19: refused by policy; NSD sends it when its ACL refuses a transfer. */
const EDE_PROHIBITED = 18;

const OPCODE_NAME: Record<number, string> = Object.fromEntries(Object.entries(OPCODE).map(([k, v]) => [v, k]));

export interface ResponderOptions {
  store: ZoneStore;
  /** Largest UDP answer we send to EDNS clients (dns.max_udp_size, RFC 8085/DNS flag day 2020: 1232). */
  maxUdpSize?: number;
  /** TSIG keys we know (transfer, NOTIFY and UPDATE keys). */
  keys?: TsigKey[];
  /** Per zone transfer ACL and NOTIFY targets. */
  acl?: Record<string, ZoneAcl>;
  /** Who may UPDATE what; absent = every UPDATE is REFUSED. */
  updatePolicy?: UpdatePolicy;
  /** CHAOS TXT answers (version.bind, id.server), only when configured. */
  chaos?: { version?: string; id?: string };
  counters?: DnsCounters;
  /** A DNS thread's shared count cells (counters.ts): the hot path counts there instead of in `counters`. */
  cells?: Float64Array;
  log?: (msg: string) => void;
  /** UPDATEs in, transfers out and TSIG failures, for the operator's log. */
  events?: DnsEvents;
}

export interface Peer {
  transport: "udp" | "tcp";
  address: string;
  port: number;
}

/** Where responses go; TCP may receive several (AXFR/IXFR). */
export type Send = ((msg: Uint8Array) => void) & {
  /**
   * TCP only: several messages at once, each framed with its length octets (RFC 1035 §4.2.2), in one write.
   * The caller may change the octets once it returns (what the socket did not take is copied).
   */
  framed?: (wire: Uint8Array) => void;
};

/** One served (or refused) transfer, newest last in Responder.transferLog. */
export interface TransferRecord {
  time: number;
  zone: string;
  kind: "AXFR" | "IXFR" | "IXFR-as-AXFR" | "IXFR-current" | "refused";
  address: string;
  key: string | null;
  serial: number;
}

export class Responder {
  readonly counters: DnsCounters;
  /** The last 100 transfers, for the status page and tests. */
  readonly transferLog: TransferRecord[] = [];
  readonly maxUdpSize: number;
  private keys = new Map<string, TsigKey>();
  /** The hot path's scratch: the query being answered, read in place. */
  private readonly scan = new QueryScan();
  /** The apexes of the zone set last answered from (rebound when a commit swaps the set, rebuilt when zones come or go). */
  private apexes: ApexIndex | undefined;
  private readonly byType: Record<string, number>;
  private readonly byRcode: Record<string, number>;

  constructor(private readonly opts: ResponderOptions) {
    this.counters = opts.counters ?? newCounters();
    // Held here: DNS threads (threads.ts) make the counters' own properties fold their cells in when read.
    this.byType = this.counters.queriesByType;
    this.byRcode = this.counters.responsesByRcode;
    this.maxUdpSize = opts.maxUdpSize ?? 1232;
    this.setKeys(opts.keys ?? []);
    if (opts.acl) this.setAcl(opts.acl);
  }

  /** Replace the key list (config reload, key added in the web UI). */
  setKeys(keys: TsigKey[]): void {
    this.keys = new Map(keys.map((k) => [k.name, k]));
  }
  setAcl(acl: Record<string, ZoneAcl>): void {
    this.opts.acl = acl;
    // Transfer address lists parsed now, not by the first transfer (right after start-up, say).
    for (const a of Object.values(acl)) addressSetOf(a.transferAddresses);
  }
  lookupKey = (name: string): TsigKey | undefined => this.keys.get(normalizeName(name));

  /**
   * Handle one message. Plain queries are answered synchronously; UPDATE and transfers may finish
   * later (the returned promise). Never throws: a failure inside becomes SERVFAIL or silence.
   */
  handle(msg: Uint8Array, peer: Peer, send: Send): void | Promise<void> {
    const out = this.plainAnswerSafe(msg, peer.address, peer.transport);
    if (out) return send(out);
    return this.handleOther(msg, peer, send);
  }

  /** plainAnswer that never throws: a failure inside is logged and the message answered by nobody. */
  plainAnswerSafe(msg: Uint8Array, address: string, transport: Peer["transport"] = "udp"): Uint8Array | null {
    try {
      return this.plainAnswer(msg, transport);
    } catch (e) {
      this.opts.log?.(`dns/server: ${address}: ${(e as Error).stack ?? e}`);
      return null;
    }
  }

  /** handle() for a message plainAnswer did not take (the slow path); never throws either. */
  handleOther(msg: Uint8Array, peer: Peer, send: Send): void | Promise<void> {
    try {
      const r = this.slow(msg, peer, send);
      if (r instanceof Promise) return r.catch((e) => this.opts.log?.(`dns/server: ${peer.address}: ${(e as Error).stack ?? e}`));
    } catch (e) {
      this.opts.log?.(`dns/server: ${peer.address}: ${(e as Error).stack ?? e}`);
    }
  }

  /**
   * The answer to a plain IN query (the hot path), counted; null for any other message, which handle()'s
   * slow path answers. DNS threads call this alone and pass the rest to the main thread.
   */
  plainAnswer(msg: Uint8Array, transport: Peer["transport"]): Uint8Array | null {
    const s = this.scan;
    if (!scanQuery(msg, s) || s.qclass !== CLASS.IN || (s.edns && s.version !== 0)) return null;
    const qtype = s.qtype;
    if (qtype === QTYPE.AXFR || qtype === QTYPE.IXFR || qtype >= QTYPE.MAILB || qtype === QTYPE.OPT || qtype === QTYPE.TSIG) return null;
    const limit = transport === "udp" ? (s.edns ? Math.max(512, Math.min(s.udpSize, this.maxUdpSize)) : 512) : 65535;
    // The answer varies with EDNS (absent, present, DO set) and the size it must fit in.
    const variant = (s.edns ? (s.do ? 2 : 1) : 0) + limit * 4;
    const zones = this.opts.store.snapshot();
    if (this.apexes?.set !== zones && !this.apexes?.rebind(zones)) this.apexes = new ApexIndex(zones);
    const zone = this.apexes.find(msg, s);
    const key = mixKey(s.suffixHash[0], qtype, variant);
    const prepared = (zone && findPrepared(zone, key, msg, s, variant)) || this.prepare(msg, zones, zone, key, variant, limit);
    const out = prepared.wire.slice();
    out[0] = msg[0];
    out[1] = msg[1];
    // RFC 1035 §4.1.1: RD is copied into the response; RFC 4035 §3.1.6 CD likewise.
    out[2] = (out[2] & ~0x01) | (msg[2] & 0x01);
    out[3] = (out[3] & ~0x10) | (msg[3] & 0x10);
    // Echo the question's case (answers point to it by compression, so they echo it as well). A byte loop:
    // subarray() makes a typed-array object per query, and the profile had it at a fifth of this function.
    for (let i = HEADER; i < s.qnameEnd; i++) out[i] = msg[i];
    const cells = this.opts.cells;
    if (cells) {
      cells[qtype]++;
      cells[RESPONSE_CELLS + (out[3] & 0xf)]++;
    } else {
      bump(this.byType, typeLabel(qtype));
      bump(this.byRcode, RCODE_NAME[out[3] & 0xf] ?? String(out[3] & 0xf));
    }
    return out;
  }

  /** The answer to the scanned question made afresh, kept in its zone's cache when it depends on that zone alone. */
  private prepare(msg: Uint8Array, zones: ZoneSet, zone: ZoneSnapshot | undefined, key: number, variant: number, limit: number): PreparedAnswer {
    const s = this.scan;
    const qname = scannedName(msg, s);
    const edns = scannedEdns(s);
    const a = answer(zones, qname, s.qtype, s.do && s.edns);
    const name = lowerNameBytes(msg, s.qnameEnd);
    const parts = this.parts(0, FLAG.QR, a, { nameBytes: name, qname, qtype: s.qtype, qclass: CLASS.IN }, edns);
    const wire = encodeWithin(parts, limit, !a.aa && a.authority.some((r) => r.type === "NS"));
    if (wire[2] & 0x02) this.counters.truncated++;
    const e: PreparedAnswer = { name, qtype: s.qtype, variant, wire, next: null };
    // Answers that span zones are not cached: a commit in the other zone would not clear them.
    if (zone && a.singleZone) keepPrepared(zone, key, e);
    return e;
  }

  private parts(id: number, flags: number, a: Answer, question: ResponseParts["question"], edns: Edns | null): ResponseParts {
    return {
      id,
      flags: flags | (a.aa ? FLAG.AA : 0),
      rcode: a.rcode,
      question,
      answer: a.answer,
      authority: a.authority,
      additional: a.additional,
      edns: edns ? { udpSize: this.maxUdpSize, do: edns.do, ede: a.ede } : null,
    };
  }

  /** A bare error response: the header of the query with QR and `rcode`, the question when it parsed. */
  errorResponse(msg: Uint8Array, rcode: number, scanned?: ScannedMessage, edns?: Edns | null, ede?: number): Uint8Array {
    const flags = FLAG.QR | (((msg[2] << 8) | msg[3]) & (0x7800 | FLAG.RD | FLAG.CD));
    let question: ResponseParts["question"] = null;
    if (scanned && scanned.questions.length === 1 && !scanned.questions[0].name.includes("\\")) {
      const q = scanned.questions[0];
      const end = questionNameEnd(msg);
      if (end > 0) question = { nameBytes: msg.slice(HEADER, end + 1), qname: q.name, qtype: q.type, qclass: q.class };
    }
    return encodeResponse({ id: (msg[0] << 8) | msg[1], flags, rcode, question, answer: [], authority: [], additional: [], edns: edns ? { udpSize: this.maxUdpSize, do: false, ede } : null });
  }

  private count(out: Uint8Array, qtype?: number) {
    if (qtype !== undefined) bump(this.byType, typeLabel(qtype));
    bump(this.byRcode, RCODE_NAME[out[3] & 0xf] ?? String(out[3] & 0xf));
  }

  private slow(msg: Uint8Array, peer: Peer, send: Send): void | Promise<void> {
    // Fewer than 12 octets, or a response: nothing sensible to answer (and answering responses loops).
    if (msg.length < HEADER || msg[2] & 0x80) {
      this.counters.dropped++;
      return;
    }
    let m: ScannedMessage;
    try {
      m = scanMessage(msg);
    } catch (e) {
      if (!(e instanceof MessageFormatError)) throw e;
      const out = this.errorResponse(msg, RCODE.FORMERR);
      this.count(out);
      return send(out);
    }
    const reply = (out: Uint8Array, qtype?: number) => {
      this.count(out, qtype);
      send(out);
    };
    // RFC 6891 §6.1.1: at most one OPT, in the additional section, owned by the root.
    const opts = m.records.filter((r) => r.type === QTYPE.OPT);
    if (opts.length > 1 || opts.some((o) => o.section !== "additional" || o.name !== "")) return reply(this.errorResponse(msg, RCODE.FORMERR, m));
    const opt = opts[0];
    const edns: Edns | null = opt ? { udpSize: opt.class, version: (opt.ttl >>> 16) & 0xff, do: (opt.ttl & 0x8000) !== 0 } : null;
    if (edns && edns.version > 0) return reply(this.errorResponse(msg, RCODE.BADVERS, m, edns)); // RFC 6891 §6.1.3

    if (m.opcode === OPCODE.UPDATE) {
      const note: UpdateNote = {};
      return handleUpdate(this.updateContext(), msg, m, peer, edns, note).then((out: Uint8Array) => {
        this.logUpdate(msg, m, peer, out, note);
        reply(out);
      });
    }
    if (m.opcode !== OPCODE.QUERY) return reply(this.errorResponse(msg, RCODE.NOTIMP, m, edns));
    if (m.questions.length !== 1) return reply(this.errorResponse(msg, RCODE.FORMERR, m, edns));
    // The first name of a message has nothing before it to point to; a pointer there is malformed.
    if (questionNameEnd(msg) < 0) return reply(this.errorResponse(msg, RCODE.FORMERR));
    const q = m.questions[0];
    if (q.type === QTYPE.OPT || q.type === QTYPE.TSIG) return reply(this.errorResponse(msg, RCODE.FORMERR, m, edns), q.type);
    // Plain queries carry nothing in answer/authority; IXFR carries the client's SOA in authority.
    const others = m.records.filter((r) => r.section !== "additional");
    if (others.length > 0 && !(q.type === QTYPE.IXFR && others.length === 1 && others[0].section === "authority" && others[0].type === TYPE.SOA))
      return reply(this.errorResponse(msg, RCODE.FORMERR, m, edns), q.type);

    // TSIG on a query (transfers mostly): verify, and sign what we answer (RFC 8945 §5.3).
    let tsig: { key: TsigKey; mac: Uint8Array } | null = null;
    if (m.records.some((r) => r.type === TSIG_TYPE)) {
      const v = verifyMessage(msg, this.lookupKey);
      if (!v.ok) return reply(this.tsigError(msg, m, v, peer), q.type);
      tsig = { key: v.key, mac: v.mac };
    }
    const sign = (out: Uint8Array) => (tsig ? signMessage(out, tsig.key, { requestMac: tsig.mac }).wire : out);

    if (q.type === QTYPE.AXFR || q.type === QTYPE.IXFR) return this.transfer(msg, m, peer, tsig, edns, send);
    if (q.type === QTYPE.MAILA || q.type === QTYPE.MAILB) return reply(sign(this.errorResponse(msg, RCODE.NOTIMP, m, edns)), q.type);
    if (q.name.includes("\\")) {
      // A name with bytes that none of our names can hold: not ours to answer.
      return reply(sign(this.errorResponse(msg, RCODE.REFUSED, m, edns, EDE_NOT_AUTHORITATIVE)), q.type);
    }
    if (q.class === CLASS.CH) return reply(sign(this.chaos(msg, m, edns)), q.type);
    if (q.class !== CLASS.IN && q.class !== CLASS.ANY) return reply(sign(this.errorResponse(msg, RCODE.REFUSED, m, edns, EDE_NOT_SUPPORTED)), q.type);

    const limit = peer.transport === "udp" ? udpLimit(edns, this.maxUdpSize) - (tsig ? 100 + tsig.key.name.length : 0) : 65535 - 200;
    const a = answer(this.opts.store.snapshot(), q.name, q.type, edns?.do ?? false);
    // RFC 1035 §6.2: an answer to QCLASS=* cannot claim authority for every class (NSD clears AA too).
    if (q.class === CLASS.ANY) a.aa = false;
    const end = questionNameEnd(msg);
    const flags = FLAG.QR | (((msg[2] << 8) | msg[3]) & (FLAG.RD | FLAG.CD));
    const parts = this.parts(m.id, flags, a, { nameBytes: msg.slice(HEADER, end + 1), qname: q.name, qtype: q.type, qclass: q.class }, edns);
    const out = encodeWithin(parts, limit, !a.aa && a.authority.some((r) => r.type === "NS"));
    if (out[2] & 0x02) this.counters.truncated++;
    reply(sign(out), q.type);
  }

  /** One line per UPDATE received: zone, key, peer, what became of it and its rcode. */
  private logUpdate(msg: Uint8Array, m: ScannedMessage, peer: Peer, out: Uint8Array, note: UpdateNote): void {
    const ev = this.opts.events;
    if (!ev) return;
    const rcode = RCODE_NAME[out[3] & 0xf] ?? String(out[3] & 0xf);
    const result = rcode !== "NOERROR" ? "refused" : note.serial !== undefined ? "applied" : "unchanged";
    const fields: DnsEventFields = { zone: m.questions[0]?.name ?? "", key: findTsigSafe(msg)?.keyName ?? null, peer: peer.address, result, rcode };
    if (note.serial !== undefined) fields.serial = note.serial;
    if (note.why) fields.why = note.why;
    if (result === "refused") ev.warn("rfc2136 update", fields);
    else ev.info("rfc2136 update", fields);
  }

  /** The UPDATE handler's view of this server: the policy handed in, the keys, the counters, the error answers. */
  private updateContext(): UpdateContext {
    return {
      store: this.opts.store,
      policy: this.opts.updatePolicy,
      counters: this.counters.updates,
      lookupKey: this.lookupKey,
      errorResponse: (msg, rcode, m, edns) => this.errorResponse(msg, rcode, m, edns),
      tsigError: (msg, m, v, peer) => this.tsigError(msg, m, v, peer),
    };
  }

  /** RFC 8945 §5.3.2: BADKEY/BADSIG answers go unsigned with MAC size 0; NOTAUTH in the header. */
  tsigError(msg: Uint8Array, m: ScannedMessage, v: Extract<ReturnType<typeof verifyMessage>, { ok: false }>, peer?: Peer): Uint8Array {
    const t = findTsigSafe(msg);
    this.opts.events?.warn("tsig verification failed", { error: v.rcode, key: t?.keyName ?? null, peer: peer?.address ?? null, opcode: OPCODE_NAME[m.opcode] ?? String(m.opcode), name: m.questions[0]?.name ?? "" });
    if (v.rcode === "FORMERR") return this.errorResponse(msg, RCODE.FORMERR, m);
    const base = this.errorResponse(msg, RCODE.NOTAUTH, m);
    const now = Math.floor(Date.now() / 1000);
    if (!t) return base;
    if ((v.rcode === "BADTIME" || v.rcode === "BADTRUNC") && v.mac) {
      const key = this.lookupKey(t.keyName);
      // RFC 8945 §5.2.3: a BADTIME answer is signed, keeps the client's time and tells ours in Other Data.
      if (key)
        return signMessage(base, key, {
          requestMac: v.mac,
          error: TSIG_ERROR[v.rcode],
          time: v.rcode === "BADTIME" ? (v.time ?? now) : undefined,
          otherData: v.rcode === "BADTIME" ? badTimeOtherData(now) : undefined,
        }).wire;
    }
    return appendUnsignedTsigError(base, t.keyName, t.algorithmName, TSIG_ERROR[v.rcode as "BADSIG" | "BADKEY"] ?? TSIG_ERROR.BADSIG, t.timeSigned);
  }

  /** CHAOS TXT version.bind / id.server (and their .server twins), only when configured. */
  private chaos(msg: Uint8Array, m: ScannedMessage, edns: Edns | null): Uint8Array {
    const q = m.questions[0];
    const c = this.opts.chaos ?? {};
    const text = q.name === "version.bind" || q.name === "version.server" ? c.version : q.name === "id.server" || q.name === "hostname.bind" ? c.id : undefined;
    if (text === undefined || (q.type !== TYPE.TXT && q.type !== QTYPE.ANY)) return this.errorResponse(msg, RCODE.REFUSED, m, edns, EDE_NOT_SUPPORTED);
    // Written by hand: class CH, a single TXT string.
    const base = this.errorResponse(msg, RCODE.NOERROR, m, edns);
    const body = new TextEncoder().encode(text).slice(0, 255);
    const rr = new Uint8Array(2 + 10 + 1 + body.length);
    rr.set([0xc0, 0x0c, 0, TYPE.TXT, 0, CLASS.CH, 0, 0, 0, 0, 0, body.length + 1, body.length]);
    rr.set(body, 13);
    // Insert the answer before any OPT record.
    const qEnd = HEADER + (base.length - HEADER - (edns ? 11 : 0));
    const out = new Uint8Array(base.length + rr.length);
    out.set(base.subarray(0, qEnd));
    out.set(rr, qEnd);
    out.set(base.subarray(qEnd), qEnd + rr.length);
    out[2] |= FLAG.AA >> 8;
    out[7] = 1;
    return out;
  }

  /** AXFR and IXFR: access check, then the messages (signed in a chain when the request was signed). */
  private async transfer(msg: Uint8Array, m: ScannedMessage, peer: Peer, tsig: { key: TsigKey; mac: Uint8Array } | null, edns: Edns | null, send: Send): Promise<void> {
    const q = m.questions[0];
    const t = this.counters.transfers;
    const zones = this.opts.store.snapshot();
    const z = zones.zones.get(q.name);
    const signOne = (out: Uint8Array) => (tsig ? signMessage(out, tsig.key, { requestMac: tsig.mac }).wire : out);
    let served: { kind: TransferRecord["kind"]; serial: number } | undefined;
    const record = (kind: TransferRecord["kind"], serial: number) => {
      served = { kind, serial };
      this.transferLog.push({ time: Date.now(), zone: q.name, kind, address: peer.address, key: tsig?.key.name ?? null, serial });
      if (this.transferLog.length > 100) this.transferLog.shift();
      // Per zone only for zones we serve: a refused name of a stranger must not grow the table.
      if (z) bump((this.counters.transfersByZone[z.name] ??= {}), kind);
    };
    const type = q.type === QTYPE.AXFR ? "AXFR" : "IXFR";
    const refuse = (rcode: number, why: string, ede?: number) => {
      t.refused++;
      record("refused", 0);
      this.opts.events?.warn("zone transfer refused", { zone: q.name, type, peer: peer.address, key: tsig?.key.name ?? null, rcode: RCODE_NAME[rcode], why });
      const out = signOne(this.errorResponse(msg, rcode, m, edns, ede));
      this.count(out, q.type);
      send(out);
    };
    // RFC 5936 §2.2.1: transfers are of a zone apex we are authoritative for; NOTAUTH otherwise.
    if (!z) return refuse(RCODE.NOTAUTH, "not a zone served here");
    if (q.class !== CLASS.IN) return refuse(RCODE.REFUSED, "class is not IN");
    if (!this.transferAllowed(z.name, peer, tsig?.key.name)) return refuse(RCODE.REFUSED, tsig ? "key not allowed to transfer this zone" : "address not allowed and no key", EDE_PROHIBITED);
    if (peer.transport === "udp" && q.type === QTYPE.AXFR) return refuse(RCODE.FORMERR, "AXFR over UDP"); // RFC 5936 §4.2: AXFR is TCP only
    const end = questionNameEnd(msg);
    // Name, type and class as asked: an IXFR answered in AXFR form still echoes the IXFR question.
    const qbytes = msg.slice(HEADER, end + 5);

    let messages: Transfer;
    if (q.type === QTYPE.IXFR) {
      const soaRec = m.records.find((r) => r.section === "authority" && r.type === TYPE.SOA);
      if (!soaRec || soaRec.rdlength < 22) return refuse(RCODE.FORMERR, "IXFR without the client's SOA");
      // RFC 1995 §3: the client's serial is in the SOA of the authority section.
      const dv = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
      const clientSerial = dv.getUint32(soaRec.rdataOffset + soaRec.rdlength - 20);
      const chain = serialGt(z.serial, clientSerial) ? await this.opts.store.journalSince(z.name, clientSerial) : [];
      const now = this.opts.store.snapshot().zones.get(z.name) ?? z;
      if (peer.transport === "udp" || (chain && chain.length === 0) || !serialGt(now.serial, clientSerial)) {
        // RFC 1995 §2/§4: up to date, or over UDP: a single SOA (the client then comes back over TCP).
        t.ixfrUpToDate++;
        record("IXFR-current", now.serial);
        messages = transferOf([soaOnly(now, QTYPE.IXFR)]);
      } else if (chain === null || (chain.length && chain[chain.length - 1].serialTo !== now.serial)) {
        t.ixfrAsAxfr++; // RFC 1995 §4: the journal does not reach back — answer in AXFR form
        record("IXFR-as-AXFR", now.serial);
        messages = axfrMessages(now);
      } else {
        t.ixfr++;
        record("IXFR", now.serial);
        messages = ixfrMessages(now, chain);
      }
    } else {
      t.axfr++;
      record("AXFR", z.serial);
      messages = axfrMessages(z);
    }
    const n = messages.starts.length;
    this.count(messageAt(messages, 0), q.type);
    const records = messages.records;
    let bytes = 0;
    if (!tsig && send.framed) {
      // Unsigned over TCP: the prepared wire, patched where it lies, in one write.
      send.framed(patchInPlace(messages, m.id, qbytes));
      bytes = messages.wire.length - 2 * n;
    } else {
      const signer = tsig ? new TsigStreamSigner(tsig.key, tsig.mac, { every: 1 }) : null;
      // Over TCP the messages go out framed together, a few writes for the whole transfer.
      const framer = send.framed ? new Framer(send.framed) : null;
      for (let i = 0; i < n; i++) {
        const out = patch(messageAt(messages, i), m.id, i === 0 ? qbytes : null);
        const signed = signer ? signer.next(out, i === n - 1) : out;
        bytes += signed.length;
        if (framer) framer.add(signed);
        else send(signed);
      }
      framer?.flush();
    }
    this.opts.events?.info("zone transfer", { zone: z.name, type, served_as: served!.kind, peer: peer.address, key: tsig?.key.name ?? null, serial: served!.serial, records, messages: n, bytes });
  }

  /** RFC 5936 §6: a transfer needs a granted TSIG key or a listed address. */
  transferAllowed(zone: string, peer: Peer, keyName: string | undefined): boolean {
    const acl = this.opts.acl?.[zone];
    if (!acl) return false;
    if (keyName && acl.transferKeys.includes(keyName)) return true;
    return addressAllowed(peer.address, acl.transferAddresses);
  }

  /** NOTIFY targets of a zone (for the notifier). */
  notifyTargets(zone: string): ZoneAcl["notify"] {
    return this.opts.acl?.[zone]?.notify ?? [];
  }
}

function soaOnly(z: ZoneSnapshot, qtype: number): Uint8Array {
  return encodeResponse({
    id: 0,
    flags: FLAG.QR | FLAG.AA,
    rcode: 0,
    question: { nameBytes: lowerName(z.name), qname: z.name, qtype, qclass: CLASS.IN },
    answer: [{ name: z.name, type: "SOA", ttl: z.soa.ttl, data: z.soa.data[0] }],
    authority: [],
    additional: [],
    edns: null,
  });
}

function lowerName(name: string): Uint8Array {
  const parts = name === "" ? [] : name.split(".");
  const out: number[] = [];
  for (const p of parts) out.push(p.length, ...new TextEncoder().encode(p));
  out.push(0);
  return Uint8Array.from(out);
}

function lowerNameBytes(msg: Uint8Array, end: number): Uint8Array {
  const b = msg.slice(HEADER, end);
  for (let i = 0; i < b.length; i++) if (b[i] >= 65 && b[i] <= 90) b[i] += 32;
  return b;
}

/** Offset of the root label ending the question name at offset 12, or -1 if it is compressed or cut off. */
function questionNameEnd(msg: Uint8Array): number {
  let p = HEADER;
  // At most 128 labels fit in 255 octets.
  for (let i = 0; i < 128; i++) {
    if (p >= msg.length) return -1;
    const l = msg[p];
    if (l === 0) return p;
    if (l > 63) return -1;
    p += 1 + l;
  }
  return -1;
}

function findTsigSafe(msg: Uint8Array) {
  try {
    return findTsig(msg);
  } catch {
    return null;
  }
}

