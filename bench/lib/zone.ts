// The benchmark zones: one generator, written once into updns's SQLite database (the way `updns serve`
// finds it) and dumped from there as an RFC 1035 master file for NSD, Knot and BIND, so every server
// answers from the very same records (same SOA, same serial).
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { domains, openDatabase, users, type Db } from "../../src/db/index.ts";
import { addEmbeddedZone, addRfc2136Zone } from "../../src/core/admin/domains.ts";
import { hashSecret } from "../../src/core/index.ts";
import { ZoneKeys, ZoneStore } from "../../src/dns/zone/index.ts";
import { SqliteZoneStorage } from "../../src/backends/embedded/index.ts";
import { dnssecMasterKey } from "../../src/dns/dnssec/index.ts";

/** The records beside the hosts: 2 NS, their glue and www. With SOA that is 6 RRs + 2 per host. */
const FIXED = (zone: string): [string, string, string][] => [
  [`ns1.${zone}`, "A", "192.0.2.1"],
  [`ns2.${zone}`, "A", "192.0.2.2"],
  [`www.${zone}`, "A", "192.0.2.80"],
];

/** Host i's addresses in canonical text (RFC 5952 for IPv6), i ≥ 1. */
export function hostA(i: number): string {
  return `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}
export function hostAAAA(i: number): string {
  const hi = i >>> 16;
  return hi ? `2001:db8::${hi.toString(16)}:${(i & 0xffff).toString(16)}` : `2001:db8::${i.toString(16)}`;
}
export const hostName = (i: number, zone: string) => `h${i}.${zone}`;

export const UPDATE_SECRET = "bench-secret-0123456789abcdef";

export interface ZoneSpec {
  zone: string;
  /** Hosts h1..hN, each with A and AAAA in the zone. */
  hosts: number;
  /** Also make host rows (dyndns2 accounts) for h1..hN with UPDATE_SECRET. */
  hostRows?: boolean;
  /** Addresses allowed AXFR without a key. */
  transferAcl?: string;
  /** NOTIFY targets ("127.0.0.1:PORT"). */
  secondaries?: string[];
}

export interface PreparedData {
  dir: string;
  dbPath: string;
  /** RR count of each zone (SOA once). */
  rrs: Record<string, number>;
}

let ownerId = 0;
function owner(db: Db): number {
  const u = db.select().from(users).where(eq(users.username, "bench")).get() ?? db.insert(users).values({ username: "bench" }).returning().get();
  return (ownerId = u.id);
}

/** Add an embedded zone with its hosts to the updns database at `dir` (created if new). */
export async function addZone(dir: string, spec: ZoneSpec): Promise<number> {
  const db = openDatabase(join(dir, "updns.sqlite3"), { synchronous: "NORMAL" });
  try {
    const ns = [`ns1.${spec.zone}`, `ns2.${spec.zone}`];
    const row = await addEmbeddedZone(db, { name: spec.zone, ownerId: owner(db), ns, secondaries: spec.secondaries }, async (z) => {
      const s = await ZoneStore.open(new SqliteZoneStorage(db, [z.name]));
      await s.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) });
    });
    if (spec.transferAcl) db.update(domains).set({ transferAcl: spec.transferAcl }).where(eq(domains.id, row.id)).run();
    // A bulk load, as an import would do it: one transaction, one prepared statement, no journal entry
    // (the zone is new; secondaries take it by AXFR).
    const sqlite = db.$client;
    const ins = sqlite.prepare("INSERT INTO zone_records (domain_id, name, type, ttl, data) VALUES (?, ?, ?, ?, ?)");
    const hostIns = sqlite.prepare("INSERT INTO hosts (name, domain_id, owner_id, update_secret, netmask_ipv4) VALUES (?, ?, ?, ?, 32)");
    sqlite.exec("BEGIN");
    for (const [n, t, d] of FIXED(spec.zone)) ins.run(row.id, n, t, 3600, d);
    for (let i = 1; i <= spec.hosts; i++) {
      const n = hostName(i, spec.zone);
      ins.run(row.id, n, "A", 60, hostA(i));
      ins.run(row.id, n, "AAAA", 60, hostAAAA(i));
      // A hash of its own per host (its own salt), as generated secrets are stored: no verification is a repeat.
      if (spec.hostRows) hostIns.run(`h${i}`, row.id, ownerId, hashSecret(UPDATE_SECRET));
    }
    sqlite.exec("COMMIT");
    return 6 + 2 * spec.hosts;
  } finally {
    db.$client.close();
  }
}

/**
 * Sign an embedded zone in the updns database at `dir` the way `updns domain dnssec ZONE on` does (keys sealed
 * with the data dir's dnssec.key, which `updns serve` then finds): ECDSA P-256, NSEC3, one CSK by default.
 */
export async function signZone(dir: string, zone: string, settings: { algorithm?: 13 | 15; denial?: "nsec3" | "nsec"; keys?: "csk" | "split" } = {}): Promise<void> {
  const db = openDatabase(join(dir, "updns.sqlite3"), { synchronous: "NORMAL" });
  try {
    const zoneKeys = await ZoneKeys.open(new SqliteZoneStorage(db, [zone]), { dnssec: { masterKey: dnssecMasterKey({ dataDir: dir }) } });
    await zoneKeys.enableDnssec(zone, settings);
    db.update(domains).set({ dnssec: true }).where(eq(domains.name, zone)).run();
  } finally {
    db.$client.close();
  }
}

/** Add an rfc2136 zone (served by an outside primary) with host rows h1..hN to the updns database. */
export async function addRfc2136(dir: string, zone: string, primary: string, key: { name: string; algorithm: string; secret: string }, hostCount: number): Promise<void> {
  const db = openDatabase(join(dir, "updns.sqlite3"), { synchronous: "NORMAL" });
  try {
    const row = addRfc2136Zone(db, { name: zone, ownerId: owner(db), primary, keyName: key.name, algorithm: key.algorithm, secret: key.secret });
    const sqlite = db.$client;
    const hostIns = sqlite.prepare("INSERT INTO hosts (name, domain_id, owner_id, update_secret, netmask_ipv4) VALUES (?, ?, ?, ?, 32)");
    sqlite.exec("BEGIN");
    for (let i = 1; i <= hostCount; i++) hostIns.run(`h${i}`, row.id, ownerId, hashSecret(UPDATE_SECRET));
    sqlite.exec("COMMIT");
  } finally {
    db.$client.close();
  }
}

const abs = (n: string) => `${n}.`;

/** Write the zone as updns stores it to `path` (absolute names, so no $ORIGIN subtleties). */
export async function dumpMasterFile(dir: string, zone: string, path: string): Promise<number> {
  const db = openDatabase(join(dir, "updns.sqlite3"), { synchronous: "NORMAL" });
  const out = createWriteStream(path);
  let n = 0;
  try {
    const d = db.select().from(domains).where(eq(domains.name, zone)).get();
    if (!d) throw new Error(`no zone ${zone} in ${dir}`);
    const q = db.$client.query("SELECT name, type, ttl, data FROM zone_records WHERE domain_id = ? ORDER BY type <> 'SOA', id");
    let chunk: string[] = [];
    for (const r of q.iterate(d.id) as IterableIterator<{ name: string; type: string; ttl: number; data: string }>) {
      chunk.push(`${abs(r.name)} ${r.ttl} IN ${r.type} ${r.data}`);
      n++;
      if (chunk.length >= 10_000) {
        if (!out.write(chunk.join("\n") + "\n")) await new Promise((res) => out.once("drain", res));
        chunk = [];
      }
    }
    out.write(chunk.join("\n") + "\n");
  } finally {
    await new Promise((res) => out.end(res));
    db.$client.close();
  }
  return n;
}

/** Names to ask: existing hosts' A and AAAA, and a share of names that do not exist (NXDOMAIN with SOA). */
export function queryFile(zone: string, hostCount: number, lines = 20_000, nxShare = 0.1): string {
  const out: string[] = [];
  let seed = 12345;
  // A fixed pseudo-random walk, so every server gets the same questions in the same order.
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let k = 0; k < lines; k++) {
    const r = rnd();
    const i = 1 + Math.floor(rnd() * hostCount);
    if (r < nxShare) out.push(`nx${i}.${zone} A`);
    else out.push(`${hostName(i, zone)} ${r < nxShare + (1 - nxShare) / 2 ? "A" : "AAAA"}`);
  }
  return out.join("\n") + "\n";
}
