// ZoneBackend for zones whose primary is an external nameserver: reads with RD-off queries, writes with
// TSIG-signed RFC 2136 UPDATEs (replace = delete RRset + add, in one message), and keeps a back-off per
// zone after its nameserver failed so a dead primary does not stall every update request.
import ipaddr from "ipaddr.js";
import { ZoneBackendError, type ChangeOutcome, type DynamicType, type ZoneBackend, type ZoneRef } from "../../core/ports.ts";
import { isSealed, openColumn } from "../../db/index.ts";
import {
  DnsError,
  absolutize,
  formatServer,
  parseServer,
  query,
  querySoa,
  replaceOps,
  reverseLookup,
  sendUpdate,
  tsigKeyFromBase64,
  type ExchangeOptions,
  type SourceAddresses,
  type ServerAddress,
  type TsigKey,
} from "../../dns/rfc2136/index.ts";
import { UpdateBatcher } from "./batch.ts";

export interface Rfc2136BackendOptions {
  /** How long a zone's nameserver is left alone after it failed. Default 120 000 ms (nsupdate.info's 2 minutes). */
  backoffMs?: number;
  /** Per attempt, for queries and updates. Default 5000 ms. */
  timeoutMs?: number;
  /** Further UDP attempts after a timeout. Default 1. */
  retries?: number;
  /** Milliseconds since the epoch; tests move it to end a back-off. */
  now?: () => number;
  /** Seconds added to our clock in TSIG (tests simulate a skewed clock with it). */
  clockOffsetSeconds?: number;
  /**
   * After an UPDATE, ask the primary whether it now holds the new values. Default true: PowerDNS
   * answers NOERROR to an update its policy silently skipped, which would otherwise look like success.
   */
  verifyWrites?: boolean;
  /** The master key that opens update keys stored sealed (zone.updateKey.secret as the database holds it). */
  masterKey?: () => Uint8Array;
  /** Local addresses UPDATEs and queries leave from, per family (dns.rfc2136_source); absent: the kernel's choice. */
  source?: SourceAddresses;
  /**
   * Let a host's change share an UPDATE with others before the primary accepted one of its changes alone.
   * Only for a primary that applies its update policy to every record of a message (BIND, PowerDNS), never
   * Knot: its ACL would let a denied name through inside a batch of allowed ones (batch.ts).
   */
  batchUnproven?: boolean;
}

export interface BackoffState {
  zone: string;
  since: Date;
  until: Date;
  lastError: string;
}

export interface CheckStep {
  step: "soa" | "add" | "remove";
  ok: boolean;
  message: string;
  /** What a passed step found (server, zone, serial; owner, address), so that a page can say it in its own words. */
  values?: Record<string, string>;
}

/** Name of the record the connectivity test adds and removes (nsupdate.info §4.4). */
export const CONNECTIVITY_TEST_LABEL = "connectivity-test";

/** DnsError kinds that mean "the nameserver side is broken", which start a back-off (§4.3 of the spec). */
const BACKOFF_KINDS = new Set(["timeout", "refused", "network", "invalid-response", "tsig"]);

export class Rfc2136Backend implements ZoneBackend {
  private readonly backoffs = new Map<string, BackoffState>();
  private readonly backoffMs: number;
  private readonly now: () => number;
  private readonly updates: UpdateBatcher;

  constructor(private readonly opts: Rfc2136BackendOptions = {}) {
    this.backoffMs = opts.backoffMs ?? 120_000;
    this.now = opts.now ?? Date.now;
    this.updates = new UpdateBatcher({ now: this.now, batchUnproven: opts.batchUnproven });
  }

  /** UPDATE messages sent for changes, and the changes they carried (several per message when batched). */
  get updateStats(): { updates: number; changes: number } {
    return { ...this.updates.stats };
  }

  /** The back-off in force for a zone, or null. Kept in memory only, apart from the owner's "available" switch. */
  backoffState(zoneName: string): BackoffState | null {
    const s = this.backoffs.get(zoneName.toLowerCase());
    if (!s) return null;
    if (s.until.getTime() <= this.now()) return null;
    return { ...s };
  }

  async read(zone: ZoneRef, name: string, type: DynamicType): Promise<string[]> {
    this.checkBackoff(zone);
    const values = await this.guard(zone, () => this.currentValues(zone, name, type));
    this.clearBackoff(zone);
    return values;
  }

  /**
   * Changes of one (zone, name, type) run one after the other: two routers' requests for the same host must
   * not interleave read, UPDATE and read-back, or each would see the other's value and report a false error.
   */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  async replace(zone: ZoneRef, name: string, type: DynamicType, values: string[], ttl: number): Promise<ChangeOutcome> {
    const key = `${zone.name}\0${name}\0${type}`.toLowerCase();
    const before = this.inFlight.get(key) ?? Promise.resolve();
    const mine = before.catch(() => {}).then(() => this.replaceNow(zone, name, type, values, ttl));
    this.inFlight.set(key, mine);
    try {
      return await mine;
    } finally {
      if (this.inFlight.get(key) === mine) this.inFlight.delete(key);
    }
  }

