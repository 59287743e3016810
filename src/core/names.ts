// Host names: the FQDN split rule (spec §0), the host-name rules (§3.2) and the blacklist (§3.5). The web UI
// reuses validateHostName() and isBlacklisted() when people create hosts.
import type { Db } from "../db/index.ts";
import { blacklistedHosts } from "../db/index.ts";

/** A host's FQDN as (first label, zone): the zone boundary is never guessed again afterwards. */
export interface SplitName {
  host: string;
  zone: string;
}

/**
 * Lower-case, trailing dot dropped. Clients send names in any case; hosts are stored lower case, so
 * comparing lower-cased names is the lenient reading of the baseline's exact match (updns.md §1.1).
 */
export function canonicalName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

/** Split at the first dot (spec §0). Null when there is no dot or either side is empty. */
export function splitFqdn(fqdn: string): SplitName | null {
  const name = canonicalName(fqdn);
  const dot = name.indexOf(".");
  if (dot <= 0 || dot === name.length - 1) return null;
  return { host: name.slice(0, dot), zone: name.slice(dot + 1) };
}

/** Looks like an FQDN for the dyndns2 `notfqdn` rule (§1.2 step 4): it contains a dot. */
export const looksLikeFqdn = (name: string): boolean => name.includes(".");

const HOST_LABEL = /^(([a-z0-9][a-z0-9-]*[a-z0-9])|[a-z0-9])$/;

/**
 * A host (or related host) name: one label of lower-case letters, digits and inner hyphens (§3.2), at most
 * 63 octets (RFC 1035 §2.3.4; the baseline had no length limit, but a longer label cannot exist in DNS).
 * Returns an error text or null.
 */
export function validateHostName(name: string): string | null {
  if (name.length === 0) return "The host name must not be empty.";
  if (name.length > 63) return "The host name must be at most 63 characters long.";
  if (!HOST_LABEL.test(name)) return 'Invalid host name: only "a-z", "0-9" and "-" is allowed (not at the start or end).';
  return null;
}

/** Whether any blacklist pattern is found (searched, not anchored — §3.5) in the host label. */
export function isBlacklisted(db: Db, name: string): boolean {
  for (const row of db.select({ re: blacklistedHosts.nameRe }).from(blacklistedHosts).all()) {
    let re: RegExp;
    try {
      re = new RegExp(row.re);
    } catch {
      continue; // A broken pattern blocks nothing; the admin UI validates patterns when they are saved.
    }
    if (re.test(name)) return true;
  }
  return false;
}

/** A blacklist entry must be a valid regular expression. Returns an error text or null. */
export function validateBlacklistPattern(pattern: string): string | null {
  if (pattern.length === 0 || pattern.length > 255) return "The pattern must be 1 to 255 characters long.";
  try {
    new RegExp(pattern);
  } catch (e) {
    return `Not a valid regular expression: ${(e as Error).message}`;
  }
  return null;
}

/** Full host validation for creating a host: syntax, then the blacklist. */
export function checkNewHostName(db: Db, name: string): string | null {
  return validateHostName(name) ?? (isBlacklisted(db, name) ? "This name is blacklisted." : null);
}
