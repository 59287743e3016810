// Update acknowledged → a secondary answers it: an NSD secondary of an embedded zone, fed by NOTIFY and
// IXFR from updns (dist/updns). Each sample sends one dyndns2 change, and from the moment updns answers
// `good` polls NSD (one UDP query every 2 ms) until it serves the new address. Samples run one after
// another; each is bounded (5 s), the whole run by its count.
//
//   npx bun bench/propagation.ts [--samples 1000]
import { parseArgs } from "node:util";
import { rmSync } from "node:fs";
import dnsPacket from "dns-packet";
import { addZone, UPDATE_SECRET } from "./lib/zone.ts";
import { benchDir, startNsdSecondary, startUpdns, type Server } from "./lib/servers.ts";
import { freePort } from "../tests/support/net.ts";

export interface PropagationResult {
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Samples NSD did not answer within the bound. */
  missed: number;
}

const ZONE = "dyn.bench.test";
const HOSTS = 64;

/** A tiny UDP resolver for one server: ask (name, A), resolve with the addresses of the answer. */
async function udpAsker(port: number) {
  const waiting = new Map<number, (a: string[]) => void>();
  const sock = await Bun.udpSocket({
    hostname: "127.0.0.1",
    socket: {
      data(_s, buf) {
        try {
          const m = dnsPacket.decode(Buffer.from(buf));
          const done = waiting.get(m.id ?? -1);
          if (!done) return;
          waiting.delete(m.id!);
          done((m.answers ?? []).flatMap((a) => (a.type === "A" ? [String(a.data)] : [])));
        } catch {
          // not ours
        }
      },
    },
  });
  let id = 0;
  return {
    ask(name: string, timeoutMs = 50): Promise<string[]> {
      id = (id + 1) & 0xffff;
      const my = id;
      return new Promise((resolve) => {
        const t = setTimeout(() => {
          waiting.delete(my);
          resolve([]);
        }, timeoutMs);
        waiting.set(my, (a) => {
          clearTimeout(t);
          resolve(a);
        });
        sock.send(dnsPacket.encode({ type: "query", id: my, flags: 0, questions: [{ type: "A", name, class: "IN" }] }), port, "127.0.0.1");
      });
    },
    close: () => sock.close(),
  };
}

export async function benchPropagation(o: { samples: number; log?: (line: string) => void }): Promise<PropagationResult> {
  const log = o.log ?? (() => {});
  const data = benchDir("propagation");
  let updns: Server | undefined;
  let nsd: Server | undefined;
  let asker: Awaited<ReturnType<typeof udpAsker>> | undefined;
  try {
    const nsdPort = await freePort();
    await addZone(data, { zone: ZONE, hosts: HOSTS, hostRows: true, transferAcl: "127.0.0.0/8", secondaries: [`127.0.0.1:${nsdPort}`] });
    updns = await startUpdns({ dataDir: data, zone: ZONE, logLevel: "warn" });
    nsd = await startNsdSecondary(ZONE, nsdPort, updns.port);
    asker = await udpAsker(nsdPort);
    const times: number[] = [];
    let missed = 0;
    const auth = (i: number) => "Basic " + Buffer.from(`h${i}.${ZONE}:${UPDATE_SECRET}`).toString("base64");
    for (let k = 1; k <= o.samples; k++) {
      const i = 1 + (k % HOSTS);
      const address = `10.${100 + ((k >> 16) & 127)}.${(k >> 8) & 255}.${k & 255}`;
      const res = await fetch(`http://${updns.http}/nic/update?myip=${address}`, { headers: { authorization: auth(i), "user-agent": "updns-bench/1" } });
      const body = await res.text();
      const acked = performance.now();
      if (!body.startsWith("good")) throw new Error(`update ${k} answered ${res.status} ${body}`);
      let seen = false;
      // Bounded: 5 s per sample.
      while (performance.now() - acked < 5000) {
        if ((await asker.ask(`h${i}.${ZONE}`)).includes(address)) {
          seen = true;
          break;
        }
        await Bun.sleep(2);
      }
      if (seen) times.push(performance.now() - acked);
      else missed++;
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? NaN;
    const r = { samples: o.samples, p50: pct(50), p90: pct(90), p99: pct(99), max: times[times.length - 1] ?? NaN, missed };
    log(`propagation: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, missed ${missed} of ${o.samples}`);
    return r;
  } finally {
    asker?.close();
    await nsd?.stop();
    await updns?.stop();
    if (!process.env.BENCH_KEEP) rmSync(data, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { samples: { type: "string", default: "1000" } } });
  console.log(await benchPropagation({ samples: Number(values.samples), log: console.log }));
}
