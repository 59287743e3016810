// Group commit for RFC 2136: a primary applies each UPDATE as one transaction (BIND: one journal write and
// one serial each), so one UPDATE per change caps a busy zone at the primary's transaction rate. Changes to
// a zone that arrive while an UPDATE to it is in flight are gathered and sent as one UPDATE whose update
// section holds every change (RFC 2136 §2.5: delete RRset + add RRs per owner; §3.4: processed in order,
// all or nothing). Every caller is answered from that one response.
import { DnsError, formatServer, sendUpdate, type ExchangeOptions, type ServerAddress, type UpdateOp } from "../../dns/rfc2136/index.ts";

/** One host's change: the ops of its (owner, type), applied as a unit. */
export interface Change {
  owner: string;
  type: string;
  ops: UpdateOp[];
}

interface Pending extends Change {
  /** Octets its records take in an UPDATE. */
  size: number;
  /** May share a message with other changes (see `provenFor`). */
  batchable: boolean;
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Queue {
  server: ServerAddress;
  zone: string;
  options: ExchangeOptions;
  pending: Pending[];
  running: boolean;
}

/**
 * Changes in one UPDATE at most, and octets of their records: far below TCP's 65 535 with TSIG added.
 * Batches are not held to one 512-octet datagram: BIND took ~10 ms per UPDATE under load, so batches of
 * 4 capped the zone at 313 changes/s where unbounded ones (TCP) gave 1 171/s (measured).
 */
const MAX_CHANGES = 64;
const MAX_OCTETS = 16 * 1024;
/** A lone change waits this many event-loop turns for company, a busy zone at most GATHER_MS. */
const GATHER_TURNS = 2;
const GATHER_MS = 2;
/**
 * How long a change the primary accepted alone counts as allowed by its policy. Knot applies an ACL rule
 * restricted by owner or type only when every record of the UPDATE matches it, so a "deny www" rule would
 * let www through inside a batch of allowed names. A change joins a batch only after the primary took it
 * alone with the same key recently; a rule added later on the primary binds at the latest after this time.
 */
const PROOF_MS = 10 * 60_000;
const PROOFS_MAX = 100_000;

/**
 * Rcodes of a batched UPDATE that may concern one of its names only (a policy refusal, a name outside the
 * zone, a record the primary cannot parse; Knot's ACL answers BADKEY): the members are sent again one by
 * one so that one bad change cannot fail the others. Any other failure (timeout, SERVFAIL, a wrong secret)
 * is the zone's or the key's and fails every member.
 */
const PER_CHANGE_RCODES = new Set(["REFUSED", "NOTAUTH", "NOTZONE", "YXRRSET", "NXRRSET", "YXDOMAIN", "NXDOMAIN", "FORMERR"]);

/** Transport failures: the primary did not answer usably, whatever the message. */
const UNREACHABLE = new Set(["timeout", "refused", "network", "invalid-response"]);

function concernsOneChange(e: unknown): boolean {
  if (!(e instanceof DnsError)) return false;
  // A value that cannot be encoded fails the building of the message: it is one change's.
  if (e.kind === "bad-request") return true;
  if (!e.rcode) return false;
  return e.kind === "rcode" ? PER_CHANGE_RCODES.has(e.rcode) : e.kind === "tsig" && e.rcode === "BADKEY";
}

export interface UpdateBatcherOptions {
  now?: () => number;
  /**
   * Let a change join a batch before the primary accepted it alone. Only for primaries that apply their
   * policy to every record of a message (BIND, PowerDNS); never Knot (see PROOF_MS).
   */
  batchUnproven?: boolean;
}

export class UpdateBatcher {
  private readonly queues = new Map<string, Queue>();
  /** (queue, owner, type) → until when a lone UPDATE of it was accepted. Oldest first (Map order). */
  private readonly proofs = new Map<string, number>();
  private readonly now: () => number;
  /** UPDATE messages sent, and the changes they carried (for tests and the bench). */
  readonly stats = { updates: 0, changes: 0 };

  constructor(private readonly opts: UpdateBatcherOptions = {}) {
    this.now = opts.now ?? Date.now;
  }

  /** Resolves when an UPDATE holding `change` was answered NOERROR; rejects with that UPDATE's DnsError. */
  send(server: ServerAddress, zone: string, options: ExchangeOptions, change: Change): Promise<void> {
    const qk = `${zone.toLowerCase()}|${formatServer(server)}|${options.key?.name ?? ""}|${options.key?.algorithm ?? ""}`;
    const size = octets(change.ops);
    let q = this.queues.get(qk);
    if (!q) {
      q = { server, zone, options, pending: [], running: false };
      this.queues.set(qk, q);
    }
    // The latest caller's options sign the next message: a secret changed under the same key name counts at once.
    q.options = options;
    const batchable = this.opts.batchUnproven === true || (this.proofs.get(this.proofKey(qk, change)) ?? 0) > this.now();
    return new Promise<void>((resolve, reject) => {
      q.pending.push({ ...change, size, batchable, resolve, reject });
      if (!q.running) void this.run(qk, q);
    });
  }

