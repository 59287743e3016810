// Forwarding successful updates to third-party dyndns2 services (spec §1.8, updns.md §1.11). The request only
// writes a row into forward_queue; the worker in backends/forwarder sends it, with retries, off the request path.
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { forwardQueue, serviceUpdaterHostConfigs, serviceUpdaters } from "../db/index.ts";
import { parseAddress, type AddressKind } from "../net/index.ts";
import type { Clock, Forwarder } from "./ports.ts";

/** Host configs that take an address of this family: given by the host config and accepted by the service. */
const prepareTargets = (db: Db) => ({
  any: db.$client.prepare<{ any: number }, [number]>("SELECT EXISTS (SELECT 1 FROM service_updater_host_configs WHERE host_id = ?) AS any"),
  targets: db
    .select({ id: serviceUpdaterHostConfigs.id, give4: serviceUpdaterHostConfigs.giveIpv4, give6: serviceUpdaterHostConfigs.giveIpv6, accept4: serviceUpdaters.acceptIpv4, accept6: serviceUpdaters.acceptIpv6 })
    .from(serviceUpdaterHostConfigs)
    .innerJoin(serviceUpdaters, eq(serviceUpdaterHostConfigs.serviceId, serviceUpdaters.id))
    .where(eq(serviceUpdaterHostConfigs.hostId, sql.placeholder("id")))
    .prepare(),
});
const targetQueries = new WeakMap<Db, ReturnType<typeof prepareTargets>>();

export function forwardTargets(db: Db, hostId: number, kind: AddressKind): number[] {
  // Most hosts forward nowhere: a bare EXISTS first (see relatedHostsOf).
  let q = targetQueries.get(db);
  if (!q) targetQueries.set(db, (q = prepareTargets(db)));
  if (!q.any.get(hostId)!.any) return [];
  const rows = q.targets.all({ id: hostId });
  return rows.filter((r) => (kind === "ipv4" ? r.give4 && r.accept4 : r.give6 && r.accept6)).map((r) => r.id);
}

/**
 * The Forwarder that queues in SQLite. A newer address replaces a pending one of the same family for the same
 * host config: only the latest address is worth sending.
 */
export function queueForwarder(db: Db, clock: Clock): Forwarder {
  return {
    enqueue(hostConfigId: number, address: string): void {
      const kind = parseAddress(address)?.kind;
      if (!kind) return;
      db.transaction((tx) => {
        const pending = tx.select({ id: forwardQueue.id, address: forwardQueue.address }).from(forwardQueue).where(eq(forwardQueue.hostConfigId, hostConfigId)).all();
        const stale = pending.filter((p) => parseAddress(p.address)?.kind === kind).map((p) => p.id);
        if (stale.length) tx.delete(forwardQueue).where(and(eq(forwardQueue.hostConfigId, hostConfigId), inArray(forwardQueue.id, stale))).run();
        tx.insert(forwardQueue).values({ hostConfigId, address, nextAttemptAt: clock.now() }).run();
      });
    },
  };
}

/**
 * A queued forwarding older than this is dropped: the worker delivers or gives up long before (10 attempts,
 * at most 6 h apart), so such a row is left over, and an address that old is no news to a third party.
 */
export const FORWARD_MAX_AGE_MS = 7 * 86400_000;

/** Drops the forwardings older than FORWARD_MAX_AGE_MS; returns how many went. */
export function dropStaleForwards(db: Db, now: Date): number {
  return db.delete(forwardQueue).where(lt(forwardQueue.created, new Date(now.getTime() - FORWARD_MAX_AGE_MS))).returning({ id: forwardQueue.id }).all().length;
}
