// What core needs from the outside world. core/ imports only these interfaces; backends/, mail/ and
// main.ts provide the implementations. Nothing here knows HTTP or DNS wire formats.

/** The record types a dynamic host owns. */
export type DynamicType = "A" | "AAAA" | "TXT";

/** How a zone is served: updns is its primary, or updns sends RFC 2136 UPDATEs to an external primary. */
export type ZoneBackendKind = "embedded" | "rfc2136";

/** One TSIG key as stored (secret in base64, algorithm as BIND spells it, e.g. "hmac-sha256"). */
export interface TsigKeyRef {
  name: string;
  algorithm: string;
  secret: string;
}

/** The zone as the backends need to see it (a row of `domains`, resolved). */
export interface ZoneRef {
  id: number;
  /** Absolute zone name, lower case, no trailing dot: "dyn.example.org". */
  name: string;
  backend: ZoneBackendKind;
  /** rfc2136 only: the primary that takes UPDATEs, "ip" or "ip:port" / "[v6]:port". */
  primary?: string;
  /** rfc2136 only: the server asked first for the current value (RD off); defaults to the primary. */
  queryServer?: string;
  /** rfc2136 only: the key UPDATEs are signed with; its secret as stored (sealed), the backend opens it. */
  updateKey?: TsigKeyRef;
}

/**
 * A failure of the nameserver side. `transient` = retrying later may work (timeout, SERVFAIL, connection
 * refused, back-off in force); the dyndns2 API answers those with 503 + Retry-After.
 */
export class ZoneBackendError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = "ZoneBackendError";
  }
}

/** Result of a change: "changed" when DNS now differs, "unchanged" when it already held exactly that. */
export type ChangeOutcome = "changed" | "unchanged";

/**
 * The DNS side of a zone. `name` is relative to the zone ("home", "nas.home", "_acme-challenge.home");
 * "@" is the apex. Methods throw ZoneBackendError on nameserver failure.
 */
export interface ZoneBackend {
  /** Current values of (name, type) as the zone's server answers them; [] for NXDOMAIN/NODATA. */
  read(zone: ZoneRef, name: string, type: DynamicType): Promise<string[]>;
  /**
   * Make (name, type) hold exactly `values` with `ttl` (replace = delete RRset + add). Values are
   * compared as addresses for A/AAAA; "unchanged" means the server already had the same set.
   * An empty `values` deletes the RRset.
   */
  replace(zone: ZoneRef, name: string, type: DynamicType, values: string[], ttl: number): Promise<ChangeOutcome>;
  /** Delete the RRset (name, type); "unchanged" when there was nothing to delete. */
  remove(zone: ZoneRef, name: string, type: DynamicType): Promise<ChangeOutcome>;
}

/** Sends a successful update on to a third-party dyndns2 service (runs off the request path). */
export interface Forwarder {
  enqueue(hostConfigId: number, address: string): void;
}

/** Outgoing mail. With no SMTP configured the implementation writes the mail to the log. */
export interface Mailer {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
}

/** Time, so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
