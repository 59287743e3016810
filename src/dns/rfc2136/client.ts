// The RFC 2136 client: signed UPDATEs to a zone's primary and RD-off queries to its servers, with every
// failure turned into a DnsError whose message a zone owner can act on.
import { randomBytes } from "node:crypto";
import { normalizeName, namesEqual, scanMessage, sourceFor, verifyMessage, signMessage, type SourceAddresses, type TsigKey } from "../wire/index.ts";
import { TYPE, buildQuery, buildUpdate, decodeResponse, reverseName, type DecodedResponse, type Prerequisite, type RecordTypeName, type UpdateOp } from "./message.ts";
import { TransportError, UDP_LIMIT, formatServer, tcpExchange, udpExchange, type ServerAddress, type TransportFailure } from "./transport.ts";

export type DnsErrorKind = TransportFailure | "rcode" | "tsig" | "bad-request";

/**
 * A failed exchange. `transient`: trying again later may work (timeouts, refused connections, SERVFAIL);
 * configuration problems (REFUSED by policy, wrong key or secret) are not transient.
 */
export class DnsError extends Error {
  constructor(
    message: string,
    readonly kind: DnsErrorKind,
    readonly transient: boolean,
    /** DNS rcode or TSIG error name, when the server gave one. */
    readonly rcode?: string,
  ) {
    super(message);
    this.name = "DnsError";
  }
}

export interface ExchangeOptions {
  /** Per attempt, in milliseconds. Default 5000. */
  timeoutMs?: number;
  /** Further attempts after a UDP timeout. Default 1. */
  retries?: number;
  /** Use TCP from the start. */
  tcp?: boolean;
  /** Sign the request and require a signed answer. */
  key?: TsigKey;
  fudge?: number;
  /** Seconds added to our clock for TSIG (tests simulate a skewed clock with it). */
  clockOffsetSeconds?: number;
  /** Local addresses to send from, per family (dns.rfc2136_source); absent: the kernel's choice. */
  source?: SourceAddresses;
}

const DEFAULT_TIMEOUT_MS = 5000;

function newId(): number {
  const b = randomBytes(2);
  return (b[0] << 8) | b[1];
}

/** Human message for an rcode of an UPDATE answer (RFC 2136 §2.2). */
function rcodeMessage(rcode: string, zone: string, server: string): string {
  switch (rcode) {
    case "REFUSED":
      return `${server} refused the update of zone ${zone} (REFUSED): the key's update policy does not allow this name or type`;
    case "NOTAUTH":
      return `${server} is not authoritative for zone ${zone} (NOTAUTH)`;
    case "NOTZONE":
      return `the name is not within zone ${zone} (NOTZONE)`;
    case "SERVFAIL":
      return `${server} failed to apply the update to zone ${zone} (SERVFAIL)`;
    case "FORMERR":
      return `${server} could not parse our update (FORMERR)`;
    case "NOTIMP":
      return `${server} does not accept dynamic updates (NOTIMP)`;
    case "YXDOMAIN":
    case "YXRRSET":
    case "NXRRSET":
    case "NXDOMAIN":
      return `a prerequisite of the update failed on ${server} (${rcode})`;
    default:
      return `${server} answered ${rcode} for zone ${zone}`;
  }
}

function tsigMessage(rcode: string, key: TsigKey | undefined, server: string, detail?: string): string {
  const k = key ? `TSIG key "${key.name}"` : "TSIG key";
  switch (rcode) {
    case "BADSIG":
      return `${server} rejected the signature of ${k} (BADSIG) - shared secret mismatch?`;
    case "BADKEY":
      // BIND answers BADKEY only for an unknown key; Knot also for an update its ACL denies to that key.
      return `${server} did not accept ${k} with algorithm ${key?.algorithm ?? "?"} (BADKEY): unknown key name or algorithm there, or its ACL does not let this key update this name`;
    case "BADTIME":
      return `${server} rejected the time of our signature (BADTIME) - clock skew?${detail ? " " + detail : ""}`;
    case "BADTRUNC":
      return `${server} refused our truncated MAC (BADTRUNC)`;
    default:
      return `${server} reported TSIG error ${rcode}`;
  }
}

export interface ExchangeResult {
  response: DecodedResponse;
  wire: Uint8Array;
  via: "udp" | "tcp";
  /** Set when the answer carried a TSIG error from the server (BADSIG, BADKEY, BADTIME...). */
  peerTsigError?: { rcode: string; message: string };
  /** Set (to the rcode) when we signed and the server answered REFUSED or NOTAUTH without a TSIG record. */
  unsignedRefusal?: string;
}

