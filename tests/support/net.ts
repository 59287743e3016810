// Small helpers shared by every suite: free loopback ports, temporary folders, waiting with a bound,
// and the rule that in CI a missing peer is a failure, never a skip.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { createSocket } from "node:dgram";

/** A port that is free on 127.0.0.1 for both TCP and UDP right now (the OS picks it: port 0). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once("error", reject);
      srv.listen(0, host, () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const sock = createSocket(host.includes(":") ? "udp6" : "udp4");
      sock.once("error", () => resolve(false));
      sock.bind(port, host, () => sock.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error("no free port found on " + host);
}

/** A fresh temporary folder; remove it with the returned cleanup. */
export function tempDir(prefix = "updns-test-"): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Poll `check` until it returns a truthy value or `timeoutMs` passes (bounded loop). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 5000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v as T;
    } catch (e) {
      lastError = e;
    }
    await Bun.sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` + (lastError ? `: ${lastError}` : ""));
}

/** Path of a system program, or null. */
export function which(program: string): string | null {
  return Bun.which(program, { PATH: `${process.env.PATH}:/usr/sbin:/sbin` });
}

/**
 * Whether a suite that needs `programs` can run. In CI (CI=true) a missing program throws, so the
 * suite fails loudly; on a developer machine the suite is skipped with a note.
 */
export function havePeers(...programs: string[]): boolean {
  const missing = programs.filter((p) => !which(p));
  if (missing.length === 0) return true;
  if (process.env.CI === "true") throw new Error(`missing peer programs in CI: ${missing.join(", ")}`);
  console.warn(`skipping: missing ${missing.join(", ")}`);
  return false;
}
