// Back-off after a failed nameserver: a dead primary times out within the configured time, later calls
// fail fast with a transient error naming the back-off, and the zone recovers once it is over.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ZoneBackendError, type ZoneRef } from "../../../src/core/ports.ts";
import { Rfc2136Backend } from "../../../src/backends/rfc2136/index.ts";
import { answer, startFakeServer, type FakeServer } from "../../dns/rfc2136/fake-server.ts";
import { freePort } from "../../support/net.ts";

let server: FakeServer;
let silent = true;
beforeAll(async () => {
  // Unsigned zone (no update key): this server answers NOERROR with no records, or nothing when silent.
  server = await startFakeServer((req) => (silent ? null : answer(req)));
});
afterAll(() => server.stop());

test("dead primary: timeout, back-off with fail-fast transient errors, recovery after it ends", async () => {
  let now = 1_800_000_000_000;
  // The fake server keeps no records, so reading back after the update is switched off.
  const b = new Rfc2136Backend({ timeoutMs: 250, retries: 1, backoffMs: 120_000, now: () => now, verifyWrites: false });
  const zone: ZoneRef = { id: 1, name: "dyn.example.test", backend: "rfc2136", primary: `127.0.0.1:${server.port}` };

  const t0 = Date.now();
  const e = await b.replace(zone, "home", "A", ["192.0.2.1"], 60).catch((x) => x);
  expect(Date.now() - t0).toBeLessThan(1500);
  expect(e).toBeInstanceOf(ZoneBackendError);
  expect(e.transient).toBe(true);
  expect(e.message).toBe(`timeout: no answer from 127.0.0.1:${server.port} within 250 ms (2 attempts)`);

  const state = b.backoffState("dyn.example.test");
  expect(state?.until.toISOString()).toBe(new Date(now + 120_000).toISOString());
  expect(state?.lastError).toContain("timeout");

  // The server is back, but the back-off still holds: no packet is sent.
  silent = false;
  const before = server.requests.length;
  now += 60_000;
  const fast = await b.read(zone, "home", "A").catch((x) => x);
  expect(fast).toBeInstanceOf(ZoneBackendError);
  expect(fast.transient).toBe(true);
  expect(fast.message).toBe(`nameserver for zone dyn.example.test is in back-off until ${new Date(1_800_000_120_000).toISOString()} (last error: ${e.message})`);
  expect(server.requests.length).toBe(before);

  // Another zone is not affected.
  expect(b.backoffState("other.example.test")).toBeNull();

  now += 60_001;
  expect(b.backoffState("dyn.example.test")).toBeNull();
  expect(await b.replace(zone, "home", "A", ["192.0.2.1"], 60)).toBe("changed");
  expect(server.requests.length).toBeGreaterThan(before);
});

test("connection refused (nothing on the port) is reported as such and starts a back-off", async () => {
  const b = new Rfc2136Backend({ timeoutMs: 2000 });
  const port = await freePort();
  const zone: ZoneRef = { id: 2, name: "gone.example.test", backend: "rfc2136", primary: `127.0.0.1:${port}` };
  const e = await b.read(zone, "home", "A").catch((x) => x);
  expect(e.message).toContain(`connection refused by 127.0.0.1:${port}`);
  expect(e.transient).toBe(true);
  expect(b.backoffState("gone.example.test")).not.toBeNull();
});

test("configuration mistakes are clear, not transient, and start no back-off", async () => {
  const b = new Rfc2136Backend();
  const base: ZoneRef = { id: 3, name: "cfg.example.test", backend: "rfc2136" };
  expect((await b.read(base, "h", "A").catch((x) => x)).message).toBe("zone cfg.example.test has no primary nameserver configured");
  const badKey = { ...base, primary: "127.0.0.1:1", updateKey: { name: "k", algorithm: "hmac-sha256", secret: "%%%" } };
  const e = await b.replace(badKey, "h", "A", ["192.0.2.1"], 60).catch((x) => x);
  expect(e.message).toContain("not valid base64");
  expect(e.transient).toBe(false);
  const bad = await b.replace({ ...base, primary: "127.0.0.1:1" }, "h", "AAAA", ["192.0.2.1"], 60).catch((x) => x);
  expect(bad.message).toBe('"192.0.2.1" is not an IPv6 address');
  expect(b.backoffState("cfg.example.test")).toBeNull();
});

test("dead primary under load: changes queued behind an unanswered UPDATE fail with it, not one timeout after another", async () => {
  // Reads are answered (no records); UPDATEs never are.
  const primary = await startFakeServer((req) => (((req[2] >> 3) & 0xf) === 5 ? null : answer(req)));
  try {
    const b = new Rfc2136Backend({ timeoutMs: 300, retries: 0, verifyWrites: false, batchUnproven: true });
    const zone: ZoneRef = { id: 3, name: "busy.example.test", backend: "rfc2136", primary: `127.0.0.1:${primary.port}` };
    const t0 = Date.now();
    const first = b.replace(zone, "h0", "A", ["192.0.2.1"], 60).catch((x) => x);
    await Bun.sleep(50);
    // These queue while the first UPDATE waits for its answer.
    const rest = Array.from({ length: 10 }, (_, i) => b.replace(zone, `h${i + 1}`, "A", ["192.0.2.1"], 60).catch((x) => x));
    const errors = await Promise.all([first, ...rest]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(ZoneBackendError);
      expect(e.message).toContain("timeout");
    }
    // One timeout, not two or more in a row.
    expect(Date.now() - t0).toBeLessThan(550);
    expect(b.updateStats.updates).toBe(1);
  } finally {
    primary.stop();
  }
});
