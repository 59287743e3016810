// A job's last run as the status page says it: the outcome's counts in the reader's language, with the plural
// forms of the language. A run recorded before outcomes were kept (or of a kind this page does not know)
// shows the stored English line as it is, quoted, after a translated lead-in; so does a failed run's error,
// which is the job's own diagnostic, not a text of ours.
import { Html } from "@elysiajs/html";
import type { JobLine, JobOutcome } from "../../../core/index.ts";
import type { WebContext } from "../context.ts";

type Counts = Record<string, number>;

/** Each count a kind may carry, in the order the sentence names them. Counts absent from a run are left out. */
function parts(c: WebContext, kind: string, n: Counts): string[] | null {
  const has = (k: string) => typeof n[k] === "number";
  const say = (k: string, text: (v: number) => string) => (has(k) ? [text(n[k])] : []);
  const mails = say("mailsFailed", (v) => c.tn(v, { one: "{n} mail failed", other: "{n} mails failed" }));
  switch (kind) {
    case "hosts":
      return [
        ...say("hosts", (v) => c.tn(v, { one: "{n} host checked", other: "{n} hosts checked" })),
        ...say("reminded", (v) => c.tn(v, { one: "{n} owner reminded", other: "{n} owners reminded" })),
        ...say("unavailable", (v) => c.tn(v, { one: "{n} made unavailable", other: "{n} made unavailable" })),
        ...say("deleted", (v) => c.tn(v, { one: "{n} deleted", other: "{n} deleted" })),
        ...say("recovered", (v) => c.tn(v, { one: "{n} updated again", other: "{n} updated again" })),
        ...mails,
      ];
    case "nothing":
      return [c.t("nothing to do")];
    case "cleanup": {
      const removed = [
        ...say("sessions", (v) => c.tn(v, { one: "{n} expired session", other: "{n} expired sessions" })),
        ...say("tokens", (v) => c.tn(v, { one: "{n} expired link", other: "{n} expired links" })),
        ...say("signups", (v) => c.tn(v, { one: "{n} unconfirmed sign-up", other: "{n} unconfirmed sign-ups" })),
        ...say("journalEntries", (v) => c.tn(v, { one: "{n} journal entry", other: "{n} journal entries" })),
        ...say("forwards", (v) => c.tn(v, { one: "{n} stale forwarding", other: "{n} stale forwardings" })),
      ];
      return [c.t("cleaned up {list}", { list: removed.join(", ") }), ...(has("journalEntries") ? [] : [c.t("journals not trimmed (no zone store)")]), ...mails];
    }
    case "faults":
    case "faults-shown":
      return [
        ...say("hosts", (v) => c.tn(v, { one: "{n} host checked", other: "{n} hosts checked" })),
        ...say("changed", (v) => c.tn(v, { one: "{n} changed", other: "{n} changed" })),
        ...say("flagged", (v) => c.tn(v, { one: "{n} flagged as abuse", other: "{n} flagged as abuse" })),
        ...mails,
      ];
    case "domains":
      return [
        ...say("checked", (v) => c.tn(v, { one: "{n} domain checked", other: "{n} domains checked" })),
        ...say("unavailable", (v) => c.tn(v, { one: "{n} made unavailable", other: "{n} made unavailable" })),
        ...say("behind", (v) => c.tn(v, { one: "{n} with secondaries behind", other: "{n} with secondaries behind" })),
        ...say("deleted", (v) => c.tn(v, { one: "{n} deleted", other: "{n} deleted" })),
        ...mails,
      ];
    case "users":
      return [
        ...say("notified", (v) => c.tn(v, { one: "{n} account notified", other: "{n} accounts notified" })),
        ...say("deleted", (v) => c.tn(v, { one: "{n} deleted", other: "{n} deleted" })),
        ...mails,
      ];
    case "users-counted":
      return [c.t("accounts counted"), ...mails];
    case "dnssec":
      return [
        ...say("zones", (v) => c.tn(v, { one: "{n} signed zone", other: "{n} signed zones" })),
        ...say("renewed", (v) => c.tn(v, { one: "signatures renewed in {n} zone", other: "signatures renewed in {n} zones" })),
        ...(n.steps ? [c.tn(n.steps, { one: "{n} key step", other: "{n} key steps" })] : []),
      ];
    case "dnssec-not-wired":
      return [c.t("DNSSEC re-signing is not available in this build.")];
    default:
      return null;
  }
}

/** The outcome in words, or null for a kind this page has no sentence for. */
export function outcomeText(c: WebContext, o: JobOutcome): string | null {
  const p = parts(c, o.kind, o.counts);
  return p ? p.join(", ") : null;
}

/** The result cell of a job's row. */
export function JobResult({ c, j }: { c: WebContext; j: JobLine }): JSX.Element {
  const t = c.t;
  if (j.running) return <span safe>{t("running")}</span>;
  if (j.ok === null) return <span safe>{j.lastRun ? t("did not finish") : t("never ran")}</span>;
  if (!j.ok) return <Quoted lead={t("failed:")} text={j.result} />;
  const said = j.outcome ? outcomeText(c, j.outcome) : null;
  if (said !== null) return <span safe>{`${t("ok")}: ${said}`}</span>;
  return <Quoted lead={t("ok, as the job recorded it:")} text={j.result} />;
}

/**
 * A translated lead-in and a text in someone else's words, kept as it is (not for translation). One element:
 * a phone's stacked table lays out each child of a cell as a column of its own.
 */
function Quoted({ lead, text }: { lead: string; text: string }): JSX.Element {
  return (
    <span>
      <span safe>{lead}</span> <samp translate="no" safe>{text}</samp>
    </span>
  );
}
