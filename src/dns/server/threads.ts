// DNS threads (dns.threads): the main thread answers on its sockets, and threads - 1 Bun Workers
// (thread.ts) answer plain queries on sockets of their own bound to the same addresses with SO_REUSEPORT,
// the kernel spreading the queries over them all. Each worker reads the zone set in shared memory
// (share.ts). Every new version goes to each worker on a port of its own, and the number of the newest is
// stored in a shared cell before the commit is acknowledged; a worker takes the versions waiting on its port
// before it answers a query whose zone set is older than that number (thread.ts). So a client told "good"
// finds its new address whichever socket its next query lands on, and a commit costs no round trip through
// the workers (the acknowledgement used to wait until each had woken, taken the version and said so).
// Everything but plain queries is answered here, in the main thread, which owns the store, the keys and the
// policies; TCP stays in the main thread too.
import { MessageChannel, type MessagePort } from "node:worker_threads";
import { type ZoneSet, type ZoneStore, ZoneSetSharer } from "../zone/index.ts";
import { answeredIn, COUNT_CELLS, type DnsCounters, foldCells } from "./counters.ts";
import { RCODE_NAME, typeLabel } from "./constants.ts";
import type { Responder } from "./responder.ts";
import type { RrlOptions } from "./rrl.ts";
import type { CounterIncrements, FromThread, ToThread, ZonesMessage } from "./thread.ts";

export interface DnsThreadsOptions {
  /** Workers to start (dns.threads - 1: the main thread is one of the threads). */
  workers: number;
  /** The bound addresses, real ports (the main thread's listener has them). */
  addresses: { host: string; port: number }[];
  store: ZoneStore;
  responder: Responder;
  maxUdpSize: number;
  rrl?: RrlOptions;
  log?: (msg: string) => void;
}

export interface DnsThreads {
  /** Answers each worker has sent so far (its plain answers, as counted in its cells): the operator's view of the spread. */
  readonly answered: number[];
  /** Have the workers answer from `set`; every query a worker answers after this returns is answered from it. */
  publish(set: ZoneSet): Promise<void>;
  stop(): Promise<void>;
}

interface Running {
  worker: Worker;
  /** Where its zone sets go (thread.ts takes them when it needs them). */
  port: MessagePort;
  alive: boolean;
  /** The worker's query and response counts (shared memory, counters.ts) and what of them is folded in. */
  cells?: Float64Array;
  seen: Float64Array;
}

/**
 * The worker's entry. In the standalone binary (build.ts lists thread.ts as a second entrypoint) Bun finds
 * it by its path below src/, the bundle's root; run from source, beside this file.
 */
const THREAD_ENTRY = import.meta.url.includes("$bunfs") ? "./dns/server/thread.ts" : new URL("./thread.ts", import.meta.url).href;

