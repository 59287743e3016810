// The footer's language menu in a real browser, with JavaScript on and with it off (it is a plain form): a
// German browser picks Greek, the page and the following ones are Greek, and the server's CSP is not broken.
import { afterAll, describe, expect, test } from "bun:test";
import { listenHttp } from "../../src/http/index.ts";
import { haveChromium, launchChromium } from "../support/chromium.ts";
import { makeWebWorld } from "../http/web/harness.ts";

const run = haveChromium();
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

describe.if(run)("language menu in Chromium", () => {
  for (const javaScript of [true, false]) {
    test(`choosing Greek on a German browser (JavaScript ${javaScript ? "on" : "off"})`, async () => {
      const w = await makeWebWorld({ configure: (c) => (c.server.public_url = "") });
      const l = listenHttp((req) => w.app.handle(req), { listen: ["127.0.0.1:0"], maxBodyBytes: 65536 });
      closers.push(async () => l.stop(false));
      const base = `http://${l.addresses[0]}`;
      const chromium = await launchChromium({ viewport: { width: 360, height: 740 } });
      closers.push(chromium.close);
      const page = await chromium.context.newPage();
      if (!javaScript) await page.context().route("**/*.js", (r) => r.abort());
      await page.setExtraHTTPHeaders({ "accept-language": "de-DE,de;q=0.9" });
      const problems: string[] = [];
      page.on("console", (m) => {
        if (/Content Security Policy/i.test(m.text())) problems.push(m.text());
      });

      await page.goto(`${base}/about/`, { timeout: 10_000 });
      expect(await page.getAttribute("html", "lang")).toBe("de");
      expect(await page.textContent("h1")).toBe("Über diesen Dienst");
      await page.selectOption("#language-menu", "el");
      await page.click("form.language-menu button[type=submit]");
      await page.waitForURL(`${base}/about/`, { timeout: 10_000 });
      expect(await page.getAttribute("html", "lang")).toBe("el");
      expect(await page.textContent("h1")).toBe("Σχετικά με αυτή την υπηρεσία");
      // The choice stays for the next page.
      await page.goto(`${base}/account/login`);
      expect(await page.textContent("h1")).toBe("Σύνδεση");
      expect(await page.inputValue("#language-menu")).toBe("el");
      expect(problems).toEqual([]);
    });
  }
});
