// The web UI with the DNS side attached: like harness.ts's makeWebWorld, plus a real zone store over the
// same SQLite database, the embedded backend for reads and writes, and the zone editor serve.ts wires.
// Pages that show current addresses, manual updates, domains and static records need these.
import { loadConfig, type Config } from "../../../src/config/index.ts";
import { openDatabase, type Db } from "../../../src/db/index.ts";
import { createHttpApp } from "../../../src/http/index.ts";
import { webApp } from "../../../src/http/web/index.ts";
import { dyndnsApi, DetectIpTokens } from "../../../src/http/api/index.ts";
import { webSessionIps } from "../../../src/http/web/index.ts";
import { createMailer } from "../../../src/mail/index.ts";
import { memoryLogger } from "../../../src/log/index.ts";
import { createUser } from "../../../src/core/admin/users.ts";
import { EmbeddedBackend, SqliteZoneStorage } from "../../../src/backends/embedded/index.ts";
import { ZoneStore, type RRType } from "../../../src/dns/zone/index.ts";
import type { ServerStatus, ZoneCheck, ZoneEditor } from "../../../src/core/index.ts";
import { Browser, TestClock } from "./harness.ts";

export interface DnsWebWorld {
  db: Db;
  config: Config;
  clock: TestClock;
  store: ZoneStore;
  app: ReturnType<typeof createHttpApp>;
  browser(opts?: { address?: string; secure?: boolean }): Browser;
  user(username: string, password?: string, staff?: boolean): Promise<{ id: number; username: string; password: string }>;
  /** A signed-in browser of a fresh user. */
  signedIn(username: string, opts?: { staff?: boolean; address?: string }): Promise<{ b: Browser; id: number }>;
}

export async function makeDnsWebWorld(opts: { configure?: (c: Config) => void; checkZone?: ZoneCheck; dbPath?: string; api?: boolean; status?: (db: Db, config: Config) => ServerStatus } = {}): Promise<DnsWebWorld> {
  const db = openDatabase(opts.dbPath ?? ":memory:");
  const config = loadConfig({ env: {} });
  config.server.public_url = "http://updns.test";
  // These worlds' users add their own embedded zones; tests of [domains] add = "staff" set it themselves.
  config.domains.add = "users";
  opts.configure?.(config);
  const log = memoryLogger("debug");
  const clock = new TestClock();
  const store = await ZoneStore.open(new SqliteZoneStorage(db));
  const embedded = new EmbeddedBackend(() => store);
  const zoneEditor: ZoneEditor = {
    create: async (z) => void (await store.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) })),
    replace: async (zone, owner, type, ttl, data) => void (await store.transaction(zone, (tx) => tx.replaceRRset(owner, type as RRType, ttl, data))),
    forget: async (zone) => void store.reload([], [zone]),
  };
  const sessionIps = webSessionIps();
  const detectTokens = new DetectIpTokens();
  const app = createHttpApp({
    config,
    log,
    health: { check: () => ({}) },
    plugins: [
      ...(opts.api ? [dyndnsApi({ db, config, log, backendFor: () => embedded, sessionIps, detectTokens, clock })] : []),
      webApp({ db, config, log, mailer: createMailer(config.mail, log), clock, backendFor: () => embedded, zoneEditor, checkZone: opts.checkZone, sessionIps, detectTokens, status: opts.status?.(db, config) }),
    ],
  });
  const world: DnsWebWorld = {
    db,
    config,
    clock,
    store,
    app,
    browser: (o = {}) => new Browser(app, o.address ?? "192.0.2.10", o.secure ?? false),
    async user(username, password = "correct horse battery", staff = false) {
      const u = await createUser(db, { username, email: `${username}@example.test`, password, staff });
      return { id: u.id, username, password };
    },
    async signedIn(username, o = {}) {
      const u = await world.user(username, undefined, o.staff ?? false);
      const b = world.browser({ address: o.address ?? `192.0.2.${10 + u.id}` });
      const r = await b.login(username, u.password);
      if (r.status !== 303) throw new Error(`login of ${username} failed: ${r.status}`);
      return { b, id: u.id };
    },
  };
  return world;
}