export async function startDnsThreads(o: DnsThreadsOptions): Promise<DnsThreads> {
  const sharer = new ZoneSetSharer();
  let gen = 1;
  // The newest generation sent: stored after its message is on every port, read by the workers per query.
  const published = new Int32Array(new SharedArrayBuffer(4));
  Atomics.store(published, 0, gen);
  let sent = o.store.snapshot();
  const first = sharer.share(sent);
  const running: Running[] = [];

  const add = (c: DnsCounters, inc: CounterIncrements) => {
    c.truncated += inc.truncated;
    c.rrl.slipped += inc.rrl.slipped;
    c.rrl.dropped += inc.rrl.dropped;
  };

  // The main responder's query and response counts take the workers' cells in whenever they are read
  // (/metrics, the status page): the workers count without a message per answer, and are never behind.
  const counters = o.responder.counters;
  const rcodeLabel = (r: number) => RCODE_NAME[r] ?? String(r);
  const own = { queriesByType: counters.queriesByType, responsesByRcode: counters.responsesByRcode };
  const fold = () => {
    for (const r of running) if (r.cells) foldCells(own, r.cells, r.seen, typeLabel, rcodeLabel);
  };
  const folding = (record: Record<string, number>): PropertyDescriptor => ({ get: () => (fold(), record), enumerable: true, configurable: true });
  const plain = (record: Record<string, number>): PropertyDescriptor => ({ value: record, writable: true, enumerable: true, configurable: true });

  /** A message the worker could not answer alone: answered here, the answers sent back to it. */
  const answer = (r: Running, m: Extract<FromThread, { type: "ask" }>) => {
    const answers: Uint8Array[] = [];
    const done = () => r.alive && r.worker.postMessage({ type: "answers", id: m.id, answers } satisfies ToThread);
    const res = o.responder.handle(m.msg, { transport: "udp", address: m.address, port: m.port }, (out) => answers.push(out));
    if (res instanceof Promise) res.then(done, done);
    else done();
  };

  const started = await Promise.all(
    Array.from({ length: o.workers }, () => {
      const channel = new MessageChannel();
      const r: Running = { worker: new Worker(THREAD_ENTRY), port: channel.port1, alive: true, seen: new Float64Array(COUNT_CELLS) };
      running.push(r);
      return new Promise<void>((resolve, reject) => {
        r.worker.onmessage = (ev: MessageEvent<FromThread>) => {
          const m = ev.data;
          if (m.type === "ask") answer(r, m);
          else if (m.type === "counters") add(counters, m.counters);
          else if (m.type === "started") {
            r.cells = m.cells;
            resolve();
          }
          else if (m.type === "failed") reject(Object.assign(new Error(m.message), { code: m.code }));
        };
        r.worker.onerror = (ev) => {
          r.alive = false;
          o.log?.(`dns/server: a DNS thread failed: ${ev.message}`);
          reject(new Error(ev.message));
        };
        r.worker.postMessage({ type: "start", addresses: o.addresses, maxUdpSize: o.maxUdpSize, rrl: o.rrl, gen, zones: first, port: channel.port2, published: published.buffer as SharedArrayBuffer } satisfies ToThread, [channel.port2 as unknown as Transferable]);
      });
    }),
  ).then(
    () => true,
    (e: Error) => e,
  );
  if (started !== true) {
    for (const r of running) r.worker.terminate();
    throw started;
  }
  Object.defineProperties(counters, { queriesByType: folding(own.queriesByType), responsesByRcode: folding(own.responsesByRcode) });

  const publish = (set: ZoneSet): Promise<void> => {
    if (set !== sent) {
      sent = set;
      const m: ZonesMessage = { gen: ++gen, zones: sharer.share(set) };
      for (const r of running) if (r.alive) r.port.postMessage(m);
      // After the messages: a worker that reads this number finds every version up to it on its port.
      Atomics.store(published, 0, gen);
    }
    return Promise.resolve();
  };
  // Each commit publishes before it is acknowledged; zones added, removed or reloaded outside a commit are caught here.
  o.store.setPublishBarrier(publish);
  const unsubscribe = o.store.onCommit(() => void publish(o.store.snapshot()));
  const poll = setInterval(() => {
    if (o.store.snapshot() !== sent) void publish(o.store.snapshot());
  }, 250);
  (poll as { unref?: () => void }).unref?.();

  return {
    get answered() {
      return running.map((r) => (r.cells ? answeredIn(r.cells) : 0));
    },
    publish,
    async stop() {
      clearInterval(poll);
      unsubscribe();
      o.store.setPublishBarrier(null);
      await Promise.all(
        running.map(
          (r) =>
            new Promise<void>((resolve) => {
              if (!r.alive) return resolve();
              const t = setTimeout(() => (r.worker.terminate(), resolve()), 2000);
              r.worker.addEventListener("close", () => (clearTimeout(t), resolve()));
              r.worker.postMessage({ type: "stop" } satisfies ToThread);
            }),
        ),
      );
      for (const r of running) r.port.close();
      // The last counts in, then the records are plain again.
      fold();
      Object.defineProperties(counters, { queriesByType: plain(own.queriesByType), responsesByRcode: plain(own.responsesByRcode) });
    },
  };
}
