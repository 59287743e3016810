// A host's last results (client, server, authentication) told as sentences of the reader's language. The
// stored lines keep the spec's English log form (core/result-lines.ts); core reads them back into their
// kind and values, and each kind has its sentence here. The time is relative ("vor 3 Minuten") with the
// exact moment in the <time> element. A line no template knows (one imported from nsupdate.info) is shown
// as it was stored, as a quotation of the log.
import { Html } from "@elysiajs/html";
import { readResultLine, type ResultKind, type ResultReading } from "../../../core/index.ts";
import type { WebContext } from "../context.ts";
import { msg } from "../i18n.ts";
import { When } from "../ui.tsx";

/** The sentence of each kind of result, English with the template's {placeholders}. */
const SENTENCES: Record<ResultKind, string> = {
  badAgent: msg("Refused: the client program {agent} is on the list of bad user agents."),
  badAddress: msg("Refused: {address} is not a valid address."),
  tooManyAddresses: msg("Refused: more than {limit} {family} addresses in one request."),
  badTxt: msg("Refused: the TXT value is not valid."),
  unusableAddress: msg("Refused: no address was sent and the connection's address {address} cannot be used."),
  wrongHost: msg("Refused: the request named the host {name}, but signed in as {fqdn}."),
  abuseFlag: msg("Refused ({what}): the host is flagged for abuse."),
  unavailable: msg("Refused ({what}): the host is switched off."),
  zoneOff: msg("Not done ({what}): the zone {zone} is switched off."),
  dnsError: msg("DNS error on our side ({what} of {address}):"),
  txtDnsError: msg("DNS error on our side (TXT update):"),
  blacklisted: msg("Refused: {address} is on the blocklist, so the host is now blocked for abuse."),
  deleted: msg("The {type} record was deleted."),
  keepalive: msg("No change: {address} was already set (a keep-alive, not counted as a fault)."),
  retry: msg("No change: {address} was already set (a retry after our DNS error, not counted as a fault)."),
  noChange: msg("No change: {address} was already set."),
  prefixOnly: msg("Only a prefix was sent ({address}): the {type} record was removed."),
  good: msg("The address is now {address}."),
  txtDeleted: msg("The TXT values of _acme-challenge were deleted."),
  txtUpdated: msg("A TXT value of _acme-challenge was set."),
  relatedDnsError: msg("DNS error on our side for the related host {fqdn}:"),
  authSuccessJson: msg("Signed in with the API token {token} (JSON API)."),
  authSuccessToken: msg("Signed in with the API token {token}."),
  authSuccess: msg("Signed in with the host's secret ({via})."),
  authFailure: msg("Wrong host name or secret ({via})."),
  authDisabled: msg("Refused: the owner's account is disabled ({via})."),
};

/** The words a template's closed values stand for. */
const WORDS: Record<string, string> = {
  update: msg("update"),
  delete: msg("deletion"),
  deletion: msg("deletion"),
  "txt update": msg("TXT update"),
  "basic auth": msg("HTTP basic authentication"),
  "query string": msg("credentials in the URL"),
  "basic auth, several hosts": msg("HTTP basic authentication, several hosts"),
  ipv4: "IPv4",
  ipv6: "IPv6",
};

/** The kinds whose values say whether the request came over TLS. */
const tlsNote = (c: WebContext, r: ResultReading) => (r.values.tls === "true" ? c.t("Sent over TLS.") : r.values.tls === "false" ? c.t("Sent without TLS.") : "");

function sentence(c: WebContext, r: ResultReading & { kind: ResultKind }): string {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.values)) values[k] = WORDS[v] !== undefined ? c.t(WORDS[v]) : v;
  if (r.kind === "txtUpdated" && r.values.outcome === "refreshed") return c.t("A TXT value of _acme-challenge was sent again and kept.");
  return c.t(SENTENCES[r.kind], values);
}

/**
 * One stored result line as the reader's sentence, its detail, TLS or not, and its time. The detail (a DNS
 * error's text) is the nameserver's or the network's own words, quoted as they came: free text is never
 * pattern-translated, a placeholder key like "{when} from {address}" would translate half of it.
 */
export function ResultText({ c, line }: { c: WebContext; line: string }): JSX.Element {
  const r = readResultLine(line);
  if (!r) return <span>–</span>;
  if (r.kind === null) {
    return (
      <>
        <code safe>{r.message}</code> <When c={c} at={r.at} />
      </>
    );
  }
  const detail = r.values.error;
  const tls = tlsNote(c, r);
  return (
    <>
      <span safe>{sentence(c, r as ResultReading & { kind: ResultKind })}</span> {detail !== undefined ? <code safe>{detail}</code> : ""} {tls ? <span safe>{tls}</span> : ""}{" "}
      <small class="muted">
        (<When c={c} at={r.at} />)
      </small>
    </>
  );
}
