// Messages built at run time — core's and the API's errors — translate through the catalogue keys with
// placeholders; over HTTP the JSON API answers in the client's Accept-Language and the web pages show core's
// errors in the person's language.
import { describe, expect, test } from "bun:test";
import { translator } from "../../src/i18n/index.ts";
import { makeApiWorld } from "../http/api/v1/world.ts";
import { makeWebWorld, textOf } from "../http/web/harness.ts";

describe("run-time messages", () => {
  test("a finished English message finds its pattern and keeps the values", () => {
    const de = translator("de");
    expect(de("no host named home.dyn.example.org")).toBe("kein Host namens home.dyn.example.org");
    expect(de('hosts: "x y" is not a host name inside a zone (e.g. home.dyn.example.org)')).toBe("hosts: „x y“ ist kein Hostname innerhalb einer Zone (z. B. home.dyn.example.org)");
    expect(translator("fr")("more than 60 requests a minute with this token; retry in 12 s")).toBe("plus de 60 requêtes par minute avec ce jeton ; réessayez dans 12 s");
    expect(translator("hu")("A whole number from 60 to 86400.")).toBe("Egész szám 60 és 86400 között.");
  });

  test("an exact key wins over a pattern, and a message nobody translated stays English", () => {
    const it = translator("it");
    expect(it("Unknown language.")).toBe("Lingua sconosciuta.");
    expect(it("something the catalogue never heard of")).toBe("something the catalogue never heard of");
    expect(translator("en")("no host named a.b.c")).toBe("no host named a.b.c");
    // A value that itself looks like a placeholder is copied, not filled again.
    expect(translator("de")("no host named {fqdn}x")).toBe("kein Host namens {fqdn}x");
  });

  test("a key that is nearly all placeholders never rewrites someone else's text", () => {
    // "{when} from {address}" and "{family}: {code}" are page texts filled with their values; a nameserver's
    // error with a " from " or a colon in it stays as it came, not half German.
    expect(translator("de")("no answer from 192.0.2.53:53 (timeout)")).toBe("no answer from 192.0.2.53:53 (timeout)");
    expect(translator("de")("primary: connection refused")).toBe("primary: connection refused");
    // A message that is mostly its own words is still recognised, empty values included.
    expect(translator("de")('username "" may use letters, digits and _ . @ + - (1–150 characters)')).toBe("der Benutzername „“ darf Buchstaben, Ziffern und _ . @ + - enthalten (1–150 Zeichen)");
  });
});

describe("the JSON API's error messages", () => {
  test("follow Accept-Language; code and field stay the same for programs", async () => {
    const w = await makeApiWorld();
    const token = w.token(w.alice);
    const en = await w.call("GET", "/api/v1/hosts/nothere.dyn.example.org", { token });
    const de = await w.call("GET", "/api/v1/hosts/nothere.dyn.example.org", { token, headers: { "accept-language": "de-CH, en;q=0.5" } });
    expect(en.status).toBe(404);
    expect(de.status).toBe(404);
    expect(de.body.error.code).toBe(en.body.error.code);
    expect(en.headers.get("content-language")).toBe("en");
    expect(de.headers.get("content-language")).toBe("de");
    expect(de.body.error.message).not.toBe(en.body.error.message);
    expect(de.body.error.message).toBe(translator("de")(en.body.error.message));
    expect(de.body.error.message).toMatch(/^kein Host namens nothere\.dyn\.example\.org/);
    const fr = await w.call("GET", "/api/v1/hosts", { token: null, headers: { "accept-language": "fr" } });
    expect(fr.status).toBe(401);
    expect(fr.body.error.message).toBe("envoyez un jeton d'API : Authorization: Bearer <jeton>");
    const gr = await w.call("GET", "/api/v1/nowhere", { token, headers: { "accept-language": "el" } });
    expect(gr.body.error.message).toBe("δεν υπάρχει σημείο πρόσβασης /api/v1/nowhere (δείτε /api/v1/openapi.json)");
  });
});

describe("core's errors on web pages", () => {
  test("a refused token form says why in the person's language", async () => {
    const w = await makeWebWorld();
    const u = await w.user("jutta");
    const b = w.browser();
    await b.login(u.username, u.password);
    await b.get("/account/tokens", { "accept-language": "de" });
    const p = await b.request("POST", "/account/tokens", new URLSearchParams({ _csrf: b.csrf(), name: "x", expires: "someday" }), { "accept-language": "de" });
    expect(p.status).toBe(400);
    expect(textOf(p.body)).toContain("expires: „someday“ ist weder ein Datum");
  });
});