  private proofKey(qk: string, c: Change): string {
    return `${qk}|${c.owner.toLowerCase()}|${c.type}`;
  }

  private prove(qk: string, c: Change): void {
    const k = this.proofKey(qk, c);
    this.proofs.delete(k);
    this.proofs.set(k, this.now() + PROOF_MS);
    if (this.proofs.size > PROOFS_MAX) this.proofs.delete(this.proofs.keys().next().value!);
  }

  private async run(qk: string, q: Queue): Promise<void> {
    q.running = true;
    try {
      // Bounded: each turn sends at most MAX_CHANGES; the loop ends when none wait.
      while (q.pending.length > 0) {
        await gather(q.pending);
        await this.flush(qk, q, take(q.pending));
      }
    } finally {
      q.running = false;
      if (q.pending.length > 0) void this.run(qk, q);
      else if (this.queues.get(qk) === q) this.queues.delete(qk);
    }
  }

  private async flush(qk: string, q: Queue, batch: Pending[]): Promise<void> {
    try {
      await this.update(q, batch);
      if (batch.length === 1) this.prove(qk, batch[0]);
      for (const p of batch) p.resolve();
    } catch (e) {
      if (batch.length === 1 || !concernsOneChange(e)) return this.fail(q, batch, e);
      for (const [i, p] of batch.entries()) {
        try {
          await this.update(q, [p]);
          this.prove(qk, p);
          p.resolve();
        } catch (e1) {
          this.proofs.delete(this.proofKey(qk, p));
          if (!concernsOneChange(e1)) return this.fail(q, batch.slice(i), e1);
          p.reject(e1);
        }
      }
    }
  }

  /**
   * Reject `batch` with `e`. When the primary could not be reached, the changes that queued up meanwhile
   * are rejected too: sent next, each batch would wait out its own timeout, where the back-off (index.ts)
   * answers every later change at once.
   */
  private fail(q: Queue, batch: Pending[], e: unknown): void {
    const unreachable = e instanceof DnsError && UNREACHABLE.has(e.kind);
    for (const p of unreachable ? [...batch, ...q.pending.splice(0)] : batch) p.reject(e);
  }

  private update(q: Queue, batch: Pending[]): Promise<void> {
    this.stats.updates++;
    this.stats.changes += batch.length;
    return sendUpdate(q.server, q.zone, batch.length === 1 ? batch[0].ops : batch.flatMap((p) => p.ops), q.options);
  }
}

/** Octets the ops take in an UPDATE, at most (names uncompressed; TXT cut into 255-octet strings). */
function octets(ops: UpdateOp[]): number {
  let n = 0;
  for (const o of ops) {
    n += o.name.length + 2 + 10;
    if (o.op === "add" || o.op === "deleteRR") n += o.type === "TXT" ? 4 * o.value.length + Math.ceil((4 * o.value.length) / 255) + 1 : o.type === "PTR" ? o.value.length + 2 : 16;
  }
  return n;
}

/**
 * Let the event loop turn while more changes keep arriving, so requests already being handled join this
 * UPDATE instead of waiting for the next. A lone change waits GATHER_TURNS turns at most.
 */
async function gather(pending: Pending[]): Promise<void> {
  const t0 = performance.now();
  for (let i = 0, before = -1; i < GATHER_TURNS && pending.length !== before && pending.length < MAX_CHANGES && performance.now() - t0 < GATHER_MS; i++) {
    before = pending.length;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * The next message's changes, removed from `pending`: the first waiting change; if it may share a message,
 * every other waiting change that may too, while the message stays within MAX_CHANGES and MAX_OCTETS.
 */
function take(pending: Pending[]): Pending[] {
  const first = pending[0];
  if (!first.batchable) return pending.splice(0, 1);
  const batch: Pending[] = [];
  const rest: Pending[] = [];
  let octets = 0;
  for (const p of pending) {
    if (p.batchable && batch.length < MAX_CHANGES && (batch.length === 0 || octets + p.size <= MAX_OCTETS)) {
      batch.push(p);
      octets += p.size;
    } else rest.push(p);
  }
  pending.splice(0, pending.length, ...rest);
  return batch;
}
