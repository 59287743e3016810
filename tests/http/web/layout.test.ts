// What every page shares: security headers and CSP, embedded assets, the HTTPS warning, theme, language.
import { describe, expect, test } from "bun:test";
import { makeWebWorld, textOf } from "./harness.ts";
import { pickLanguage, translator, addCatalogue } from "../../../src/http/web/index.ts";

describe("page frame", () => {
  test("CSP allows no inline script and no foreign origin; frames and sniffing are off; pages are not cached", async () => {
    const w = await makeWebWorld();
    const r = await w.browser().get("/account/login");
    const csp = r.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("cache-control")).toBe("no-store");
    // No inline script in the markup: every <script> has a src on our origin.
    for (const tag of r.body.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/static\/[a-z.]+\?v=[0-9a-f]{12}"/);
    expect(r.body).not.toMatch(/ on[a-z]+=/);
  });

  test("the detection host names are allowed in connect-src when configured", async () => {
    const w = await makeWebWorld({ configure: (c) => Object.assign(c.server, { ipv4_url: "https://ipv4.dyn.example", ipv6_url: "https://ipv6.dyn.example:8443" }) });
    const csp = (await w.browser().get("/")).headers.get("content-security-policy")!;
    expect(csp).toContain("connect-src 'self' https://ipv4.dyn.example https://ipv6.dyn.example:8443");
  });

  test("htmx, the stylesheet and the page script come from the binary with long caching", async () => {
    const w = await makeWebWorld();
    const page = await w.browser().get("/");
    const srcs = page.body.match(/\/static\/[a-z.]+\?v=[0-9a-f]{12}/g)!;
    expect(srcs.length).toBe(4);
    for (const src of srcs) {
      const r = await w.browser().get(src);
      expect(r.status).toBe(200);
      expect(r.headers.get("cache-control")).toContain("immutable");
      expect(r.body.length).toBeGreaterThan(100);
    }
    expect((await w.browser().get("/static/htmx.min.js")).body).toContain("htmx");
    expect((await w.browser().get("/static/app.css")).body).toContain("prefers-color-scheme: dark");
    expect((await w.browser().get("/static/nope.js")).status).toBe(404);
  });

  test("over HTTP the page warns; over HTTPS it does not", async () => {
    const w = await makeWebWorld();
    expect(textOf((await w.browser({ secure: false }).get("/")).body)).toContain("This connection is not encrypted");
    expect(textOf((await w.browser({ secure: true }).get("/")).body)).not.toContain("This connection is not encrypted");
  });

  test("the theme cookie sets data-theme; anything else follows the system", async () => {
    const w = await makeWebWorld();
    const b = w.browser();
    b.cookies.set("updns_theme", "dark");
    expect((await b.get("/")).body).toContain('<html lang="en" data-theme="dark">');
    b.cookies.set("updns_theme", '"><script>');
    expect((await b.get("/")).body).toContain('<html lang="en">');
  });

  test("a flash message shows once", async () => {
    const w = await makeWebWorld();
    const u = await w.user("uma");
    const b = w.browser();
    await b.login("uma", u.password);
    await b.submit("/account/profile", { email: u.email, language: "en" }, "/account/profile");
    expect(textOf((await b.get("/account/profile")).body)).toContain("Profile saved.");
    expect(textOf((await b.get("/account/profile")).body)).not.toContain("Profile saved.");
  });

  test("the first-run setup page uses the layout and still works without a CSRF token (its URL is the secret)", async () => {
    const { issueSetupToken } = await import("../../../src/core/admin/setup.ts");
    const w = await makeWebWorld();
    const token = issueSetupToken(w.db)!;
    const b = w.browser();
    const form = await b.get(`/setup/${token}`);
    expect(form.status).toBe(200);
    expect(form.body).toContain("/static/app.css");
    const done = await b.request("POST", `/setup/${token}`, new URLSearchParams({ username: "root", email: "root@example.test", password: "correct horse battery" }));
    expect(textOf(done.body)).toContain("Staff account root created.");
    expect((await b.get(`/setup/${token}`)).status).toBe(404);
  });

  test("the setup link signs the new staff account in: the overview answers without a login", async () => {
    const { issueSetupToken } = await import("../../../src/core/admin/setup.ts");
    const w = await makeWebWorld();
    const token = issueSetupToken(w.db)!;
    const b = w.browser();
    expect((await b.get("/overview/")).status).not.toBe(200);
    await b.request("POST", `/setup/${token}`, new URLSearchParams({ username: "root", email: "root@example.test", password: "correct horse battery" }));
    const overview = await b.get("/overview/");
    expect(overview.status).toBe(200);
    expect(textOf(overview.body)).toContain("Log out");
  });
});

describe("translation", () => {
  test("t() fills placeholders and falls back to English", () => {
    const t = translator("en");
    expect(t("Hello {name}, {n} new", { name: "Ann", n: 3 })).toBe("Hello Ann, 3 new");
    expect(t("Unknown {x}")).toBe("Unknown {x}");
    addCatalogue("xx", { "Log in": "Anmelden" });
    expect(translator("xx")("Log in")).toBe("Anmelden");
    expect(translator("xx")("Log out")).toBe("Log out");
  });

  test("the language is the profile's, else the menu's cookie, else the best Accept-Language match, else English", () => {
    expect(pickLanguage("", "de-DE,de;q=0.9,en;q=0.8")).toBe("de");
    expect(pickLanguage("", "sv,en;q=0.8")).toBe("en");
    expect(pickLanguage("en", "fr")).toBe("en");
    expect(pickLanguage("", "fr", "it")).toBe("it");
    expect(pickLanguage("de", "fr", "it")).toBe("de");
    expect(pickLanguage("", null)).toBe("en");
  });
});

describe("menu links", () => {
  test("signed in: the account menu links the API tokens; the ACME page is linked only when acme-dns is on", async () => {
    for (const zone of ["", "acme.example.org"]) {
      const w = await makeWebWorld({ configure: (c) => (c.acme_dns.zone = zone) });
      const u = await w.user("menu");
      const b = w.browser();
      const anon = await b.get("/");
      expect(anon.body).not.toContain('href="/account/tokens"');
      await b.login("menu", u.password);
      const page = await b.get("/overview/");
      expect(page.body).toContain('href="/account/tokens"');
      expect(page.body.includes('href="/acme/"')).toBe(zone !== "");
      if (zone) expect((await b.get("/acme/")).status).toBe(200);
    }
  });
});

describe("sign-up link", () => {
  test('"Sign up" is linked (menu and front page) only when registration.mode is open, and there it leads to the form', async () => {
    for (const mode of ["open", "closed", "invitation"] as const) {
      const w = await makeWebWorld({ configure: (c) => (c.registration.mode = mode) });
      const b = w.browser();
      for (const path of ["/", "/account/login"]) {
        const page = await b.get(path);
        expect({ mode, path, linked: page.body.includes('href="/account/register"') }).toEqual({ mode, path, linked: mode === "open" });
        expect({ mode, path, text: textOf(page.body).includes("Sign up") }).toEqual({ mode, path, text: mode === "open" });
      }
      if (mode === "open") expect((await b.get("/account/register")).status).toBe(200);
    }
  });
});
