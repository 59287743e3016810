// Which language a person gets, over HTTP through the real app: the profile's, else the language menu's
// cookie, else the best Accept-Language match (q-values honoured), else English. <html lang> follows, dates
// and counts are written the language's way, and mails go out in the person's language (real SMTP sink).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { users } from "../../src/db/index.ts";
import { haveSmtpSink, startSmtpSink, type SmtpSink } from "../support/smtp-sink.ts";
import { makeWebWorld, textOf, type Browser, type WebWorld } from "../http/web/harness.ts";

const langOf = (html: string) => html.match(/<html lang="([^"]*)"/)?.[1];

/** What the person sees of a page, fetched with the given Accept-Language. */
async function view(b: Browser, path: string, acceptLanguage?: string) {
  const p = await b.get(path, acceptLanguage ? { "accept-language": acceptLanguage } : {});
  return { status: p.status, lang: langOf(p.body), text: textOf(p.body), body: p.body };
}

/** Uses the footer's language menu of `from`, as a person would. */
async function chooseLanguage(b: Browser, language: string, from = "/account/login") {
  await b.get(from);
  const form = b.lastBody.match(/<form method="post" action="\/i18n\/setlang"[\s\S]*?<\/form>/)?.[0] ?? "";
  expect(form).toContain(`<option value="${language}"`);
  const next = form.match(/name="next" value="([^"]*)"/)?.[1] ?? "";
  return b.request("POST", "/i18n/setlang", new URLSearchParams({ _csrf: b.csrf(), language, next }));
}

