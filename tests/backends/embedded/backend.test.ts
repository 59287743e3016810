// EmbeddedBackend (core's ZoneBackend over the zone store): a zone that another process (the CLI) has just
// added is found by reloading, not refused as "not loaded" (a client's first update used to get dnserr).
import { describe, expect, test } from "bun:test";
import { EmbeddedBackend } from "../../../src/backends/embedded/backend.ts";
import { MemoryZoneStorage, ZoneStore } from "../../../src/dns/zone/index.ts";

const ZONE = "dyn.example.test";
const ref = { id: 1, name: ZONE, backend: "embedded" as const };

/** The server's zone store and a second one (the CLI's) on the same storage; the CLI has just added ZONE. */
async function zoneAddedByCli() {
  const storage = new MemoryZoneStorage();
  const server = await ZoneStore.open(storage);
  const cli = await ZoneStore.open(storage);
  await cli.createZone({ name: ZONE, soa: { mname: "ns1.example.test.", rname: "hostmaster.example.test." }, ns: ["ns1.example.test."] });
  const zones = await storage.loadAll();
  const backend = new EmbeddedBackend(() => server, () => server.reload(zones));
  return { server, backend };
}

describe("EmbeddedBackend and zones added by another process", () => {
  test("reading a zone the server has not loaded yet reloads it first", async () => {
    const { server, backend } = await zoneAddedByCli();
    expect(server.zone(ZONE)).toBeUndefined();
    expect(await backend.read(ref, "home", "A")).toEqual([]);
  });

  test("a change to such a zone is applied, not refused", async () => {
    const { backend } = await zoneAddedByCli();
    expect(await backend.replace(ref, "home", "A", ["192.0.2.1"], 60)).toBe("changed");
    expect(await backend.read(ref, "home", "A")).toEqual(["192.0.2.1"]);
  });

  test("without a way to reload, a missing zone is still a transient error (503 dnserr, the client retries)", async () => {
    const empty = await ZoneStore.open(new MemoryZoneStorage());
    const backend = new EmbeddedBackend(() => empty); // no refresh
    await expect(backend.read(ref, "home", "A")).rejects.toThrow(/not loaded/);
  });
});

describe("EmbeddedBackend: changes and nochg in order", () => {
  async function zoneWithHome() {
    const store = await ZoneStore.open(new MemoryZoneStorage());
    await store.createZone({ name: ZONE, soa: { mname: "ns1.example.test.", rname: "hostmaster.example.test." }, ns: ["ns1.example.test."] });
    const backend = new EmbeddedBackend(() => store);
    expect(await backend.replace(ref, "home", "A", ["192.0.2.1"], 60)).toBe("changed");
    return { store, backend };
  }

  test("the address already served is unchanged, and the serial stays", async () => {
    const { store, backend } = await zoneWithHome();
    const serial = store.zone(ZONE)!.serial;
    expect(await backend.replace(ref, "home", "A", ["192.0.2.1"], 60)).toBe("unchanged");
    expect(store.zone(ZONE)!.serial).toBe(serial);
  });

  test("behind a queued change, the old address is a change again, not a nochg, and it wins", async () => {
    const { backend } = await zoneWithHome();
    const first = backend.replace(ref, "home", "A", ["192.0.2.2"], 60);
    const second = backend.replace(ref, "home", "A", ["192.0.2.1"], 60);
    expect(await first).toBe("changed");
    expect(await second).toBe("changed");
    expect(await backend.read(ref, "home", "A")).toEqual(["192.0.2.1"]);
  });

  test("a new TTL with the same address is a change", async () => {
    const { backend } = await zoneWithHome();
    expect(await backend.replace(ref, "home", "A", ["192.0.2.1"], 300)).toBe("changed");
  });
});
