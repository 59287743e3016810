// Every mail template, rendered with a shipped catalogue: no English sentence is left in subject or body
// (only the values passed in: names, links, the log line of an event).
import { describe, expect, test } from "bun:test";
import { pluralTranslator, translator } from "../../src/http/web/i18n.ts";
import { eq } from "drizzle-orm";
import { users } from "../../src/db/index.ts";
import { runUsers } from "../../src/jobs/index.ts";
import { makeJobWorld } from "../jobs/fixture.ts";
import { abuseMail, domainUnavailableMail, invitationMail, resetPasswordMail, secondariesBehindMail, staleAccountMail, staleHostMail, verifyEmailMail } from "../../src/mail/index.ts";

/** The mail context of a language: its translation and plural functions. */
const ctxOf = (lang: string) => ({ t: translator(lang), tn: pluralTranslator(lang), site: "dyn.example.org" });
const english = ctxOf("en");

function all(c: typeof english) {
  return [
    verifyEmailMail(c, "a@example.test", "ann", "https://dyn.example.org/v/x", 7),
    resetPasswordMail(c, "a@example.test", "ann", "https://dyn.example.org/r/x", 2),
    invitationMail(c, "a@example.test", "bob", "https://dyn.example.org/i/x", 7),
    abuseMail(c, "a@example.test", { username: "ann", fqdn: "home.dyn.example.org", comment: "router", faults: 1234 }),
    domainUnavailableMail(c, "a@example.test", { username: "ann", domain: "dyn.example.org", comment: "", problem: "SERVFAIL" }),
    secondariesBehindMail(c, "a@example.test", { username: "ann", domain: "dyn.example.org", comment: "", problems: ["192.0.2.1: serial 3"] }),
    staleHostMail(c, "a@example.test", { username: "ann", fqdn: "home.dyn.example.org", comment: "", issue: "no update for 200 days", stage: "fix" }),
    staleHostMail(c, "a@example.test", { username: "ann", fqdn: "home.dyn.example.org", comment: "", issue: "no update for 300 days", stage: "unavailable" }),
    staleHostMail(c, "a@example.test", { username: "ann", fqdn: "home.dyn.example.org", comment: "", issue: "no update for 400 days", stage: "deleted" }),
    staleAccountMail(c, "a@example.test", { username: "ann", lastUsed: "2026-01-02", days: 30, loginUrl: "https://dyn.example.org/account/login" }),
  ];
}

const englishLines = new Set(all(english).flatMap((m) => [m.subject, ...m.text.split("\n")]).filter((l) => /[a-z]{3}/.test(l) && !/^(https?:|- 192|no update)/.test(l)));

describe("mails", () => {
  for (const lang of ["de", "fr", "it", "el", "hu"]) {
    test(`${lang}: every sentence of every mail is translated`, () => {
      const mails = all(ctxOf(lang));
      const left = mails.flatMap((m) => [m.subject, ...m.text.split("\n")]).filter((l) => englishLines.has(l));
      expect(left).toEqual([]);
    });
  }

  test("a German abuse notice reads as German, with the values filled in", () => {
    const m = abuseMail(ctxOf("de"), "a@example.test", { username: "ann", fqdn: "home.dyn.example.org", comment: "router", faults: 1234 });
    expect(m.subject).toBe("Problem mit Ihrem Host home.dyn.example.org");
    expect(m.text.split("\n").slice(0, 3)).toEqual(["Hallo ann,", "", "wir haben Ihren Host home.dyn.example.org (Ihr Kommentar: router) bei dyn.example.org wegen Missbrauchs markiert."]);
    expect(m.text).toContain("Fehlerhafte Updates seit der letzten Prüfung: 1234");
  });

  test("counts in mails take the language's plural form: 1 day, 2 hours", () => {
    expect(invitationMail(english, "a@example.test", "bob", "https://dyn.example.org/i/x", 1).text).toContain("The link works once and for 1 day.");
    expect(resetPasswordMail(english, "a@example.test", "ann", "https://dyn.example.org/r/x", 1).text).toContain("The link works once and for 1 hour.");
    expect(invitationMail(ctxOf("de"), "a@example.test", "bob", "https://dyn.example.org/i/x", 1).text).toContain("Der Link funktioniert einmal und 1 Tag lang.");
    expect(staleAccountMail(ctxOf("fr"), "a@example.test", { username: "ann", lastUsed: "2026-01-02", days: 1, loginUrl: "https://x" }).text).toContain("Nous le supprimerons dans 1 jour.");
    expect(staleAccountMail(ctxOf("el"), "a@example.test", { username: "ann", lastUsed: "2026-01-02", days: 30, loginUrl: "https://x" }).text).toContain("σε 30 ημέρες");
  });

  test("a job's notice to a person whose profile says German is German, date included", async () => {
    const w = makeJobWorld();
    // bob's profile language is "de"; he has nothing and was last seen long ago.
    w.db.update(users).set({ lastLogin: new Date("2025-01-02T10:00:00Z") }).where(eq(users.id, w.bobId)).run();
    await runUsers(w.ctx, { staleCheck: true });
    const m = w.mails.find((x) => x.to === "bob@example.test")!;
    expect(m.subject).toBe("Ihr ungenutztes Konto bei dyn.example.test");
    expect(m.text).toContain("Hallo bob,");
    expect(m.text).toContain("Ihr Konto bei dyn.example.test hat keine Hosts und keine Domains und wurde zuletzt am 02.01.2025 benutzt.");
    expect(m.text).toContain("Wir löschen es in ");
  });
});