describe("language choice on pages", () => {
  let w: WebWorld;
  beforeAll(async () => {
    w = await makeWebWorld();
  });

  test("without any preference the pages are English", async () => {
    const p = await view(w.browser(), "/account/login");
    expect(p.lang).toBe("en");
    expect(p.text).toContain("Log in");
    expect(p.text).toContain("Forgot your password?");
  });

  test("Accept-Language picks the language, honouring q-values and region tags", async () => {
    const de = await view(w.browser(), "/account/login", "de-AT,de;q=0.9,en;q=0.5");
    expect(de.lang).toBe("de");
    expect(de.text).toContain("Passwort vergessen?");
    expect(de.text).toContain("Anmelden");
    // Italian has the higher q even though French comes first.
    const it = await view(w.browser(), "/account/register", "fr;q=0.4, it;q=0.8, en;q=0.1");
    expect(it.lang).toBe("it");
    expect(it.text).toContain("Registrazioni chiuse");
    // q=0 means "not this one"; an unknown language is passed over.
    const el = await view(w.browser(), "/about/", "de;q=0, sv, el;q=0.5");
    expect(el.lang).toBe("el");
    expect(el.text).toContain("Σχετικά με αυτή την υπηρεσία");
    expect((await view(w.browser(), "/about/", "sv, pt-BR")).lang).toBe("en");
  });

  test("the language menu's cookie beats Accept-Language, and \"\" forgets it", async () => {
    const b = w.browser();
    const set = await chooseLanguage(b, "fr");
    expect(set.status).toBe(303);
    expect(set.location).toBe("/account/login");
    expect(b.cookies.get("updns_lang")).toBe("fr");
    const p = await view(b, "/account/login", "de,en;q=0.5");
    expect(p.lang).toBe("fr");
    expect(p.text).toContain("Mot de passe oublié ?");
    expect(p.text).not.toContain("Passwort");
    // The menu shows the current language as chosen.
    expect(p.body).toMatch(/<option value="fr" lang="fr" selected>/);
    await b.request("POST", "/i18n/setlang", new URLSearchParams({ _csrf: b.csrf(), language: "", next: "/about/" }));
    expect(b.cookies.has("updns_lang")).toBe(false);
    expect((await view(b, "/about/", "hu")).lang).toBe("hu");
  });

  test("the profile's language beats the cookie and Accept-Language", async () => {
    const u = await w.user("ilona");
    w.db.update(users).set({ language: "hu" }).where(eq(users.id, u.id)).run();
    const b = w.browser();
    b.cookies.set("updns_lang", "it");
    const login = await b.login(u.username, u.password);
    expect(login.status).toBe(303);
    for (const path of ["/overview/", "/account/profile"]) {
      const p = await view(b, path, "de, fr;q=0.9");
      expect(p.lang).toBe("hu");
      expect(p.text).toContain("Kijelentkezés");
    }
    expect((await view(b, "/account/profile", "de")).text).toContain("Nyelv");
  });

  test("a signed-in person without a profile language follows the cookie, then the browser", async () => {
    const u = await w.user("marco");
    const b = w.browser();
    await b.login(u.username, u.password);
    expect((await view(b, "/overview/", "it")).lang).toBe("it");
    expect((await view(b, "/overview/", "it")).text).toContain("Panoramica");
    b.cookies.set("updns_lang", "el");
    expect((await view(b, "/overview/", "it")).lang).toBe("el");
  });

  test("the menu changes the profile's language when the profile names one (it would hide the cookie otherwise)", async () => {
    const u = await w.user("hans");
    w.db.update(users).set({ language: "de" }).where(eq(users.id, u.id)).run();
    const b = w.browser();
    await b.login(u.username, u.password);
    expect((await view(b, "/overview/")).lang).toBe("de");
    await chooseLanguage(b, "fr", "/overview/");
    expect(w.db.select().from(users).where(eq(users.id, u.id)).get()!.language).toBe("fr");
    const p = await view(b, "/overview/", "de");
    expect(p.lang).toBe("fr");
    expect(p.text).toContain("Connecté en tant que hans.");
  });

  test("the profile page saves every shipped language", async () => {
    const u = await w.user("nikos");
    const b = w.browser();
    await b.login(u.username, u.password);
    const saved = await b.submit("/account/profile", { email: u.email, language: "el" }, "/account/profile");
    expect(saved.status).toBeLessThan(400);
    expect(w.db.select().from(users).where(eq(users.id, u.id)).get()!.language).toBe("el");
    expect((await view(b, "/account/profile", "en")).lang).toBe("el");
  });

  test("the menu refuses a post without its CSRF token, an unknown language, and a foreign next=", async () => {
    const b = w.browser();
    await b.get("/account/login");
    const noToken = await b.request("POST", "/i18n/setlang", new URLSearchParams({ language: "de", next: "/" }));
    expect(noToken.status).toBe(403);
    expect(b.cookies.has("updns_lang")).toBe(false);
    const unknown = await b.request("POST", "/i18n/setlang", new URLSearchParams({ _csrf: b.csrf(), language: "xx", next: "/about/" }));
    expect(unknown.status).toBe(303);
    expect(b.cookies.has("updns_lang")).toBe(false);
    const p = await view(b, "/about/");
    expect(p.text).toContain("Unknown language.");
    const away = await b.request("POST", "/i18n/setlang", new URLSearchParams({ _csrf: b.csrf(), language: "de", next: "//evil.example/" }));
    expect(away.location).toBe("/");
  });

  test("dates and counts are written the language's way", async () => {
    const staff = await w.user("root", "correct horse battery", true);
    w.db.update(users).set({ lastLogin: new Date("2026-03-04T05:06:00Z") }).where(eq(users.username, "ilona")).run();
    const b = w.browser();
    await b.login(staff.username, staff.password);
    const en = await view(b, "/admin/users?q=ilona", "en");
    expect(en.text).toContain("2026-03-04 05:06 UTC");
    const de = await view(b, "/admin/users?q=ilona", "de");
    expect(de.text).toContain("04.03.2026, 05:06 UTC");
  });
});

const runMail = haveSmtpSink();
let sink: SmtpSink;
beforeAll(async () => {
  if (runMail) sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.stop();
});

