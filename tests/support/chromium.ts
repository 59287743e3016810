// Debian's Chromium driven by playwright-core, started the same way for every browser test: headless, no
// sandbox (we are root in CI), nothing that phones home, and a fresh profile folder per launch.
import type { BrowserContext } from "playwright-core";
import { havePeers, tempDir } from "./net.ts";

export const CHROMIUM = "/usr/bin/chromium";

export function haveChromium(): boolean {
  return havePeers("chromium");
}

/** A browser context on a fresh profile folder (playwright wants the folder as launchPersistentContext's argument). */
export async function launchChromium(opts: { viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const { chromium } = await import("playwright-core");
  const profile = tempDir("updns-chromium-");
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: opts.viewport,
    timeout: 20_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      profile.cleanup();
    },
  };
}
