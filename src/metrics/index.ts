// What the process counts for /metrics besides the DNS side (dns/server/counters.ts): dyndns2 answers, HTTP
// requests, update latency, job runs, mails. Plain numbers in nested records, incremented in place: after a
// label's first appearance nothing is allocated. Labels come from bounded sets (route templates, dyndns2
// codes, job names), never from what a client sent, so the number of series stays small.

/** Prometheus' default latency buckets, in seconds (an update is a database write and maybe a DNS one). */
export const UPDATE_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Histogram {
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last one is above every bound (+Inf). */
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly bounds: number[]) {
    this.counts = new Array(bounds.length + 1).fill(0);
  }
  observe(v: number): void {
    let i = 0;
    while (i < this.bounds.length && v > this.bounds[i]) i++;
    this.counts[i]++;
    this.sum += v;
    this.count++;
  }
}

/** The dyndns2 return codes (spec §1.4, core/types.ts); anything else is counted as "other". */
const DYNDNS2_CODES = new Set(["good", "nochg", "deleted", "abuse", "badagent", "badauth", "notfqdn", "nohost", "numhost", "dnserr", "911"]);

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export type JobResult = "ok" | "failed" | "busy";
export type MailResult = "sent" | "failed" | "not_sent";

export class AppMetrics {
  /** dyndns2 answer lines by code ("good", "nochg", "badauth", ...); every code from 0, so rates work from the start. */
  readonly dyndnsAnswers: Record<string, number> = Object.fromEntries([...DYNDNS2_CODES, "other"].map((c) => [c, 0]));
  /** HTTP requests: route template → method → status → count. */
  readonly httpRequests: Record<string, Record<string, Record<number, number>>> = {};
  /** Seconds from a dyndns2 request read to its answer. */
  readonly updateLatency = new Histogram(UPDATE_LATENCY_BUCKETS);
  /** Job runs: job → result → count. */
  readonly jobRuns: Record<string, Record<string, number>> = {};
  readonly mails: Record<MailResult, number> = { sent: 0, failed: 0, not_sent: 0 };
  /** When a mail last went out, and the last failure (the status page shows whether mail works). */
  lastMailSent: Date | null = null;
  lastMailFailure: { at: Date; error: string } | null = null;

  /** Each line of a dyndns2 answer body ("good 192.0.2.1\nnochg ...") counted by its code. */
  dyndnsAnswer(body: string): void {
    let start = 0;
    while (start <= body.length) {
      let end = body.indexOf("\n", start);
      if (end < 0) end = body.length;
      const space = body.indexOf(" ", start);
      const code = body.slice(start, space >= 0 && space < end ? space : end);
      if (code) {
        const k = DYNDNS2_CODES.has(code) ? code : "other";
        this.dyndnsAnswers[k] = (this.dyndnsAnswers[k] ?? 0) + 1;
      }
      start = end + 1;
    }
  }

  httpRequest(route: string, method: string, status: number): void {
    const byMethod = (this.httpRequests[route] ??= {});
    const byStatus = (byMethod[METHODS.has(method) ? method : "other"] ??= {});
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }

  /** A scheduled job: its series start at 0 before its first run. */
  jobScheduled(job: string): void {
    this.jobRuns[job] ??= { ok: 0, failed: 0, busy: 0 };
  }

  jobRun(job: string, result: JobResult): void {
    const byResult = (this.jobRuns[job] ??= {});
    byResult[result] = (byResult[result] ?? 0) + 1;
  }

  mail(result: MailResult, error = ""): void {
    this.mails[result]++;
    if (result === "sent") this.lastMailSent = new Date();
    if (result === "failed") this.lastMailFailure = { at: new Date(), error: error.slice(0, 300) };
  }
}
