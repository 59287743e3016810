// A DNS thread (a Bun Worker started by threads.ts): one more UDP socket on each address the server
// listens on, bound with SO_REUSEPORT beside the main thread's, so the kernel spreads the queries over the
// threads. It answers plain queries from the zone set the main thread shares with it (share.ts: the
// packed names are read in shared memory, not copied) and hands every other message (UPDATE, NOTIFY, TSIG,
// transfers, errors) to the main thread, which owns the store, the keys and the policies, and sends back
// the answers for this thread to send from the socket the message came in on.
import { receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { type SharedZoneSet, type ZoneStore, ZoneSetReceiver } from "../zone/index.ts";
import { newCountCells, newCounters, type DnsCounters } from "./counters.ts";
import { openUdp, UdpOutbox, udpSend, type UdpSocket } from "./listen.ts";
import { Responder } from "./responder.ts";
import { ResponseRateLimiter, type RrlOptions } from "./rrl.ts";

/** A version of the zone set, on the thread's zones port. */
export interface ZonesMessage {
  gen: number;
  zones: SharedZoneSet;
}

/** Main thread → DNS thread. */
export type ToThread =
  | {
      type: "start";
      addresses: { host: string; port: number }[];
      maxUdpSize: number;
      rrl?: RrlOptions;
      gen: number;
      zones: SharedZoneSet;
      /** Where the next versions (ZonesMessage) wait until this thread takes them. */
      port: MessagePort;
      /** One Int32: the newest generation the main thread has put on the port. */
      published: SharedArrayBuffer;
    }
  | { type: "answers"; id: number; answers: Uint8Array[] }
  | { type: "stop" };

/** The counters a DNS thread reports by message (queries and responses are in its shared cells). */
export type CounterIncrements = Pick<DnsCounters, "truncated" | "rrl">;

/** DNS thread → main thread. */
export type FromThread =
  | { type: "started"; cells: Float64Array }
  | { type: "failed"; message: string; code?: string }
  | { type: "ask"; id: number; msg: Uint8Array; address: string; port: number }
  | { type: "counters"; counters: CounterIncrements }
  | { type: "stopped" };

declare const self: Worker;
const post = (m: FromThread) => self.postMessage(m);

const zones = new ZoneSetReceiver();
const counters = newCounters();
/** Queries and responses, counted in memory the main thread reads (counters.ts). */
const cells = newCountCells();
let responder: Responder | undefined;
let rrl: ResponseRateLimiter | undefined;
const sockets: UdpSocket[] = [];
/** Messages the main thread is answering: where their answers go. */
const asked = new Map<number, { sock: UdpSocket; port: number; addr: string }>();
let nextId = 1;

/** Truncations and RRL decisions go to the main thread before the answers they count leave. */
function report(): void {
  const c = counters;
  if (c.truncated === 0 && c.rrl.slipped === 0 && c.rrl.dropped === 0) return;
  post({ type: "counters", counters: { truncated: c.truncated, rrl: { ...c.rrl } } });
  // Zeroed in place: the responder and the limiter keep counting into these objects.
  c.truncated = 0;
  c.rrl.slipped = 0;
  c.rrl.dropped = 0;
}
const outbox = new UdpOutbox(report);

let zonesPort: MessagePort | undefined;
let published: Int32Array | undefined;
let gen = 0;
/** How long a version announced in `published` may take to appear on the port (it is posted before). */
const LATE_MS = 50;

/**
 * Take every version the main thread has published and this thread does not answer from yet: before each
 * query, so that none is answered from a version older than a commit already acknowledged. The messages
 * are on the port before the number is stored, so they are normally all there; a late one is waited for.
 */
function catchUp(): void {
  const want = Atomics.load(published!, 0);
  let waited = 0;
  while (gen < want) {
    const m = receiveMessageOnPort(zonesPort!)?.message as ZonesMessage | undefined;
    if (m) {
      zones.receive(m.zones);
      gen = m.gen;
    } else if (waited++ < LATE_MS) Atomics.wait(published!, 0, want, 1);
    else break;
  }
}

function onMessage(sock: UdpSocket, msg: Uint8Array, port: number, addr: string): void {
  catchUp();
  const out = responder!.plainAnswerSafe(msg, addr);
  if (out) return udpSend(outbox, rrl, sock, out, port, addr);
  const id = nextId++;
  asked.set(id, { sock, port, addr });
  post({ type: "ask", id, msg, address: addr, port });
}

async function start(m: Extract<ToThread, { type: "start" }>): Promise<void> {
  zones.receive(m.zones);
  gen = m.gen;
  zonesPort = m.port;
  published = new Int32Array(m.published);
  // Versions also wait on the port while no query comes: taken now and then, so that they do not pile up.
  setInterval(catchUp, 1000);
  // Only the hot path runs here; the store is the main thread's (the slow path is asked there).
  responder = new Responder({ store: { snapshot: () => zones.current } as unknown as ZoneStore, maxUdpSize: m.maxUdpSize, counters, cells });
  const limiter = m.rrl ? new ResponseRateLimiter({ ...m.rrl, counters: counters.rrl }) : undefined;
  rrl = limiter?.enabled ? limiter : undefined;
  try {
    for (const a of m.addresses) sockets.push(await openUdp({ host: a.host, port: a.port, reusePort: true, onMessage }));
  } catch (e) {
    for (const s of sockets) s.close();
    post({ type: "failed", message: (e as Error).message, code: (e as NodeJS.ErrnoException).code });
    return;
  }
  post({ type: "started", cells });
}

self.onmessage = (ev: MessageEvent<ToThread>) => {
  const m = ev.data;
  if (m.type === "start") void start(m);
  else if (m.type === "answers") {
    const to = asked.get(m.id);
    asked.delete(m.id);
    if (to) for (const a of m.answers) udpSend(outbox, rrl, to.sock, a, to.port, to.addr);
  } else if (m.type === "stop") {
    for (const s of sockets) s.close();
    report();
    post({ type: "stopped" });
    process.exit(0);
  }
};
