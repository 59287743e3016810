// Secrets through a whole working day of dist/updns: update secrets (in Basic auth and in the query
// string, right and wrong), TSIG keys (UPDATE and AXFR), a password (log in and out), the first-run setup
// link, a forwarder's password at a third-party service. Afterwards every secret used is looked for in all the server wrote (debug level), in /metrics,
// in every page a staff member sees, in the CLI's listings and, where it must be a hash, in the database.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { havePeers, waitFor } from "../support/net.ts";
import { axfrLines, nicUpdate, startWorld, type World } from "../support/world.ts";
import { WebClient } from "../support/web-client.ts";
import { cli } from "../support/updns.ts";
import { sendUpdate } from "../../src/dns/rfc2136/index.ts";

const ok = havePeers("dig");
const PASSWORD = "a staff password nobody may read 42";
const FORWARDER_PASSWORD = "forwarder-password-at-the-other-service-77";

describe.skipIf(!ok)("secrets never leak", () => {
  let world: World;
  const seen: [string, string][] = []; // where → text a person or a log reader gets to see
  const wrongSecret = "wrong-secret-guess-0123456789";
  // A third-party dyndns2 service the forwarder sends to; it refuses, so the error path is taken too.
  let service: ReturnType<typeof Bun.serve> | undefined;
  const serviceSaw: string[] = [];
  let fwdHost = { fqdn: "", secret: "" };

  beforeAll(async () => {
    world = await startWorld({ hosts: 2, env: { UPDNS_LOG_LEVEL: "debug" } });
    const r = await cli(["user", "add", "boss", "--email", "boss@example.test", "--staff", "--password-stdin"], { cwd: world.dir, stdin: PASSWORD + "\n" });
    expect(r.code).toBe(0);
    seen.push(["user add", r.stdout + r.stderr]);
    service = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(req) {
        serviceSaw.push(req.headers.get("authorization") ?? "");
        return new Response("badauth", { status: 401 });
      },
    });
    const fwd = await world.run("host", "add", `fwd.${world.zone}`, "--owner", "boss", "--json");
    fwdHost = { fqdn: `fwd.${world.zone}`, secret: JSON.parse(fwd.stdout).update_secret };
  }, 30_000);

  afterAll(async () => {
    service?.stop(true);
    await world?.close();
  });

  test("a day of use: updates in every form, RFC 2136, AXFR, web pages, metrics, CLI listings", async () => {
    const [h0, h1] = world.hosts;
    expect((await nicUpdate(world.url, h0, "192.0.2.1")).body).toBe("good 192.0.2.1");
    // OpenWrt-style credentials in the query string, right and wrong.
    for (const [user, pass] of [[h1.fqdn, h1.secret], [h1.fqdn, wrongSecret]]) {
      const res = await fetch(`${world.url}/nic/update?hostname=${h1.fqdn}&myip=192.0.2.2&username=${encodeURIComponent(user)}&password=${encodeURIComponent(pass)}`);
      seen.push([`update with password=${pass === wrongSecret ? "wrong" : "right"}`, await res.text()]);
    }
    const bad = await fetch(`${world.url}/nic/update?myip=192.0.2.3`, { headers: { authorization: "Basic " + btoa(`${h0.fqdn}:${wrongSecret}`) } });
    seen.push(["badauth", await bad.text()]);
    await sendUpdate({ host: "127.0.0.1", port: world.dnsPort }, world.zone, [{ op: "add", name: `tsig.${world.zone}`, type: "TXT", ttl: 60, value: "signed" }], { key: world.updateKey });
    expect((await axfrLines("127.0.0.1", world.dnsPort, world.zone, world.xfer)).length).toBeGreaterThan(3);

    const web = new WebClient(world.url);
    expect((await web.login("boss", PASSWORD)).status).toBe(303);
    const wrongLogin = new WebClient(world.url);
    seen.push(["wrong login", (await wrongLogin.login("boss", wrongSecret)).body]);
    for (const p of ["/", "/overview/", "/account/profile", "/account/settings", "/admin/users", "/host/1/", "/host/2/", "/domain/1/", "/tsig/", "/admin/", "/metrics", "/healthz"]) {
      const r = await web.get(p);
      seen.push([`page ${p}`, r.body + JSON.stringify([...r.headers])]);
    }
    // Forwarding: the operator adds the service, the owner stores a password for it, an update is forwarded.
    expect((await web.submit("/admin/services", { name: "elsewhere", server: `127.0.0.1:${service!.port}`, path: "/nic/update", accept_ipv4: "on" }, "/admin/services")).status).toBe(303);
    const db = new Database(join(world.server.dataDir, "updns.sqlite3"), { readonly: true });
    const hostId = (db.query("SELECT id FROM hosts WHERE name = 'fwd'").get() as { id: number }).id;
    const serviceId = (db.query("SELECT id FROM service_updaters").get() as { id: number }).id;
    db.close();
    const cfg = await web.submit(`/updater_hostconfig_overview/${hostId}/`, { service: String(serviceId), hostname: "me.elsewhere.example", name: "me", password: FORWARDER_PASSWORD, give_ipv4: "on" }, `/updater_hostconfig_overview/${hostId}/`);
    expect(cfg.status).toBe(303);
    expect((await nicUpdate(world.url, fwdHost, "192.0.2.5")).body).toBe("good 192.0.2.5");
    await waitFor("the forwarder to send the update to the other service", () => serviceSaw.length > 0, 12_000, 100);
    // The password did go where it belongs (Basic auth at the service), and only there.
    expect(atob(serviceSaw[0].replace(/^Basic /, ""))).toBe(`me:${FORWARDER_PASSWORD}`);
    await Bun.sleep(300); // the refusal is recorded as the last result
    for (const p of [`/updater_hostconfig_overview/${hostId}/`, `/host/${hostId}/`, "/overview/", "/admin/services"]) {
      const r = await web.get(p);
      seen.push([`page ${p}`, r.body]);
    }
    await web.submit("/account/logout", {}, "/account/profile");
    for (const args of [["tsig", "list"], ["tsig", "list", "--json"], ["host", "list", "--json"], ["domain", "list", "--json"], ["user", "list", "--json"], ["domain", "check", world.zone, "--json"]]) {
      const r = await world.run(...args);
      seen.push([`updns ${args.join(" ")}`, r.stdout + r.stderr]);
    }
  }, 30_000);

  test("no secret appears in the server's output, /metrics, any page or any CLI listing", async () => {
    seen.push(["server output (debug)", world.server.output()]);
    const secrets: [string, string][] = [
      ...[...world.hosts, fwdHost].map((h) => [`update secret of ${h.fqdn}`, h.secret] as [string, string]),
      ["a wrong update secret", wrongSecret],
      ["TSIG transfer key", world.xfer.secret],
      ["TSIG update key", world.updateKeySecret],
      ["staff password", PASSWORD],
      ["forwarder password", FORWARDER_PASSWORD],
    ];
    const leaks: string[] = [];
    for (const [what, secret] of secrets)
      for (const [where, text] of seen) {
        // Also URL-encoded and base64 forms (Basic auth carries the secret base64-encoded).
        const forms = [secret, encodeURIComponent(secret), btoa(secret).replace(/=+$/, "")];
        if (forms.some((f) => text.includes(f))) leaks.push(`${what} in ${where}`);
      }
    console.log(`secrets: ${secrets.length} secrets looked for in ${seen.length} outputs (${seen.reduce((n, [, t]) => n + t.length, 0)} characters), ${leaks.length} found`);
    expect(leaks).toEqual([]);
  });

  test("TSIG secrets and the forwarder password are stored sealed: the database files alone reveal none of them", () => {
    // UPDATE and AXFR with these keys worked above, and the forwarder sent its password: the server opens them.
    const path = join(world.server.dataDir, "updns.sqlite3");
    const dump = Bun.spawnSync(["sqlite3", "-readonly", path, ".dump"]).stdout.toString();
    expect(dump).toContain("INSERT INTO tsig_keys");
    const files = [path, path + "-wal"].filter((f) => existsSync(f)).map((f) => [f, readFileSync(f)] as const);
    const found: string[] = [];
    for (const [what, secret] of [["TSIG transfer key", world.xfer.secret], ["TSIG update key", world.updateKeySecret], ["forwarder password", FORWARDER_PASSWORD]]) {
      // The base64 text and, for TSIG, the key bytes it stands for.
      const forms = [Buffer.from(secret), ...(what.startsWith("TSIG") ? [Buffer.from(secret, "base64")] : [])];
      for (const form of forms) {
        if (dump.includes(form.toString("latin1"))) found.push(`${what} in the dump`);
        for (const [file, bytes] of files) if (bytes.includes(form)) found.push(`${what} in ${file}`);
      }
    }
    expect(found).toEqual([]);
  });

  test("update secrets, session tokens and one-time tokens are stored only as hashes", async () => {
    const db = new Database(join(world.server.dataDir, "updns.sqlite3"), { readonly: true });
    try {
      const hosts = db.query("SELECT update_secret FROM hosts").all() as { update_secret: string }[];
      expect(hosts.length).toBe(3);
      for (const h of hosts) {
        expect(h.update_secret).toMatch(/^\$argon2id\$|^\$/);
        for (const w of [...world.hosts, fwdHost]) expect(h.update_secret).not.toContain(w.secret);
      }
      const sessions = db.query("SELECT id_hash FROM sessions").all() as { id_hash: string }[];
      for (const s of sessions) expect(s.id_hash).toMatch(/^[0-9a-f]{64}$/);
      // The first-run setup link was printed (on purpose, for the operator); the database keeps its hash.
      const token = world.server.setupUrl?.split("/").pop();
      const tokens = db.query("SELECT token_hash FROM user_tokens").all() as { token_hash: string }[];
      for (const t of tokens) {
        expect(t.token_hash).toMatch(/^[0-9a-f]{64}$/);
        if (token) expect(t.token_hash).not.toBe(token);
      }
      const users = db.query("SELECT password_hash FROM users WHERE username = 'boss'").get() as { password_hash: string };
      expect(users.password_hash).toMatch(/^\$argon2id\$/);
      const dump = JSON.stringify(db.query("SELECT * FROM hosts").all()) + JSON.stringify(db.query("SELECT * FROM users").all()) + JSON.stringify(db.query("SELECT * FROM sessions").all());
      expect(dump).not.toContain(PASSWORD);
    } finally {
      db.close();
    }
  });
});
