// The maintenance commands (src/cli/jobs.ts) on a real database file, in this process with a moved clock:
// every option of `updns faults`, `domains --check/--stale-check`, `hosts --stale-check`, `users`,
// `jobs list|run`, their errors, the lease against a concurrent run, and serve's scheduler start-up.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { join } from "node:path";
import { loadConfig, type Config } from "../../src/config/index.ts";
import { domains, hosts, openDatabase, users, type Db } from "../../src/db/index.ts";
import { maintenanceCommand } from "../../src/cli/jobs.ts";
import { CliError, type Io } from "../../src/cli/args.ts";
import { newReport, runExclusive, type JobReport } from "../../src/jobs/index.ts";
import { startServer } from "../../src/cli/serve.ts";
import { memoryLogger } from "../../src/log/index.ts";
import { tempDir } from "../support/net.ts";
import { startInProcess } from "../support/updns.ts";
import { TestClock } from "../core/fixture.ts";
import { addEmbeddedZone } from "../../src/core/admin/domains.ts";
import { SqliteZoneStorage } from "../../src/backends/embedded/index.ts";
import { ZoneStore } from "../../src/dns/zone/index.ts";

const DAY = 86400_000;
const ZONE = "dyn.example.test";

interface Run {
  code: number;
  out: string;
  err: string;
}

let dir: ReturnType<typeof tempDir>;
let cfg: Config;
let db: Db;
let clock: TestClock;

beforeEach(async () => {
  dir = tempDir();
  cfg = loadConfig({ env: { UPDNS_SERVER_DATA_DIR: dir.path } });
  db = openDatabase(join(dir.path, "updns.sqlite3"));
  clock = new TestClock();
  const long = new Date(clock.t - 1000 * DAY);
  const ann = db.insert(users).values({ username: "ann", email: "ann@example.test", emailVerified: true, dateJoined: long }).returning().get();
  const zone = await addEmbeddedZone(db, { name: ZONE, ownerId: ann.id, public: true, ns: ["ns1.example.test"] }, async (z) => {
    const store = await ZoneStore.open(new SqliteZoneStorage(db, [z.name]));
    await store.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) });
  });
  db.insert(hosts).values([
    { name: "noisy", domainId: zone.id, ownerId: ann.id, clientFaults: 42, serverFaults: 2, apiAuthFaults: 3, created: long, lastUpdateIpv4: new Date(clock.t) },
    { name: "quiet", domainId: zone.id, ownerId: ann.id, clientFaults: 10, abuseBlocked: true, available: false, created: long, lastUpdateIpv4: new Date(clock.t - 400 * DAY) },
  ]).run();
});

afterEach(() => {
  db.$client.close();
  dir.cleanup();
});

async function run(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => void out.push(t), err: (t) => void err.push(t), stdin: async () => "" };
  // Each command opens its own connection, as a separate `updns` process would.
  const own = openDatabase(join(dir.path, "updns.sqlite3"));
  try {
    await maintenanceCommand(argv[0], argv.slice(1), io, { cfg, openDb: () => own, context: { clock, mailRetryDelayMs: 0 } });
    return { code: 0, out: out.join("\n"), err: err.join("\n") };
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    return { code: e.exitCode, out: out.join("\n"), err: e.message };
  } finally {
    own.$client.close();
  }
}

const host = (name: string) => db.select().from(hosts).where(eq(hosts.name, name)).get()!;

