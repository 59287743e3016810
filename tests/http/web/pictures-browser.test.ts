// The pictures in Chromium, at a desktop's 1280 px and a phone's 360 px: the host page's timeline and the
// status page's charts are drawn (not empty boxes), no page scrolls sideways, and in the dark theme the
// pictures' text takes the page's light text colour.
import { afterAll, describe, expect, test } from "bun:test";
import { listenHttp, type HttpListeners } from "../../../src/http/index.ts";
import { AppMetrics } from "../../../src/metrics/index.ts";
import { serverStatus } from "../../../src/cli/status.ts";
import { haveChromium, launchChromium } from "../../support/chromium.ts";
import { makeDnsWebWorld } from "./world.ts";

let listener: HttpListeners | undefined;
let close: (() => Promise<void>) | undefined;
afterAll(async () => {
  await close?.();
  await listener?.stop(false);
});

describe.if(haveChromium() || !!process.env.CI)("pictures in Chromium", () => {
  test("the timeline and the status charts are drawn, fit a phone and follow the dark theme", async () => {
    const metrics = new AppMetrics();
    for (const s of [0.02, 0.04, 0.3]) metrics.updateLatency.observe(s);
    const w = await makeDnsWebWorld({
      configure: (c) => (c.server.public_url = ""),
      status: (db, config) => ({ ...serverStatus({ cfg: config, db, metrics, dnsCounters: () => undefined, dnsAddresses: () => ["127.0.0.1:53", "[2001:db8::53]:53"], httpAddresses: () => ["127.0.0.1:8080"] }), secondarySerial: async () => 2026010101 }),
    });
    const staff = await w.user("root", undefined, true);
    listener = listenHttp((req) => w.app.handle(req), { listen: ["127.0.0.1:0"], maxBodyBytes: 65536 });
    const base = `http://${listener.addresses[0]}`;
    const problems: string[] = [];
    for (const width of [1280, 360]) {
      const chromium = await launchChromium({ viewport: { width, height: 900 } });
      close = chromium.close;
      const page = await chromium.context.newPage();
      await page.goto(`${base}/account/login`);
      await page.fill("#f-identifier", "root");
      await page.fill("#f-password", staff.password);
      await page.click("button[type=submit]:has-text('Log in')");
      await page.waitForURL(`${base}/overview/`, { timeout: 10_000 });
      if (width === 1280) {
        await page.goto(`${base}/domain/add/`);
        await page.fill("#f-name", "dyn.example.org");
        await page.click("form[action='/domain/add/'] button[type=submit]");
        await page.goto(`${base}/host/add/`);
        await page.fill("#f-name", "home");
        await page.click("form[action='/host/add/'] button[type=submit]");
        await page.waitForURL(`${base}/host/1/`);
        for (const ip of ["192.0.2.1", "2001:db8::1", "192.0.2.2"]) {
          await page.fill("#manual-v" + (ip.includes(":") ? "6" : "4"), ip);
          await page.click(`#manual-v${ip.includes(":") ? "6" : "4"} ~ button`);
          await page.waitForSelector(`#manual-v${ip.includes(":") ? "6" : "4"}-result:has-text('good')`);
          w.clock.advance(2 * 3600_000);
        }
      }
      for (const path of ["/host/1/", "/status/"]) {
        await page.goto(base + path, { timeout: 10_000 });
        const seen = await page.evaluate(() => {
          const doc = document.documentElement;
          const boxes = Array.from(document.querySelectorAll("figure.chart svg")).map((s) => s.getBoundingClientRect());
          return { overflow: doc.scrollWidth > doc.clientWidth, charts: boxes.length, drawn: boxes.every((b) => b.width > 100 && b.height > 20) };
        });
        if (seen.overflow) problems.push(`${path} at ${width}: scrolls sideways`);
        if (!seen.charts || !seen.drawn) problems.push(`${path} at ${width}: ${seen.charts} charts, drawn: ${seen.drawn}`);
        await page.screenshot({ path: `/tmp/updns-pictures-${path.replace(/\W+/g, "_")}${width}.png`, fullPage: true });
      }
      // The dark theme: the pictures' text is the page's text colour, not a fixed dark one.
      await page.emulateMedia({ colorScheme: "dark" });
      await page.goto(`${base}/host/1/`);
      const colours = await page.evaluate(() => ({ body: getComputedStyle(document.body).color, label: getComputedStyle(document.querySelector("figure.timeline text")!).fill }));
      expect(colours.label).toBe(colours.body);
      await chromium.close();
      close = undefined;
    }
    expect(problems).toEqual([]);
  }, 90_000);
});
