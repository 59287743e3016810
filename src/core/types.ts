// The vocabulary of the dyndns2 update use case: what comes in, what one address yields, what goes out.
// HTTP turns a DyndnsAnswer into a status and a body; nothing here knows about HTTP.

/** The single-word dyndns2 codes, in the priority order of spec §1.4 (first wins), then ours. */
export const ERROR_WORDS = ["abuse", "badagent", "badauth", "notfqdn", "nohost", "numhost", "dnserr", "911"] as const;
export type ErrorWord = (typeof ERROR_WORDS)[number];

/** Result of one address (or the TXT value) for one host (spec §1.3 h). */
export type AddressResult =
  | { code: "good"; ip: string }
  | { code: "nochg"; ip: string }
  | { code: "deleted"; type: string }
  /**
   * A per-address dnserr is always a server fault (answered 503, results.ts hasServerFault); `transient` only
   * says whether trying again may work by itself (a timeout) or needs the operator (a refusal, a wrong key).
   */
  | { code: ErrorWord; transient?: boolean };

export type UpdateMode = "update" | "delete";

/** One update request as the HTTP layer hands it over. */
export interface DyndnsRequest {
  mode: UpdateMode;
  /** Query (and form) parameters, the last value of a repeated name winning (spec §1.1). */
  params: Record<string, string>;
  authorization: string | null;
  userAgent: string | null;
  client: { address: string; secure: boolean };
  /**
   * The web UI's signed-in user (spec §1.9, `/nic/update_authorized`): no credentials are read, no BAD_HOSTS,
   * BAD_AGENTS or badauth limits apply, and no API-auth bookkeeping is done; only the user's own hosts.
   */
  sessionUserId?: number;
}

/**
 * What to answer. `status` is the kind of answer; the HTTP layer maps it (updns.md §1.7):
 * ok → 200, unauthorized → 401 + challenge, forbidden → 403, ratelimited → 429, unavailable → 503.
 */
export interface DyndnsAnswer {
  status: "ok" | "unauthorized" | "forbidden" | "ratelimited" | "unavailable";
  /** Body without a trailing newline: one line per host. */
  body: string;
  /** Seconds, for ratelimited and unavailable. */
  retryAfter?: number;
  /** FQDNs the request touched (for the log line). */
  hosts: string[];
}
