// Combining the per-address results of one host into its answer (spec §1.4), and the answers of several
// hosts into the body (updns.md §1.2: one line per host, in order).
import { ERROR_WORDS, type AddressResult, type ErrorWord } from "./types.ts";

const isError = (r: AddressResult): r is { code: ErrorWord; transient?: boolean } => (ERROR_WORDS as readonly string[]).includes(r.code);

/**
 * §1.4: any error word wins (priority abuse, badagent, badauth, notfqdn, nohost, numhost, dnserr, 911);
 * else all nochg → `nochg ip,ip`; all deleted → `deleted A,AAAA`; all good → `good ip,ip`; mixed → lines
 * grouped good, then nochg, then deleted. A TXT result carries no address and adds nothing to the list.
 */
export function combineResults(results: AddressResult[]): string {
  for (const word of ERROR_WORDS) if (results.some((r) => r.code === word)) return word;
  const good = results.filter((r) => r.code === "good") as { code: "good"; ip: string }[];
  const nochg = results.filter((r) => r.code === "nochg") as { code: "nochg"; ip: string }[];
  const deleted = results.filter((r) => r.code === "deleted") as { code: "deleted"; type: string }[];
  const join = (code: string, items: string[]) => (items.filter(Boolean).length ? `${code} ${items.filter(Boolean).join(",")}` : code);
  if (nochg.length === results.length) return join("nochg", nochg.map((r) => r.ip));
  if (deleted.length === results.length) return join("deleted", deleted.map((r) => r.type));
  if (good.length === results.length) return join("good", good.map((r) => r.ip));
  return [...good.map((r) => join("good", [r.ip])), ...nochg.map((r) => join("nochg", [r.ip])), ...deleted.map((r) => join("deleted", [r.type]))].join("\n");
}

/**
 * One line for one host among several (ddclient reads line i as the answer for host i). A mixed result
 * cannot be several lines here, so it becomes the strongest word with every address: good (something
 * changed) over nochg over deleted.
 */
export function singleLine(results: AddressResult[]): string {
  const combined = combineResults(results);
  if (!combined.includes("\n")) return combined;
  const ips = results.flatMap((r) => ("ip" in r && r.ip ? [r.ip] : "type" in r ? [r.type] : []));
  const word = results.some((r) => r.code === "good") ? "good" : results.some((r) => r.code === "nochg") ? "nochg" : "deleted";
  return `${word} ${ips.join(",")}`;
}

/**
 * The dnserr rule (updns.md §1.7): a per-address dnserr is always a fault the client cannot fix — the
 * primary refused or timed out, TSIG BADSIG/BADKEY/BADTIME, a back-off in force, the zone switched off — so
 * it is answered 503 with Retry-After, the first time and every time. The client's own dnserr (a bad `myip`
 * or `txt`, too many addresses) never gets here: it refuses the whole request before any host is touched
 * and is a 200.
 */
export const hasServerFault = (results: AddressResult[]): boolean => results.some((r) => isError(r) && r.code === "dnserr");