/**
 * Send `message` (its ID and question are what the answer must match) and return the first acceptable
 * answer. UDP first with one retry after a timeout; TCP when the answer is truncated (TC) or the message
 * does not fit 512 octets.
 */
export async function exchange(server: ServerAddress, message: Uint8Array, opts: ExchangeOptions = {}): Promise<ExchangeResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = () => Math.floor(Date.now() / 1000) + (opts.clockOffsetSeconds ?? 0);
  const sent = scanMessage(message); // our own message: gives us ID, opcode and question to match
  let wire = message;
  let requestMac: Uint8Array | undefined;
  if (opts.key) {
    const s = signMessage(message, opts.key, { time: now(), fudge: opts.fudge });
    wire = s.wire;
    requestMac = s.mac;
  }
  let peerTsigError: ExchangeResult["peerTsigError"];
  let unsignedRefusal: string | undefined;
  let decoded: DecodedResponse | undefined;

  const accept = (w: Uint8Array): string | null => {
    let r: DecodedResponse;
    try {
      r = decodeResponse(w);
    } catch (e) {
      return `it is malformed (${(e as Error).message})`;
    }
    if (r.id !== sent.id) return `its ID ${r.id} does not match our ID ${sent.id}`;
    if (!(w[2] & 0x80)) return "it is not a response (QR bit clear)";
    if (r.opcode !== sent.opcode) return `its opcode ${r.opcode} is not our opcode ${sent.opcode}`;
    // An error answer may omit the question (RFC 2136 §3.8 servers often do for FORMERR); any
    // question present must be ours.
    if (r.question) {
      const q = sent.questions[0];
      if (!namesEqual(r.question.name, q.name) || r.question.type !== q.type)
        return `its question (${r.question.name || "."} type ${r.question.type}) is not ours (${q.name} type ${q.type})`;
    } else if (r.rcode === "NOERROR") return "it has no question section";
    if (opts.key) {
      const key = opts.key;
      const v = verifyMessage(w, (n) => (n === key.name ? key : undefined), { requestMac, now: now() });
      if (!v.ok) {
        if (v.fromPeer) peerTsigError = { rcode: v.rcode, message: v.message };
        else if (v.rcode === "FORMERR" && v.message === "message carries no TSIG record") {
          // PowerDNS answers a request whose TSIG it cannot verify with a plain, unsigned REFUSED or
          // NOTAUTH. Such an answer can only make us fail, never make us believe data, so it is taken.
          if (r.rcode !== "REFUSED" && r.rcode !== "NOTAUTH") return `it is not signed (we signed with key "${key.name}")`;
          unsignedRefusal = r.rcode;
        }
        else return `its TSIG does not verify: ${v.rcode} (${v.message})`;
      }
    }
    decoded = r;
    return null;
  };

  const useTcp = opts.tcp || wire.length > UDP_LIMIT;
  const local = sourceFor(opts.source, server.host);
  const attempts = 1 + (opts.retries ?? 1);
  try {
    if (!useTcp) {
      let lastErr: TransportError | undefined;
      for (let i = 0; i < attempts; i++) {
        try {
          const w = await udpExchange(server, wire, timeoutMs, accept, local);
          // RFC 1035 §4.2.1 / RFC 7766: a truncated answer means "ask again over TCP".
          if (!decoded!.tc) return { response: decoded!, wire: w, via: "udp", peerTsigError, unsignedRefusal };
          break;
        } catch (e) {
          if (!(e instanceof TransportError)) throw e;
          lastErr = e;
          if (e.failure !== "timeout" && e.failure !== "invalid-response") throw e;
          peerTsigError = undefined;
          unsignedRefusal = undefined;
        }
        if (i === attempts - 1) throw lastErr;
      }
    }
    // A message that needs TCP from the start (a batched UPDATE) gets the retries UDP would have had.
    for (let i = 0; ; i++) {
      peerTsigError = undefined;
      unsignedRefusal = undefined;
      try {
        const w = await tcpExchange(server, wire, timeoutMs, accept, local);
        return { response: decoded!, wire: w, via: "tcp", peerTsigError, unsignedRefusal };
      } catch (e) {
        if (!useTcp || i >= attempts - 1 || !(e instanceof TransportError) || e.failure !== "timeout") throw e;
      }
    }
  } catch (e) {
    if (e instanceof TransportError) {
      const attemptsNote = e.failure === "timeout" && attempts > 1 ? ` (${attempts} attempts)` : "";
      throw new DnsError(e.message + attemptsNote, e.failure, true);
    }
    throw e;
  }
}

