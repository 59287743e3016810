// The texts of the mails updns sends. Plain text only: links must be copyable and nothing renders HTML.
// Every text goes through the translation function the caller passes (the person's language).
import type { OutgoingMail } from "./smtp.ts";

export type Translate = (msg: string, params?: Record<string, string | number>) => string;

/** t() for a count message, in the plural form the recipient's language asks for ("1 day", "2 days"; src/i18n). */
export type PluralTranslate = (count: number, forms: { one: string; other: string }, params?: Record<string, string | number>) => string;

export interface MailContext {
  t: Translate;
  tn: PluralTranslate;
  /** Shown in subjects and greetings, e.g. "dyn.example.org". */
  site: string;
}

export function verifyEmailMail(c: MailContext, to: string, username: string, link: string, days: number): OutgoingMail {
  return {
    to,
    subject: c.t("Confirm your e-mail address for {site}", { site: c.site }),
    text: [
      c.t("Hello {username},", { username }),
      "",
      c.t("please confirm that this is your e-mail address by opening this link:"),
      "",
      link,
      "",
      c.tn(days, { one: "The link works once and for {n} day. If you did not ask for this, ignore this mail.", other: "The link works once and for {n} days. If you did not ask for this, ignore this mail." }),
    ].join("\n"),
  };
}

export function resetPasswordMail(c: MailContext, to: string, username: string, link: string, hours: number): OutgoingMail {
  return {
    to,
    credential: true,
    subject: c.t("Reset your password for {site}", { site: c.site }),
    text: [
      c.t("Hello {username},", { username }),
      "",
      c.t("someone asked to reset the password of your account. To choose a new password, open this link:"),
      "",
      link,
      "",
      c.tn(hours, { one: "The link works once and for {n} hour. If you did not ask for this, ignore this mail: your password stays as it is.", other: "The link works once and for {n} hours. If you did not ask for this, ignore this mail: your password stays as it is." }),
      "",
      c.t("Setting a new password signs out all sessions of the account and revokes all its API tokens: update clients that use a token need a new one."),
    ].join("\n"),
  };
}

export function invitationMail(c: MailContext, to: string, inviter: string, link: string, days: number): OutgoingMail {
  return {
    to,
    credential: true,
    subject: c.t("Your invitation to {site}", { site: c.site }),
    text: [
      c.t("Hello,"),
      "",
      c.t("{inviter} invites you to create an account at {site}. Open this link to sign up:", { inviter, site: c.site }),
      "",
      link,
      "",
      c.tn(days, { one: "The link works once and for {n} day.", other: "The link works once and for {n} days." }),
    ].join("\n"),
  };
}
