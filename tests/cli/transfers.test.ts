// Who may transfer a zone and which serial a secondary sees, through the built binary as an operator runs
// it: a zone imported from an old primary keeps the file's serial, a Knot secondary carried over at that
// serial follows every later change (NOTIFY, then IXFR) because the serial only grows in RFC 1982 terms;
// `domain set` sets the transfer key and serial scheme; a keyless AXFR is served only to a secondary that
// was opted in with --allow-unsigned-transfer, and only from its address (dig from 127.0.0.x).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, startBinary, type BinaryServer } from "../support/updns.ts";
import { dig, rdata } from "../support/dig.ts";
import { tempDir, waitFor } from "../support/net.ts";
import { startSecondary, type Secondary } from "../support/secondaries.ts";
import { serialGt } from "../../src/dns/wire/index.ts";

const ZONE = "old.example.test";
const FILE_SERIAL = 2026120701;
const d = tempDir();
let server: BinaryServer;
let knot: Secondary;
let key = { name: "xfr", algorithm: "hmac-sha256", secret: "" };
const run = (...args: string[]) => cli(args, { cwd: d.path });
const ok = async (...args: string[]) => {
  const r = await run(...args);
  if (r.code !== 0) throw new Error(`updns ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
};
const serialAt = async (port: number) => Number(rdata(await dig("127.0.0.1", port, ZONE, "SOA"), "SOA")[0]?.split(" ")[2]);
/** dig AXFR from a loopback source address, signed with `tsig` ("alg:name:secret") or not. */
const axfr = async (source: string, tsig?: string) => {
  const r = await dig("127.0.0.1", server.dnsPort, ZONE, "AXFR", ["-b", source, ...(tsig ? ["-y", tsig] : [])]);
  // An AXFR answer is the records between two SOAs (RFC 5936 §2.2); a refusal makes dig say "Transfer failed".
  const soas = r.raw.split("\n").filter((l) => !l.startsWith(";") && l.split(/\s+/)[3] === "SOA").length;
  return { served: soas === 2 && !r.raw.includes("Transfer failed"), raw: r.raw };
};

beforeAll(async () => {
  await ok("user", "add", "ops", "--email", "ops@example.test");
  key.secret = JSON.parse(await ok("tsig", "add", "xfr", "--json")).secret;
  writeFileSync(
    join(d.path, "old.zone"),
    [`$ORIGIN ${ZONE}.`, "$TTL 300", `@ IN SOA ns1.example.test. hostmaster.example.test. ${FILE_SERIAL} 3600 600 1209600 60`, "@ IN NS ns1.example.test.", "www IN A 192.0.2.80", ""].join("\n"),
  );
  server = await startBinary({}, d.path);
});

afterAll(async () => {
  await knot?.stop();
  await server?.stop();
  d.cleanup();
});

describe("serials across a move from another primary", () => {
  test("zone import into the new (empty) zone keeps the file's serial, though the zone's own is a unix time", async () => {
    await ok("domain", "add", ZONE, "--embedded", "--owner", "ops", "--ns", "ns1.example.test");
    await waitFor("the new zone to be served", async () => serialGt(FILE_SERIAL, await serialAt(server.dnsPort)));
    expect(await ok("zone", "import", ZONE, "old.zone")).toBe(`zone ${ZONE} now holds old.zone (3 records, serial ${FILE_SERIAL})\n`);
    await waitFor("the imported zone to be served", async () => (await serialAt(server.dnsPort)) === FILE_SERIAL);
  });

  test("domain set gives the zone a transfer key, and says what it set", async () => {
    expect(await ok("domain", "set", ZONE, "--transfer-key", "xfr")).toBe(`domain ${ZONE}: transfer key xfr, serial scheme unixtime\n`);
  });

  test("a Knot secondary takes the zone at the file's serial with the key", async () => {
    knot = await startSecondary("knot", ZONE, server.dnsPort, key);
    await ok("domain", "secondary", "add", ZONE, `127.0.0.1:${knot.port}`);
    await waitFor("knot to load the zone at the file's serial", async () => (await serialAt(knot.port)) === FILE_SERIAL, 10_000, 100);
  });

  test("a dyndns2 update moves the serial forward in RFC 1982 terms and Knot follows by NOTIFY and IXFR", async () => {
    const secret = JSON.parse(await ok("host", "add", `home.${ZONE}`, "--owner", "ops", "--json")).update_secret;
    const res = await fetch(`${server.url}/nic/update?hostname=home.${ZONE}&myip=192.0.2.10`, { headers: { authorization: "Basic " + btoa(`home.${ZONE}:${secret}`) } });
    expect(await res.text()).toBe("good 192.0.2.10");
    await waitFor("knot to serve the new address", async () => (await knot.addresses(`home.${ZONE}`))[0] === "192.0.2.10", 5000, 50);
    const serial = await serialAt(knot.port);
    expect(serialGt(serial, FILE_SERIAL)).toBe(true);
    expect(serial).toBe(await serialAt(server.dnsPort));
    expect(knot.log()).not.toMatch(/remote is outdated/);
    expect(knot.log()).toMatch(/IXFR/);
  });

  test("a new serial scheme is taken over by the running server and the serial still only grows", async () => {
    expect(await ok("domain", "set", ZONE, "--serial-scheme", "increment")).toContain("serial scheme increment");
    const before = await serialAt(server.dnsPort);
    await Bun.sleep(600); // the server notices the database change within its poll interval
    await ok("record", "add", ZONE, "mail", "A", "192.0.2.25");
    await waitFor("the next serial", async () => (await serialAt(server.dnsPort)) === before + 1);
    await waitFor("knot to follow", async () => (await serialAt(knot.port)) === before + 1, 5000, 50);
  });

  test("a bad scheme or an unknown key is refused by name and nothing changes", async () => {
    const bad = await run("domain", "set", ZONE, "--serial-scheme", "weekly");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('serial scheme "weekly" must be one of unixtime, dateserial, increment');
    const nokey = await run("domain", "set", ZONE, "--transfer-key", "nosuchkey");
    expect(nokey.stderr).toContain('no TSIG key named "nosuchkey"');
    expect(JSON.parse(await ok("domain", "set", ZONE, "--serial-scheme", "increment", "--json"))).toEqual({ zone: ZONE, transfer_key: "xfr", serial_scheme: "increment", catalog_group: null });
  });
});

describe("update keys from domain set", () => {
  test("--update-key grants the key RFC 2136 UPDATEs in the zone: nsupdate with it works", async () => {
    const upd = JSON.parse(await ok("tsig", "add", "upd", "--json")).secret;
    const nsupdate = (secret: string) => {
      const p = Bun.spawn(["nsupdate", "-y", `hmac-sha256:upd:${secret}`], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
      p.stdin.write(`server 127.0.0.1 ${server.dnsPort}\nzone ${ZONE}\nupdate add txt.${ZONE} 60 TXT "from nsupdate"\nsend\n`);
      p.stdin.end();
      return p.exited.then(async (code) => ({ code, err: await new Response(p.stderr).text() }));
    };
    await Bun.sleep(600); // the server takes the new key from the database
    expect((await nsupdate(upd)).err).toContain("REFUSED"); // a known key, not granted anything yet
    expect(await ok("domain", "set", ZONE, "--update-key", "upd")).toContain(`domain ${ZONE}:`);
    await Bun.sleep(600); // the server rebuilds its UPDATE policy from the database
    expect(await nsupdate(upd)).toEqual({ code: 0, err: "" });
    expect(rdata(await dig("127.0.0.1", server.dnsPort, `txt.${ZONE}`, "TXT"), "TXT")).toEqual(['"from nsupdate"']);
  });
});

describe("who may transfer", () => {
  const signed = () => `hmac-sha256:${key.name}:${key.secret}`;

  beforeAll(async () => {
    await ok("domain", "secondary", "add", ZONE, "127.0.0.2");
    expect(await ok("domain", "secondary", "add", ZONE, "127.0.0.3:5353", "--allow-unsigned-transfer")).toContain("may transfer without a key from its address");
    await Bun.sleep(600); // the server rebuilds its transfer ACL from the database
  });

  test("a listed secondary that opted in gets an unsigned AXFR from its address", async () => {
    expect((await axfr("127.0.0.3")).served).toBe(true);
  });

  test("a listed secondary without the opt-in is REFUSED an unsigned AXFR", async () => {
    const r = await axfr("127.0.0.2");
    expect(r.served).toBe(false);
    expect(server.output()).toMatch(/address not allowed and no key/);
  });

  test("an unlisted address is REFUSED an unsigned AXFR", async () => {
    expect((await axfr("127.0.0.4")).served).toBe(false);
  });

  test("with the zone's transfer key, a transfer is served to any of them", async () => {
    for (const source of ["127.0.0.2", "127.0.0.3", "127.0.0.4"]) expect((await axfr(source, signed())).served).toBe(true);
  });

  test("with --no-transfer-key the key no longer transfers; the opted-in secondary still does", async () => {
    await ok("domain", "set", ZONE, "--no-transfer-key");
    await Bun.sleep(600);
    expect((await axfr("127.0.0.2", signed())).served).toBe(false);
    expect((await axfr("127.0.0.3")).served).toBe(true);
    await ok("domain", "set", ZONE, "--transfer-key", "xfr");
  });
});