describe.skipIf(!runMail)("mails in the person's language", () => {
  test("a password reset asked for from a German browser arrives in German", async () => {
    const w = await makeWebWorld({ smtpPort: sink.port });
    const u = await w.user("greta");
    const b = w.browser();
    await b.get("/account/password-reset", { "accept-language": "de-DE,de;q=0.9" });
    const sent = await b.request("POST", "/account/password-reset", new URLSearchParams({ _csrf: b.csrf(), identifier: "greta" }), { "accept-language": "de-DE,de;q=0.9" });
    expect(textOf(sent.body)).toContain("Sehen Sie in Ihr Postfach");
    const mail = await sink.next(u.email);
    expect(mail.subject).toBe("Setzen Sie Ihr Passwort für updns.test zurück");
    expect(mail.text).toContain("Hallo greta,");
    expect(mail.text).toContain("jemand hat darum gebeten, das Passwort Ihres Kontos zurückzusetzen.");
    expect(mail.text).toContain("Der Link funktioniert einmal und 2 Stunden lang.");
    expect(mail.text).not.toContain("Hello");
    expect(mail.text).not.toContain("The link works");
  });

  test("the account's own language wins over the browser that asks", async () => {
    const w = await makeWebWorld({ smtpPort: sink.port });
    const u = await w.user("dieter");
    w.db.update(users).set({ language: "de" }).where(eq(users.id, u.id)).run();
    const b = w.browser();
    await b.get("/account/password-reset", { "accept-language": "fr" });
    await b.request("POST", "/account/password-reset", new URLSearchParams({ _csrf: b.csrf(), identifier: u.email }), { "accept-language": "fr" });
    const mail = await sink.next(u.email);
    expect(mail.subject).toBe("Setzen Sie Ihr Passwort für updns.test zurück");
  });
});

describe("counts in the language's plural forms", () => {
  test("the user list says 1 user / 2 users, and 1 Benutzer / 2 Benutzer in German", async () => {
    const w = await makeWebWorld();
    await w.user("boss", undefined, true);
    await w.user("norm");
    const b = w.browser();
    await b.login("boss", "correct horse battery");
    expect((await view(b, "/admin/users?q=boss", "en")).text).toContain("1 user ");
    expect((await view(b, "/admin/users?q=boss", "en")).text).not.toContain("1 users");
    expect((await view(b, "/admin/users", "en")).text).toContain("2 users");
    expect((await view(b, "/admin/users?q=boss", "de")).text).toContain("1 Benutzer");
    expect((await view(b, "/admin/users", "de")).text).toContain("2 Benutzer");
  });

  test("tn() picks the plural category of the language (Intl.PluralRules) for 1 and 2", async () => {
    const { pluralTranslator } = await import("../../src/i18n/index.ts");
    const seconds = { one: "Too many failed logins. Try again in {n} second.", other: "Too many failed logins. Try again in {n} seconds." };
    const hosts = { one: "{n} host", other: "{n} hosts" };
    const en = pluralTranslator("en");
    const de = pluralTranslator("de");
    expect([en(1, seconds), en(2, seconds)]).toEqual(["Too many failed logins. Try again in 1 second.", "Too many failed logins. Try again in 2 seconds."]);
    expect([de(1, seconds), de(2, seconds)]).toEqual([
      "Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in 1 Sekunde erneut.",
      "Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in 2 Sekunden erneut.",
    ]);
    expect([en(1, hosts), en(2, hosts), en(0, hosts)]).toEqual(["1 host", "2 hosts", "0 hosts"]);
    expect([de(1, hosts), de(2, hosts)]).toEqual(["1 Host", "2 Hosts"]);
    // French counts 0 as singular and has a "many" form for round millions ("1000000 d'hôtes").
    expect([pluralTranslator("fr")(0, hosts), pluralTranslator("fr")(1000000, hosts)]).toEqual(["0 hôte", "1000000 d'hôtes"]);
    // A message no catalogue has stays English, in the English form for the count.
    expect(pluralTranslator("hu")(1, { one: "{n} apple", other: "{n} apples" })).toBe("1 apple");
  });
});
