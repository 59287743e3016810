// What every job gets from whoever runs it (the scheduler inside `updns serve`, or a CLI command), and what
// it hands back. Core holds the rules and jobs call them; the runner wires the database, the zone backends,
// the mailer and the clock.
import type { BackendFor, Clock, JobOutcome, Mailer } from "../core/index.ts";
import type { Db } from "../db/index.ts";
import type { Logger } from "../log/index.ts";
import type { MailContext, OutgoingMail, PluralTranslate, Translate } from "../mail/index.ts";
import { pluralTranslator } from "../i18n/index.ts";
import type { ZoneChecker } from "./zone-check.ts";

export interface JobContext {
  db: Db;
  log: Logger;
  clock: Clock;
  mailer: Mailer;
  /** Zone backends, to take records out of DNS (abuse flag, stale hosts, deleted accounts). */
  backendFor: BackendFor;
  /** Shown in mail subjects and texts, e.g. "dyn.example.org". */
  site: string;
  /** Base URL of the web UI, for links in mails ("" = none known). */
  publicUrl?: string;
  /** Translation function for a recipient's profile language ("" = default); English when absent. */
  translator?: (language: string) => Translate;
  /** How `domains --check` probes a zone; defaults to zone-check.ts's checkZone. */
  checkZone?: ZoneChecker;
  /** Trims the IXFR journals of the embedded zones; returns the entries dropped (absent: not trimmed). */
  trimJournals?: () => Promise<number>;
  /** Re-signs the DNSSEC zones whose signatures near expiry (absent: not wired). */
  resignZones?: () => Promise<ResignResult[]>;
  /** Waits between attempts of a failed mail (default 2 s; tests use 0). */
  mailRetryDelayMs?: number;
}

/** What a run did: one line per event (what a CLI prints and the scheduler logs) and a one-line summary. */
export interface JobReport {
  lines: string[];
  summary: string;
  /** The summary as data (a kind and named counts), for pages that say it in their reader's language. */
  outcome?: JobOutcome;
  /** Mails handed to the mailer, and those that failed even after retries. */
  mailsSent: number;
  mailsFailed: number;
}

/** One signed zone after a re-signing tick: whether its signatures were renewed, and the key steps taken. */
export interface ResignResult {
  zone: string;
  renewed: boolean;
  steps: string[];
}

/** "1 host", "2 hosts": a count in the English summary line. */
export function counted(n: number, one: string, other: string): string {
  return `${n} ${n === 1 ? one : other}`;
}

/** ", 2 mails failed" when mails failed, else "". */
export const mailsFailedNote = (report: JobReport): string => (report.mailsFailed ? `, ${counted(report.mailsFailed, "mail failed", "mails failed")}` : "");

/** Counts of a run, with the failed mails when there were any. */
export function outcome(kind: string, counts: Record<string, number>, report: JobReport): JobOutcome {
  return { kind, counts: report.mailsFailed ? { ...counts, mailsFailed: report.mailsFailed } : counts };
}

export function newReport(): JobReport {
  return { lines: [], summary: "", mailsSent: 0, mailsFailed: 0 };
}

const english: Translate = (msg, params) => (params ? msg.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)) : msg);

/** The mail context for one recipient, in their language. */
export function mailContext(ctx: JobContext, language: string): MailContext {
  // Counts follow the same choice: the recipient's language when the runner translates, else English.
  return { t: ctx.translator ? ctx.translator(language || "en") : english, tn: pluralTranslator(ctx.translator ? language || "en" : "en"), site: ctx.site };
}

const MAIL_ATTEMPTS = 3;

/**
 * Send a mail without letting a failure break the job: tried up to three times, then logged and
 * counted. An empty address is skipped (accounts made by OAuth or by the CLI may have none).
 */
export async function sendMail(ctx: JobContext, report: JobReport, mail: OutgoingMail): Promise<boolean> {
  if (!mail.to) {
    ctx.log.warn("no mail sent: the account has no e-mail address", { subject: mail.subject });
    return false;
  }
  const delay = ctx.mailRetryDelayMs ?? 2000;
  for (let attempt = 1; attempt <= MAIL_ATTEMPTS; attempt++) {
    try {
      await ctx.mailer.send(mail);
      report.mailsSent++;
      return true;
    } catch (e) {
      ctx.log.warn("mail failed", { to: mail.to, subject: mail.subject, attempt, error: (e as Error).message });
      if (attempt < MAIL_ATTEMPTS && delay > 0) await Bun.sleep(delay * attempt);
    }
  }
  report.mailsFailed++;
  return false;
}

/** Add a line to the report and the log. */
export function note(ctx: JobContext, report: JobReport, line: string): void {
  report.lines.push(line);
  ctx.log.info(line);
}

/** "YYYY-MM-DD" (UTC). */
export function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}
