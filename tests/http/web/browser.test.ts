// A short smoke test in a real browser (Debian's Chromium): the login form signs in, the page scripts run
// under our CSP without a single violation, htmx is loaded, the theme toggle works, logout signs out.
import { afterAll, describe, expect, test } from "bun:test";
import { listenHttp, type HttpListeners } from "../../../src/http/index.ts";
import { haveChromium, launchChromium } from "../../support/chromium.ts";
import { makeWebWorld } from "./harness.ts";

const run = haveChromium();
let listener: HttpListeners | undefined;
let close: (() => Promise<void>) | undefined;
afterAll(async () => {
  await close?.();
  await listener?.stop(false);
});

describe.if(run)("web UI in Chromium", () => {
  test("log in through the real form, see the overview, switch theme, log out", async () => {
    const w = await makeWebWorld({ configure: (c) => (c.server.public_url = "") });
    const u = await w.user("alice");
    listener = listenHttp((req) => w.app.handle(req), { listen: ["127.0.0.1:0"], maxBodyBytes: 65536 });
    const base = `http://${listener.addresses[0]}`;
    const chromium = await launchChromium({ viewport: { width: 360, height: 740 } });
    close = chromium.close;
    const page = await chromium.context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || /Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));

    await page.goto(`${base}/overview/`, { timeout: 10_000 });
    expect(new URL(page.url()).pathname).toBe("/account/login");
    await page.fill("#f-identifier", "alice");
    await page.fill("#f-password", u.password);
    await page.click("button[type=submit]:has-text('Log in')");
    await page.waitForURL(`${base}/overview/`, { timeout: 10_000 });
    expect(await page.textContent("main")).toContain("Signed in as alice");
    expect(await page.evaluate(() => typeof (window as unknown as { htmx?: unknown }).htmx)).toBe("object");

    const toggle = page.locator("#theme-toggle");
    await toggle.waitFor({ state: "visible", timeout: 5000 });
    const before = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await toggle.click();
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    expect(["light", "dark"]).toContain(theme!);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).not.toBe(before);
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme!);

    await page.click("button:has-text('Log out')");
    await page.waitForURL(`${base}/`, { timeout: 10_000 });
    await page.goto(`${base}/account/profile`);
    expect(new URL(page.url()).pathname).toBe("/account/login");
    expect(problems).toEqual([]);
  }, 60_000);
});
