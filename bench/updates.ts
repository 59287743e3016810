// Benchmark of the dyndns2 update path: updates per second and latency percentiles, through the real HTTP
// listener on loopback, at concurrency 1 and 16, for two paths:
//   change — every request sends a new address, so every request is a real DNS change (a zone commit);
//   nochg  — the address is already in DNS (the cheap path most router traffic takes).
//
//   npx bun bench/updates.ts [--backend embedded|fake] [--hosts 64] [--seconds 3] [--synchronous FULL|NORMAL]
//
// The embedded backend writes the zone through SQLite and swaps the in-memory zone (what `updns serve`
// does); the fake one keeps records in a Map and measures the API and core alone. Numbers are printed, never
// asserted: timing belongs here, not in the tests.
import { parseArgs } from "node:util";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { loadConfig } from "../src/config/index.ts";
import { hashSecret, type ZoneBackend } from "../src/core/index.ts";
import { hosts, openDatabase, users, domains } from "../src/db/index.ts";
import { createHttpApp, listenHttp } from "../src/http/index.ts";
import { dyndnsApi } from "../src/http/api/index.ts";
import { createLogger } from "../src/log/index.ts";
import { FakeBackend } from "../tests/support/fake-backend.ts";

const { values } = parseArgs({
  options: {
    backend: { type: "string", default: "embedded" },
    hosts: { type: "string", default: "64" },
    seconds: { type: "string", default: "3" },
    synchronous: { type: "string", default: "FULL" },
  },
});
const HOSTS = Number(values.hosts);
const SECONDS = Number(values.seconds);
const ZONE = "bench.example.org";

const dir = join(tmpdir(), `updns-bench-${process.pid}`);
const db = openDatabase(join(dir, "updns.db"), { synchronous: values.synchronous as "FULL" | "NORMAL" });
const owner = db.insert(users).values({ username: "bench" }).returning().get();

let backend: ZoneBackend;
let zoneId: number;
if (values.backend === "embedded") {
  // The same steps as `updns domain add --embedded` and `updns serve`.
  const { addEmbeddedZone } = await import("../src/core/admin/domains.ts");
  const { ZoneStore } = await import("../src/dns/zone/index.ts");
  const { SqliteZoneStorage, EmbeddedBackend } = await import("../src/backends/embedded/index.ts");
  const row = await addEmbeddedZone(db, { name: ZONE, ownerId: owner.id }, async (z) => {
    const s = await ZoneStore.open(new SqliteZoneStorage(db, [z.name]));
    await s.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) });
  });
  zoneId = row.id;
  const store = await ZoneStore.open(new SqliteZoneStorage(db));
  backend = new EmbeddedBackend(() => store);
} else {
  zoneId = db.insert(domains).values({ name: ZONE, backend: "embedded", ownerId: owner.id }).returning().get().id;
  backend = new FakeBackend();
}

const secret = "bench-secret-0123456789";
const hash = await hashSecret(secret);
for (let i = 0; i < HOSTS; i++) db.insert(hosts).values({ name: `h${i}`, domainId: zoneId, ownerId: owner.id, netmaskIpv4: 32, updateSecret: hash }).run();

const config = loadConfig({ env: {} });
const log = createLogger({ level: "warn" });
const app = createHttpApp({ config, log, health: { check: () => ({}) }, plugins: [dyndnsApi({ db, config, log, backendFor: () => backend })] });
const listener = listenHttp((req) => app.handle(req), { listen: ["127.0.0.1:0"], maxBodyBytes: 65536 });
const base = `http://${listener.addresses[0]}`;
const auth = (i: number) => "Basic " + Buffer.from(`h${i}.${ZONE}:${secret}`).toString("base64");

let counter = 0;
/** A fresh address every call: 10.x.y.z walks through 16M addresses. */
const nextAddress = () => {
  const n = ++counter;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${(n & 255) || 1}`;
};

interface Row {
  path: string;
  concurrency: number;
  requests: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  unexpected: number;
}

async function scenario(path: "change" | "nochg", concurrency: number): Promise<Row> {
  const fixed = new Map<number, string>();
  if (path === "nochg") {
    // Put each host's address in place first; afterwards every request is nochg.
    for (let i = 0; i < HOSTS; i++) {
      const a = nextAddress();
      fixed.set(i, a);
      await fetch(`${base}/nic/update?myip=${a}`, { headers: { authorization: auth(i) } }).then((r) => r.text());
    }
  }
  const latencies: number[] = [];
  let unexpected = 0;
  const until = performance.now() + SECONDS * 1000;
  let next = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const i = next++ % HOSTS;
      const address = path === "change" ? nextAddress() : fixed.get(i)!;
      const t0 = performance.now();
      const res = await fetch(`${base}/nic/update?myip=${address}`, { headers: { authorization: auth(i), "user-agent": "updns-bench" } });
      const body = await res.text();
      latencies.push(performance.now() - t0);
      if (res.status !== 200 || !body.startsWith(path === "change" ? "good " : "nochg ")) unexpected++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { path, concurrency, requests: latencies.length, perSecond: latencies.length / elapsed, p50: pct(50), p90: pct(90), p99: pct(99), max: latencies[latencies.length - 1], unexpected };
}

// Warm up: the first verification of each host's secret pays argon2 once (then the short-lived cache).
for (let i = 0; i < HOSTS; i++) await fetch(`${base}/nic/update?myip=${nextAddress()}`, { headers: { authorization: auth(i) } }).then((r) => r.text());

const rows: Row[] = [];
for (const path of ["change", "nochg"] as const) for (const c of [1, 16]) rows.push(await scenario(path, c));

const f = (n: number) => n.toFixed(2);
console.log(`\nupdns dyndns2 update benchmark — backend ${values.backend}, ${HOSTS} hosts, ${SECONDS} s per row, SQLite synchronous=${values.synchronous}, bun ${Bun.version}\n`);
console.log("| path   | concurrency | requests | updates/s | p50 ms | p90 ms | p99 ms | max ms | unexpected |");
console.log("|--------|-------------|----------|-----------|--------|--------|--------|--------|------------|");
for (const r of rows) {
  console.log(`| ${r.path.padEnd(6)} | ${String(r.concurrency).padStart(11)} | ${String(r.requests).padStart(8)} | ${r.perSecond.toFixed(0).padStart(9)} | ${f(r.p50).padStart(6)} | ${f(r.p90).padStart(6)} | ${f(r.p99).padStart(6)} | ${f(r.max).padStart(6)} | ${String(r.unexpected).padStart(10)} |`);
}
await listener.stop(false);
db.$client.close();
rmSync(dir, { recursive: true, force: true });