  // Changes of other hosts of the zone that arrive meanwhile share the UPDATE (batch.ts): the primary applies
  // one transaction per message, so one message per change caps the zone at its transaction rate.
  private async replaceNow(zone: ZoneRef, name: string, type: DynamicType, values: string[], ttl: number): Promise<ChangeOutcome> {
    const wanted = canonicalValues(type, values);
    // Configuration mistakes are reported before any packet is sent (and start no back-off).
    const owner = ownerName(zone, name);
    const primary = this.primary(zone);
    const options = this.exchangeOptions(zone);
    this.checkBackoff(zone);
    const outcome = await this.guard(zone, async () => {
      const current = canonicalValues(type, await this.currentValues(zone, name, type));
      if (sameSet(current, wanted)) return "unchanged" as const;
      const ops = wanted.length === 0 ? [{ op: "deleteRRset" as const, name: owner, type }] : replaceOps(owner, type, wanted, ttl);
      await this.updates.send(primary, zone.name, options, { owner, type, ops });
      if (this.opts.verifyWrites !== false) {
        const now = canonicalValues(type, (await query([primary], owner, type, { ...options, key: undefined })).values);
        if (!sameSet(now, wanted))
          throw new ZoneBackendError(
            `${formatServer(primary)} accepted the update of ${owner} ${type} but still serves [${now.join(", ")}]: its update policy may have skipped the change`,
            false,
          );
      }
      return "changed" as const;
    });
    this.clearBackoff(zone);
    return outcome;
  }

  async remove(zone: ZoneRef, name: string, type: DynamicType): Promise<ChangeOutcome> {
    return this.replace(zone, name, type, [], 0);
  }

  /** Names the zone's servers give for an address (for the web UI); [] when none. */
  async reverse(zone: ZoneRef, address: string): Promise<string[]> {
    return this.guard(zone, () => reverseLookup(this.queryServers(zone), address, this.exchangeOptions(zone, false)), false);
  }

  /**
   * The domain connectivity test (nsupdate.info §4.4, updns §2): SOA from the primary, then an UPDATE
   * adding connectivity-test.<zone> A <random TEST-NET address>, then one removing it. Stops at the
   * first failing step. Runs even during a back-off; success ends the back-off.
   */
  async checkZone(zone: ZoneRef): Promise<{ ok: boolean; steps: CheckStep[] }> {
    const steps: CheckStep[] = [];
    const owner = ownerName(zone, CONNECTIVITY_TEST_LABEL);
    const run = async (step: CheckStep["step"], f: () => Promise<{ message: string; values: Record<string, string> }>) => {
      try {
        steps.push({ step, ok: true, ...(await f()) });
        return true;
      } catch (e) {
        steps.push({ step, ok: false, message: e instanceof Error ? e.message : String(e) });
        return false;
      }
    };
    let primary: ServerAddress;
    try {
      primary = this.primary(zone);
    } catch (e) {
      return { ok: false, steps: [{ step: "soa", ok: false, message: (e as Error).message }] };
    }
    const address = randomTestNetAddress();
    const ok =
      (await run("soa", async () => {
        const r = await querySoa([primary], zone.name, this.exchangeOptions(zone, false));
        const values = { server: formatServer(r.server), zone: zone.name, serial: String(r.soa.serial) };
        return { message: `${values.server} is authoritative for ${zone.name}, SOA serial ${values.serial}`, values };
      })) &&
      (await run("add", async () => {
        await sendUpdate(primary, zone.name, replaceOps(owner, "A", [address], 60), this.exchangeOptions(zone));
        return { message: `added ${owner} A ${address}`, values: { owner, address } };
      })) &&
      (await run("remove", async () => {
        await sendUpdate(primary, zone.name, [{ op: "deleteRRset", name: owner, type: "A" }], this.exchangeOptions(zone));
        return { message: `removed ${owner} A`, values: { owner } };
      }));
    if (ok) this.clearBackoff(zone);
    return { ok, steps };
  }

  private async currentValues(zone: ZoneRef, name: string, type: DynamicType): Promise<string[]> {
    return (await query(this.queryServers(zone), ownerName(zone, name), type, this.exchangeOptions(zone, false))).values;
  }

  private primary(zone: ZoneRef): ServerAddress {
    if (!zone.primary) throw new ZoneBackendError(`zone ${zone.name} has no primary nameserver configured`, false);
    try {
      return parseServer(zone.primary);
    } catch (e) {
      throw new ZoneBackendError(`zone ${zone.name}: primary ${(e as Error).message}`, false);
    }
  }

