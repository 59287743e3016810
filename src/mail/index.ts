// Public face of mail/: the SMTP sender (or the log, with no smtp_host) and the mail texts.
export { createMailer, MailError, type AppMailer, type OutgoingMail } from "./smtp.ts";
export { verifyEmailMail, resetPasswordMail, invitationMail, type MailContext, type Translate, type PluralTranslate } from "./templates.ts";
export { abuseMail, domainUnavailableMail, secondariesBehindMail, staleHostMail, staleAccountMail, type StaleHostStage } from "./jobs.ts";
