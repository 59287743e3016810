// DNSSEC of embedded zones as their owners manage it in the web UI, with the rules the CLI's
// `updns domain dnssec` follows: signing on with a chosen algorithm, denial kind and key layout; off in two
// steps (first the RFC 8078 §4 DS-removal request, then, confirmed, the unsigned zone); key rollovers.
// The zone store is reached through the DnssecPort, which main/serve provides.
import { eq } from "drizzle-orm";
import { domains, type Db } from "../db/index.ts";
import type { DomainRow } from "./admin/index.ts";
import { ValidationError } from "./errors.ts";

export type DnssecAlgorithmNumber = 13 | 15;
export type DenialKind = "nsec3" | "nsec";
export type KeyLayout = "csk" | "split";

export interface DnssecKeyView {
  id: string;
  role: "csk" | "ksk" | "zsk";
  state: "published" | "active" | "retired";
  algorithm: number;
  keyTag: number;
  /** Milliseconds since the epoch when the key entered its state. */
  since: number;
}

export interface DnssecState {
  denial: DenialKind;
  keys: DnssecKeyView[];
  /** DS records (RFC 4509 SHA-256) as "tag alg 2 HEX", without owner and class. */
  ds: string[];
  /** The RFC 8078 "delete" CDS/CDNSKEY are published: the first step of switching off is done. */
  removingDs: boolean;
}

/** The zone store's DNSSEC operations on embedded zones (provided by main/serve). */
export interface DnssecPort {
  status(zone: string): DnssecState | null;
  enable(zone: string, settings: { algorithm: DnssecAlgorithmNumber; denial: DenialKind; keys: KeyLayout }): Promise<void>;
  /** `undo`: back to the normal CDS/CDNSKEY. */
  requestDsRemoval(zone: string, undo?: boolean): Promise<void>;
  disable(zone: string): Promise<void>;
  rollZsk(zone: string): Promise<void>;
  rollKsk(zone: string): Promise<void>;
  completeKskRollover(zone: string): Promise<void>;
}

export const DNSSEC_ALGORITHMS: readonly { value: DnssecAlgorithmNumber; label: string }[] = [
  { value: 13, label: "ECDSA P-256 / SHA-256 (13)" },
  { value: 15, label: "Ed25519 (15)" },
];

export interface DnssecForm {
  algorithm?: string;
  denial?: string;
  keys?: string;
}

function embedded(d: DomainRow): void {
  if (d.backend !== "embedded") throw new ValidationError("dnssec", "Only zones served by updns are signed by updns; an external primary signs its own zone.");
}

/** The zone's signing state, null when it is not signed. */
export function domainDnssecStatus(port: DnssecPort, d: DomainRow): DnssecState | null {
  embedded(d);
  return port.status(d.name);
}

/** Switch signing on (or, on a signed zone, only NSEC ↔ NSEC3); `domains.dnssec` follows. */
export async function enableDomainDnssec(db: Db, port: DnssecPort, d: DomainRow, form: DnssecForm, defaultAlgorithm: number): Promise<void> {
  embedded(d);
  const algorithm = form.algorithm ? Number(form.algorithm) : defaultAlgorithm;
  if (algorithm !== 13 && algorithm !== 15) throw new ValidationError("dnssec_algorithm", "Choose ECDSA P-256 (13) or Ed25519 (15).");
  const denial = form.denial || "nsec3";
  if (denial !== "nsec3" && denial !== "nsec") throw new ValidationError("denial", "Choose NSEC3 or NSEC.");
  const keys = form.keys || "csk";
  if (keys !== "csk" && keys !== "split") throw new ValidationError("keys", "Choose one combined key (CSK) or a KSK and a ZSK.");
  await port.enable(d.name, { algorithm, denial, keys });
  db.update(domains).set({ dnssec: true }).where(eq(domains.id, d.id)).run();
}

/**
 * Switching off, step by step: a DS left at the parent makes the unsigned zone bogus for every validating
 * resolver, so the first call only publishes the RFC 8078 §4 DS-removal request ("requested"); once that is
 * published, a call with `confirmed` removes signatures and keys ("unsigned"). Without confirmation the
 * second call is refused.
 */
export async function disableDomainDnssec(db: Db, port: DnssecPort, d: DomainRow, confirmed: boolean): Promise<"requested" | "unsigned"> {
  embedded(d);
  const st = port.status(d.name);
  if (st && !st.removingDs) {
    await port.requestDsRemoval(d.name);
    return "requested";
  }
  if (st && !confirmed) throw new ValidationError("confirm", "Confirm that the parent zone no longer has a DS record for this zone.");
  await port.disable(d.name);
  db.update(domains).set({ dnssec: false }).where(eq(domains.id, d.id)).run();
  return "unsigned";
}

/** Withdraw the DS-removal request: the zone stays signed and publishes its normal CDS/CDNSKEY again. */
export async function keepDomainDnssec(port: DnssecPort, d: DomainRow): Promise<void> {
  embedded(d);
  if (!port.status(d.name)?.removingDs) return;
  await port.requestDsRemoval(d.name, true);
}

export type Rollover = "roll-zsk" | "roll-ksk" | "complete-ksk";

/**
 * Start a ZSK or KSK rollover, or finish a KSK rollover once the parent has the new DS. Returns false when
 * there was nothing to do (a ZSK rollover already under way, no KSK rollover to finish).
 */
export async function rollDomainKeys(port: DnssecPort, d: DomainRow, action: Rollover): Promise<boolean> {
  embedded(d);
  const st = port.status(d.name);
  if (!st) throw new ValidationError("dnssec", "The zone is not signed.");
  if (action === "roll-zsk") {
    if (!st.keys.some((k) => k.role === "zsk")) throw new ValidationError("dnssec", "This zone signs with one combined key (CSK): roll it with the KSK rollover.");
    if (st.keys.some((k) => k.role === "zsk" && k.state === "published")) return false;
    await port.rollZsk(d.name);
    return true;
  }
  const activeSep = st.keys.filter((k) => k.role !== "zsk" && k.state === "active").length;
  if (action === "roll-ksk") {
    // One rollover at a time: a second new SEP key would leave the parent's DS behind twice.
    if (activeSep > 1) throw new ValidationError("dnssec", "A KSK rollover is already under way: complete it first.");
    await port.rollKsk(d.name);
    return true;
  }
  if (activeSep < 2) return false;
  await port.completeKskRollover(d.name);
  return true;
}