  /** The query server first (when set), then the primary. */
  private queryServers(zone: ZoneRef): ServerAddress[] {
    const primary = this.primary(zone);
    if (!zone.queryServer) return [primary];
    let q: ServerAddress;
    try {
      q = parseServer(zone.queryServer);
    } catch (e) {
      throw new ZoneBackendError(`zone ${zone.name}: query server ${(e as Error).message}`, false);
    }
    return q.host === primary.host && q.port === primary.port ? [primary] : [q, primary];
  }

  /** The update key's secret in clear: the database stores it sealed under the master key. */
  private openSecret(stored: string): string {
    if (!isSealed(stored)) return stored;
    if (!this.opts.masterKey) throw new Error("the update key is stored sealed and this backend was given no master key");
    return openColumn({ $masterKey: this.opts.masterKey }, stored, "domains.update_key_secret");
  }

  /**
   * Keys opened from the stored (sealed) secret, by name, algorithm and stored text: opening one (AES-GCM,
   * base64, the algorithm's name) for every change was 3% of the update path's CPU (profiled). A changed
   * secret is a new entry.
   */
  private readonly keys = new Map<string, TsigKey>();

  private key(zone: ZoneRef): TsigKey | undefined {
    const k = zone.updateKey;
    if (!k) return undefined;
    const id = `${k.name}\0${k.algorithm}\0${k.secret}`;
    const cached = this.keys.get(id);
    if (cached) return cached;
    let key: TsigKey;
    try {
      key = tsigKeyFromBase64(k.name, k.algorithm, this.openSecret(k.secret));
    } catch (e) {
      throw new ZoneBackendError(`zone ${zone.name}: ${(e as Error).message}`, false);
    }
    if (this.keys.size >= 1024) this.keys.clear();
    this.keys.set(id, key);
    return key;
  }

  private exchangeOptions(zone: ZoneRef, signed = true): ExchangeOptions {
    return {
      timeoutMs: this.opts.timeoutMs,
      retries: this.opts.retries,
      clockOffsetSeconds: this.opts.clockOffsetSeconds,
      source: this.opts.source,
      key: signed ? this.key(zone) : undefined,
    };
  }

  private checkBackoff(zone: ZoneRef): void {
    const s = this.backoffState(zone.name);
    if (s) throw new ZoneBackendError(`nameserver for zone ${zone.name} is in back-off until ${s.until.toISOString()} (last error: ${s.lastError})`, true);
  }

  private clearBackoff(zone: ZoneRef): void {
    this.backoffs.delete(zone.name.toLowerCase());
  }

  /** Run a DNS step; DnsError becomes ZoneBackendError and, for nameserver failures, starts a back-off. */
  private async guard<T>(zone: ZoneRef, f: () => Promise<T>, backoff = true): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof ZoneBackendError) throw e;
      if (e instanceof DnsError) {
        if (backoff && BACKOFF_KINDS.has(e.kind)) {
          const since = this.now();
          this.backoffs.set(zone.name.toLowerCase(), { zone: zone.name, since: new Date(since), until: new Date(since + this.backoffMs), lastError: e.message });
        }
        throw new ZoneBackendError(e.message, e.transient);
      }
      throw new ZoneBackendError(`zone ${zone.name}: ${e instanceof Error ? e.message : String(e)}`, false);
    }
  }
}

/** Absolute owner of a zone-relative name ("@" = apex). */
function ownerName(zone: ZoneRef, name: string): string {
  const n = name.trim();
  if (n.endsWith(".") || n.includes("..") || n === "") throw new ZoneBackendError(`"${name}" is not a name relative to zone ${zone.name}`, false);
  return absolutize(n, zone.name);
}

/** Values in one spelling: addresses as ipaddr.js prints them (RFC 5952 for IPv6), TXT untouched; sorted, unique. */
function canonicalValues(type: DynamicType, values: string[]): string[] {
  const out = values.map((v) => {
    if (type === "TXT") return v;
    // Strict forms only: ipaddr.js would also take "1.2.3" or "0x7f.1" as IPv4, which no client means.
    const valid = type === "A" ? ipaddr.IPv4.isValidFourPartDecimal(v) : ipaddr.IPv6.isValid(v) && !v.includes("%");
    if (!valid) throw new ZoneBackendError(`"${v}" is not an ${type === "A" ? "IPv4" : "IPv6"} address`, false);
    return ipaddr.parse(v).toString();
  });
  return [...new Set(out)].sort();
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A random address from the documentation ranges (RFC 5737), so the test record can never route. */
function randomTestNetAddress(): string {
  const nets = ["192.0.2", "198.51.100", "203.0.113"];
  const r = crypto.getRandomValues(new Uint8Array(2));
  return `${nets[r[0] % 3]}.${1 + (r[1] % 254)}`;
}
