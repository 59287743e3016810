// The hot path finds zones and prepared answers by the octets of the question (hashes of the name's
// suffixes): what a client sees must be what the text lookups gave — the closest zone, the own answer of
// every name even when two names hash alike, and no answer kept past the change that made it stale.
import { expect, test } from "bun:test";
import dnsPacket from "dns-packet";
import { Responder } from "../../../src/dns/server/index.ts";
import { MemoryZoneStorage, parseMasterFile, ZoneStore } from "../../../src/dns/zone/index.ts";
import { nameHash } from "../../../src/dns/server/message.ts";
import { fixtureStore } from "./fixture.ts";

function query(name: string, type = "A", id = 7): Uint8Array {
  return dnsPacket.encode({ type: "query", id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: type as "A", name }] });
}

function ask(r: Responder, name: string, type = "A") {
  const out = r.plainAnswer(query(name, type), "udp");
  if (!out) throw new Error(`${name} took the slow path`);
  const p = dnsPacket.decode(Buffer.from(out));
  return {
    rcode: (p as { rcode?: string }).rcode,
    aa: (p.flags! & dnsPacket.AUTHORITATIVE_ANSWER) !== 0,
    answer: (p.answers ?? []).map((a) => `${a.name} ${a.type} ${(a as { data?: unknown }).data}`),
    authority: (p.authorities ?? []).map((a) => `${a.name} ${a.type}`),
  };
}

function wire(name: string): Uint8Array {
  const b: number[] = [];
  for (const l of name.split(".")) b.push(l.length, ...new TextEncoder().encode(l));
  return Uint8Array.from([...b, 0]);
}

test("a zone created below a served zone answers for the names under it from then on", async () => {
  const { store } = await fixtureStore();
  const r = new Responder({ store });
  expect(ask(r, "host.kid.example.org").rcode).toBe("NXDOMAIN");
  await store.createZoneFromRecords("kid.example.org", parseMasterFile("$ORIGIN kid.example.org.\n@ 60 IN SOA ns1 h 1 60 60 60 60\n@ 60 IN NS ns1\nhost 60 IN A 192.0.2.44\n", "kid.example.org"));
  expect(ask(r, "HOST.Kid.example.org")).toMatchObject({ rcode: "NOERROR", aa: true, answer: ["host.kid.example.org A 192.0.2.44"] });
  // The parent still answers its own names, and a name of neither zone is refused.
  expect(ask(r, "www.example.org").answer).toEqual(["www.example.org A 192.0.2.80"]);
  expect(ask(r, "www.example.com").rcode).toBe("REFUSED");
});

test("two names whose hashes collide each get their own answer", async () => {
  // Found once by a birthday search over n0, n1, ... (FNV-1a spreads such names well: 1.5 million tries).
  const [a, b] = ["n766629.example.org", "n1500144.example.org"];
  expect(nameHash(wire(a))).toBe(nameHash(wire(b)));
  const store = await ZoneStore.open(new MemoryZoneStorage());
  const label = (n: string) => n.split(".")[0];
  await store.createZoneFromRecords("example.org", parseMasterFile(`$ORIGIN example.org.\n@ 60 IN SOA ns1 h 1 60 60 60 60\n@ 60 IN NS ns1\n${label(a)} 60 IN A 192.0.2.1\n${label(b)} 60 IN A 192.0.2.2\n`, "example.org"));
  const r = new Responder({ store });
  for (let round = 0; round < 2; round++) {
    expect(ask(r, a).answer).toEqual([`${a} A 192.0.2.1`]);
    expect(ask(r, b).answer).toEqual([`${b} A 192.0.2.2`]);
  }
});

test("an answer prepared before a change is not given after it", async () => {
  const { store } = await fixtureStore();
  const r = new Responder({ store });
  expect(ask(r, "www.example.org").answer).toEqual(["www.example.org A 192.0.2.80"]);
  await store.transaction("example.org", (tx) => tx.replaceRRset("www.example.org", "A", 300, ["192.0.2.81"]));
  expect(ask(r, "www.example.org").answer).toEqual(["www.example.org A 192.0.2.81"]);
});
