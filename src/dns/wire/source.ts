// Which local address outgoing DNS (NOTIFY, SOA checks, UPDATEs, queries) leaves from. A secondary that
// names our address in its ACL (Knot's `acl: address`, BIND's `primaries`) drops a NOTIFY from any other
// address, so on a host with several addresses the kernel's choice is not good enough.
import { isIP } from "node:net";
import { parseHostPort } from "../../net/index.ts";

/** The address to bind per family; absent: the kernel chooses (the wildcard). */
export interface SourceAddresses {
  v4?: string;
  v6?: string;
}

function isLoopback(addr: string): boolean {
  return addr === "::1" || /^127\./.test(addr);
}

function isWildcard(addr: string): boolean {
  return addr === "0.0.0.0" || addr === "::";
}

/**
 * The sources a server that listens on `listen` ("host:port", "[v6]:port") sends from: per family the first
 * specific address it listens on; none when it listens on that family's wildcard (then any local address
 * is one it answers on, and the kernel's choice is right).
 */
export function listenSources(listen: string[]): SourceAddresses {
  const out: SourceAddresses = {};
  const wild = { v4: false, v6: false };
  for (const l of listen) {
    const hp = parseHostPort(l, { minPort: 0 });
    const host = "problem" in hp ? undefined : hp.host;
    const fam = host && isIP(host) === 6 ? "v6" : host && isIP(host) === 4 ? "v4" : null;
    if (!fam || !host) continue;
    if (isWildcard(host)) wild[fam] = true;
    else out[fam] ??= host;
  }
  if (wild.v4) delete out.v4;
  if (wild.v6) delete out.v6;
  return out;
}

/**
 * The address to bind for a packet to `dest`, or undefined for the kernel's choice: the configured source of
 * dest's family, unless it is a wildcard, or a loopback address while dest is not (a loopback source cannot
 * reach another host: updns listening on 127.0.0.1 still reaches its external primaries).
 */
export function sourceFor(sources: SourceAddresses | undefined, dest: string): string | undefined {
  const d = dest.replace(/^\[|\]$/g, "");
  const src = isIP(d) === 6 ? sources?.v6 : sources?.v4;
  if (!src || isWildcard(src)) return undefined;
  if (isLoopback(src) && !isLoopback(d)) return undefined;
  return src;
}
