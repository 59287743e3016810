// NOTIFY out (RFC 1996): after every commit (and at start) each secondary of the zone is told the new
// serial, over UDP, TSIG-signed when a key is set, retried with back-off until it answers. A newer
// serial replaces the retries of an older one. Answers are matched by ID and source and verified. NOTIFY
// leaves from the address the zone is served on (`source`): secondaries accept it only from there.
import type { udp } from "bun";
import { scanMessage, signMessage, sourceFor, verifyMessage, type SourceAddresses, type TsigKey } from "../wire/index.ts";
import type { ZoneStore } from "../zone/index.ts";
import { CLASS, OPCODE, TYPE } from "./constants.ts";
import { type DnsCounters, newCounters } from "./counters.ts";
import { encodeResponse, FLAG } from "./message.ts";
import type { DnsEvents } from "./events.ts";
import type { ZoneAcl } from "./policy.ts";

export interface NotifierOptions {
  store: ZoneStore;
  /** NOTIFY targets of a zone (Responder.notifyTargets fits). */
  targets: (zone: string) => ZoneAcl["notify"];
  lookupKey: (name: string) => TsigKey | undefined;
  counters?: DnsCounters;
  /** Attempts per target and serial (RFC 1996 §3.6: retry, with back-off). */
  attempts?: number;
  /** Wait for the first answer; doubled after each miss. */
  firstTimeoutMs?: number;
  log?: (msg: string) => void;
  /** One line per NOTIFY acknowledged or given up, for the operator's log. */
  events?: DnsEvents;
  /**
   * Addresses NOTIFY leaves from, per family (absent: the kernel's choice). A secondary accepts NOTIFY only
   * from its primary's address (Knot's acl, BIND's primaries), so this is the address we serve the zone on.
   */
  source?: SourceAddresses;
}

interface Waiting {
  resolve: (ok: boolean) => void;
  key?: TsigKey;
  mac?: Uint8Array;
  address: string;
  port: number;
}

export class Notifier {
  /** One socket per local address bound ("0.0.0.0" / "::": the kernel's choice). */
  private sockets = new Map<string, Promise<udp.Socket<"uint8array">>>();
  private waiting = new Map<number, Waiting>();
  private generation = new Map<string, number>();
  private unsubscribe: (() => void) | null = null;
  readonly counters: DnsCounters;
  private stopped = false;

  constructor(private readonly opts: NotifierOptions) {
    this.counters = opts.counters ?? newCounters();
  }

