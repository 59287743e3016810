// RFC 3597 §5: "\# <length> <hex>" rdata, for a type we have no codec for or for any type at all.
import { fromHex, toHex } from "../../dnssec/index.ts";
import { RdataError, type Token } from "./text.ts";

/** Whether the rdata tokens are in the generic form. */
export function isGenericRdata(toks: Token[]): boolean {
  return toks.length > 0 && !toks[0].quoted && toks[0].text === "\\#";
}

/** The wire octets of generic rdata tokens ("\#" included); the length must match the hex. */
export function genericBytes(toks: Token[]): Uint8Array {
  const len = toks[1];
  if (!len || len.quoted || !/^\d{1,5}$/.test(len.text) || Number(len.text) > 65535) throw new RdataError(`\\# needs the rdata length, got ${len ? JSON.stringify(len.text) : "nothing"}`);
  let b: Uint8Array;
  try {
    b = fromHex(toks.slice(2).map((t) => t.text).join(""));
  } catch (e) {
    throw new RdataError(`\\# rdata: ${(e as Error).message}`);
  }
  if (b.length !== Number(len.text)) throw new RdataError(`\\# says ${len.text} octets but the hex holds ${b.length}`);
  return b;
}

/** Canonical text of opaque rdata. */
export function genericText(b: Uint8Array): string {
  return b.length ? `\\# ${b.length} ${toHex(b)}` : "\\# 0";
}
