// What signing costs the zone store (issue 10): switching DNSSEC on for a zone of N hosts (every set signed,
// the chain built), then commits of one changed A record (one signature for the A set, one for the SOA)
// and of one new host (plus its NSEC3/NSEC and its predecessor's), unsigned vs NSEC3 vs NSEC, ECDSA P-256.
// In memory (MemoryZoneStorage): the SQLite write of a commit is the same as unsigned plus a few rows.
//
//   npx bun bench/dnssec.ts [--hosts 20000] [--commits 300]
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { MemoryZoneStorage, ZoneKeys } from "../src/dns/zone/index.ts";

const { values } = parseArgs({ options: { hosts: { type: "string", default: "20000" }, commits: { type: "string", default: "300" } } });
const N = Number(values.hosts);
const C = Number(values.commits);
const ZONE = "dyn.example.org";

async function run(mode: "unsigned" | "nsec3" | "nsec"): Promise<void> {
  const zoneKeys = await ZoneKeys.open(new MemoryZoneStorage(), { dnssec: { masterKey: randomBytes(32) } });
  const store = zoneKeys.store;
  const records = Array.from({ length: N }, (_, i) => ({ name: `h${i}.${ZONE}`, type: "A" as const, ttl: 60, data: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }));
  await store.createZone({ name: ZONE, soa: { mname: "ns1.example.org.", rname: "hostmaster.example.org." }, ns: ["ns1.example.org."], records });
  let t = performance.now();
  if (mode !== "unsigned") await zoneKeys.enableDnssec(ZONE, { denial: mode });
  const enable = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < C; i++) await store.transaction(ZONE, (tx) => tx.replaceRRset(`h${i}.${ZONE}`, "A", 60, [`192.0.2.${i & 255}`]));
  const change = (performance.now() - t) / C;
  t = performance.now();
  for (let i = 0; i < C; i++) await store.transaction(ZONE, (tx) => tx.replaceRRset(`new${i}.${ZONE}`, "A", 60, [`192.0.2.${i & 255}`]));
  const add = (performance.now() - t) / C;
  console.log(`${mode.padEnd(9)} hosts ${N}  enable ${enable.toFixed(0).padStart(6)} ms  change A ${change.toFixed(2)} ms/commit  new host ${add.toFixed(2)} ms/commit`);
}

for (const m of ["unsigned", "nsec3", "nsec"] as const) await run(m);
