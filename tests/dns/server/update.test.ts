// RFC 2136 UPDATE in, driven by the real clients people use: BIND's nsupdate and Knot's knsupdate.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { listenDns, Responder, type DnsListener } from "../../../src/dns/server/index.ts";
import { policyFromRules } from "../../../src/core/index.ts";
import { tsigKeyFromBase64 } from "../../../src/dns/wire/index.ts";
import type { ZoneStore } from "../../../src/dns/zone/index.ts";
import { dig, rdata } from "../../support/dig.ts";
import { freePort, havePeers, which } from "../../support/net.ts";
import { fixtureStore } from "./fixture.ts";

const HAVE = havePeers("nsupdate", "knsupdate", "dig");
const DYN = { name: "dyn-key", secret: randomBytes(32).toString("base64") };
const TXT_ONLY = { name: "txt-key", secret: randomBytes(32).toString("base64") };
const ADMIN = { name: "admin-key", secret: randomBytes(32).toString("base64") };

let store: ZoneStore;
let server: DnsListener;
let port: number;
let responder: Responder;

beforeAll(async () => {
  ({ store } = await fixtureStore());
  responder = new Responder({
    store,
    keys: [DYN, TXT_ONLY, ADMIN].map((k) => tsigKeyFromBase64(k.name, "hmac-sha256", k.secret)),
    updatePolicy: policyFromRules([
      { action: "grant", key: DYN.name, match: "subdomain", name: "dyn.example.org", types: ["A", "AAAA", "TXT"] },
      { action: "deny", key: TXT_ONLY.name, match: "name", name: "secret.dyn.example.org", types: "ANY" },
      { action: "grant", key: TXT_ONLY.name, match: "wildcard", name: "*.dyn.example.org", types: ["TXT"] },
      { action: "grant", key: ADMIN.name, match: "zone", name: "example.org", types: "ANY" },
    ]),
  });
  port = await freePort();
  server = await listenDns({ listen: [`127.0.0.1:${port}`], responder });
});
afterAll(async () => {
  await server?.stop();
});

