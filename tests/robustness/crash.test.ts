// Crash safety: an update storm (dyndns2 over HTTP and RFC 2136 UPDATE over UDP) against dist/updns,
// SIGKILL at random moments, restart, again and again. Every update that was answered `good`/NOERROR
// must then be in the database, in the zone as served (AXFR with dig) and in the journal; the SOA serial
// never goes backwards (RFC 1982 order); an NSD secondary catches up to the same zone by IXFR/AXFR.
// What a power cut or the OOM killer would do, bounded for CI: KILLS rounds of 0.2 to 1.4 s of storm each.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { havePeers, waitFor } from "../support/net.ts";
import { startSecondary, type Secondary } from "../support/secondaries.ts";
import { axfrLines, digBatch, nicUpdate, startWorld, type World } from "../support/world.ts";
import { querySoa, sendUpdate, type TsigKey } from "../../src/dns/rfc2136/index.ts";

const KILLS = Number(process.env.UPDNS_CRASH_KILLS ?? 20);
const HTTP_WORKERS = 6;
const DNS_WORKERS = 3;
const ok = havePeers("dig", "nsd");

/** RFC 1982 §3.2: is b the same as or after a? */
const notBefore = (a: number, b: number) => a === b || ((b - a) >>> 0) < 2 ** 31;

interface Sent {
  value: string;
  acked: boolean;
}

