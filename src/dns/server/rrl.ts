// Response rate limiting (RRL) for UDP answers, after BIND's rate-limit and Knot's mod-rrl: an
// authoritative server that answers the internet directly must not be an amplifier for spoofed queries.
// Answers are counted per client network (IPv4 /24, IPv6 /56 by default) and per answer kind — the same
// question's positive answer, any NXDOMAIN, any error — with a token bucket of `responsesPerSecond`.
// Over the limit, every `slip`-th answer goes out as an empty truncated one (TC=1: a real resolver retries
// over TCP, which a spoofer cannot), the rest are dropped. TCP is never limited. Off when the rate is 0.

export interface RrlOptions {
  /** Answers per second and bucket; 0 turns RRL off. */
  responsesPerSecond: number;
  /** Every n-th limited answer is sent truncated (TC=1); 0: drop them all. BIND and Knot default to 2. */
  slip?: number;
  ipv4PrefixLength?: number;
  ipv6PrefixLength?: number;
  /** Buckets kept at most; when full, the table starts afresh (bounded memory under a spoofed flood). */
  maxBuckets?: number;
  /** Where slipped and dropped answers are counted too (the server's /metrics counters). */
  counters?: { slipped: number; dropped: number };
}

export type RrlDecision = "send" | "slip" | "drop";

interface Bucket {
  tokens: number;
  at: number;
  limited: number;
}

export interface RrlStats {
  limited: number;
  slipped: number;
  dropped: number;
}

/** The network of an address as a string key ("192.0.2.0/24"); unparsable addresses key as themselves. */
export function networkOf(address: string, v4Len: number, v6Len: number): string {
  const a = address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
  if (a.includes(".")) {
    const parts = a.split(".").map(Number);
    if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) return a;
    const n = ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
    const masked = v4Len === 0 ? 0 : (n & (~0 << (32 - v4Len))) >>> 0;
    return `${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}/${v4Len}`;
  }
  // IPv6: expand "::", keep the first v6Len bits as hex nibbles (prefixes here are multiples of 4 in practice).
  const [head, tail] = a.split("%")[0].split("::");
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups = tail !== undefined ? [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill("0"), ...t] : h;
  const hex = groups.map((g) => g.padStart(4, "0")).join("");
  return `${hex.slice(0, Math.ceil(v6Len / 4))}/${v6Len}`;
}

/**
 * What kind of answer this is, as a bucket key (BIND's "responses", "nxdomains", "errors"): the question
 * and type for a positive answer, one key for every NXDOMAIN and one for every error, since random names
 * and refused queries are how amplification floods vary their questions.
 */
function answerKind(answer: Uint8Array): string {
  if (answer.length < 12) return "error";
  const rcode = answer[3] & 0x0f;
  if (rcode === 3) return "nxdomain";
  if (rcode !== 0) return "error";
  const qd = (answer[4] << 8) | answer[5];
  if (qd === 0) return "error";
  const end = questionEnd(answer);
  if (end < 0) return "error";
  // Case-folded question name and type (the class is IN for anything we answer).
  let key = "";
  for (let i = 12; i < end - 2; i++) {
    const c = answer[i];
    key += String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
  }
  return key;
}

/** Offset just past the first question's type and class, or -1. */
function questionEnd(m: Uint8Array): number {
  let i = 12;
  for (let hops = 0; hops < 128 && i < m.length; hops++) {
    const len = m[i];
    if (len === 0) return i + 1 + 4 <= m.length ? i + 1 + 4 : -1;
    if (len >= 0xc0) return i + 2 + 4 <= m.length ? i + 2 + 4 : -1;
    i += 1 + len;
  }
  return -1;
}

/** The empty truncated form of an answer: header (TC set, counts zero but the question) and question. */
export function truncatedAnswer(answer: Uint8Array): Uint8Array | null {
  if (answer.length < 12) return null;
  const qd = (answer[4] << 8) | answer[5];
  const end = qd ? questionEnd(answer) : 12;
  if (end < 0) return null;
  const out = answer.slice(0, end);
  out[2] |= 0x02; // TC
  out[4] = 0;
  out[5] = qd ? 1 : 0;
  out.fill(0, 6, 12); // no answer, authority or additional records
  return out;
}

export class ResponseRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  readonly stats: RrlStats = { limited: 0, slipped: 0, dropped: 0 };
  private readonly rate: number;
  private readonly slip: number;
  private readonly v4: number;
  private readonly v6: number;
  private readonly max: number;
  private readonly counters?: { slipped: number; dropped: number };

  constructor(opts: RrlOptions) {
    this.counters = opts.counters;
    this.rate = opts.responsesPerSecond;
    this.slip = opts.slip ?? 2;
    this.v4 = opts.ipv4PrefixLength ?? 24;
    this.v6 = opts.ipv6PrefixLength ?? 56;
    this.max = opts.maxBuckets ?? 100_000;
  }

  get enabled(): boolean {
    return this.rate > 0;
  }

  /** Whether the UDP `answer` to `address` goes out as it is, truncated, or not at all. */
  decide(address: string, answer: Uint8Array, nowMs: number): RrlDecision {
    if (this.rate <= 0) return "send";
    const key = `${networkOf(address, this.v4, this.v6)} ${answerKind(answer)}`;
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.max) this.buckets.clear();
      b = { tokens: this.rate, at: nowMs, limited: 0 };
      this.buckets.set(key, b);
    } else {
      // Refill for the time passed; the bucket holds one second's worth at most.
      b.tokens = Math.min(this.rate, b.tokens + ((nowMs - b.at) / 1000) * this.rate);
      b.at = nowMs;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return "send";
    }
    this.stats.limited++;
    b.limited++;
    if (this.slip > 0 && b.limited % this.slip === 0) {
      this.stats.slipped++;
      if (this.counters) this.counters.slipped++;
      return "slip";
    }
    this.stats.dropped++;
    if (this.counters) this.counters.dropped++;
    return "drop";
  }
}
