// An external primary that allows UPDATEs only from one address of ours (Knot: `acl: address` with the key):
// with dns.rfc2136_source set to that address the rfc2136 backend's UPDATEs, read-backs and checks succeed
// over UDP and TCP; from the kernel's choice of address the primary refuses them.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ZoneRef } from "../../../src/core/ports.ts";
import { Rfc2136Backend } from "../../../src/backends/rfc2136/index.ts";
import { havePeers } from "../../support/net.ts";
import { startKnot, type RunningPrimary } from "../../support/primaries.ts";

const OURS = "127.0.0.2";

describe.skipIf(!havePeers("knotd", "dig"))("rfc2136 backend with a source address, against Knot allowing updates from it alone", () => {
  let p: RunningPrimary;
  let zone: ZoneRef;
  beforeAll(async () => {
    p = await startKnot(undefined, { updateFrom: OURS });
    zone = { id: 1, name: p.zone, backend: "rfc2136", primary: `127.0.0.1:${p.port}`, updateKey: p.key("hmac-sha256") };
  });
  afterAll(async () => {
    await p?.stop();
  });

  test("from the configured source the update is applied and read back", async () => {
    const backend = new Rfc2136Backend({ timeoutMs: 2000, source: { v4: OURS } });
    expect(await backend.replace(zone, "home", "A", ["192.0.2.1"], 60)).toBe("changed");
    expect(await p.lookup(`home.${p.zone}`, "A")).toEqual(["192.0.2.1"]);
  });

  test("over TCP too (an UPDATE too big for UDP)", async () => {
    const backend = new Rfc2136Backend({ timeoutMs: 2000, source: { v4: OURS } });
    const values = Array.from({ length: 3 }, (_, i) => `${i}`.repeat(250));
    expect(await backend.replace(zone, "big", "TXT", values, 60)).toBe("changed");
    expect((await p.lookup(`big.${p.zone}`, "TXT")).length).toBe(3);
  });

  test("from the kernel's choice (127.0.0.1) the primary refuses it and nothing changes", async () => {
    const backend = new Rfc2136Backend({ timeoutMs: 2000, backoffMs: 0 });
    const e = await backend.replace(zone, "home", "A", ["192.0.2.2"], 60).then(() => null, (x: Error) => x);
    // Knot answers an address its ACL does not allow as it answers a key it does not allow (BADKEY).
    expect(e?.message).toContain("BADKEY");
    expect(await p.lookup(`home.${p.zone}`, "A")).toEqual(["192.0.2.1"]);
  });
});
