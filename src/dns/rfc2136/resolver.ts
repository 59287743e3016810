// Reverse names of visitors' addresses (spec §2.4), asked of a recursive resolver with RD set: a short
// per-attempt timeout, a few attempts only on "try again" (timeouts, SERVFAIL), one overall deadline, and a
// small cache whose entries live no longer than the PTR record's TTL, so a page never waits long and a
// resolver that does not answer is not asked again on every page.
import { readFileSync } from "node:fs";
import { namesEqual, normalizeName } from "../wire/index.ts";
import { DnsError, query } from "./client.ts";
import { reverseName } from "./message.ts";
import { parseServer, type ServerAddress } from "./transport.ts";

/** The first reverse name of an address, without the final dot; "" when there is none or the lookup failed. */
export type ReverseLookup = (address: string) => Promise<string>;

export interface ReverseResolverOptions {
  /** Recursive resolvers, asked in order (a function: re-read on each lookup). */
  servers: ServerAddress[] | (() => ServerAddress[]);
  /** Per attempt and server, ms. Default 700. */
  attemptTimeoutMs?: number;
  /** Attempts when the answer is "try again". Default 3 (backoff 20, 40 ms, as the original's 20/40/80/...). */
  attempts?: number;
  /** The whole lookup, ms: after it the caller gets "" (the lookup may finish later and fill the cache). Default 1500. */
  deadlineMs?: number;
  /** Cap on how long a found name is kept, s (the record's TTL when lower). Default 300. */
  maxTtl?: number;
  /** How long "no name" (NXDOMAIN, no PTR, REFUSED) is kept, s. Default 60. */
  negativeTtl?: number;
  /** How long a failed lookup (no answer in time) is kept, s: a dead resolver is not asked on every page. Default 30. */
  failureTtl?: number;
  /** Entries kept; the oldest go first. Default 10000. */
  maxEntries?: number;
  now?: () => number;
}

/** RFC 2317 classless delegation puts a CNAME in front of the PTR; a resolver follows it, we read the chain. */
const MAX_CNAME_HOPS = 8;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The nameserver lines of resolv.conf(5) text; none there means the local machine's server (its rule). */
export function resolvConfServers(text: string): ServerAddress[] {
  const out: ServerAddress[] = [];
  for (const line of text.split("\n")) {
    const m = line.trim().match(/^nameserver\s+(\S+)/);
    // A link-local address with a zone index (fe80::1%eth0) cannot be given to a UDP socket here.
    if (!m || m[1].includes("%")) continue;
    try {
      out.push(parseServer(m[1].includes(":") && !m[1].startsWith("[") ? `[${m[1]}]` : m[1]));
    } catch {
      // a line we cannot read is skipped, as the C library does
    }
  }
  return out.length ? out : [{ host: "127.0.0.1", port: 53 }];
}

/** The system's resolvers (/etc/resolv.conf), for when no resolver is configured. */
export function systemResolvers(path = "/etc/resolv.conf"): ServerAddress[] {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    // no file: resolv.conf(5)'s default, the local machine
  }
  return resolvConfServers(text);
}

export function reverseResolver(opts: ReverseResolverOptions): ReverseLookup {
  const attemptTimeoutMs = opts.attemptTimeoutMs ?? 700;
  const attempts = Math.max(1, Math.min(opts.attempts ?? 3, 5));
  const deadlineMs = opts.deadlineMs ?? 1500;
  const maxTtl = opts.maxTtl ?? 300;
  const negativeTtl = opts.negativeTtl ?? 60;
  const failureTtl = opts.failureTtl ?? 30;
  const maxEntries = opts.maxEntries ?? 10_000;
  const now = opts.now ?? Date.now;
  const servers = typeof opts.servers === "function" ? opts.servers : () => opts.servers as ServerAddress[];
  const cache = new Map<string, { name: string; until: number }>();
  const inFlight = new Map<string, Promise<string>>();

  const remember = (qname: string, name: string, ttl: number) => {
    cache.delete(qname);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(qname, { name, until: now() + ttl * 1000 });
  };

  /** One lookup: the name and how long it may be kept. */
  const resolve = async (qname: string): Promise<{ name: string; ttl: number }> => {
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(20 * 2 ** (i - 1));
      try {
        const r = await query(servers(), qname, "PTR", { recursionDesired: true, timeoutMs: attemptTimeoutMs, retries: 0 });
        let owner = qname;
        let ttl = maxTtl;
        for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
          const ptr = r.response.answers.find((a) => a.type === "PTR" && namesEqual(a.name, owner));
          if (ptr) return { name: ptr.value.replace(/\.$/, ""), ttl: Math.min(ttl, ptr.ttl) };
          const cname = r.response.answers.find((a) => a.type === "CNAME" && namesEqual(a.name, owner));
          if (!cname) break;
          ttl = Math.min(ttl, cname.ttl);
          owner = cname.value;
        }
        return { name: "", ttl: negativeTtl }; // NXDOMAIN or no PTR: "not found / no data", give up
      } catch (e) {
        if (!(e instanceof DnsError)) throw e;
        // Only "try again" (timeout, SERVFAIL, an unreachable server) is worth another attempt (spec §2.4).
        if (!e.transient) return { name: "", ttl: negativeTtl };
      }
    }
    return { name: "", ttl: failureTtl };
  };

  return async (address) => {
    let qname: string;
    try {
      qname = normalizeName(reverseName(address.trim()));
    } catch {
      return ""; // not an address: there is no name to find
    }
    const hit = cache.get(qname);
    if (hit && hit.until > now()) return hit.name;
    let p = inFlight.get(qname);
    if (!p) {
      p = resolve(qname)
        .then((r) => {
          remember(qname, r.name, Math.max(0, Math.min(r.ttl, maxTtl)));
          return r.name;
        })
        .catch(() => "")
        .finally(() => inFlight.delete(qname));
      inFlight.set(qname, p);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<string>((r) => (timer = setTimeout(() => r(""), deadlineMs)));
    try {
      return await Promise.race([p, late]);
    } finally {
      clearTimeout(timer);
    }
  };
}
