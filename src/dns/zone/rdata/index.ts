// Codecs of the record types beyond RFC 1035's, by type name.
import type { Codec } from "./codec.ts";
import { LOC } from "./loc.ts";
import { SIMPLE_CODECS } from "./simple.ts";
import { HTTPS, SVCB } from "./svcb.ts";

export type { Codec } from "./codec.ts";
export { absoluteName, checkName, quoteString, RdataError, unescapeString, type Token } from "./text.ts";
export { genericBytes, genericText, isGenericRdata } from "./generic.ts";

export const CODECS: Record<string, Codec> = { ...SIMPLE_CODECS, LOC, SVCB, HTTPS };

/** RFC 4034 §6.2 lists these among the newer types: their rdata names are lowercased for signing. */
export const LOWERCASED_FOR_SIGNING = new Set(["RP", "NAPTR", "DNAME"]);
