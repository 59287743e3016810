// The order of domain names, shared by the zone store (NSEC chains, zone listings) and core (the records
// a zone's page lists), so that every list of names in updns is in the one order DNSSEC defines.

/**
 * RFC 4034 §6.1 canonical name order: label by label from the right, a name before the names below it.
 * Both names in key form (lower case, no final dot; "" the root): RFC 4034 compares letters case-blind,
 * and lowering once when a name is stored is cheaper than on every comparison of a sort.
 */
export function canonicalCompare(a: string, b: string): number {
  if (a === b) return 0;
  const la = a === "" ? [] : a.split(".");
  const lb = b === "" ? [] : b.split(".");
  for (let i = 1; i <= Math.min(la.length, lb.length); i++) {
    const x = la[la.length - i];
    const y = lb[lb.length - i];
    if (x !== y) return x < y ? -1 : 1;
  }
  return la.length - lb.length;
}