  /** Subscribe to commits and NOTIFY every zone once now (RFC 1996 §3.7: at start-up too). */
  start(): void {
    this.unsubscribe = this.opts.store.onCommit((zone) => void this.notifyZone(zone));
    for (const z of this.opts.store.snapshot().zones.keys()) void this.notifyZone(z);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const w of this.waiting.values()) w.resolve(false);
    this.waiting.clear();
    for (const s of this.sockets.values()) (await s.catch(() => null))?.close();
    this.sockets.clear();
  }

  /** NOTIFY every target of `zone` about its current serial; resolves when all answered or gave up. */
  async notifyZone(zone: string): Promise<boolean[]> {
    const targets = this.opts.targets(zone);
    return Promise.all(targets.map((t) => this.notifyOne(zone, t)));
  }

  /** The socket bound to the source for `dest`; opened once (concurrent callers share the opening). */
  private socket(dest: string): Promise<udp.Socket<"uint8array">> {
    const hostname = sourceFor(this.opts.source, dest) ?? (dest.includes(":") ? "::" : "0.0.0.0");
    let s = this.sockets.get(hostname);
    if (!s) {
      s = Bun.udpSocket({
        hostname,
        port: 0,
        binaryType: "uint8array",
        socket: {
          data: (_s, buf, port, addr) => this.onAnswer(buf, port, addr),
          // A secondary that is down answers with ICMP (ECONNREFUSED): the retry loop handles it.
          error: () => {},
        },
      });
      this.sockets.set(hostname, s);
      // A source that cannot be bound (an address this host no longer has) is tried again next time.
      s.catch(() => this.sockets.delete(hostname));
    }
    return s;
  }

  private onAnswer(buf: Uint8Array, port: number, addr: string): void {
    if (buf.length < 12) return;
    const id = (buf[0] << 8) | buf[1];
    const w = this.waiting.get(id);
    if (!w || port !== w.port || normalizeAddr(addr) !== normalizeAddr(w.address)) return;
    try {
      const m = scanMessage(buf);
      if (!m.qr || m.opcode !== OPCODE.NOTIFY) return;
      if (w.key) {
        const v = verifyMessage(buf, (n) => (n === w.key!.name ? w.key : undefined), { requestMac: w.mac });
        if (!v.ok) {
          this.opts.log?.(`dns/notify: answer from ${addr}:${port} does not verify: ${v.message}`);
          this.opts.events?.warn("tsig verification failed", { error: v.rcode, key: w.key.name, peer: addr, opcode: "NOTIFY", name: m.questions[0]?.name ?? "" });
          return;
        }
      }
      this.waiting.delete(id);
      w.resolve(m.rcode === 0);
      if (m.rcode !== 0) this.opts.log?.(`dns/notify: ${addr}:${port} answered rcode ${m.rcode}`);
    } catch {
      // A malformed answer counts as no answer; the retry goes on.
    }
  }

  private async notifyOne(zone: string, t: ZoneAcl["notify"][number]): Promise<boolean> {
    const gkey = `${zone}|${t.address}|${t.port}`;
    const gen = (this.generation.get(gkey) ?? 0) + 1;
    this.generation.set(gkey, gen);
    const attempts = this.opts.attempts ?? 5;
    let timeout = this.opts.firstTimeoutMs ?? 1000;
    const key = t.key ? this.opts.lookupKey(t.key) : undefined;
    const peer = `${t.address.includes(":") && !t.address.startsWith("[") ? `[${t.address}]` : t.address}:${t.port}`;
    if (t.key && !key) {
      this.counters.notifies.failed++;
      this.opts.events?.warn("notify failed", { zone, peer, key: t.key, serial: this.opts.store.zone(zone)?.serial ?? null, attempts: 0, why: "unknown key" });
      return false;
    }
    const addr = t.address.replace(/^\[|\]$/g, "");
    let sock: udp.Socket<"uint8array">;
    try {
      sock = await this.socket(addr);
    } catch (e) {
      this.counters.notifies.failed++;
      const source = sourceFor(this.opts.source, addr);
      this.opts.events?.warn("notify failed", { zone, peer, key: t.key ?? null, serial: this.opts.store.zone(zone)?.serial ?? null, attempts: 0, why: `cannot send from ${source}: ${(e as Error).message}` });
      return false;
    }
    for (let i = 0; i < attempts; i++) {
      if (this.stopped || this.generation.get(gkey) !== gen) return false;
      const snap = this.opts.store.zone(zone);
      if (!snap) return false;
      let id = Math.floor(Math.random() * 0x10000);
      for (let k = 0; k < 10 && this.waiting.has(id); k++) id = Math.floor(Math.random() * 0x10000);
      const nameBytes = labels(zone);
      // RFC 1996 §3.7: QUERY is the zone's SOA; the answer section may carry the new SOA as a hint.
      let msg = encodeResponse({
        id,
        flags: (OPCODE.NOTIFY << 11) | FLAG.AA,
        rcode: 0,
        question: { nameBytes, qname: zone, qtype: TYPE.SOA, qclass: CLASS.IN },
        answer: [{ name: zone, type: "SOA", ttl: snap.soa.ttl, data: snap.soa.data[0] }],
        authority: [],
        additional: [],
        edns: null,
      });
      // encodeResponse always sets nothing of QR; make sure it is a request.
      msg[2] &= 0x7f;
      let mac: Uint8Array | undefined;
      if (key) ({ wire: msg, mac } = signMessage(msg, key));
      const answered = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          this.waiting.delete(id);
          resolve(false);
        }, timeout);
        this.waiting.set(id, {
          resolve: (ok) => {
            clearTimeout(timer);
            resolve(ok);
          },
          key,
          mac,
          address: addr,
          port: t.port,
        });
      });
      try {
        sock.send(msg, t.port, addr);
      } catch {
        // An earlier ICMP error surfaces on send: count the attempt; the back-off retries.
      }
      this.counters.notifies.sent++;
      if (await answered) {
        this.counters.notifies.acknowledged++;
        this.opts.events?.info("notify sent", { zone, peer, key: t.key ?? null, serial: snap.serial, attempts: i + 1 });
        return true;
      }
      timeout *= 2;
    }
    this.counters.notifies.failed++;
    this.opts.events?.warn("notify failed", { zone, peer, key: t.key ?? null, serial: this.opts.store.zone(zone)?.serial ?? null, attempts, why: "not acknowledged" });
    return false;
  }
}

function labels(name: string): Uint8Array {
  const out: number[] = [];
  for (const p of name === "" ? [] : name.split(".")) out.push(p.length, ...new TextEncoder().encode(p));
  out.push(0);
  return Uint8Array.from(out);
}

function normalizeAddr(a: string): string {
  return a.replace(/^::ffff:/, "");
}