async function run(client: "nsupdate" | "knsupdate", key: { name: string; secret: string }, lines: string[], flags: string[] = []): Promise<{ code: number; out: string }> {
  const script = [`server 127.0.0.1 ${port}`, "zone example.org.", ...lines, "send", ""].join("\n");
  const proc = Bun.spawn([which(client)!, ...flags, "-y", `hmac-sha256:${key.name}:${key.secret}`], { stdin: new TextEncoder().encode(script), stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  const code = await Promise.race([proc.exited, Bun.sleep(10_000).then(() => -1)]);
  return { code, out: out + err };
}

const addresses = async (name: string) => rdata(await dig("127.0.0.1", port, name, "A"), "A");
const serial = () => store.zone("example.org")!.serial;

describe.if(HAVE)("UPDATE in with nsupdate and knsupdate", () => {
  test("nsupdate adds and deletes records with a granted key", async () => {
    const s0 = serial();
    const add = await run("nsupdate", DYN, ["update add h1.dyn.example.org. 60 A 192.0.2.1", "update add h1.dyn.example.org. 60 TXT \"hello\""]);
    expect(add.code).toBe(0);
    expect(await addresses("h1.dyn.example.org")).toEqual(["192.0.2.1"]);
    expect(serial()).not.toBe(s0);
    const del = await run("nsupdate", DYN, ["update delete h1.dyn.example.org. A"]);
    expect(del.code).toBe(0);
    expect(await addresses("h1.dyn.example.org")).toEqual([]);
    expect(rdata(await dig("127.0.0.1", port, "h1.dyn.example.org", "TXT"), "TXT")).toEqual(['"hello"']);
  });

  test("over TCP too (nsupdate -v)", async () => {
    const add = await run("nsupdate", DYN, ["update add tcp.dyn.example.org. 60 AAAA 2001:db8::7"], ["-v"]);
    expect(add.code).toBe(0);
    expect(rdata(await dig("127.0.0.1", port, "tcp.dyn.example.org", "AAAA"), "AAAA")).toEqual(["2001:db8::7"]);
  });

  test("knsupdate adds and deletes records with a granted key", async () => {
    const add = await run("knsupdate", DYN, ["update add h2.dyn.example.org. 60 A 192.0.2.2", "update add h2.dyn.example.org. 60 A 192.0.2.3"]);
    expect(add.code).toBe(0);
    expect((await addresses("h2.dyn.example.org")).sort()).toEqual(["192.0.2.2", "192.0.2.3"]);
    const del = await run("knsupdate", DYN, ["update delete h2.dyn.example.org. 0 A 192.0.2.2"]);
    expect(del.code).toBe(0);
    expect(await addresses("h2.dyn.example.org")).toEqual(["192.0.2.3"]);
  });

  test("a key outside its policy gets REFUSED and nothing changes", async () => {
    const s0 = serial();
    const r1 = await run("nsupdate", TXT_ONLY, ["update add h3.dyn.example.org. 60 A 192.0.2.4"]);
    expect(r1.code).not.toBe(0);
    expect(r1.out).toContain("REFUSED");
    const r2 = await run("nsupdate", DYN, ["update add www.example.org. 60 A 192.0.2.4"]);
    expect(r2.out).toContain("REFUSED");
    const r3 = await run("nsupdate", TXT_ONLY, ["update add secret.dyn.example.org. 60 TXT \"x\""]);
    expect(r3.out).toContain("REFUSED");
    // All-or-nothing: one refused record spoils the whole message.
    const r4 = await run("nsupdate", TXT_ONLY, ["update add ok.dyn.example.org. 60 TXT \"fine\"", "update add ok.dyn.example.org. 60 A 192.0.2.5"]);
    expect(r4.out).toContain("REFUSED");
    expect((await dig("127.0.0.1", port, "ok.dyn.example.org", "TXT")).status).toBe("NXDOMAIN");
    expect(serial()).toBe(s0);
    const ok = await run("knsupdate", TXT_ONLY, ["update add ok.dyn.example.org. 60 TXT \"fine\""]);
    expect(ok.code).toBe(0);
  });

  test("a bad MAC gets NOTAUTH with BADSIG, an unknown key BADKEY", async () => {
    const s0 = serial();
    const bad = await run("nsupdate", { name: DYN.name, secret: randomBytes(32).toString("base64") }, ["update add h4.dyn.example.org. 60 A 192.0.2.6"]);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/NOTAUTH|BADSIG|tsig verify failure/i);
    expect(bad.out).toMatch(/BADSIG|tsig verify failure/i);
    const unknown = await run("knsupdate", { name: "nobody", secret: DYN.secret }, ["update add h4.dyn.example.org. 60 A 192.0.2.6"]);
    expect(unknown.out).toMatch(/NOTAUTH|BADKEY/);
    expect(serial()).toBe(s0);
  });

  test("failing prerequisites give their rcodes and nothing changes", async () => {
    const s0 = serial();
    const cases: [string, string][] = [
      ["prereq nxdomain www.example.org.", "YXDOMAIN"],
      ["prereq yxdomain nothere.example.org.", "NXDOMAIN"],
      ["prereq yxrrset www.example.org. MX", "NXRRSET"],
      ["prereq nxrrset www.example.org. A", "YXRRSET"],
      ["prereq yxrrset www.example.org. A 192.0.2.99", "NXRRSET"],
    ];
    for (const [pre, rcode] of cases) {
      const r = await run("nsupdate", ADMIN, [pre, "update add pre.dyn.example.org. 60 A 192.0.2.7"]);
      expect(r.out).toContain(rcode);
    }
    expect(await addresses("pre.dyn.example.org")).toEqual([]);
    expect(serial()).toBe(s0);
    const pass = await run("nsupdate", ADMIN, ["prereq yxrrset www.example.org. A 192.0.2.80", "prereq nxdomain pre.dyn.example.org.", "update add pre.dyn.example.org. 60 A 192.0.2.7"]);
    expect(pass.code).toBe(0);
    expect(await addresses("pre.dyn.example.org")).toEqual(["192.0.2.7"]);
  });

  test("the apex SOA and NS survive deletes (RFC 2136 §3.4.2.3/§3.4.2.4)", async () => {
    const r = await run("nsupdate", ADMIN, ["update delete example.org. NS", "update delete example.org. SOA", "update delete example.org."]);
    expect(r.code).toBe(0);
    expect((await dig("127.0.0.1", port, "example.org", "NS")).answer.length).toBe(2);
    expect((await dig("127.0.0.1", port, "example.org", "SOA")).answer.length).toBe(1);
    // Deleting NS records one by one keeps the last.
    await run("nsupdate", ADMIN, ["update delete example.org. NS ns1.example.org.", "update delete example.org. NS ns2.example.net."]);
    expect((await dig("127.0.0.1", port, "example.org", "NS")).answer.length).toBe(1);
  });

  test("names keep the case they were sent in (RFC 4343 §4) and match without it; the last NS is matched in any case", async () => {
    const add = await run("nsupdate", ADMIN, ["update add MixedCase.dyn.example.org. 60 CNAME Target.Example.NET."]);
    expect(add.code).toBe(0);
    const set = store.zone("example.org")!.get("mixedcase.dyn.example.org", "CNAME")!;
    expect([set.name, set.data]).toEqual(["MixedCase.dyn.example.org", ["Target.Example.NET."]]);
    expect(rdata(await dig("127.0.0.1", port, "MIXEDCASE.dyn.example.org", "CNAME"), "CNAME")).toEqual(["Target.Example.NET."]);
    const del = await run("knsupdate", ADMIN, ["update delete mixedcase.DYN.example.org. 0 CNAME target.example.net."]);
    expect(del.code).toBe(0);
    expect(store.zone("example.org")!.get("mixedcase.dyn.example.org", "CNAME")).toBeUndefined();
    const ns = store.zone("example.org")!.get("example.org", "NS")!.data;
    const last = await run("nsupdate", ADMIN, ns.map((n) => `update delete example.org. NS ${n.toUpperCase()}`));
    expect(last.code).toBe(0);
    expect(store.zone("example.org")!.get("example.org", "NS")!.data.length).toBe(1);
  });

  test("an unsigned UPDATE is REFUSED", async () => {
    const script = [`server 127.0.0.1 ${port}`, "zone example.org.", "update add u.dyn.example.org. 60 A 192.0.2.8", "send", ""].join("\n");
    const proc = Bun.spawn([which("nsupdate")!], { stdin: new TextEncoder().encode(script), stdout: "pipe", stderr: "pipe" });
    const out = (await new Response(proc.stdout).text()) + (await new Response(proc.stderr).text());
    await proc.exited;
    expect(out).toContain("REFUSED");
    expect(await addresses("u.dyn.example.org")).toEqual([]);
  });
});
