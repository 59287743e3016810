// The main flow of the web UI in Debian's Chromium (used by browser-ui.test.ts at desktop width and
// browser-ui-360.test.ts at 360 px): sign in, see the detected address on the home page, add an embedded
// domain, add a host, generate its secret, copy the ddclient snippet, update the host from its page (htmx),
// add a related host, see the address on the overview, delete the host. No console error and no CSP
// violation on the way; a screenshot of every page is saved (the folder is printed) for people to look at.
import { afterAll, expect } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { listenHttp, type HttpListeners } from "../../src/http/index.ts";
import { haveChromium, launchChromium } from "../support/chromium.ts";
import { makeDnsWebWorld } from "../http/web/world.ts";

export const run = haveChromium();
const shots = join(tmpdir(), `updns-ui-shots-${process.pid}`);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

export async function mainFlow(width: number) {
  const w = await makeDnsWebWorld({ api: true, configure: (c) => (c.server.public_url = "") });
  const u = await w.user("alice");
  const listener: HttpListeners = listenHttp((req) => w.app.handle(req), { listen: ["127.0.0.1:0"], maxBodyBytes: 65536 });
  cleanups.push(() => listener.stop(false));
  const base = `http://${listener.addresses[0]}`;
  w.config.server.ipv4_url = base;
  const chromium = await launchChromium({ viewport: { width, height: 800 } });
  cleanups.push(chromium.close);
  await chromium.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const page = await chromium.context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || /Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  const dir = join(shots, String(width));
  mkdirSync(dir, { recursive: true });
  let n = 0;
  const shot = async (name: string) => {
    await page.screenshot({ path: join(dir, `${String(++n).padStart(2, "0")}-${name}.png`), fullPage: true });
    // Nothing may stick out sideways at this width (tables scroll inside their own box).
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
  };

  await page.goto(`${base}/account/login`);
  await page.fill("#f-identifier", "alice");
  await page.fill("#f-password", u.password);
  await page.click("button[type=submit]:has-text('Log in')");
  await page.waitForURL(`${base}/overview/`);
  await shot("overview-empty");

  // Home: the page script asks the ipv4 name's /detectip, then htmx reloads the addresses.
  const detected = page.waitForResponse((r) => r.url().includes("/detectip/"));
  const reloaded = page.waitForResponse((r) => r.url().endsWith("/ips"));
  await page.goto(`${base}/`);
  expect((await detected).status()).toBe(204);
  await reloaded;
  expect(await page.textContent("#ips [data-family='ipv4']")).toBe("127.0.0.1");
  await shot("home");

  await page.goto(`${base}/overview/`);
  await page.click("a:has-text('Add domain')");
  await page.fill("#f-name", "dyn.example.org");
  // The radio buttons swap in the chosen backend's fields (htmx); the name typed so far stays.
  expect(await page.isVisible("#f-primary")).toBe(false);
  await page.check("input[name=backend][value=rfc2136]");
  await page.waitForSelector("#f-primary");
  expect(await page.isVisible("#f-secret")).toBe(true);
  expect(await page.$("#f-ns")).toBeNull();
  await page.check("input[name=backend][value=embedded]");
  await page.waitForSelector("#f-ns");
  expect(await page.$("#f-primary")).toBeNull();
  expect(await page.inputValue("#f-name")).toBe("dyn.example.org");
  await shot("domain-add");
  await page.click("button:has-text('Add domain')");
  await page.waitForSelector("text=Domain added.");
  const tsigSecret = (await page.textContent("#tsig-secret"))!.trim();
  expect(tsigSecret).toMatch(/^[A-Za-z0-9+/]+=*$/);
  await shot("domain-added");
  // The answer was a GET after a 303: a reload posts nothing and the secret is gone.
  await page.reload();
  expect(await page.$("#tsig-secret")).toBeNull();
  expect(await page.content()).not.toContain(tsigSecret);
  await page.waitForSelector("text=The secret is shown only once");
  await page.click("a:has-text('Go to the domain')");
  await page.fill("#f-name", "www");
  await page.fill("#f-type", "A");
  await page.fill("#f-data", "192.0.2.80");
  await page.click("button:has-text('Save records')");
  await page.waitForSelector("text=Records saved.");
  expect(await page.textContent("#h-records + p + .table-wrap")).toContain("192.0.2.80");
  await shot("domain");

  await page.goto(`${base}/host/add/`);
  await page.fill("#f-name", "home");
  await page.selectOption("#f-domain", { label: "dyn.example.org" });
  await page.click("button:has-text('Add host')");
  await page.waitForSelector("text=Host added.");
  await shot("host");
  const hostUrl = page.url();

  await page.click("button:has-text('Generate new secret')");
  await page.waitForSelector("text=Host secret created.");
  const secret = (await page.textContent("#secret"))!.trim();
  await page.click("#help-ddclient > summary");
  await page.click("button[data-copy='snippet-ddclient-1']");
  await page.waitForSelector("button[data-copy='snippet-ddclient-1'][data-copied]");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain("login=home.dyn.example.org");
  expect(copied).toContain(`password='${secret}'`);
  // Keyboard only: open the inadyn section, tab to its copy button, press Enter.
  await page.focus("#help-inadyn > summary");
  await page.keyboard.press("Enter");
  expect(await page.$eval("#help-inadyn", (el) => (el as HTMLDetailsElement).open)).toBe(true);
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.getAttribute("data-copy"))).toBe("snippet-inadyn-0");
  await page.keyboard.press("Enter");
  await page.waitForSelector("button[data-copy='snippet-inadyn-0'][data-copied]");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`password = ${secret}`);
  await shot("secret-and-help");

  await page.goto(hostUrl);
  await page.fill("#manual-v4", "192.0.2.44");
  await page.click(".manual:first-of-type button:has-text('Update')");
  await page.waitForSelector("#manual-v4-result:has-text('good 192.0.2.44')");
  // htmx reloads the current addresses after the update.
  await page.waitForSelector(".addresses [data-family='a']:has-text('192.0.2.44')");
  await shot("host-updated");

  await page.goto(`${hostUrl}related/add/`);
  await page.fill("#f-name", "nas");
  await page.fill("#f-interface_id_ipv4", "0.0.0.7");
  await page.click("button:has-text('Add related host')");
  await page.waitForSelector("text=Related host added.");
  await shot("related");

  await page.goto(`${base}/overview/`);
  expect(await page.textContent("main")).toContain("192.0.2.44");
  await shot("overview");

  await page.goto(`${hostUrl}delete/`);
  await shot("delete-confirm");
  await page.click("button.danger:has-text('Delete')");
  await page.waitForURL(`${base}/overview/`);
  expect(await page.textContent("main")).toContain("Host deleted.");
  expect(await page.textContent("main")).not.toContain("192.0.2.44");
  await shot("after-delete");

  // Keyboard: the skip link is the first stop and leads to the content.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.className)).toBe("skip");
  expect(problems).toEqual([]);
  console.log(`screenshots: ${dir}`);
}

