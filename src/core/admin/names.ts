// Validation of the names people type: zone names, host labels, TSIG key names. Lower case, no trailing dot.

import { ValidationError } from "../errors.ts";
import { canonicalName } from "../names.ts";

export { ValidationError };

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** A zone (domain) name: at least two labels, each a valid LDH label (underscore allowed), ≤253 chars. */
export function normalizeZoneName(input: string, field = "zone"): string {
  const name = canonicalName(input);
  if (!name || name.length > 253) throw new ValidationError(field, `${field} must be a domain name of at most 253 characters`);
  const labels = name.split(".");
  if (labels.length < 2) throw new ValidationError(field, `${field} "${input}" must have at least two labels (e.g. dyn.example.org)`);
  for (const l of labels) {
    if (!LABEL.test(l)) throw new ValidationError(field, `${field} "${input}" has an invalid label "${l}" (letters, digits, "-", "_"; 1–63 characters; no "-" at either end)`);
  }
  return name;
}

/**
 * A TSIG key name, the one rule for every path (CLI, web, API, imports): a DNS name of one label or more
 * (RFC 8945 §4.2 names a key like any owner name; tsig-keygen's default is "tsig-key").
 */
export function normalizeKeyName(input: string, field = "key name"): string {
  const name = canonicalName(input);
  if (!name || name.length > 253 || !name.split(".").every((l) => LABEL.test(l)))
    throw new ValidationError(field, `${field} "${input}" must be a domain-style name (labels of letters, digits, "-", "_")`);
  return name;
}

/**
 * A zone's group in the catalog zone (RFC 9432 §4.4.2): the rdata of one TXT character-string, so 1–255
 * octets (RFC 1035 §3.3), kept to printable ASCII so it reads the same in every consumer's configuration
 * (Knot matches it against a template id). Blank means no group.
 */
export function normalizeCatalogGroup(input: string, field = "catalog_group"): string {
  const group = input.trim();
  if (group === "") return "";
  if (Buffer.byteLength(group) > 255) throw new ValidationError(field, `${field} "${group.slice(0, 40)}…" is longer than 255 octets (a DNS character-string, RFC 1035 §3.3)`);
  if (!/^[\x20-\x7e]+$/.test(group)) throw new ValidationError(field, `${field} "${group}" may hold only printable ASCII characters (letters, digits, punctuation, spaces)`);
  return group;
}