describe.skipIf(!ok)("crash safety under an update storm (SIGKILL ×" + KILLS + ")", () => {
  let world: World;
  let nsd: Secondary;
  const httpSent = new Map<string, Sent[]>(); // host → every address sent, in order
  const dnsSent: Sent[] = []; // r<n>.zone TXT "v<n>", each name added once
  const serials: number[] = []; // every SOA serial observed, in order
  let counter = 0;
  let rounds = 0;

  beforeAll(async () => {
    // Keep the whole journal so every acknowledged change can be looked up in it afterwards.
    world = await startWorld({ hosts: HTTP_WORKERS, env: { UPDNS_DNS_JOURNAL_MAX_CHANGES: "1000000" } });
    nsd = await startSecondary("nsd", world.zone, world.dnsPort, world.xfer);
    expect((await world.run("domain", "secondary", "add", world.zone, `127.0.0.1:${nsd.port}`)).code).toBe(0);
  }, 30_000);

  afterAll(async () => {
    await nsd?.stop();
    await world?.close();
  });

  /** One round: the storm runs until the server dies under it. */
  async function storm(server: { host: string; port: number }, key: TsigKey): Promise<void> {
    let dead = false;
    const nextIp = () => {
      const n = ++counter;
      return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    };
    const http = world.hosts.map(async (h) => {
      const list = httpSent.get(h.fqdn) ?? [];
      httpSent.set(h.fqdn, list);
      for (let i = 0; i < 100_000 && !dead; i++) {
        const s: Sent = { value: nextIp(), acked: false };
        list.push(s);
        try {
          const r = await nicUpdate(world.url, h, s.value, AbortSignal.timeout(5000));
          if (r.body === `good ${s.value}`) s.acked = true;
          else if (r.status >= 500) return; // 911 while going down: not acknowledged, fine
          else throw new Error(`unexpected answer ${r.status} ${r.body}`);
        } catch (e) {
          if ((e as Error).message.startsWith("unexpected")) throw e;
          return; // connection refused/reset: the server is gone
        }
      }
    });
    const dns = Array.from({ length: DNS_WORKERS }, async () => {
      for (let i = 0; i < 100_000 && !dead; i++) {
        const n = ++counter;
        const s: Sent = { value: String(n), acked: false };
        dnsSent.push(s);
        try {
          await sendUpdate(server, world.zone, [{ op: "add", name: `r${n}.${world.zone}`, type: "TXT", ttl: 60, value: `v${n}` }], { key, timeoutMs: 1000, retries: 0 });
          s.acked = true;
        } catch {
          return; // timeout or refused: the server is gone (an unanswered update is not acknowledged)
        }
      }
    });
    const poll = (async () => {
      for (let i = 0; i < 100_000 && !dead; i++) {
        try {
          serials.push((await querySoa([server], world.zone, { timeoutMs: 500, retries: 0 })).soa.serial);
        } catch {
          return;
        }
        await Bun.sleep(20);
      }
    })();
    // The kill comes at a random moment while all of that is in flight.
    await Bun.sleep(200 + Math.random() * 1200);
    await world.kill();
    dead = true;
    await Promise.all([...http, ...dns, poll]);
  }

  test(`every acknowledged update survives ${KILLS} SIGKILLs, and the serial never goes backwards`, async () => {
    const server = { host: "127.0.0.1", port: world.dnsPort };
    for (rounds = 0; rounds < KILLS; rounds++) {
      if (rounds > 0) await world.restart();
      // Right after the start the serial must be at least the last one anybody saw.
      serials.push((await querySoa([server], world.zone, { timeoutMs: 1000 })).soa.serial);
      await storm(server, world.updateKey);
    }
    await world.restart();
    serials.push((await querySoa([server], world.zone, { timeoutMs: 1000 })).soa.serial);
    for (let i = 1; i < serials.length; i++) if (!notBefore(serials[i - 1], serials[i])) throw new Error(`serial went backwards: ${serials[i - 1]} → ${serials[i]}`);

    // The served zone (AXFR) against the database, and both against what was acknowledged.
    const served = await axfrLines("127.0.0.1", world.dnsPort, world.zone, world.xfer);
    const db = new Database(join(world.server.dataDir, "updns.sqlite3"), { readonly: true });
    const domainId = (db.query("SELECT id FROM domains WHERE name = ?").get(world.zone) as { id: number }).id;
    const rows = db.query("SELECT name, type, ttl, data FROM zone_records WHERE domain_id = ?").all(domainId) as { name: string; type: string; ttl: number; data: string }[];
    const journal = db.query("SELECT added FROM zone_journal WHERE domain_id = ? ORDER BY id").all(domainId) as { added: string }[];
    db.close();
    const inJournal = new Set<string>();
    for (const j of journal) for (const r of JSON.parse(j.added) as { name: string; type: string; data: string }[]) inJournal.add(`${r.name} ${r.type} ${r.data}`);
    const inDb = new Set(rows.map((r) => `${r.name} ${r.type} ${r.data}`));
    const inZone = new Set(served.map((l) => l.split(" ")).map((f) => `${f[0].replace(/\.$/, "")} ${f[3]} ${f.slice(4).join(" ")}`));
    // The zone in memory never diverges from the database: same records, SOA included.
    expect([...inZone].sort()).toEqual([...inDb].sort());

    let acknowledged = 0;
    let found = 0;
    const lost: string[] = [];
    for (const s of dnsSent.filter((x) => x.acked)) {
      acknowledged++;
      const k = `r${s.value}.${world.zone} TXT "v${s.value}"`;
      if (inDb.has(k) && inZone.has(k) && inJournal.has(k)) found++;
      else lost.push(`${k} (db ${inDb.has(k)}, zone ${inZone.has(k)}, journal ${inJournal.has(k)})`);
    }
    for (const [fqdn, list] of httpSent) {
      const lastAcked = list.findLastIndex((s) => s.acked);
      for (const s of list.filter((x) => x.acked)) {
        acknowledged++;
        if (inJournal.has(`${fqdn} A ${s.value}`)) found++;
        else lost.push(`${fqdn} A ${s.value} (not in the journal)`);
      }
      // The current address is the last acknowledged one, or one sent after it whose answer the kill ate.
      const current = [...inDb].filter((k) => k.startsWith(`${fqdn} A `)).map((k) => k.split(" ")[2]);
      const allowed = new Set(list.slice(Math.max(lastAcked, 0)).map((s) => s.value));
      if (lastAcked >= 0 && (current.length !== 1 || !allowed.has(current[0]) || !inZone.has(`${fqdn} A ${current[0]}`)))
        lost.push(`${fqdn}: serves ${current.join(",") || "nothing"}, last acknowledged ${list[lastAcked].value}`);
    }
    const unanswered = dnsSent.filter((s) => !s.acked).length + [...httpSent.values()].flat().filter((s) => !s.acked).length;
    console.log(`crash safety: ${rounds} SIGKILLs, updates acknowledged ${acknowledged}, found ${found}, lost=${lost.length} (unanswered at a kill: ${unanswered}; serials seen ${serials.length}, first ${serials[0]}, last ${serials.at(-1)})`);
    expect(lost).toEqual([]);
    expect(acknowledged).toBeGreaterThan(KILLS * 20); // the storm really stormed
    expect(found).toBe(acknowledged);
  }, 180_000);

  test("the NSD secondary converges to the same zone (IXFR/AXFR after the restarts)", async () => {
    const served = await axfrLines("127.0.0.1", world.dnsPort, world.zone, world.xfer);
    const soaSerial = Number(served.find((l) => l.split(" ")[3] === "SOA")!.split(" ")[6]);
    await waitFor("NSD to reach our serial", async () => {
      try {
        return (await querySoa([{ host: "127.0.0.1", port: nsd.port }], world.zone, { timeoutMs: 500 })).soa.serial === soaSerial;
      } catch {
        return false;
      }
    }, 20_000, 100);
    // Name by name, every rrset we serve, NSD serves the same.
    const byKey = new Map<string, string[]>();
    for (const l of served) {
      const f = l.split(" ");
      if (f[3] === "SOA") continue;
      const k = `${f[0]} ${f[3]}`;
      byKey.set(k, [...(byKey.get(k) ?? []), f.slice(4).join(" ")]);
    }
    const questions = [...byKey.keys()].map((k) => k.split(" ") as [string, string]);
    const answers = await digBatch("127.0.0.1", nsd.port, questions);
    const differ = questions.filter(([n, t]) => answers.get(`${n} ${t}`) !== byKey.get(`${n} ${t}`)!.sort().join(","));
    console.log(`crash safety: NSD at serial ${soaSerial}, ${questions.length} rrsets compared, ${differ.length} differ; ${(nsd.log().match(/committed "received update/g) ?? []).length} transfers committed by NSD`);
    expect(differ.slice(0, 5)).toEqual([]);
    expect(questions.length).toBeGreaterThan(KILLS * 10);
  }, 60_000);
});
