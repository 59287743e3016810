// The browser-based updater (spec §2.5) in a real Chromium: the page asks for Basic credentials, its script
// (served from the binary) reads /myip and sends /nic/update, and shows the answer in words.
import { afterAll, describe, expect, test } from "bun:test";
import { listenHttp, type HttpListeners } from "../../src/http/index.ts";
import { havePeers, which } from "../support/net.ts";
import { HOST, SECRET, makeWorld } from "../core/fixture.ts";

const run = havePeers("chromium");
let listener: HttpListeners | undefined;
let close: (() => Promise<void>) | undefined;
afterAll(async () => {
  await close?.();
  await listener?.stop(false);
});

describe.if(run)("browser updater in Chromium", () => {
  test("updates the host from the browser and shows the result", async () => {
    const w = await makeWorld();
    listener = listenHttp((req) => w.app.handle(req), { listen: ["127.0.0.1:0"], maxBodyBytes: 65536 });
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: which("chromium")!, args: ["--no-sandbox"], timeout: 20_000 });
    close = () => browser.close();
    const context = await browser.newContext({ httpCredentials: { username: HOST, password: SECRET } });
    const page = await context.newPage();
    const res = await page.goto(`http://${listener.addresses[0]}/update`, { timeout: 10_000 });
    expect(res?.status()).toBe(200);
    await page.waitForFunction(() => document.getElementById("result")?.textContent?.includes("["), undefined, { timeout: 10_000 });
    expect(await page.textContent("#myip")).toBe("127.0.0.1");
    expect(await page.textContent("#result")).toBe("Update successful. [good 127.0.0.1].");
    expect(await page.textContent("#result-time")).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(w.backend.get(HOST, "A")).toEqual(["127.0.0.1"]);
  }, 40_000);
});
