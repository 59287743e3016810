// Moving an nsupdate.info installation over, end to end: its database is imported into a running updns, its
// zone's real primary (BIND, with the zone's own TSIG key from the old database) takes the UPDATEs, and the
// old routers keep working with their old update secrets — the legacy SHA-1 one included, upgraded on use.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { domains, hosts } from "../../src/db/index.ts";
import { importNsupdate } from "../../src/core/admin/import-nsupdate.ts";
import { havePeers } from "../support/net.ts";
import { startBind, type RunningPrimary } from "../support/primaries.ts";
import { startInProcess, type InProcess } from "../support/updns.ts";

const FIXTURE = new URL("../../../shared/fixtures/nsupdate-0.13.sqlite3", import.meta.url).pathname;
const ok = havePeers("named", "dig");

describe.skipIf(!ok)("an imported nsupdate.info installation keeps working", () => {
  let bind: RunningPrimary;
  let s: InProcess;
  const update = (user: string, secret: string, ip: string) =>
    fetch(`${s.url}/nic/update?myip=${ip}`, { headers: { authorization: "Basic " + btoa(`${user}:${secret}`), "user-agent": "ddclient/3.10.0" } });

  beforeAll(async () => {
    // The zone's key as nsupdate.info stored it (fixtures/README.md): named like the zone, HMAC-SHA256.
    bind = await startBind([{ name: "dyn.example.test", algorithm: "hmac-sha256", secret: "ZnltaHozend2SFA5dGpEa3VVWFRHR2ZHNnh0Wmh6SGM=" }]);
    s = await startInProcess();
    importNsupdate(s.db, FIXTURE);
    // The only change the operator makes: the primary's address, from the TEST-NET one to the real one.
    s.db.update(domains).set({ primary: `127.0.0.1:${bind.port}`, queryServer: "" }).where(eq(domains.name, "dyn.example.test")).run();
  });
  afterAll(async () => {
    await s?.close();
    await bind?.stop();
  });

  test("alpha updates with its old secret and BIND serves the address", async () => {
    const alphaRow = () => s.db.select().from(hosts).where(eq(hosts.name, "alpha")).get()!;
    const faultsBefore = alphaRow().serverFaults;
    const r = await update("alpha.dyn.example.test", "alpha-secret-1", "192.0.2.77");
    expect([r.status, await r.text()]).toEqual([200, "good 192.0.2.77"]);
    expect(await bind.lookup("alpha.dyn.example.test", "A")).toEqual(["192.0.2.77"]);
    // Its related host "nas" (interface id 0.0.0.10, /32) follows before the answer is given (a passing
    // nameserver error is tried again); had it failed for good, the host's server fault says why.
    const alpha = alphaRow();
    expect({ nas: await bind.lookup("nas.alpha.dyn.example.test", "A"), fault: alpha.serverFaults > faultsBefore ? alpha.serverResultMsg : "" }).toEqual({ nas: ["192.0.2.87"], fault: "" });
    // "printer" is not available and is left alone.
    expect(await bind.lookup("printer.alpha.dyn.example.test", "AAAA")).toEqual([]);
  });

  test("legacy's sha1 secret works once and is stored as argon2id afterwards", async () => {
    const before = s.db.select().from(hosts).where(eq(hosts.name, "legacy")).get()!.updateSecret;
    expect(before.startsWith("sha1$")).toBe(true);
    const r = await update("legacy.dyn.example.test", "legacy-secret-4", "192.0.2.78");
    expect(await r.text()).toBe("good 192.0.2.78");
    const after = s.db.select().from(hosts).where(eq(hosts.name, "legacy")).get()!.updateSecret;
    expect(after.startsWith("$argon2id$")).toBe(true);
    expect(await (await update("legacy.dyn.example.test", "legacy-secret-4", "192.0.2.78")).text()).toBe("nochg 192.0.2.78");
  });

  test("the flags come along: beta (abuse) is refused, gamma (abuse_blocked) too, wrong secrets are badauth", async () => {
    expect(await (await update("beta.dyn.example.test", "beta-secret-2", "192.0.2.79")).text()).toBe("abuse");
    expect(await (await update("gamma.dyn.example.test", "gamma-secret-3", "192.0.2.80")).text()).toBe("abuse");
    const bad = await update("alpha.dyn.example.test", "alpha-secret-1x", "192.0.2.81");
    expect([bad.status, await bad.text()]).toEqual([401, "badauth"]);
    expect(await bind.lookup("beta.dyn.example.test", "A")).toEqual([]);
  });
});
