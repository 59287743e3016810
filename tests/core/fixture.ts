// The world of the baseline's own tests (spec §9.1), on a fresh in-memory database: two users, two zones,
// host #1 (netmask v4 /29, v6 /64, secret "secret") with a related host "rh" and a forwarding config, host #2
// of the other user. Plus helpers that drive the HTTP app in-process the way the listener does.
import { eq } from "drizzle-orm";
import { loadConfig, type Config } from "../../src/config/index.ts";
import { clearVerifyCache, hashSecret, type Clock } from "../../src/core/index.ts";
import { domains, hosts, openDatabase, relatedHosts, serviceUpdaterHostConfigs, serviceUpdaters, users, type Db } from "../../src/db/index.ts";
import { createHttpApp, rememberPeer } from "../../src/http/index.ts";
import { dyndnsApi, type DyndnsApiDeps } from "../../src/http/api/index.ts";
import { memoryLogger } from "../../src/log/index.ts";
import { FakeBackend } from "../support/fake-backend.ts";

export const ZONE = "tests.example.org";
export const ZONE2 = "example.org";
export const HOST = `test1.${ZONE}`;
export const HOST2 = `test2.${ZONE}`;
export const SECRET = "secret";
export const SECRET2 = "somethingelse";

export class TestClock implements Clock {
  constructor(public t = new Date("2026-11-26T12:00:00Z").getTime()) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface World {
  db: Db;
  backend: FakeBackend;
  clock: TestClock;
  log: ReturnType<typeof memoryLogger>;
  config: Config;
  hostId: number;
  host2Id: number;
  userId: number;
  user2Id: number;
  zoneId: number;
  hostConfigId: number;
  app: ReturnType<typeof createHttpApp>;
  /** One request as the listener would hand it over (peer address, TLS flag). */
  call(path: string, opts?: CallOptions): Promise<Answer>;
  host(id?: number): typeof hosts.$inferSelect;
}

export interface CallOptions {
  auth?: [string, string] | string | null;
  ua?: string | null;
  peer?: string;
  tls?: boolean;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Answer {
  status: number;
  body: string;
  headers: Headers;
}

export const basic = (user: string, pass: string) => "Basic " + Buffer.from(`${user}:${pass}`).toString("base64");

export async function makeWorld(overrides: { abuse?: Partial<Config["abuse"]>; trusted_proxies?: string[]; extra?: Partial<DyndnsApiDeps> } = {}): Promise<World> {
  clearVerifyCache();
  const db = openDatabase(":memory:");
  const config = loadConfig({ env: {} });
  Object.assign(config.abuse, overrides.abuse ?? {});
  config.http.trusted_proxies = overrides.trusted_proxies ?? [];
  const backend = new FakeBackend();
  const clock = new TestClock();
  const log = memoryLogger("debug");

  const [u1] = db.insert(users).values({ username: "test", email: "test@example.org" }).returning().all();
  const [u2] = db.insert(users).values({ username: "test2", email: "test2@example.org" }).returning().all();
  const [z1] = db.insert(domains).values({ name: ZONE, backend: "embedded", ownerId: u1.id, public: true }).returning().all();
  db.insert(domains).values({ name: ZONE2, backend: "embedded", ownerId: u2.id, public: true }).run();
  const [h1] = db
    .insert(hosts)
    .values({ name: "test1", domainId: z1.id, ownerId: u1.id, netmaskIpv4: 29, netmaskIpv6: 64, updateSecret: await hashSecret(SECRET) })
    .returning()
    .all();
  const [h2] = db.insert(hosts).values({ name: "test2", domainId: z1.id, ownerId: u2.id, updateSecret: await hashSecret(SECRET2) }).returning().all();
  db.insert(relatedHosts).values([
    { name: "rh", mainHostId: h1.id, interfaceIdIpv4: "0.0.0.1", interfaceIdIpv6: "::1" },
    { name: "rh", mainHostId: h2.id, interfaceIdIpv4: "0.0.0.1", interfaceIdIpv6: "::1" },
  ]).run();
  const [svc] = db.insert(serviceUpdaters).values({ name: "other", server: "127.0.0.1:9", secure: false, acceptIpv4: true, createdById: u1.id }).returning().all();
  const [hc] = db.insert(serviceUpdaterHostConfigs).values({ serviceId: svc.id, hostId: h1.id, hostname: null, name: "other-user", password: "other-pass", giveIpv4: true }).returning().all();

  const app = createHttpApp({
    config,
    log,
    health: { check: () => ({ db: "ok" }) },
    plugins: [dyndnsApi({ db, config, log, backendFor: () => backend, clock, ...overrides.extra })],
  });

  const world: World = {
    db,
    backend,
    clock,
    log,
    config,
    hostId: h1.id,
    host2Id: h2.id,
    userId: u1.id,
    user2Id: u2.id,
    zoneId: z1.id,
    hostConfigId: hc.id,
    app,
    async call(path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const auth = opts.auth === undefined ? [HOST, SECRET] : opts.auth;
      if (auth !== null) headers.authorization = typeof auth === "string" ? auth : basic(auth[0], auth[1]);
      if (opts.ua !== null) headers["user-agent"] = opts.ua ?? "updns-test/1.0";
      const req = new Request("http://127.0.0.1" + path, { method: opts.method ?? "GET", headers, body: opts.body });
      rememberPeer(req, opts.peer ?? "127.0.0.1", opts.tls ?? false);
      const res = await app.handle(req);
      return { status: res.status, body: await res.text(), headers: res.headers };
    },
    host(id = h1.id) {
      return db.select().from(hosts).where(eq(hosts.id, id)).get()!;
    },
  };
  return world;
}
