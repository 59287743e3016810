// Tenants cannot touch each other's names, seen from outside the built binary: bob tries to shadow alice's
// host with a zone of his own through the web form, the JSON API and the CLI; each is refused with a clear
// message and DNS keeps answering alice's address while her updates go on working. The Public Suffix List is
// inside the binary. Staff delegate a child zone below alice's: her zone's secondary serves the referral
// (NS in authority, glue in additional), and the signed delegation validates.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, startBinary, type BinaryServer } from "../support/updns.ts";
import { tempDir, waitFor, which } from "../support/net.ts";
import { dig, rdata } from "../support/dig.ts";
import { delv, writeAnchors } from "../support/dnssec.ts";
import { startSecondary, type Secondary } from "../support/secondaries.ts";
import { WebClient } from "../support/web-client.ts";

const ZONE = "dyn.example.org";
const PASSWORD = "a long enough password";
const d = tempDir();
let s: BinaryServer;
let secret = "";
let bobToken = "";
let xfr: { name: string; algorithm: string; secret: string };
const run = (...args: string[]) => cli(args, { cwd: d.path });
const ok = async (...args: string[]) => {
  const r = await run(...args);
  if (r.code !== 0) throw new Error(`updns ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
};

beforeAll(async () => {
  for (const u of ["alice", "bob"]) await cli(["user", "add", u, "--email", `${u}@example.test`, "--password-stdin"], { cwd: d.path, stdin: `${PASSWORD}\n` });
  xfr = JSON.parse(await ok("tsig", "add", "xfr", "--json"));
  await ok("domain", "add", ZONE, "--embedded", "--owner", "alice", "--ns", `ns1.${ZONE}`, "--transfer-key", "xfr");
  await ok("record", "add", ZONE, "ns1", "A", "192.0.2.53");
  await ok("domain", "dnssec", ZONE, "on");
  secret = JSON.parse(await ok("host", "add", `home.${ZONE}`, "--owner", "alice", "--json")).update_secret;
  bobToken = JSON.parse(await ok("token", "add", "bob", "--json")).token;
  s = await startBinary({ UPDNS_DOMAINS_ADD: "users" }, d.path);
});

afterAll(async () => {
  await s?.stop();
  d.cleanup();
});

const update = async (ip: string) => (await fetch(`${s.url}/nic/update?myip=${ip}`, { headers: { authorization: "Basic " + btoa(`home.${ZONE}:${secret}`) } })).text();
const homeAddress = async () => rdata(await dig("127.0.0.1", s.dnsPort, `home.${ZONE}`, "A"), "A");
const api = async (body: unknown) => {
  const r = await fetch(`${s.url}/api/v1/zones`, { method: "POST", headers: { authorization: `Bearer ${bobToken}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as any };
};
/** The form error of an HTML answer, as text (entities decoded). */
const formText = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&quot;|&#34;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ");

