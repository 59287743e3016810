// The behaviours every RFC 2136 primary must show with the rfc2136 ZoneBackend. Each *.test.ts here
// starts one real primary and runs these against it; results are checked with dig on that primary.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ZoneBackendError, type ZoneRef } from "../../../src/core/ports.ts";
import { Rfc2136Backend } from "../../../src/backends/rfc2136/index.ts";
import { PRIMARY_ALGORITHMS, type RunningPrimary } from "../../support/primaries.ts";
import { openDatabase, sealColumn } from "../../../src/db/index.ts";

/**
 * `policyRefusal`: how the primary says "this key may not update this name": BIND answers REFUSED;
 * Knot answers NOTAUTH with TSIG error BADKEY (its ACL check, knot/nameserver/process_query.c).
 *
 * `tsigErrors`: BIND and Knot answer a bad signature, key or time with the TSIG error (BADSIG, BADKEY,
 * BADTIME); PowerDNS with a plain unsigned REFUSED.
 * PowerDNS's Lua update policy skips a denied record and still answers NOERROR ("silent").
 */
export function primaryScenarios(
  label: string,
  start: () => Promise<RunningPrimary>,
  opts: { policyRefusal: "REFUSED" | "BADKEY" | "silent"; tsigErrors: "tsig" | "unsigned-refused" },
) {
  describe(`rfc2136 backend against ${label}`, () => {
    let p: RunningPrimary;
    let backend: Rfc2136Backend;
    const zoneFor = (alg: (typeof PRIMARY_ALGORITHMS)[number] = "hmac-sha256", over: Partial<ZoneRef> = {}): ZoneRef => ({
      id: 1,
      name: p.zone,
      backend: "rfc2136",
      primary: `127.0.0.1:${p.port}`,
      updateKey: p.key(alg),
      ...over,
    });
    const fqdn = (n: string) => `${n}.${p.zone}`;

    beforeAll(async () => {
      p = await start();
      backend = new Rfc2136Backend({ timeoutMs: 2000 });
    });
    afterAll(async () => {
      await p?.stop();
    });

    test("add, then replace, then delete an A record; nochg when the primary already has it", async () => {
      const z = zoneFor();
      expect(await backend.replace(z, "home", "A", ["192.0.2.1"], 60)).toBe("changed");
      expect(await p.lookup(fqdn("home"), "A")).toEqual(["192.0.2.1"]);
      expect(await backend.replace(z, "home", "A", ["192.0.2.1"], 60)).toBe("unchanged");
      expect(await backend.replace(z, "home", "A", ["192.0.2.2"], 60)).toBe("changed");
      expect(await p.lookup(fqdn("home"), "A")).toEqual(["192.0.2.2"]);
      expect(await backend.read(z, "home", "A")).toEqual(["192.0.2.2"]);
      expect(await backend.remove(z, "home", "A")).toBe("changed");
      expect(await p.lookup(fqdn("home"), "A")).toEqual([]);
      expect(await backend.remove(z, "home", "A")).toBe("unchanged");
    });

    test("AAAA compared as addresses: another spelling of the same address is nochg", async () => {
      const z = zoneFor();
      expect(await backend.replace(z, "v6", "AAAA", ["2001:db8::1"], 60)).toBe("changed");
      expect(await p.lookup(fqdn("v6"), "AAAA")).toEqual(["2001:db8::1"]);
      expect(await backend.replace(z, "v6", "AAAA", ["2001:0DB8:0:0::0001"], 60)).toBe("unchanged");
      // Deleting the AAAA family leaves the A of the same name alone.
      await backend.replace(z, "v6", "A", ["192.0.2.6"], 60);
      expect(await backend.remove(z, "v6", "AAAA")).toBe("changed");
      expect(await p.lookup(fqdn("v6"), "AAAA")).toEqual([]);
      expect(await p.lookup(fqdn("v6"), "A")).toEqual(["192.0.2.6"]);
    });

    test("concurrent changes of one name are applied one after the other, never a false error", async () => {
      const z = zoneFor();
      const addresses = Array.from({ length: 12 }, (_, i) => `192.0.2.${100 + i}`);
      const results = await Promise.allSettled(addresses.map((a) => backend.replace(z, "busy", "A", [a], 60)));
      expect(results.map((r) => r.status)).toEqual(addresses.map(() => "fulfilled"));
      // They ran in the order they were asked for, so the last one holds.
      expect(await p.lookup(fqdn("busy"), "A")).toEqual([addresses[addresses.length - 1]]);
    });

    test("TXT values, two-label related-host names", async () => {
      const z = zoneFor();
      expect(await backend.replace(z, "_acme-challenge.home", "TXT", ["token-1"], 60)).toBe("changed");
      expect(await p.lookup(fqdn("_acme-challenge.home"), "TXT")).toEqual(['"token-1"']);
      expect(await backend.replace(z, "_acme-challenge.home", "TXT", ["token-1"], 60)).toBe("unchanged");
      expect(await backend.replace(z, "nas.home", "A", ["192.0.2.20"], 60)).toBe("changed");
      expect(await p.lookup(fqdn("nas.home"), "A")).toEqual(["192.0.2.20"]);
    });

    for (const alg of PRIMARY_ALGORITHMS) {
      test(`updates signed with ${alg} are accepted`, async () => {
        expect(await backend.replace(zoneFor(alg), `k-${alg}`, "A", ["198.51.100.7"], 60)).toBe("changed");
        expect(await p.lookup(fqdn(`k-${alg}`), "A")).toEqual(["198.51.100.7"]);
      });
    }

    test("the update key as the database stores it (sealed under the master key) signs updates the primary takes", async () => {
      const db = openDatabase(":memory:");
      const clear = p.key("hmac-sha256");
      const sealed = { ...clear, secret: sealColumn(db, clear.secret, "domains.update_key_secret") };
      expect(sealed.secret).not.toContain(clear.secret);
      const b = new Rfc2136Backend({ timeoutMs: 2000, masterKey: db.$masterKey });
      expect(await b.replace(zoneFor("hmac-sha256", { updateKey: sealed }), "sealed", "A", ["192.0.2.77"], 60)).toBe("changed");
      expect(await p.lookup(fqdn("sealed"), "A")).toEqual(["192.0.2.77"]);
      // Without the master key the backend names what is missing instead of signing with the sealed text.
      const err = await new Rfc2136Backend({ timeoutMs: 2000 }).replace(zoneFor("hmac-sha256", { updateKey: sealed }), "sealed", "A", ["192.0.2.78"], 60).catch((e) => e);
      expect(err).toBeInstanceOf(ZoneBackendError);
      expect(err.message).toContain("the update key is stored sealed and this backend was given no master key");
      db.$client.close();
    });

    test("wrong secret: BADSIG, 'shared secret mismatch?', not transient, back-off started", async () => {
      const b = new Rfc2136Backend({ timeoutMs: 2000 });
      const key = { ...p.key("hmac-sha256"), secret: Buffer.from("not the secret, not at all").toString("base64") };
      const err = await b.replace(zoneFor("hmac-sha256", { updateKey: key }), "bad", "A", ["192.0.2.9"], 60).catch((e) => e);
      expect(err).toBeInstanceOf(ZoneBackendError);
      expect(err.message).toContain(opts.tsigErrors === "tsig" ? "BADSIG" : "answered REFUSED without signing it");
      expect(err.message).toContain("shared secret mismatch?");
      expect(err.transient).toBe(false);
      expect(b.backoffState(p.zone)?.lastError).toContain("shared secret mismatch?");
      expect(await p.lookup(fqdn("bad"), "A")).toEqual([]);
    });

    test("unknown key name: BADKEY", async () => {
      const key = { ...p.key("hmac-sha256"), name: "nobody.updns-test" };
      const err = await new Rfc2136Backend({ timeoutMs: 2000 }).replace(zoneFor("hmac-sha256", { updateKey: key }), "bad", "A", ["192.0.2.9"], 60).catch((e) => e);
      expect(err.message).toContain(opts.tsigErrors === "tsig" ? "BADKEY" : "answered REFUSED without signing it");
      expect(err.message).toContain("nobody.updns-test");
    });

    test("skewed clock: BADTIME, 'clock skew?'", async () => {
      const err = await new Rfc2136Backend({ timeoutMs: 2000, clockOffsetSeconds: 3600 }).replace(zoneFor(), "skew", "A", ["192.0.2.9"], 60).catch((e) => e);
      expect(err).toBeInstanceOf(ZoneBackendError);
      expect(err.message).toContain(opts.tsigErrors === "tsig" ? "BADTIME" : "answered REFUSED without signing it");
      expect(err.message).toContain("clock skew?");
      expect(await p.lookup(fqdn("skew"), "A")).toEqual([]);
    });

    if (opts.policyRefusal === "REFUSED")
      test("a name the update policy denies: REFUSED, no back-off", async () => {
        const b = new Rfc2136Backend({ timeoutMs: 2000 });
        const err = await b.replace(zoneFor(), "www", "A", ["192.0.2.99"], 60).catch((e) => e);
        expect(err).toBeInstanceOf(ZoneBackendError);
        expect(err.message).toContain("REFUSED");
        expect(err.message).toContain("update policy");
        expect(b.backoffState(p.zone)).toBeNull();
        expect(await p.lookup(fqdn("www"), "A")).toEqual(["192.0.2.80"]);
      });
    if (opts.policyRefusal === "BADKEY")
      test("a name the ACL denies: BADKEY naming the ACL, record untouched", async () => {
        const err = await new Rfc2136Backend({ timeoutMs: 2000 }).replace(zoneFor(), "www", "A", ["192.0.2.99"], 60).catch((e) => e);
        expect(err).toBeInstanceOf(ZoneBackendError);
        expect(err.message).toContain("BADKEY");
        expect(err.message).toContain("ACL");
        expect(await p.lookup(fqdn("www"), "A")).toEqual(["192.0.2.80"]);
      });

    test("changes made at the same moment all land", async () => {
      const z = zoneFor();
      const names = ["b1", "b2", "b3", "b4", "b5"];
      const outcomes = await Promise.all(names.map((n, i) => backend.replace(z, n, "A", [`192.0.2.${60 + i}`], 60)));
      expect(outcomes).toEqual(names.map(() => "changed"));
      for (const [i, n] of names.entries()) expect(await p.lookup(fqdn(n), "A")).toEqual([`192.0.2.${60 + i}`]);
    });

    test("changes of many hosts at the same moment share UPDATEs, and every one lands", async () => {
      const b = new Rfc2136Backend({ timeoutMs: 2000 });
      const z = zoneFor();
      const names = Array.from({ length: 20 }, (_, i) => `g${i}`);
      // A host's first change goes alone: only a change the primary took alone may join a batch.
      for (const n of names) expect(await b.replace(z, n, "A", ["198.51.100.1"], 60)).toBe("changed");
      const before = b.updateStats;
      expect(before).toEqual({ updates: 20, changes: 20 });
      const outcomes = await Promise.all(names.map((n, i) => b.replace(z, n, "A", [`198.51.100.${10 + i}`], 60)));
      expect(outcomes).toEqual(names.map(() => "changed"));
      const after = b.updateStats;
      expect(after.changes - before.changes).toBe(20);
      expect(after.updates - before.updates).toBeLessThan(20);
      for (const [i, n] of names.entries()) expect(await p.lookup(fqdn(n), "A")).toEqual([`198.51.100.${10 + i}`]);
    });

    // A name the policy denies never joins a batch: Knot's ACL applies an owner rule to an UPDATE only when
    // every owner in it matches, so inside a batch of allowed names it would pass.
    /** Change every name at once to 198.51.100.(first + i); every name but www must land, checked with dig. */
    const changeAllAtOnce = async (b: Rfc2136Backend, z: ZoneRef, names: string[], first: number) => {
      const results = await Promise.all(names.map((n, i) => b.replace(z, n, "A", [`198.51.100.${first + i}`], 60).catch((e: ZoneBackendError) => e)));
      for (const [i, n] of names.entries()) {
        if (n === "www") continue;
        expect(results[i]).toBe("changed");
        expect(await p.lookup(fqdn(n), "A")).toEqual([`198.51.100.${first + i}`]);
      }
      return results;
    };

    test("a refused name among changes of hosts already accepted fails alone; the others land", async () => {
      const b = new Rfc2136Backend({ timeoutMs: 2000 });
      const z = zoneFor();
      const names = Array.from({ length: 10 }, (_, i) => `r${i}`);
      for (const n of names) await b.replace(z, n, "A", ["198.51.100.1"], 60);
      const all = [...names.slice(0, 5), "www", ...names.slice(5)];
      const results = await changeAllAtOnce(b, z, all, 30);
      expect(results[5]).toBeInstanceOf(ZoneBackendError);
      expect(await p.lookup(fqdn("www"), "A")).toEqual(["192.0.2.80"]);
    });

    if (opts.policyRefusal !== "BADKEY")
      test("batching names not yet accepted alone: the refused one fails alone after its batch is refused", async () => {
        const b = new Rfc2136Backend({ timeoutMs: 2000, batchUnproven: true });
        const z = zoneFor();
        const all = Array.from({ length: 20 }, (_, i) => (i === 10 ? "www" : `u${i}`));
        const results = await changeAllAtOnce(b, z, all, 50);
        expect(results[10]).toBeInstanceOf(ZoneBackendError);
        expect((results[10] as Error).message).toContain(opts.policyRefusal === "REFUSED" ? "REFUSED" : "its update policy may have skipped the change");
        expect(await p.lookup(fqdn("www"), "A")).toEqual(["192.0.2.80"]);
        // Fewer messages than changes: they were batched (BIND: the refused batch's members were sent again).
        const s = b.updateStats;
        expect(s.updates).toBeLessThan(s.changes);
        if (opts.policyRefusal === "REFUSED") expect(s.changes).toBeGreaterThan(20);
        expect(b.backoffState(p.zone)).toBeNull();
      });

    test("a change the primary refuses fails alone; the others of the same moment land", async () => {
      const z = zoneFor();
      const results = await Promise.all(
        ["c1", "www", "c2"].map((n, i) =>
          backend.replace(z, n, "A", [`192.0.2.${70 + i}`], 60).then(
            (o) => o,
            (e: ZoneBackendError) => e,
          ),
        ),
      );
      expect(results[0]).toBe("changed");
      expect(results[2]).toBe("changed");
      expect(results[1]).toBeInstanceOf(ZoneBackendError);
      expect(await p.lookup(fqdn("c1"), "A")).toEqual(["192.0.2.70"]);
      expect(await p.lookup(fqdn("c2"), "A")).toEqual(["192.0.2.72"]);
      expect(await p.lookup(fqdn("www"), "A")).toEqual(["192.0.2.80"]);
      expect(backend.backoffState(p.zone)).toBeNull();
    });

    if (opts.policyRefusal === "silent")
      test("a name the update policy skips while answering NOERROR: caught by reading back", async () => {
        const err = await new Rfc2136Backend({ timeoutMs: 2000 }).replace(zoneFor(), "www", "A", ["192.0.2.99"], 60).catch((e) => e);
        expect(err).toBeInstanceOf(ZoneBackendError);
        expect(err.message).toContain("still serves [192.0.2.80]: its update policy may have skipped the change");
        expect(await p.lookup(fqdn("www"), "A")).toEqual(["192.0.2.80"]);
      });

    test("a zone the primary does not serve: NOTAUTH or REFUSED, with the zone named", async () => {
      const err = await backend.replace(zoneFor("hmac-sha256", { name: "other.example.test", queryServer: undefined }), "x", "A", ["192.0.2.1"], 60).catch((e) => e);
      expect(err).toBeInstanceOf(ZoneBackendError);
      expect(err.message).toMatch(/NOTAUTH|REFUSED/);
    });

    test("connectivity check: SOA, add, remove all succeed and the test record is gone", async () => {
      const r = await backend.checkZone(zoneFor());
      expect(r.steps.map((s) => [s.step, s.ok])).toEqual([
        ["soa", true],
        ["add", true],
        ["remove", true],
      ]);
      expect(r.ok).toBe(true);
      expect(await p.lookup(fqdn("connectivity-test"), "A")).toEqual([]);
    });

    test("connectivity check with a wrong secret: SOA ok, add fails naming the secret", async () => {
      const key = { ...p.key("hmac-sha512"), secret: Buffer.from("wrong").toString("base64") };
      const r = await backend.checkZone(zoneFor("hmac-sha512", { updateKey: key }));
      expect(r.ok).toBe(false);
      expect(r.steps.map((s) => [s.step, s.ok])).toEqual([
        ["soa", true],
        ["add", false],
      ]);
      expect(r.steps[1].message).toContain("shared secret mismatch?");
    });
  });
}