describe("updns faults", () => {
  test("--show-client --show-server --show-api-auth prints one line per host", async () => {
    const r = await run("faults", "--show-client", "--show-server", "--show-api-auth");
    expect(r.out).toBe(`42     2      3      ann noisy.${ZONE}\n10     0      0      ann quiet.${ZONE}`);
  });

  test("--flag-abuse 23 --reset-client --notify-user: the host over 23 flagged, every client counter 0, the mail in the log", async () => {
    const r = await run("faults", "--flag-abuse", "23", "--reset-client", "--notify-user");
    expect(r.code).toBe(0);
    expect(r.out).toBe(`Setting abuse flag for host noisy.${ZONE} (created by ann, client faults: 42)`);
    expect([host("noisy").abuse, host("noisy").clientFaults, host("quiet").abuse, host("quiet").clientFaults]).toEqual([true, 0, false, 0]);
    // No smtp_host: the mail goes to the log, whole, so the operator still sees it.
    expect(r.err).toContain("mail not sent (no [mail] smtp_host)");
    expect(r.err).toContain(`Issue with your host noisy.${ZONE}`);
    expect(r.err).toContain("ann@example.test");
  });

  test("every reset option", async () => {
    db.update(hosts).set({ abuse: true }).run();
    await run("faults", "--reset-server", "--reset-api-auth", "--reset-available", "--reset-abuse", "--reset-abuse-blocked");
    for (const h of [host("noisy"), host("quiet")]) {
      expect([h.serverFaults, h.apiAuthFaults, h.available, h.abuse, h.abuseBlocked]).toEqual([0, 0, true, false, false]);
    }
    // Client counters were not asked for.
    expect(host("noisy").clientFaults).toBe(42);
  });

  test("--json gives the report", async () => {
    const r = await run("faults", "--flag-abuse", "23", "--json");
    expect(JSON.parse(r.out)).toMatchObject({ flagged: [`noisy.${ZONE}`], changed: 1, mailsSent: 0 });
  });

  test("errors: no option, a bad --flag-abuse, --notify-user alone, a stray argument", async () => {
    expect(await run("faults")).toMatchObject({ code: 2, err: expect.stringContaining("faults needs at least one option") });
    expect(await run("faults", "--flag-abuse", "many")).toMatchObject({ code: 2, err: expect.stringContaining('--flag-abuse takes a whole number of client faults, got "many"') });
    expect(await run("faults", "--notify-user")).toMatchObject({ code: 2, err: expect.stringContaining("give --flag-abuse too") });
    expect(await run("faults", "--reset-client", "extra")).toMatchObject({ code: 2, err: expect.stringContaining('unexpected argument "extra"') });
    expect(await run("faults", "--reset-everything")).toMatchObject({ code: 2, err: expect.stringContaining("--reset-everything") });
    expect(host("noisy").clientFaults).toBe(42);
  });

  test("--help lists every option", async () => {
    const r = await run("faults", "--help");
    for (const o of ["--show-client", "--show-server", "--show-api-auth", "--reset-client", "--reset-server", "--reset-api-auth", "--reset-available", "--reset-abuse", "--reset-abuse-blocked", "--flag-abuse N", "--notify-user"])
      expect(r.out).toContain(o);
  });
});

describe("updns domains", () => {
  test("--check: a zone that loads stays; an embedded zone that does not load becomes unavailable and not public", async () => {
    db.insert(domains).values({ name: "broken.example.test", backend: "embedded", ownerId: host("noisy").ownerId, public: true }).run();
    const r = await run("domains", "--check", "--notify-user");
    expect(r.out).toBe("Setting unavailable flag for domain broken.example.test (created by ann): does not load: the zone has no SOA record in the database");
    expect(db.select().from(domains).where(eq(domains.name, "broken.example.test")).get()).toMatchObject({ available: false, public: false });
    expect(db.select().from(domains).where(eq(domains.name, ZONE)).get()).toMatchObject({ available: true, public: true, lastCheckResult: expect.stringMatching(/^ok: zone: loads, serial \d+; secondaries: none configured$/) });
    expect(r.err).toContain("Issue with your domain broken.example.test");
  });

  test("--stale-check deletes an unavailable domain without hosts", async () => {
    db.insert(domains).values({ name: "gone.example.test", available: false }).run();
    const r = await run("domains", "--stale-check");
    expect(r.out).toBe(`Domain ${ZONE} is available.\nDomain gone.example.test is not available and has no hosts -> deleted domain.`);
    expect(db.select().from(domains).all().map((d) => d.name)).toEqual([ZONE]);
  });

  test("errors: no option, --notify-user without --check", async () => {
    expect(await run("domains")).toMatchObject({ code: 2, err: expect.stringContaining("domains needs --check or --stale-check") });
    expect(await run("domains", "--stale-check", "--notify-user")).toMatchObject({ code: 2, err: "--notify-user goes with --check" });
  });
});

describe("updns hosts / users", () => {
  test("hosts --stale-check --notify-user raises the staleness of the host not updated for 400 days", async () => {
    const r = await run("hosts", "--stale-check", "--notify-user");
    expect(r.out).toBe(`quiet.${ZONE} has not seen IP updates for a long time; staleness: 1 -> please fix!`);
    expect([host("quiet").staleness, host("noisy").staleness]).toEqual([1, 0]);
    expect(r.err).toContain(`Issue with your host quiet.${ZONE}`);
    // Within the reaction window nothing more happens.
    clock.advance(DAY);
    expect((await run("hosts", "--stale-check")).out).toMatch(/^2 hosts, 0 reminded/);
  });

  test("hosts without --stale-check is an error", async () => {
    expect(await run("hosts")).toMatchObject({ code: 2, err: expect.stringContaining("hosts needs --stale-check") });
  });

  test("users prints the totals; --stale-check keeps an owner of hosts", async () => {
    expect((await run("users")).out).toBe("before: users: 1, hosts: 2, domains: 1\nafter: users: 1, hosts: 2, domains: 1");
    expect((await run("users", "--stale-check")).out).toContain("ann <ann@example.test> kept, has hosts. age: 2.74y, hosts: 2");
  });
});