describe("bob cannot shadow alice's host", () => {
  test("alice's host answers her address", async () => {
    expect(await update("192.0.2.10")).toBe("good 192.0.2.10");
    await waitFor("alice's address in DNS", async () => (await homeAddress()).includes("192.0.2.10"));
  });

  test("through the web form: her host's name, her zone and its parent are refused, each with its reason", async () => {
    const b = new WebClient(s.url);
    expect((await b.login("bob", PASSWORD)).status).toBe(303);
    const inside = await b.submit("/domain/add/", { name: `home.${ZONE}`, backend: "embedded" }, "/domain/add/");
    expect(inside.status).toBe(400);
    expect(formText(inside.body)).toContain(`"home.${ZONE}" is inside ${ZONE}, another account's zone: only its owner or staff may create zones there`);
    const equal = await b.submit("/domain/add/", { name: ZONE, backend: "embedded" }, "/domain/add/");
    expect(formText(equal.body)).toContain(`a domain named "${ZONE}" already exists`);
    const above = await b.submit("/domain/add/", { name: "example.org", backend: "rfc2136", primary: "192.0.2.1" }, "/domain/add/");
    expect(above.status).toBe(400);
    expect(formText(above.body)).toContain(`"example.org" would be above ${ZONE}, another account's zone`);
    const suffix = await b.submit("/domain/add/", { name: "github.io", backend: "embedded" }, "/domain/add/");
    expect(formText(suffix.body)).toContain(`"github.io" is a public suffix (Public Suffix List, private section)`);
  });

  test("through the JSON API", async () => {
    const r = await api({ name: `home.${ZONE}`, backend: "embedded" });
    expect(r).toEqual({ status: 400, body: { error: { code: "invalid_request", field: "name", message: `"home.${ZONE}" is inside ${ZONE}, another account's zone: only its owner or staff may create zones there` } } });
    expect((await api({ name: "example.org", backend: "rfc2136", primary: "192.0.2.1" })).body.error.message).toBe(`"example.org" would be above ${ZONE}, another account's zone`);
    expect((await api({ name: "co.uk", backend: "rfc2136", primary: "192.0.2.1" })).body.error.message).toContain(`"co.uk" is a public suffix (Public Suffix List, ICANN section)`);
  });

  test("through the CLI, even with the operator's rights: the zone would hide alice's host", async () => {
    const r = await run("domain", "add", `home.${ZONE}`, "--embedded", "--owner", "bob");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`"home.${ZONE}" would hide the host home.${ZONE} in ${ZONE}: remove it first`);
    const suffix = await run("domain", "add", "co.uk", "--embedded");
    expect(suffix.code).not.toBe(0);
    expect(suffix.stderr).toContain('"co.uk" is a public suffix');
    expect((await run("host", "add", `nas.${ZONE}`, "--owner", "bob")).stderr).toContain(`${ZONE} is another account's zone and not public`);
  });

  test("through zone import: a master file cannot make bob a zone above alice's", async () => {
    const file = join(d.path, "parent.zone");
    writeFileSync(file, "$ORIGIN example.org.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 60 30 3600 60\n@ IN NS ns1\nns1 IN A 192.0.2.1\nhome.dyn IN A 6.6.6.6\n");
    const r = await run("zone", "import", "example.org", file, "--owner", "bob");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`"example.org" would be above ${ZONE}, another account's zone`);
  });

  test("DNS still answers alice's address, and her next update shows", async () => {
    expect(await homeAddress()).toEqual(["192.0.2.10"]);
    expect(await update("192.0.2.11")).toBe("good 192.0.2.11");
    await waitFor("alice's new address in DNS", async () => (await homeAddress()).includes("192.0.2.11"));
    const list = JSON.parse(await ok("domain", "list", "--json")).map((z: { name: string }) => z.name);
    expect(list).toEqual([ZONE]);
  });
});

describe("key names of one label", () => {
  test("web, API and CLI accept ext-key, ddns-key and tsig-key for an rfc2136 domain", async () => {
    const b = new WebClient(s.url);
    await b.login("bob", PASSWORD);
    const web = await b.submit("/domain/add/", { name: "web.example.net", backend: "rfc2136", primary: "192.0.2.1", key_name: "ext-key" }, "/domain/add/");
    // A 303 to the page that shows the new key once (its name with it).
    expect(web.status).toBe(303);
    expect((await b.get(web.headers.get("location")!)).body).toContain("ext-key");
    const r = await api({ name: "api.example.net", backend: "rfc2136", primary: "192.0.2.1", key_name: "ddns-key" });
    expect(r.status).toBe(201);
    expect(r.body.key.name).toBe("ddns-key");
    expect(r.body.key.secret).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const c = await run("domain", "add", "cli.example.net", "--rfc2136", "--primary", "192.0.2.1", "--key-name", "tsig-key", "--algorithm", "hmac-sha256", "--secret", "c2VjcmV0LXNlY3JldC1zZWNyZXQ=");
    expect(c.stderr).toBe("");
    expect(c.code).toBe(0);
  });
});

const run_peers = Boolean(which("named") && which("delv")) || process.env.CI === "true";

