// Outgoing mail over SMTP with nodemailer (the well-kept standard: STARTTLS, implicit TLS, AUTH, MIME and
// dot-stuffing done right). With no [mail] smtp_host, mails are written to the log instead, so a fresh
// appliance still shows its operator the verification links; the web UI says so (`delivers`). Reset and
// invitation links never are (`credential`): `updns user reset-link` gives the operator one.
import nodemailer from "nodemailer";
import type { Config } from "../config/index.ts";
import type { Logger } from "../log/index.ts";
import type { Mailer } from "../core/index.ts";
import type { AppMetrics } from "../metrics/index.ts";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /**
   * The text holds a link that is as good as a password (a reset or an invitation): with no SMTP server it is
   * not written to the log, where anyone who reads the journal could use it.
   */
  credential?: boolean;
}

export interface AppMailer extends Mailer {
  /** false: mails only go to the log (no smtp_host). Pages then tell the person to ask the operator. */
  readonly delivers: boolean;
}

export class MailError extends Error {}

/** `metrics` counts mails sent, failed, and not sent (no SMTP server). */
export function createMailer(mail: Config["mail"], log: Logger, metrics?: AppMetrics): AppMailer {
  const mlog = log.child({ module: "mail" });
  if (!mail.smtp_host) {
    return {
      delivers: false,
      async send(m: OutgoingMail) {
        metrics?.mail("not_sent");
        if (m.credential) {
          mlog.warn("mail not sent (no [mail] smtp_host); it carries a sign-in link, which is never logged", { to: m.to, subject: m.subject });
          return;
        }
        // Other bodies (an address to confirm, a job's notice) are logged on purpose: with no SMTP server
        // this is the only way they reach anyone.
        mlog.info("mail not sent (no [mail] smtp_host); its text follows", { to: m.to, subject: m.subject, body: m.text });
      },
    };
  }
  const transport = nodemailer.createTransport({
    host: mail.smtp_host,
    port: mail.smtp_port,
    // "tls": TLS from the first byte (port 465, RFC 8314); "starttls": plain then upgrade, and refuse to
    // go on if the server does not offer STARTTLS (no silent fall-back to clear text); "none": local relay.
    secure: mail.smtp_tls === "tls",
    requireTLS: mail.smtp_tls === "starttls",
    ignoreTLS: mail.smtp_tls === "none",
    auth: mail.smtp_user ? { user: mail.smtp_user, pass: mail.smtp_password } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    delivers: true,
    async send(m: OutgoingMail) {
      try {
        await transport.sendMail({ from: mail.from, to: m.to, subject: m.subject, text: m.text });
        metrics?.mail("sent");
        mlog.info("mail sent", { to: m.to, subject: m.subject });
      } catch (e) {
        metrics?.mail("failed", (e as Error).message);
        mlog.error("mail failed", { to: m.to, subject: m.subject, error: (e as Error).message });
        throw new MailError(`mail to ${m.to} failed: ${(e as Error).message}`);
      }
    },
  };
}
