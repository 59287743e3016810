// A small world for the job tests: a fresh in-memory database with two users (ann speaks English, bob
// German-ish through a test catalogue), a zone, hosts; a moved clock; the FakeBackend as the zone backend; and
// a mailer that keeps mails (or a real one to the SMTP sink).
import { eq } from "drizzle-orm";
import { loadConfig } from "../../src/config/index.ts";
import { domains, hosts, openDatabase, users, type Db } from "../../src/db/index.ts";
import { memoryLogger } from "../../src/log/index.ts";
import { createMailer } from "../../src/mail/index.ts";
import type { JobContext } from "../../src/jobs/index.ts";
import { addCatalogue, translator } from "../../src/http/web/index.ts";
import { FakeBackend } from "../support/fake-backend.ts";
import { TestClock } from "../core/fixture.ts";

export { TestClock };
export const DAY = 86400_000;
export const ZONE = "dyn.example.test";

// A tiny "de" catalogue, so a test can see a mail in the recipient's language.
addCatalogue("de", {
  "Issue with your host {fqdn}": "Problem mit Ihrem Host {fqdn}",
  "Hello {username},": "Hallo {username},",
});

export interface Kept {
  to: string;
  subject: string;
  text: string;
}

export interface JobWorld {
  db: Db;
  clock: TestClock;
  backend: FakeBackend;
  log: ReturnType<typeof memoryLogger>;
  mails: Kept[];
  ctx: JobContext;
  annId: number;
  bobId: number;
  zoneId: number;
  /** Add a host of `owner` (default ann); returns its id. */
  host(name: string, fields?: Partial<typeof hosts.$inferInsert>): number;
  row(id: number): typeof hosts.$inferSelect | undefined;
}

export function makeJobWorld(opts: { smtpPort?: number } = {}): JobWorld {
  const db = openDatabase(":memory:");
  const clock = new TestClock();
  const backend = new FakeBackend();
  const log = memoryLogger("debug");
  const mails: Kept[] = [];
  const long = new Date(clock.t - 1000 * DAY);
  const [ann] = db.insert(users).values({ username: "ann", email: "ann@example.test", emailVerified: true, dateJoined: long }).returning().all();
  const [bob] = db.insert(users).values({ username: "bob", email: "bob@example.test", emailVerified: true, language: "de", dateJoined: long }).returning().all();
  const [zone] = db.insert(domains).values({ name: ZONE, backend: "embedded", ownerId: ann.id, public: true }).returning().all();
  const mailer = opts.smtpPort
    ? createMailer({ ...loadConfig({ env: {} }).mail, smtp_host: "127.0.0.1", smtp_port: opts.smtpPort, smtp_tls: "none", from: "updns@dyn.example.test" }, log)
    : { send: async (m: Kept) => void mails.push(m) };
  const ctx: JobContext = { db, log, clock, mailer, backendFor: () => backend, site: "dyn.example.test", publicUrl: "https://dyn.example.test", translator, mailRetryDelayMs: 0 };
  return {
    db,
    clock,
    backend,
    log,
    mails,
    ctx,
    annId: ann.id,
    bobId: bob.id,
    zoneId: zone.id,
    host(name, fields = {}) {
      const [h] = db.insert(hosts).values({ name, domainId: zone.id, ownerId: ann.id, created: long, ...fields }).returning().all();
      return h.id;
    },
    row(id) {
      return db.select().from(hosts).where(eq(hosts.id, id)).get();
    },
  };
}
