// The daily health of zones (spec §6.2): a zone whose nameserver does not answer for it (rfc2136), or that
// does not load (embedded), becomes unavailable and not public and its owner is told; a secondary of an
// embedded zone that is unreachable or behind is told to the owner once when the trouble starts, but the zone
// stays available. And the stale check: an unavailable zone without hosts goes.
// The rules live here; jobs/domains.ts runs them with a DNS probe (jobs/zone-check.ts) and mails the owners.
import { and, asc, count, eq, sql } from "drizzle-orm";
import { domains, hosts, users, type Db } from "../db/index.ts";
import type { DomainRow } from "./hosts.ts";
import type { Clock } from "./ports.ts";

export interface ProbeStep {
  step: string;
  ok: boolean;
  message: string;
}

/** What a probe of one zone found; `broken`: the zone itself failed (only this makes it unavailable). */
export interface DomainProbe {
  ok: boolean;
  broken: boolean;
  steps: ProbeStep[];
}

export interface DomainCheckOutcome {
  domain: DomainRow;
  probe: DomainProbe;
  /** Set unavailable and not public by this check. */
  madeUnavailable: boolean;
  owner: { username: string; email: string; language: string } | null;
  /** Whether the owner is to be told now: always when the zone broke, once when a secondary falls behind. */
  tellOwner: boolean;
}

/** The text kept in domains.last_check_result: "ok" or the failed steps. */
function resultText(steps: ProbeStep[]): string {
  const failed = steps.filter((s) => !s.ok);
  return (failed.length ? `FAILED: ${failed.map((s) => `${s.step}: ${s.message}`).join("; ")}` : `ok: ${steps.map((s) => `${s.step}: ${s.message}`).join("; ")}`).slice(0, 1000);
}

/** Probe every available zone, by name, and store what was found. */
export async function* checkDomains(db: Db, clock: Clock, probe: (d: DomainRow) => Promise<DomainProbe>): AsyncGenerator<DomainCheckOutcome> {
  for (const d of db.select().from(domains).where(eq(domains.available, true)).orderBy(asc(domains.name)).all()) {
    let result: DomainProbe;
    try {
      result = await probe(d);
    } catch (e) {
      result = { ok: false, broken: true, steps: [{ step: "check", ok: false, message: (e as Error).message }] };
    }
    const now = clock.now();
    const text = resultText(result.steps);
    const wasOk = d.lastCheckResult === "" || d.lastCheckResult.startsWith("ok");
    // The row is re-read and changed in one statement: the owner may have edited it during a slow check.
    const patch = result.broken ? { available: false, public: false, lastCheckAt: now, lastCheckResult: text } : { lastCheckAt: now, lastCheckResult: text };
    db.update(domains).set(patch).where(eq(domains.id, d.id)).run();
    const owner = d.ownerId === null ? undefined : db.select().from(users).where(eq(users.id, d.ownerId)).get();
    yield {
      domain: d,
      probe: result,
      madeUnavailable: result.broken,
      owner: owner ? { username: owner.username, email: owner.email, language: owner.language } : null,
      // Told once when the trouble starts, not every day it lasts.
      tellOwner: result.broken || (!result.ok && wasOk),
    };
  }
}

export type StaleDomainOutcome = { name: string; kind: "available" } | { name: string; kind: "has-hosts"; hosts: number } | { name: string; kind: "deleted" };

/** An unavailable zone without hosts goes; the others stay. */
export function sweepStaleDomains(db: Db): StaleDomainOutcome[] {
  const rows = db
    .select({ id: domains.id, name: domains.name, available: domains.available, hosts: count(hosts.id) })
    .from(domains)
    .leftJoin(hosts, eq(hosts.domainId, domains.id))
    .groupBy(domains.id)
    .orderBy(asc(domains.name))
    .all();
  const out: StaleDomainOutcome[] = [];
  for (const d of rows) {
    if (d.available) {
      out.push({ name: d.name, kind: "available" });
    } else if (d.hosts > 0) {
      out.push({ name: d.name, kind: "has-hosts", hosts: d.hosts });
    } else {
      // Deleting the row drops an embedded zone's records and journal (ON DELETE CASCADE); a running server
      // sees the commit and stops serving the zone.
      const gone = db.delete(domains).where(and(eq(domains.id, d.id), eq(domains.available, false), sql`NOT EXISTS (SELECT 1 FROM ${hosts} WHERE ${hosts.domainId} = ${d.id})`)).returning({ id: domains.id }).all();
      if (gone.length) out.push({ name: d.name, kind: "deleted" });
    }
  }
  return out;
}
