// The errors core throws. Callers (web, API, CLI) turn each into their own answer: a form message,
// an HTTP status, an exit code. They live here so that a caller needs nothing but core's face to catch them.

/** A value someone typed is not acceptable; `field` names the form field or setting. */
export class ValidationError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = "ValidationError";
  }
}

/** The account may not do this at all (HTTP 403), as opposed to a name that is taken or malformed. */
export class ZoneNotAllowedError extends ValidationError {
  readonly forbidden = true;
}

export class AccessError extends Error {
  constructor(
    readonly code: "not_found" | "forbidden",
    message: string,
  ) {
    super(message);
    this.name = "AccessError";
  }
}

export type ZoneRecordReason = "notzone" | "nozone" | "cname" | "apex" | "invalid" | "exists";

export class ZoneRecordError extends Error {
  constructor(
    message: string,
    readonly reason: ZoneRecordReason | (string & {}),
    readonly field?: string,
  ) {
    super(message);
    this.name = "ZoneRecordError";
  }
}

export class AcmeError extends Error {
  constructor(
    /** acme-dns error word: malformed_json_payload, invalid_allowfrom_cidr, bad_subdomain, bad_txt, db_error, ... */
    readonly code: string,
    message = code,
  ) {
    super(message);
    this.name = "AcmeError";
  }
}