describe("updns jobs", () => {
  test("list shows every job, its schedule, next time and last run; run records the run", async () => {
    let rows = JSON.parse((await run("jobs", "list", "--json")).out);
    expect(rows.map((r: { name: string }) => r.name)).toEqual(["faults", "domains_check", "hosts_stale_check", "users_stale_check", "cleanup", "dnssec_resign"]);
    expect(rows[0]).toMatchObject({ schedule: "0 3 * * 0", next: "2026-11-29T03:00:00.000Z", last_result: "never ran", command: "updns faults --flag-abuse 150 --reset-client --notify-user" });
    expect(rows[5]).toMatchObject({ schedule: "23 * * * *", next: "2026-11-26T12:23:00.000Z" });
    const r = await run("jobs", "run", "cleanup");
    expect(r.out).toMatch(/^removed 0 expired sessions, 0 expired tokens, 0 unconfirmed sign-ups, 0 journal entries, 0 stale forwardings$/);
    rows = JSON.parse((await run("jobs", "list", "--json")).out);
    expect(rows[4]).toMatchObject({ last_start: "2026-11-26T12:00:00.000Z", last_result: expect.stringMatching(/^ok: removed 0 expired sessions/) });
    expect((await run("jobs", "list")).out).toMatch(/^name\s+schedule\s+next\s+last_start\s+last_end\s+last_result\nfaults\s+0 3 \* \* 0/);
  });

  test("a command run also shows as the job's last run", async () => {
    await run("hosts", "--stale-check");
    const rows = JSON.parse((await run("jobs", "list", "--json")).out);
    expect(rows[2].last_result).toBe("ok: 2 hosts, 1 reminded, 0 made unavailable, 0 deleted, 0 recovered");
  });

  test("run faults flags above [abuse] flag_abuse_threshold, and flags nobody below it", async () => {
    await run("jobs", "run", "faults");
    expect([host("noisy").abuse, host("noisy").clientFaults]).toEqual([false, 0]);
    db.update(hosts).set({ clientFaults: 42 }).where(eq(hosts.name, "noisy")).run();
    cfg.abuse.flag_abuse_threshold = 20;
    expect(JSON.parse((await run("jobs", "list", "--json")).out)[0].command).toBe("updns faults --flag-abuse 20 --reset-client --notify-user");
    await run("jobs", "run", "faults");
    expect(host("noisy").abuse).toBe(true);
  });

  test("dnssec_resign with no signed zone says so", async () => {
    expect((await run("jobs", "run", "dnssec_resign")).out).toBe("0 signed zone(s), signatures renewed in none");
  });

  test("errors: unknown job, no name, unknown sub-command", async () => {
    expect(await run("jobs", "run", "nope")).toMatchObject({ code: 2, err: expect.stringContaining('unknown job "nope"; jobs: faults, domains_check') });
    expect(await run("jobs", "run")).toMatchObject({ code: 2, err: expect.stringContaining("jobs run takes one NAME") });
    expect(await run("jobs", "frobnicate")).toMatchObject({ code: 2, err: expect.stringContaining('unknown jobs command "frobnicate"') });
  });

  test("a job another process is running is refused with exit 1, and nothing changes", async () => {
    let release!: () => void;
    const held = runExclusive(db, "hosts_stale_check", "scheduler", () => clock.now(), () => new Promise<JobReport>((r) => (release = () => r(newReport()))));
    const r = await run("hosts", "--stale-check");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^job hosts_stale_check is already running \(scheduler pid \d+ #\d+\); try again when it has finished$/);
    expect(host("quiet").staleness).toBe(0);
    expect(JSON.parse((await run("jobs", "list", "--json")).out)[2].last_result).toMatch(/^running \(scheduler/);
    release();
    await held;
    expect((await run("hosts", "--stale-check")).code).toBe(0);
  });
});

describe("serve and the scheduler", () => {
  test("serve logs each job's schedule at start; an off job says so", async () => {
    const s = await startInProcess({ UPDNS_JOBS_FAULTS: "" });
    try {
      const lines = s.logLines.filter((l) => l.includes("component=jobs"));
      expect(lines.some((l) => l.includes('msg="job off"') && l.includes("job=faults"))).toBe(true);
      expect(lines.some((l) => l.includes('msg="job scheduled"') && l.includes("job=cleanup") && l.includes('schedule="15 * * * *"'))).toBe(true);
    } finally {
      await s.close();
    }
  });

  test("an invalid [jobs] expression stops start-up with an error naming the setting", async () => {
    // The config table refuses it at load time; the scheduler refuses what slips past the table (e.g. 31 in February only).
    expect(() => loadConfig({ env: { UPDNS_JOBS_CLEANUP: "99 * * * *" } })).toThrow('jobs.cleanup = "99 * * * *": minute: 99 is outside 0-59');
    const d = tempDir();
    const c = loadConfig({ env: { UPDNS_SERVER_DATA_DIR: d.path, UPDNS_HTTP_LISTEN: "127.0.0.1:0", UPDNS_DNS_LISTEN: "127.0.0.1:0" } });
    c.jobs.cleanup = "99 * * * *";
    try {
      await expect(startServer(c, memoryLogger())).rejects.toThrow('[jobs] cleanup = "99 * * * *": minute: 99 is outside 0-59');
    } finally {
      d.cleanup();
    }
  });
});