describe.if(run_peers)("a child zone staff create below alice's zone", () => {
  const CHILD = `kids.${ZONE}`;
  let bind: Secondary | undefined;
  afterAll(async () => bind?.stop());

  test("alice's zone delegates it: her secondary answers a referral with NS in authority and glue in additional", async () => {
    await ok("domain", "add", CHILD, "--embedded", "--owner", "bob", "--ns", `ns1.${CHILD}`);
    await ok("record", "add", CHILD, "ns1", "A", "192.0.2.77");
    // The delegation and its glue are two commits to alice's zone: wait until the server serves the last one.
    const stored = JSON.parse(await ok("domain", "list", "--json")).find((z: { name: string }) => z.name === ZONE).serial;
    await waitFor("the delegation to be served", async () => rdata(await dig("127.0.0.1", s.dnsPort, ZONE, "SOA"), "SOA")[0]?.split(" ")[2] === String(stored), 15_000);
    bind = await startSecondary("bind", ZONE, s.dnsPort, xfr);
    await waitFor("BIND to load the zone", async () => (await dig("127.0.0.1", bind!.port, ZONE, "SOA")).status === "NOERROR", 15_000);
    const r = await dig("127.0.0.1", bind.port, `www.${CHILD}`, "A", ["+dnssec"]);
    expect(r.status).toBe("NOERROR");
    expect(r.flags).not.toContain("aa");
    expect(r.answer).toEqual([]);
    expect(r.authority.filter((l) => l.split(" ")[3] === "NS")).toEqual([`${CHILD}. 3600 IN NS ns1.${CHILD}.`]);
    expect(r.authority.some((l) => l.split(" ")[3] === "NSEC3")).toBe(true);
    expect(r.additional.filter((l) => l.split(" ")[3] === "A")).toEqual([`ns1.${CHILD}. 3600 IN A 192.0.2.77`]);
  });

  test("the delegation validates: the signed proof that the child has no DS", async () => {
    const keys = rdata(await dig("127.0.0.1", s.dnsPort, ZONE, "DNSKEY", ["+nosplit"]), "DNSKEY").filter((k) => k.startsWith("257 "));
    const anchors = join(d.path, "anchors");
    writeAnchors(anchors, ZONE, keys);
    const v = await delv(s.dnsPort, anchors, ZONE, CHILD, "DS");
    expect(v.out).toContain("; negative response, fully validated");
    expect(v.verdict).toBe("negative-validated");
  });

  test("signing the child publishes its DS in alice's zone, and the chain of trust reaches the child", async () => {
    await ok("domain", "dnssec", CHILD, "on");
    const ds = (await ok("domain", "ds", CHILD)).trim().split("\n").map((l) => l.split(" IN DS ")[1]);
    await waitFor("the child's DS at the parent", async () => {
      const r = await dig("127.0.0.1", s.dnsPort, CHILD, "DS", ["+nosplit"]);
      return rdata(r, "DS").join() === ds.join();
    }, 15_000);
    const v = await delv(s.dnsPort, join(d.path, "anchors"), ZONE, `ns1.${CHILD}`, "A");
    expect(v.out).toContain("192.0.2.77");
    expect(v.verdict).toBe("validated");
  });

  test("importing a master file into alice's zone keeps the delegation the file does not mention", async () => {
    const file = join(d.path, "dyn.zone");
    writeFileSync(file, `$ORIGIN ${ZONE}.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 60 30 3600 60\n@ IN NS ns1\nns1 IN A 192.0.2.53\nwww IN A 192.0.2.80\n`);
    const out = JSON.parse(await ok("zone", "import", ZONE, file, "--json"));
    expect(out.created).toBe(false);
    const stored = JSON.parse(await ok("domain", "list", "--json")).find((z: { name: string }) => z.name === ZONE).serial;
    await waitFor("the import to be served", async () => rdata(await dig("127.0.0.1", s.dnsPort, ZONE, "SOA"), "SOA")[0]?.split(" ")[2] === String(stored), 15_000);
    const ds = await dig("127.0.0.1", s.dnsPort, CHILD, "DS");
    expect(ds.flags).toContain("aa");
    expect(rdata(ds, "DS").length).toBeGreaterThan(0);
    expect((await delv(s.dnsPort, join(d.path, "anchors"), ZONE, `ns1.${CHILD}`, "A")).verdict).toBe("validated");
  });

  test("removing the child removes the delegation", async () => {
    await ok("domain", "remove", CHILD);
    await waitFor("the delegation to go", async () => (await dig("127.0.0.1", s.dnsPort, `www.${CHILD}`, "A")).status === "NXDOMAIN");
    const r = await dig("127.0.0.1", s.dnsPort, `www.${CHILD}`, "A");
    expect(r.flags).toContain("aa");
    expect(r.authority.some((l) => l.split(" ")[3] === "NS")).toBe(false);
  });
});
