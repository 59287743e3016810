// The result lines of a host (spec §1.10: client_result_msg, server_result_msg, api_auth_result_msg). The
// stored text keeps the form the spec gives it ("YYYY-MM-DD HH:MM:SS fqdn - message", English, ≤255
// characters; the JSON API returns it and an nsupdate.info import brings it), so every message is written
// from one template of RESULT_LINES with its values. The same templates read a stored line back into what
// it says — when, which kind, which values — so a page can tell it as a sentence of the reader's language.
// A line that matches no template (an imported one, say) is still read for its time and host.

/** One template per kind of result, English with {placeholders}; values are filled in as they are. */
export const RESULT_LINES = {
  badAgent: "received update from bad user agent {agent}",
  badAddress: "received bad ip address {address}",
  tooManyAddresses: "received more than {limit} {family} addresses in one request (update.max_addresses)",
  badTxt: "received a bad txt value",
  unusableAddress: "received no address and the connection address {address} is unusable",
  wrongHost: "rejecting to update wrong host {name} (given in query string) instead of {fqdn} (given in basic auth)",
  abuseFlag: "received {what} for host with abuse / abuse_blocked flag set",
  unavailable: "received {what} for unavailable host",
  zoneOff: "received {what}, but zone {zone} is switched off (not available)",
  dnsError: "received {what}, ip: {address} tls: {tls} that resulted in a dns error [{error}]",
  txtDnsError: "received txt update that resulted in a dns error [{error}]",
  blacklisted: "received update to blacklisted ip address {address}",
  deleted: "received delete for record {type}, tls: {tls}",
  keepalive: "received no-change update, ip: {address} tls: {tls} (keep-alive, not counted)",
  retry: "received no-change update, ip: {address} tls: {tls} (retry after our dns error, not counted)",
  noChange: "received no-change update, ip: {address} tls: {tls}",
  prefixOnly: "received prefix-only update, {type} removed, prefix: {address} tls: {tls}",
  good: "received good update -> ip: {address} tls: {tls}",
  txtDeleted: "received txt delete for _acme-challenge",
  txtUpdated: "received txt update for _acme-challenge ({outcome})",
  relatedDnsError: "related host {fqdn}: {action} resulted in a dns error [{error}]",
  authSuccessJson: "api authentication success (api token {token}, json api)",
  authSuccessToken: "api authentication success (api token {token})",
  authSuccess: "api authentication success ({via})",
  authFailure: "api authentication failure ({via})",
  authDisabled: "api authentication refused: the owner's account is disabled ({via})",
} as const;

export type ResultKind = keyof typeof RESULT_LINES;

/** The message of a result line: its template filled with `values`. */
export function resultLine(kind: ResultKind, values: Record<string, string | number | boolean> = {}): string {
  return RESULT_LINES[kind].replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

/** A stored result line, read back. */
export interface ResultReading {
  /** When it happened (the line's UTC stamp); null when the line has none. */
  at: Date | null;
  /** The host the line names. */
  fqdn: string;
  /** The kind of result, or null for a line no template matches (then `message` is all there is). */
  kind: ResultKind | null;
  /** The template's values as written (quoted values, such as a user agent, keep their JSON quotes). */
  values: Record<string, string>;
  /** The message after the stamp and the host. */
  message: string;
}

/** Placeholders that only ever hold these words, so that a longer template is never mistaken for a shorter one. */
const NARROW: Record<string, string> = { tls: "true|false", what: "update|delete|txt update", family: "ipv4|ipv6", outcome: "added|refreshed", action: "update|deletion" };
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const PATTERNS = Object.entries(RESULT_LINES)
  .map(([kind, template]) => {
    const names: string[] = [];
    const src = template
      .split(/(\{\w+\})/)
      .map((part) => {
        const m = /^\{(\w+)\}$/.exec(part);
        if (!m) return escapeRe(part);
        names.push(m[1]);
        return `(${NARROW[m[1]] ?? "[\\s\\S]+?"})`;
      })
      .join("");
    return { kind: kind as ResultKind, re: new RegExp(`^${src}$`), names, literal: template.replace(/\{\w+\}/g, "").length };
  })
  // The most specific template first: a keep-alive line also fits the plain no-change template.
  .sort((a, b) => b.literal - a.literal);

const STAMPED = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) ([\s\S]*)$/;

/** Reads a stored result line ("2026-11-26 12:00:00 home.example.org - received good update -> ip: …"). */
export function readResultLine(line: string): ResultReading | null {
  if (line.trim() === "") return null;
  const stamped = STAMPED.exec(line);
  const at = stamped ? new Date(`${stamped[1]}T${stamped[2]}Z`) : null;
  const rest = stamped ? stamped[3] : line;
  const sep = rest.indexOf(" - ");
  const fqdn = sep > 0 && !rest.slice(0, sep).includes(" ") ? rest.slice(0, sep) : "";
  const message = fqdn ? rest.slice(sep + 3) : rest;
  for (const p of PATTERNS) {
    const m = p.re.exec(message);
    if (m) return { at: at && !Number.isNaN(at.getTime()) ? at : null, fqdn, kind: p.kind, values: Object.fromEntries(p.names.map((n, i) => [n, m[i + 1]])), message };
  }
  return { at: at && !Number.isNaN(at.getTime()) ? at : null, fqdn, kind: null, values: {}, message };
}
