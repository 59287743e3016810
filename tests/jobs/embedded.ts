// updns running in this process with one embedded zone, for jobs that must be seen through DNS (dig): the
// zone is created the way `updns domain add --embedded` creates it, and the jobs get a context whose zone
// backend is the server's own zone store.
import { eq } from "drizzle-orm";
import { domains } from "../../src/db/index.ts";
import { addEmbeddedZone, addSecondary } from "../../src/core/admin/domains.ts";
import { createUser } from "../../src/core/admin/users.ts";
import { EmbeddedBackend } from "../../src/backends/embedded/index.ts";
import { memoryLogger } from "../../src/log/index.ts";
import type { JobContext } from "../../src/jobs/index.ts";
import { startInProcess, type InProcess } from "../support/updns.ts";
import { TestClock } from "../core/fixture.ts";
import type { Kept } from "./fixture.ts";

export interface EmbeddedWorld {
  server: InProcess;
  zone: string;
  ownerId: number;
  backend: EmbeddedBackend;
  clock: TestClock;
  mails: Kept[];
  ctx: JobContext;
  /** Name servers as the zone's secondaries, then told to the DNS side (NOTIFY targets, transfer ACL). */
  addSecondary(address: string): void;
}

/** `transferAcl`: addresses allowed to transfer the zone without a key (e.g. "127.0.0.1/32" for a test secondary). */
export async function startEmbeddedWorld(zone: string, opts: { transferAcl?: string } = {}): Promise<EmbeddedWorld> {
  const server = await startInProcess();
  try {
    const owner = await createUser(server.db, { username: "ann", email: "ann@example.test" });
    await addEmbeddedZone(server.db, { name: zone, ownerId: owner.id, public: true, ns: ["ns1.example.test"] }, async (z) => {
      await server.zones.store.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) });
    });
    if (opts.transferAcl) server.db.update(domains).set({ transferAcl: opts.transferAcl }).where(eq(domains.name, zone)).run();
    server.dns.reconfigure();
    const backend = new EmbeddedBackend(() => server.zones.store);
    const clock = new TestClock(Date.now());
    const mails: Kept[] = [];
    const ctx: JobContext = {
      db: server.db,
      log: memoryLogger(),
      clock,
      mailer: { send: async (m) => void mails.push(m) },
      backendFor: () => backend,
      site: "dyn.example.test",
      mailRetryDelayMs: 0,
    };
    return {
      server,
      zone,
      ownerId: owner.id,
      backend,
      clock,
      mails,
      ctx,
      addSecondary(address) {
        addSecondary(server.db, zone, address);
        server.dns.reconfigure();
      },
    };
  } catch (e) {
    await server.close();
    throw e;
  }
}
