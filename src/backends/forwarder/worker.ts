// The third-party dyndns2 forwarder (spec §1.8, updns.md §1.11): drains forward_queue off the request path.
// Each due row becomes one GET with Basic auth (30 s timeout); a temporary failure is retried with exponential
// back-off, a definite refusal is not; the outcome is stored on the host config for its owner to see. The
// third party's password travels only in the Authorization header and is never logged.
import { and, eq, lte } from "drizzle-orm";
import { systemClock, type Clock } from "../../core/index.ts";
import type { Db } from "../../db/index.ts";
import { forwardQueue, openColumn, serviceUpdaterHostConfigs, serviceUpdaters } from "../../db/index.ts";
import type { Logger } from "../../log/index.ts";

export interface ForwardWorkerOptions {
  db: Db;
  log: Logger;
  clock?: Clock;
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Per request (spec §1.8: 30 s). */
  timeoutMs?: number;
  /** Rows sent in parallel per round. */
  batch?: number;
  /** After this many failed attempts a row is dropped. */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  userAgent?: string;
}

export interface ForwardWorker {
  /** Send everything due now; resolves with the number of rows handled. */
  runOnce(): Promise<number>;
  /** Poll every `intervalMs` until stop(). */
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

/** Answers after which sending the same thing again cannot help (dyndns2 reference, peers §6). */
const PERMANENT = new Set(["badauth", "nohost", "notfqdn", "abuse", "badagent", "numhost", "!donator", "!yours", "badsys", "!active"]);
const SUCCESS = new Set(["good", "nochg"]);

type Verdict = { kind: "ok" | "permanent" | "retry"; text: string };

function judge(status: number, body: string): Verdict {
  const line = body.trim().split("\n")[0]?.trim().slice(0, 200) ?? "";
  const word = line.split(/\s+/)[0] ?? "";
  const text = `HTTP ${status}${line ? ` ${line}` : ""}`;
  if (status >= 200 && status < 300 && SUCCESS.has(word)) return { kind: "ok", text };
  if (status === 401 || status === 403 || PERMANENT.has(word)) return { kind: "permanent", text };
  return { kind: "retry", text };
}

export function createForwardWorker(opts: ForwardWorkerOptions): ForwardWorker {
  const { db, log } = opts;
  const clock = opts.clock ?? systemClock;
  const doFetch = opts.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const batch = opts.batch ?? 16;
  const maxAttempts = opts.maxAttempts ?? 10;
  const baseDelayMs = opts.baseDelayMs ?? 60_000;
  const maxDelayMs = opts.maxDelayMs ?? 6 * 3600_000;
  const userAgent = opts.userAgent ?? "updns-forwarder/0.1";
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<number> | null = null;

  async function send(row: typeof forwardQueue.$inferSelect): Promise<void> {
    const cfg = db
      .select({ hc: serviceUpdaterHostConfigs, svc: serviceUpdaters })
      .from(serviceUpdaterHostConfigs)
      .innerJoin(serviceUpdaters, eq(serviceUpdaterHostConfigs.serviceId, serviceUpdaters.id))
      .where(eq(serviceUpdaterHostConfigs.id, row.hostConfigId))
      .get();
    if (!cfg) {
      db.delete(forwardQueue).where(eq(forwardQueue.id, row.id)).run();
      return;
    }
    const { svc } = cfg;
    const hc = { ...cfg.hc, password: openColumn(db, cfg.hc.password, "service_updater_host_configs.password") };
    let verdict: Verdict;
    let shownUrl = `${svc.secure ? "https" : "http"}://${svc.server}`;
    try {
      const url = new URL(`${svc.secure ? "https" : "http"}://${svc.server}${svc.path.startsWith("/") ? svc.path : "/" + svc.path}`);
      if (hc.hostname !== null && hc.hostname !== "") url.searchParams.set("hostname", hc.hostname);
      url.searchParams.set("myip", row.address);
      shownUrl = url.origin + url.pathname;
      const res = await doFetch(url.toString(), {
        headers: { authorization: "Basic " + Buffer.from(`${hc.name}:${hc.password}`).toString("base64"), "user-agent": userAgent },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "manual",
      });
      verdict = judge(res.status, (await res.text()).slice(0, 4096));
    } catch (e) {
      const err = e as Error;
      verdict = { kind: "retry", text: err.name === "TimeoutError" ? `timeout after ${timeoutMs / 1000} s` : `connection failed: ${err.message.replaceAll(hc.password, "<redacted>")}` };
    }

    const now = clock.now();
    const attempts = row.attempts + 1;
    let result: string;
    if (verdict.kind === "retry" && attempts < maxAttempts) {
      const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempts - 1));
      db.update(forwardQueue).set({ attempts, nextAttemptAt: new Date(now.getTime() + delay), lastError: verdict.text }).where(eq(forwardQueue.id, row.id)).run();
      result = `retrying (attempt ${attempts}): ${verdict.text}`;
    } else {
      db.delete(forwardQueue).where(eq(forwardQueue.id, row.id)).run();
      result = verdict.kind === "ok" ? `ok: ${verdict.text}` : verdict.kind === "permanent" ? `refused: ${verdict.text}` : `gave up after ${attempts} attempts: ${verdict.text}`;
    }
    db.update(serviceUpdaterHostConfigs).set({ lastResult: `${row.address} ${result}`.slice(0, 255), lastResultAt: now }).where(eq(serviceUpdaterHostConfigs.id, hc.id)).run();
    log.info("forwarded update", { service: svc.name, host_config: hc.id, url: shownUrl, address: row.address, result });
  }

  async function runOnce(): Promise<number> {
    const due = db.select().from(forwardQueue).where(lte(forwardQueue.nextAttemptAt, clock.now())).orderBy(forwardQueue.nextAttemptAt).limit(batch).all();
    await Promise.all(due.map((row) => send(row).catch((e) => log.error("forwarding failed", { queue_id: row.id, error: e }))));
    return due.length;
  }

  return {
    runOnce() {
      // One round at a time: a slow third party must not make rounds overlap and send rows twice.
      running ??= runOnce().finally(() => (running = null));
      return running;
    },
    start(intervalMs = 5000) {
      if (timer) return;
      timer = setInterval(() => void this.runOnce(), intervalMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (running) await running;
    },
  };
}

/** Rows still waiting (for /metrics and tests). */
export function pendingForwards(db: Db, hostConfigId?: number): number {
  const q = db.select({ id: forwardQueue.id }).from(forwardQueue);
  return (hostConfigId === undefined ? q.all() : q.where(and(eq(forwardQueue.hostConfigId, hostConfigId))).all()).length;
}
