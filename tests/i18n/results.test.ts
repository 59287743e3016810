// A host's last results are sentences of the reader's language with a relative time ("vor 5 Minuten") and
// the exact moment in a <time>, while the stored line keeps the spec's English log form (§1.10) that the
// JSON API returns. Relative times are the language's own.
import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { hosts } from "../../src/db/index.ts";
import { HostLedger, resultLine } from "../../src/core/index.ts";
import { formatRelative } from "../../src/i18n/index.ts";
import { textOf } from "../http/web/harness.ts";
import { makeDnsWebWorld } from "../http/web/world.ts";

describe("times", () => {
  test("relative times are the language's own (Intl.RelativeTimeFormat)", () => {
    const now = new Date("2026-12-07T12:00:00Z");
    const before = (s: number) => new Date(now.getTime() - s * 1000);
    expect(formatRelative("en", before(180), now)).toBe("3 minutes ago");
    expect(formatRelative("de", before(180), now)).toBe("vor 3 Minuten");
    expect(formatRelative("fr", before(3 * 3600), now)).toBe("il y a 3 heures");
    expect(formatRelative("it", before(86400), now)).toBe("ieri");
    expect(formatRelative("hu", before(2 * 86400), now)).toBe("tegnapelőtt");
    expect(formatRelative("el", before(1), now)).toBe("πριν από 1 δευτερόλεπτο");
    expect(formatRelative("de", new Date(now.getTime() + 14 * 86400_000), now)).toBe("in 2 Wochen");
  });
});

describe("the host page's last results", () => {
  test("are told in the reader's language, with the time relative and exact", async () => {
    const w = await makeDnsWebWorld();
    const { b } = await w.signedIn("alice");
    expect((await b.submit("/domain/add/", { name: "dyn.example.org", backend: "embedded" }, "/domain/add/")).status).toBe(303);
    expect((await b.submit("/host/add/", { name: "home", domain: "1" }, "/host/add/")).location).toBe("/host/1/");
    await b.submit("/nic/update_authorized", { hostname: "home.dyn.example.org", myip: "192.0.2.55" }, "/host/1/");
    const at = w.clock.now();
    const ledger = new HostLedger(1, "home.dyn.example.org", at);
    ledger.apiAuthMessage(resultLine("authFailure", { via: "basic auth" }), true);
    ledger.serverMessage(resultLine("dnsError", { what: "update", address: "192.0.2.55", tls: false, error: "timeout talking to the nameserver" }), true);
    ledger.flush(w.db);
    w.clock.advance(3 * 60_000);

    // Stored as the spec's English log line, which the JSON API returns as it is.
    expect(w.db.select().from(hosts).where(eq(hosts.id, 1)).get()!.clientResultMsg).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d home\.dyn\.example\.org - received good update -> ip: 192\.0\.2\.55 tls: false$/);

    const en = await b.get("/host/1/", { "accept-language": "en" });
    expect(textOf(en.body)).toContain("The address is now 192.0.2.55. Sent without TLS. ( 3 minutes ago )");
    expect(textOf(en.body)).toContain("Wrong host name or secret (HTTP basic authentication).");
    expect(textOf(en.body)).toContain("DNS error on our side (update of 192.0.2.55): timeout talking to the nameserver");
    expect(en.body).not.toContain("received good update");

    const de = await b.get("/host/1/", { "accept-language": "de" });
    expect(textOf(de.body)).toContain("Die Adresse ist jetzt 192.0.2.55. Ohne TLS gesendet. ( vor 3 Minuten )");
    expect(textOf(de.body)).toContain("Falscher Hostname oder falsches Geheimnis (HTTP-Basic-Anmeldung).");
    expect(de.body).toContain(`<time datetime="${at.toISOString()}" title="${new Intl.DateTimeFormat("de", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(at)} UTC">vor 3 Minuten</time>`);
    // The current addresses say when they changed the same way.
    expect(textOf(de.body)).toMatch(/192\.0\.2\.55 \( vor 3 Minuten \)/);
  });
});

describe("the connectivity test of an rfc2136 zone", () => {
  test("says what each step found in the reader's language; a failure quotes the nameserver's words", async () => {
    let ok = true;
    const w = await makeDnsWebWorld({
      checkZone: async () =>
        ok
          ? {
              ok,
              steps: [
                { step: "soa", ok, message: "192.0.2.53:53 is authoritative for ext.example.org, SOA serial 7", values: { server: "192.0.2.53:53", zone: "ext.example.org", serial: "7" } },
                { step: "add", ok, message: "added connectivity-test.ext.example.org A 198.18.0.1", values: { owner: "connectivity-test.ext.example.org", address: "198.18.0.1" } },
                { step: "remove", ok, message: "removed connectivity-test.ext.example.org A", values: { owner: "connectivity-test.ext.example.org" } },
              ],
            }
          : { ok, steps: [{ step: "soa", ok, message: "no answer from 192.0.2.53:53 (timeout)" }] },
    });
    const { b } = await w.signedIn("carol");
    await b.submit("/domain/add/", { name: "ext.example.org", backend: "rfc2136", primary: "192.0.2.53" }, "/domain/add/");
    const check = async () => {
      await b.get("/domain/1/", { "accept-language": "de" });
      return textOf((await b.request("POST", "/domain/1/check", new URLSearchParams({ _csrf: b.csrf() }), { "accept-language": "de" })).body);
    };
    const passed = await check();
    expect(passed).toContain("SOA-Abfrage: 192.0.2.53:53 antwortet autoritativ für ext.example.org, SOA-Seriennummer 7.");
    expect(passed).toContain("Testeintrag angelegt: connectivity-test.ext.example.org A 198.18.0.1 wurde angelegt.");
    expect(passed).toContain("Testeintrag entfernt: connectivity-test.ext.example.org A wurde wieder entfernt.");
    ok = false;
    expect(await check()).toContain("SOA-Abfrage: no answer from 192.0.2.53:53 (timeout)");
  });
});
