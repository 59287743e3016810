// The SMTP sender against a real SMTP server (aiosmtpd), the log fall-back, and the refusal to send in
// clear text when STARTTLS was asked for but is not offered.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/index.ts";
import { memoryLogger } from "../../src/log/index.ts";
import { createMailer, MailError, resetPasswordMail, verifyEmailMail, invitationMail } from "../../src/mail/index.ts";
import { pluralTranslator, translator } from "../../src/http/web/i18n.ts";
import { AppMetrics } from "../../src/metrics/index.ts";
import { haveSmtpSink, linkIn, startSmtpSink, type SmtpSink } from "../support/smtp-sink.ts";

const run = haveSmtpSink();
let sink: SmtpSink;
beforeAll(async () => {
  if (run) sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.stop();
});

const mailConfig = (over: Partial<ReturnType<typeof loadConfig>["mail"]>) => ({ ...loadConfig({ env: {} }).mail, ...over });
const ctx = { t: translator("en"), tn: pluralTranslator("en"), site: "dyn.example.org" };
// Long enough that a mail encoder would wrap it: the link must still arrive whole.
const LINK = "https://dyn.example.org/account/password-reset/" + "A".repeat(43);

describe.skipIf(!run)("SMTP", () => {
  test("a mail arrives with sender, recipient, subject and an intact long link", async () => {
    const log = memoryLogger();
    const m = createMailer(mailConfig({ smtp_host: "127.0.0.1", smtp_port: sink.port, smtp_tls: "none", from: "updns@dyn.example.org" }), log);
    expect(m.delivers).toBe(true);
    await m.send(resetPasswordMail(ctx, "ann@example.test", "ann", LINK, 2));
    const got = await sink.next("ann@example.test");
    expect(got.from).toBe("updns@dyn.example.org");
    expect(got.subject).toBe("Reset your password for dyn.example.org");
    expect(linkIn(got)).toBe(LINK);
    expect(got.text).toContain("works once and for 2 hours");
    expect(log.lines.some((l) => l.includes("mail sent"))).toBe(true);
    // The log line of a sent mail does not carry its text (the link is a secret).
    expect(log.lines.join("\n")).not.toContain(LINK);
  });

  test("starttls asked for but not offered: the mail is not sent in clear text, the error says why", async () => {
    const m = createMailer(mailConfig({ smtp_host: "127.0.0.1", smtp_port: sink.port, smtp_tls: "starttls" }), memoryLogger());
    const before = sink.messages().length;
    const err = await m.send(verifyEmailMail(ctx, "bob@example.test", "bob", LINK, 7)).catch((e) => e);
    expect(err).toBeInstanceOf(MailError);
    expect(String(err.message)).toMatch(/STARTTLS/i);
    expect(sink.messages().length).toBe(before);
  });

  test("an unreachable server is a MailError naming the recipient", async () => {
    const m = createMailer(mailConfig({ smtp_host: "127.0.0.1", smtp_port: 1, smtp_tls: "none" }), memoryLogger());
    const err = await m.send(invitationMail(ctx, "carl@example.test", "boss", LINK, 14)).catch((e) => e);
    expect(err).toBeInstanceOf(MailError);
    expect(err.message).toContain("carl@example.test");
  });
});

describe.skipIf(!run)("mails counted for /metrics", () => {
  test("sent, failed and not sent (no SMTP server) are counted apart", async () => {
    const metrics = new AppMetrics();
    await createMailer(mailConfig({ smtp_host: "127.0.0.1", smtp_port: sink.port, smtp_tls: "none" }), memoryLogger(), metrics).send(verifyEmailMail(ctx, "eve@example.test", "eve", LINK, 7));
    await sink.next("eve@example.test");
    await createMailer(mailConfig({ smtp_host: "127.0.0.1", smtp_port: 1, smtp_tls: "none" }), memoryLogger(), metrics)
      .send(verifyEmailMail(ctx, "eve@example.test", "eve", LINK, 7))
      .catch(() => {});
    await createMailer(mailConfig({ smtp_host: "" }), memoryLogger(), metrics).send(verifyEmailMail(ctx, "eve@example.test", "eve", LINK, 7));
    expect(metrics.mails).toEqual({ sent: 1, failed: 1, not_sent: 1 });
  });
});

describe("no SMTP server configured", () => {
  test("the mail is written to the log, link included, and delivers is false", async () => {
    const log = memoryLogger();
    const m = createMailer(mailConfig({ smtp_host: "" }), log);
    expect(m.delivers).toBe(false);
    await m.send(verifyEmailMail(ctx, "dee@example.test", "dee", LINK, 7));
    const line = log.lines.find((l) => l.includes("mail not sent"))!;
    expect(line).toContain("to=dee@example.test");
    expect(line).toContain(LINK);
  });

  test("a reset or invitation mail is not written to the log: its link is as good as a password", async () => {
    const log = memoryLogger();
    const m = createMailer(mailConfig({ smtp_host: "" }), log);
    await m.send(resetPasswordMail(ctx, "dee@example.test", "dee", LINK, 2));
    await m.send(invitationMail(ctx, "carl@example.test", "boss", LINK, 14));
    expect(log.lines).toHaveLength(2);
    expect(log.lines[0]).toContain('msg="mail not sent (no [mail] smtp_host); it carries a sign-in link, which is never logged" module=mail to=dee@example.test');
    expect(log.lines.join("\n")).not.toContain(LINK);
  });
});
