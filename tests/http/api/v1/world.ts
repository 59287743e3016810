// A small world for /api/v1 tests, on an in-memory database with a real zone store (the embedded backend and
// the static-records port over SqliteZoneStorage), so what the API writes is what DNS would answer:
//   alice owns dyn.example.org (embedded, public) with hosts home and nas (home has related host "pc");
//   bob owns bob.example.org (embedded, private) and the host bobhost.dyn.example.org.
import { eq } from "drizzle-orm";
import { loadConfig, type Config } from "../../../../src/config/index.ts";
import { createToken, hashSecret, type TokenInput } from "../../../../src/core/index.ts";
import { domains, hosts, openDatabase, relatedHosts, users, type Db } from "../../../../src/db/index.ts";
import { createHttpApp, rememberPeer } from "../../../../src/http/index.ts";
import { apiV1 } from "../../../../src/http/api/v1/index.ts";
import { memoryLogger } from "../../../../src/log/index.ts";
import { EmbeddedBackend, EmbeddedZoneRecords, SqliteZoneStorage } from "../../../../src/backends/embedded/index.ts";
import { ZoneStore } from "../../../../src/dns/zone/index.ts";
import { TestClock } from "../../../core/fixture.ts";

export const ZONE = "dyn.example.org";
export const BOBZONE = "bob.example.org";

export interface ApiWorld {
  db: Db;
  store: ZoneStore;
  clock: TestClock;
  config: Config;
  log: ReturnType<typeof memoryLogger>;
  alice: number;
  bob: number;
  token(user: number, scopes?: TokenInput): string;
  call(method: string, path: string, opts?: { token?: string | null; body?: unknown; raw?: string; peer?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  /** What the zone holds at an owner (absolute) for a type: canonical rdata, sorted. */
  dns(owner: string, type: string): string[];
  hostRow(fqdn: string): typeof hosts.$inferSelect | undefined;
}

export async function makeApiWorld(opts: { requestsPerMinute?: number; badauthPerMinute?: number; domainsAdd?: "staff" | "users" } = {}): Promise<ApiWorld> {
  const db = openDatabase(":memory:");
  const config = loadConfig({ env: {} });
  if (opts.domainsAdd) config.domains.add = opts.domainsAdd;
  if (opts.badauthPerMinute) config.abuse.badauth_per_minute = opts.badauthPerMinute;
  const clock = new TestClock();
  const log = memoryLogger("debug");
  const [alice] = db.insert(users).values({ username: "alice", email: "alice@example.org" }).returning().all();
  const [bob] = db.insert(users).values({ username: "bob", email: "bob@example.org" }).returning().all();
  const [z1] = db.insert(domains).values({ name: ZONE, backend: "embedded", ownerId: alice.id, public: true, ttlMin: 30 }).returning().all();
  db.insert(domains).values({ name: BOBZONE, backend: "embedded", ownerId: bob.id, public: false }).run();
  const store = await ZoneStore.open(new SqliteZoneStorage(db));
  for (const name of [ZONE, BOBZONE]) await store.createZone({ name, serialScheme: "unixtime", soa: { mname: `ns1.${name}.`, rname: `hostmaster.${name}.` }, ns: [`ns1.${name}.`] });
  const secret = await hashSecret("x".repeat(24));
  const [home] = db.insert(hosts).values({ name: "home", domainId: z1.id, ownerId: alice.id, updateSecret: secret, netmaskIpv6: 64 }).returning().all();
  db.insert(hosts).values({ name: "nas", domainId: z1.id, ownerId: alice.id, updateSecret: secret }).run();
  db.insert(hosts).values({ name: "bobhost", domainId: z1.id, ownerId: bob.id, updateSecret: secret }).run();
  db.insert(relatedHosts).values({ name: "pc", mainHostId: home.id, interfaceIdIpv4: "0.0.0.7", interfaceIdIpv6: "::7" }).run();
  const backend = new EmbeddedBackend(() => store);
  const app = createHttpApp({
    config,
    log,
    health: { check: () => ({}) },
    plugins: [apiV1({ db, config, log, backendFor: () => backend, records: new EmbeddedZoneRecords(() => store), zoneEditor: new EmbeddedZoneRecords(() => store), clock, requestsPerMinute: opts.requestsPerMinute ?? 10_000 })],
  });
  return {
    db,
    store,
    clock,
    config,
    log,
    alice: alice.id,
    bob: bob.id,
    token: (user, scopes = {}) => createToken(db, user, scopes).token,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      let body: string | undefined = o.raw;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers["content-type"] ??= "application/json";
      }
      const req = new Request(`http://127.0.0.1${path}`, { method, headers, body });
      rememberPeer(req, o.peer ?? "127.0.0.1", false);
      const res = await app.handle(req);
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {}
      return { status: res.status, body: parsed, headers: res.headers };
    },
    dns(owner, type) {
      return [...(store.zone(owner.endsWith(BOBZONE) ? BOBZONE : ZONE)?.get(owner, type as "A")?.data ?? [])];
    },
    hostRow(fqdn) {
      const [name] = fqdn.split(".");
      return db.select().from(hosts).where(eq(hosts.name, name)).get();
    },
  };
}
