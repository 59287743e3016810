// At 360 px (a small phone) the account pages and the API tokens page fit the screen: no page scrolls
// sideways, even with a long username in the menu, long token names, host lists and the one-time token.
import { afterAll, describe, expect, test } from "bun:test";
import { listenHttp, type HttpListeners } from "../../../src/http/index.ts";
import { createToken } from "../../../src/core/index.ts";
import { haveChromium, launchChromium } from "../../support/chromium.ts";
import { makeWebWorld } from "./harness.ts";

const run = haveChromium();
let listener: HttpListeners | undefined;
let close: (() => Promise<void>) | undefined;
afterAll(async () => {
  await close?.();
  await listener?.stop(false);
});

describe.if(run)("narrow screens (360 px)", () => {
  test("account pages and the API tokens page have no horizontal overflow", async () => {
    const w = await makeWebWorld({ configure: (c) => (c.server.public_url = "") });
    // Usernames may be 150 characters without a space; 60 is long enough to need wrapping.
    const name = `a.very.long.username.${"x".repeat(39)}`;
    const u = await w.user(name);
    createToken(w.db, u.id, {
      name: "the router in the cellar of the holiday house by the lake",
      hosts: Array.from({ length: 4 }, (_, i) => `host-with-a-rather-long-name-${i}.dynamic.subdomain.example.org`),
      subnets: ["2001:db8:1234:5678::/64", "198.51.100.0/24"],
      types: ["A", "AAAA", "TXT"],
      expiresAt: new Date(w.clock.now().getTime() + 86400_000),
    });
    listener = listenHttp((req) => w.app.handle(req), { listen: ["127.0.0.1:0"], maxBodyBytes: 65536 });
    const base = `http://${listener.addresses[0]}`;
    const chromium = await launchChromium({ viewport: { width: 360, height: 740 } });
    close = chromium.close;
    const page = await chromium.context.newPage();
    const overflow = async (path: string) => {
      const wide = await page.evaluate(() => {
        const doc = document.documentElement;
        // The elements sticking out on the right, to name the culprits when there are any.
        const culprits = new Set<string>();
        for (const el of Array.from(document.querySelectorAll("body *"))) {
          if (el.getBoundingClientRect().right > doc.clientWidth + 1 || el.scrollWidth > el.clientWidth + 1) culprits.add(`${el.parentElement?.tagName.toLowerCase()} > ${el.tagName.toLowerCase()}.${el.className}`);
        }
        return doc.scrollWidth > doc.clientWidth ? `${doc.scrollWidth} > ${doc.clientWidth} (${[...culprits].slice(0, 6).join(", ")})` : "";
      });
      return wide ? `${path}: ${wide}` : "";
    };
    const problems: string[] = [];
    for (const path of ["/account/login", "/account/register", "/account/password-reset"]) {
      await page.goto(base + path, { timeout: 10_000 });
      problems.push(await overflow(path));
    }
    await page.goto(`${base}/account/login`);
    await page.fill("#f-identifier", name);
    await page.fill("#f-password", u.password);
    await page.click("button[type=submit]:has-text('Log in')");
    await page.waitForURL(`${base}/overview/`, { timeout: 10_000 });
    for (const path of ["/overview/", "/account/profile", "/account/settings", "/account/delete", "/account/tokens", "/account/tokens/1/revoke"]) {
      await page.goto(base + path, { timeout: 10_000 });
      problems.push(await overflow(path));
    }
    // The page with the one-time token and its copyable commands.
    await page.goto(`${base}/account/tokens`);
    await page.fill("#f-name", "phone");
    await page.fill("#f-hosts", "home.dynamic.subdomain.example.org");
    await page.click("button[type=submit]:has-text('Create token')");
    await page.waitForSelector("pre#token", { timeout: 10_000 });
    problems.push(await overflow("token created"));
    expect(problems.filter(Boolean)).toEqual([]);
  }, 60_000);
});
