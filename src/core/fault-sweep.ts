// The fault counters of every host (spec §6.1): shown, reset, and the abuse rule — a host whose update client
// made more than N client faults since the last run is flagged as abuse, its counter starts again, and its
// names leave DNS (spec §11.9). The rules live here; jobs/faults.ts runs them weekly and mails the owners.
import { asc, eq } from "drizzle-orm";
import { domains, hosts, users, type Db } from "../db/index.ts";
import { removeHostDns, type BackendFor } from "./dns-cleanup.ts";

export interface FaultRules {
  showClient?: boolean;
  showServer?: boolean;
  showApiAuth?: boolean;
  resetClient?: boolean;
  resetServer?: boolean;
  resetApiAuth?: boolean;
  /** available := true */
  resetAvailable?: boolean;
  /** abuse := false */
  resetAbuse?: boolean;
  /** abuse_blocked := false */
  resetAbuseBlocked?: boolean;
  /** Flag hosts with more than N client faults as abuse and reset their counter. */
  flagAbuse?: number;
}

/** Whether the rules change anything (a show-only run changes nothing and is not a job run). */
export function faultsModify(o: FaultRules): boolean {
  return Boolean(o.resetClient || o.resetServer || o.resetApiAuth || o.resetAvailable || o.resetAbuse || o.resetAbuseBlocked || o.flagAbuse !== undefined);
}

/** One host as the sweep met it: its counters as shown, whether its row changed, and an abuse flag it got. */
export type FaultOutcome =
  | {
      kind: "host";
      fqdn: string;
      username: string;
      /** The counters asked for, in the order client, server, API auth ("" when none were asked for). */
      shown: number[];
      changed: boolean;
      /** Set when this run flagged the host: its client faults then, its owner, what could not leave DNS. */
      flagged?: { faults: number; comment: string; owner: { username: string; email: string; language: string } | null; dnsErrors: string[] };
    }
  | { kind: "error"; fqdn: string; message: string };

export interface FaultSweep {
  total: number;
  outcomes: AsyncGenerator<FaultOutcome>;
}

export function sweepFaults(db: Db, backendFor: BackendFor, o: FaultRules): FaultSweep {
  if (o.flagAbuse !== undefined && (!Number.isInteger(o.flagAbuse) || o.flagAbuse < 0)) throw new Error(`--flag-abuse must be a whole number from 0, got ${o.flagAbuse}`);
  const modify = faultsModify(o);
  const rows = db
    .select({ id: hosts.id, name: hosts.name, zone: domains.name, username: users.username })
    .from(hosts)
    .innerJoin(domains, eq(hosts.domainId, domains.id))
    .innerJoin(users, eq(hosts.ownerId, users.id))
    .orderBy(asc(hosts.id))
    .all();
  async function* outcomes(): AsyncGenerator<FaultOutcome> {
    for (const r of rows) {
      const fqdn = `${r.name}.${r.zone}`;
      let outcome: FaultOutcome;
      try {
        // Each host in its own transaction: one broken row does not stop the run (as the baseline).
        const result = db.transaction((tx) => {
          const h = tx.select().from(hosts).where(eq(hosts.id, r.id)).get();
          if (!h) return null;
          const shown = [o.showClient && h.clientFaults, o.showServer && h.serverFaults, o.showApiAuth && h.apiAuthFaults].filter((v): v is number => v !== false && v !== undefined);
          if (!modify) return { host: h, shown, flaggedWith: null, changed: false, abuseNow: h.abuse };
          const patch: Partial<typeof hosts.$inferInsert> = {};
          let flaggedWith: number | null = null;
          if (o.flagAbuse !== undefined && h.clientFaults > o.flagAbuse) {
            flaggedWith = h.clientFaults;
            patch.abuse = true;
            patch.clientFaults = 0;
          }
          if (o.resetClient) patch.clientFaults = 0;
          // The no-change updates are a part of the client faults: they start again with them.
          if (patch.clientFaults === 0) patch.nochgFaults = 0;
          if (o.resetServer) patch.serverFaults = 0;
          if (o.resetApiAuth) patch.apiAuthFaults = 0;
          if (o.resetAbuse) patch.abuse = false;
          if (o.resetAbuseBlocked) patch.abuseBlocked = false;
          if (o.resetAvailable) patch.available = true;
          const changes = Object.entries(patch).filter(([k, v]) => h[k as keyof typeof h] !== v);
          if (changes.length) tx.update(hosts).set(Object.fromEntries(changes)).where(eq(hosts.id, h.id)).run();
          return { host: h, shown, flaggedWith, changed: changes.length > 0, abuseNow: patch.abuse ?? h.abuse };
        });
        if (!result) continue;
        outcome = { kind: "host", fqdn, username: r.username, shown: result.shown, changed: result.changed };
        if (result.flaggedWith !== null) {
          // A host flagged as abuse resolves no more (spec §11.9); only when this run set the flag, since the
          // records of hosts flagged earlier went then.
          const dnsErrors = result.abuseNow && !result.host.abuse ? await removeHostDns(db, backendFor, result.host.id) : [];
          const owner = db.select().from(users).where(eq(users.id, result.host.ownerId)).get();
          outcome.flagged = { faults: result.flaggedWith, comment: result.host.comment, owner: owner ? { username: owner.username, email: owner.email, language: owner.language } : null, dnsErrors };
        }
      } catch (e) {
        outcome = { kind: "error", fqdn, message: (e as Error).message };
      }
      yield outcome;
    }
  }
  return { total: rows.length, outcomes: outcomes() };
}