/** Send one UPDATE for `zone` to its primary; resolves when the primary answered NOERROR. */
export async function sendUpdate(
  server: ServerAddress,
  zone: string,
  ops: UpdateOp[],
  opts: ExchangeOptions & { prerequisites?: Prerequisite[] } = {},
): Promise<void> {
  let msg: Uint8Array;
  try {
    msg = buildUpdate(newId(), zone, ops, opts.prerequisites);
  } catch (e) {
    throw new DnsError(`cannot build the update for zone ${zone}: ${(e as Error).message}`, "bad-request", false);
  }
  const srv = formatServer(server);
  const r = await exchange(server, msg, opts);
  if (r.peerTsigError) {
    const detail = r.peerTsigError.message.match(/\(its clock: [^)]+\)/)?.[0];
    throw new DnsError(tsigMessage(r.peerTsigError.rcode, opts.key, srv, detail), "tsig", false, r.peerTsigError.rcode);
  }
  if (r.unsignedRefusal)
    throw new DnsError(
      `${srv} answered ${r.unsignedRefusal} without signing it: it did not accept our TSIG key "${opts.key?.name}" (shared secret mismatch? unknown key or algorithm? clock skew?)`,
      "tsig",
      false,
      r.unsignedRefusal,
    );
  if (r.response.rcode !== "NOERROR")
    throw new DnsError(rcodeMessage(r.response.rcode, normalizeName(zone), srv), "rcode", r.response.rcode === "SERVFAIL", r.response.rcode);
}

export interface QueryResult {
  server: ServerAddress;
  rcode: "NOERROR" | "NXDOMAIN";
  authoritative: boolean;
  /** Values of the records of the asked name and type, presentation form. */
  values: string[];
  response: DecodedResponse;
}

/**
 * Ask the servers in order (query server first, then the primary) with RD off unless asked; the first NOERROR or
 * NXDOMAIN answer wins. When every server fails, the last failure is thrown.
 */
export interface QueryOptions extends ExchangeOptions {
  /** Set RD: the servers are recursive resolvers, not the zone's own servers. Default off. */
  recursionDesired?: boolean;
}

export async function query(servers: ServerAddress[], name: string, type: RecordTypeName, opts: QueryOptions = {}): Promise<QueryResult> {
  if (servers.length === 0) throw new DnsError("no server to ask", "bad-request", false);
  let last: DnsError | undefined;
  const qname = normalizeName(name);
  for (const server of servers) {
    try {
      const r = await exchange(server, buildQuery(newId(), qname, type, opts.recursionDesired), opts);
      if (r.peerTsigError) throw new DnsError(tsigMessage(r.peerTsigError.rcode, opts.key, formatServer(server)), "tsig", false, r.peerTsigError.rcode);
      const rc = r.response.rcode;
      if (rc !== "NOERROR" && rc !== "NXDOMAIN") throw new DnsError(`${formatServer(server)} answered ${rc} for ${qname} ${type}`, "rcode", rc === "SERVFAIL", rc);
      const values = r.response.answers.filter((a) => a.type === type && namesEqual(a.name, qname)).map((a) => a.value);
      return { server, rcode: rc, authoritative: r.response.aa, values, response: r.response };
    } catch (e) {
      if (!(e instanceof DnsError)) throw e;
      last = e;
    }
  }
  throw last!;
}

/** The SOA of a zone as its servers answer it; a DnsError when there is none (not a zone there). */
export async function querySoa(servers: ServerAddress[], zone: string, opts: ExchangeOptions = {}) {
  const r = await query(servers, zone, "SOA", opts);
  const soa = r.response.soa;
  if (r.rcode !== "NOERROR" || !soa || !r.values.length)
    throw new DnsError(`${formatServer(r.server)} has no SOA for ${normalizeName(zone)} (${r.rcode === "NXDOMAIN" ? "NXDOMAIN" : "no data"}): is the zone configured there?`, "rcode", false, r.rcode);
  if (!r.authoritative) throw new DnsError(`${formatServer(r.server)} is not authoritative for ${normalizeName(zone)} (no AA flag)`, "rcode", false);
  return { server: r.server, soa };
}

/** Names the server gives for an address (PTR); [] when there are none. */
export async function reverseLookup(servers: ServerAddress[], address: string, opts: QueryOptions = {}): Promise<string[]> {
  let name: string;
  try {
    name = reverseName(address);
  } catch (e) {
    throw new DnsError((e as Error).message, "bad-request", false);
  }
  return (await query(servers, name, "PTR", opts)).values;
}

export { TYPE };
