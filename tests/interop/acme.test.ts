// ACME DNS-01 end to end against a local CA: Debian's pebble validates every challenge by asking updns's
// DNS listener, and real clients get real certificates (a name and its wildcard) through each route —
// the acme-dns API, lego's rfc2136 provider, certbot's dns-rfc2136 plugin, and dyndns2 `txt=`
// driven by certbot's manual hooks and lego's exec provider. Debian's lego 4.9.1 is built without its acme-dns provider (debian/rules
// leaves acmedns out until goacmedns is packaged, Debian #968964): `lego --dns acme-dns` stops with
// "unrecognized DNS provider: acme-dns", though `lego dnshelp` still lists it. acme.sh is not packaged
// either. So the acme-dns route runs certbot with hooks that send acme.sh's requests, and lego's exec
// provider with a hook that sends goacmedns's (lego's acme-dns client): same method, headers and body.
// Afterwards the challenge TXT records are gone — except after goacmedns, which never deletes (acme-dns
// has no delete; updns's sweep removes the values after txt_lifetime).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run as updns } from "../../src/main.ts";
import { dig, rdata } from "../support/dig.ts";
import { havePeers, tempDir, waitFor } from "../support/net.ts";
import { certificateSans, certificateVerifies, startAcmeWorld, startPebble, type AcmeWorld, type Pebble } from "../support/acme.ts";

const ZONE = "example.test";
const ACME_ZONE = "acme.example.test";
const ok = havePeers("pebble", "lego", "certbot", "dig", "openssl", "curl", "nsupdate");

describe.skipIf(!ok)("ACME DNS-01 through updns, with pebble as the CA", () => {
  let w: AcmeWorld;
  let pebble: Pebble;
  const d = tempDir("updns-acme-clients-");
  let configFile = "";
  const resolver = () => `127.0.0.1:${w.server.dnsPort}`;

  /** updns's CLI, in this process, on the server's database (what an operator types). */
  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await updns([...args, "--config", configFile], { out: (t) => void (out += t + "\n"), err: (t) => void (err += t + "\n"), stdin: async () => "" });
    return { code, out, err };
  }

  const txtOf = async (name: string) => rdata(await dig("127.0.0.1", w.server.dnsPort, name, "TXT"), "TXT");

  async function exec(cmd: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
    const p = Bun.spawn(cmd, { cwd: d.path, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: d.path, ...env }, stdout: "pipe", stderr: "pipe" });
    const [o, e, code] = [await new Response(p.stdout).text(), await new Response(p.stderr).text(), await p.exited];
    return { code, out: o + e };
  }

  /** lego against pebble; returns the certificate file of the first domain. */
  async function lego(name: string, domains: string[], dns: string, env: Record<string, string>): Promise<string> {
    const path = join(d.path, `lego-${name}`);
    const r = await exec(
      ["lego", "--server", pebble.directory, "--accept-tos", "--email", "ops@example.test", "--path", path, "--dns", dns, "--dns.resolvers", resolver(), "--dns.disable-cp", "--dns-timeout", "5",
        ...domains.flatMap((x) => ["-d", x]), "run"],
      { LEGO_CA_CERTIFICATES: pebble.tlsCaFile, ...env },
    );
    if (r.code !== 0) throw new Error(`lego (${dns}) failed:\n${r.out}\n--- pebble:\n${pebble.output().slice(-3000)}`);
    return join(path, "certificates", `${domains[0].replace(/^\*/, "_")}.crt`);
  }

  beforeAll(async () => {
    w = await startAcmeWorld({
      zones: [ZONE, ACME_ZONE],
      users: [{ username: "ops", password: "correct horse battery", staff: true }],
      env: { UPDNS_ACME_DNS_ZONE: ACME_ZONE },
    });
    configFile = join(d.path, "updns.toml");
    writeFileSync(configFile, `[server]\ndata_dir = ${JSON.stringify(w.dataDir)}\n`);
    pebble = await startPebble(resolver());
  });

  afterAll(async () => {
    await pebble?.stop();
    await w?.close();
    d.cleanup();
  });

  /** A shell script for lego's exec provider (called as: script present|cleanup FQDN VALUE). */
  function script(name: string, body: string): string {
    const file = join(d.path, name);
    writeFileSync(file, `#!/bin/sh\nset -e\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  const gone = async (name: string) => (await txtOf(name)).length === 0;

  /** Waits until the running server knows a key the CLI just made: a query signed with it gets NOERROR. */
  async function keyServed(key: { name: string; secret: string }): Promise<void> {
    await waitFor(`the server to load key ${key.name}`, async () => (await dig("127.0.0.1", w.server.dnsPort, ZONE, "SOA", ["-y", `hmac-sha256:${key.name}:${key.secret}`])).status === "NOERROR", 5000, 100);
  }

  /** certbot against pebble; returns the certificate file. */
  async function certbot(name: string, domains: string[], args: string[], env: Record<string, string> = {}): Promise<string> {
    const cb = join(d.path, `certbot-${name}`);
    const r = await exec(
      ["certbot", "certonly", "--non-interactive", "--agree-tos", "--register-unsafely-without-email", "--server", pebble.directory,
        "--config-dir", join(cb, "config"), "--work-dir", join(cb, "work"), "--logs-dir", join(cb, "logs"), "--cert-name", name, ...args, ...domains.flatMap((x) => ["-d", x])],
      { REQUESTS_CA_BUNDLE: pebble.tlsCaFile, ...env },
    );
    if (r.code !== 0) throw new Error(`certbot (${name}) failed:\n${r.out}\n--- pebble:\n${pebble.output().slice(-3000)}`);
    // fullchain.pem: the leaf first, then pebble's intermediate.
    return join(cb, "config", "live", name, "fullchain.pem");
  }

  test("acme-dns API: certbot gets a name and its wildcard through hooks that send acme.sh's exact requests", async () => {
    const reg = await fetch(`${w.server.url}/acme-dns/register`, { method: "POST", headers: { authorization: `Basic ${btoa("ops:correct horse battery")}` } });
    expect(reg.status).toBe(201);
    const account = await reg.json();
    // What every acme-dns client tells the operator to do once: delegate the challenge name to the account.
    await w.server.zones.store.transaction(ZONE, (tx) => tx.replaceRRset(`_acme-challenge.www.${ZONE}`, "CNAME", 60, [`${account.fulldomain}.`]));
    // acme.sh's dns_acmedns_add, request for request: the JSON body goes with curl's default
    // form-urlencoded Content-Type, success is a body holding "<value>". Cleanup uses updns's delete
    // endpoint (acme-dns has none).
    const body = `body="{\\"subdomain\\":\\"$ACMEDNS_SUBDOMAIN\\", \\"txt\\": \\"$CERTBOT_VALIDATION\\"}"`;
    const headers = `-H "X-Api-User: $ACMEDNS_USERNAME" -H "X-Api-Key: $ACMEDNS_PASSWORD"`;
    const auth = script("acmedns-auth.sh", `${body}\ncurl -sS -f -X POST ${headers} --data "$body" "$ACMEDNS_BASE_URL/update" | grep -q "\\"$CERTBOT_VALIDATION\\""`);
    const cleanup = script("acmedns-cleanup.sh", `${body}\ncurl -sS -f -X DELETE ${headers} --data "$body" "$ACMEDNS_BASE_URL/update"`);
    let seen = 0;
    // certbot runs the hook for every name before it asks for validation, so the name's and the wildcard's
    // values (both at _acme-challenge.www) are up at once: acme-dns's two slots, here two of max_txt.
    const watcher = setInterval(async () => void (seen = Math.max(seen, (await txtOf(account.fulldomain)).length)), 100);
    try {
      const cert = await certbot("www", [`www.${ZONE}`, `*.www.${ZONE}`], ["--manual", "--preferred-challenges", "dns", "--manual-auth-hook", auth, "--manual-cleanup-hook", cleanup], {
        ACMEDNS_BASE_URL: `${w.server.url}/acme-dns`,
        ACMEDNS_USERNAME: account.username,
        ACMEDNS_PASSWORD: account.password,
        ACMEDNS_SUBDOMAIN: account.subdomain,
      });
      expect(await certificateSans(cert)).toEqual([`*.www.${ZONE}`, `www.${ZONE}`]);
      expect(await certificateVerifies(cert, await pebble.rootPem(), d.path)).toBe(true);
    } finally {
      clearInterval(watcher);
    }
    expect(seen).toBe(2);
    expect(await gone(account.fulldomain)).toBe(true);
  }, 120_000);

  test("acme-dns API: lego gets a name and its wildcard through an exec hook that sends goacmedns's requests", async () => {
    // Registration is staff-only here (the default), so the operator registers the account; lego's provider
    // would register one itself on first use (registration = "open"), then stop until the CNAME exists.
    const reg = await fetch(`${w.server.url}/acme-dns/register`, { method: "POST", headers: { authorization: `Basic ${btoa("ops:correct horse battery")}` } });
    expect(reg.status).toBe(201);
    const account = await reg.json();
    // The one-time CNAME lego's provider asks for, typed as an operator would.
    const cname = await cli("record", "add", ZONE, "_acme-challenge.app", "CNAME", `${account.fulldomain}.`);
    expect({ code: cname.code, err: cname.err }).toEqual({ code: 0, err: "" });
    await waitFor("the CNAME to be served", async () => rdata(await dig("127.0.0.1", w.server.dnsPort, `_acme-challenge.app.${ZONE}`, "CNAME"), "CNAME").length === 1, 5000, 100);
    // lego follows that CNAME and hands the hook the account's fulldomain (unused: the account says it).
    // goacmedns (lego 4.9.1's acme-dns client), request for request: POST <base>/update with JSON
    // Content-Type, its User-Agent, Go's field names as JSON keys, success only on 200. lego's acme-dns
    // CleanUp does nothing (acme-dns has no delete), so neither does the hook.
    const hook = script(
      "goacmedns.sh",
      `[ "$1" = present ] || exit 0
code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Content-Type: application/json" -H "User-Agent: goacmedns (linux; amd64)" \\
  -H "X-Api-User: $ACMEDNS_USERNAME" -H "X-Api-Key: $ACMEDNS_PASSWORD" --data "{\\"SubDomain\\":\\"$ACMEDNS_SUBDOMAIN\\",\\"Txt\\":\\"$3\\"}" "$ACMEDNS_BASE_URL/update")
[ "$code" = 200 ]`,
    );
    const cert = await lego("goacmedns", [`app.${ZONE}`, `*.app.${ZONE}`], "exec", {
      EXEC_PATH: hook,
      // lego's exec provider always solves one authorization at a time; no minute's pause between them.
      EXEC_SEQUENCE_INTERVAL: "1",
      EXEC_POLLING_INTERVAL: "1",
      ACMEDNS_BASE_URL: `${w.server.url}/acme-dns`,
      ACMEDNS_USERNAME: account.username,
      ACMEDNS_PASSWORD: account.password,
      ACMEDNS_SUBDOMAIN: account.subdomain,
    });
    expect(await certificateSans(cert)).toEqual([`*.app.${ZONE}`, `app.${ZONE}`]);
    // Without a delete both values stay (the sweep takes them after txt_lifetime): the second did not
    // evict the first, as acme-dns's two slots would not either.
    expect((await txtOf(account.fulldomain)).length).toBe(2);
  }, 60_000);

  test("RFC 2136: lego's rfc2136 provider with a key from 'updns tsig add --acme'", async () => {
    const add = await cli("tsig", "add", "lego-key", "--acme", ZONE, "--json");
    expect({ code: add.code, err: add.err }).toEqual({ code: 0, err: "" });
    const key = JSON.parse(add.out);
    expect(key.grants).toMatchObject([{ zone: ZONE, match: "acme", name: ZONE, types: "TXT" }]);
    // The running server takes the new key without a restart.
    await keyServed(key);
    const cert = await lego("rfc2136", [`mail.${ZONE}`, `*.mail.${ZONE}`], "rfc2136", {
      RFC2136_NAMESERVER: resolver(),
      RFC2136_TSIG_KEY: key.name,
      RFC2136_TSIG_SECRET: key.secret,
      RFC2136_TSIG_ALGORITHM: "hmac-sha256.",
      // lego's rfc2136 provider solves one authorization at a time; no need to pause a minute between them.
      RFC2136_SEQUENCE_INTERVAL: "1",
      RFC2136_POLLING_INTERVAL: "1",
    });
    expect(await certificateSans(cert)).toEqual([`*.mail.${ZONE}`, `mail.${ZONE}`]);
    expect(await gone(`_acme-challenge.mail.${ZONE}`)).toBe(true);
  }, 60_000);

  test("RFC 2136: certbot --dns-rfc2136 with the same kind of key", async () => {
    const add = await cli("tsig", "add", "certbot-key", "--acme", ZONE, "--json");
    expect({ code: add.code, err: add.err }).toEqual({ code: 0, err: "" });
    const key = JSON.parse(add.out);
    await keyServed(key);
    const ini = join(d.path, "rfc2136.ini");
    writeFileSync(ini, `dns_rfc2136_server = 127.0.0.1\ndns_rfc2136_port = ${w.server.dnsPort}\ndns_rfc2136_name = ${key.name}\ndns_rfc2136_secret = ${key.secret}\ndns_rfc2136_algorithm = HMAC-SHA256\n`);
    chmodSync(ini, 0o600);
    const cert = await certbot("cloud", [`cloud.${ZONE}`, `*.cloud.${ZONE}`], ["--dns-rfc2136", "--dns-rfc2136-credentials", ini, "--dns-rfc2136-propagation-seconds", "1"]);
    expect(await certificateSans(cert)).toEqual([`*.cloud.${ZONE}`, `cloud.${ZONE}`]);
    expect(await gone(`_acme-challenge.cloud.${ZONE}`)).toBe(true);
  }, 120_000);

  test("the ACME-scoped key can set nothing but challenge TXT records (nsupdate gets REFUSED)", async () => {
    const key = JSON.parse((await cli("tsig", "add", "scoped", "--acme", ZONE, "--json")).out);
    await keyServed(key);
    const nsupdate = async (line: string) => {
      const p = Bun.spawn(["nsupdate", "-y", `hmac-sha256:${key.name}:${key.secret}`], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
      p.stdin.write(`server 127.0.0.1 ${w.server.dnsPort}\nzone ${ZONE}\n${line}\nsend\n`);
      p.stdin.end();
      return { code: await p.exited, err: await new Response(p.stderr).text() };
    };
    expect((await nsupdate(`update add www.${ZONE} 60 A 192.0.2.1`)).err).toContain("REFUSED");
    expect((await nsupdate(`update add _acme-challenge.www.${ZONE} 60 CNAME elsewhere.example.`)).err).toContain("REFUSED");
    expect((await nsupdate(`update add x.${ZONE} 60 TXT "hello"`)).err).toContain("REFUSED");
    expect((await nsupdate(`update add _acme-challenge.deep.host.${ZONE} 60 TXT "token"`)).code).toBe(0);
    expect(await txtOf(`_acme-challenge.deep.host.${ZONE}`)).toEqual(['"token"']);
    expect((await nsupdate(`update delete _acme-challenge.deep.host.${ZONE} TXT "token"`)).code).toBe(0);
    // 'tsig grants' lists the scope; 'tsig grant' widens it on purpose, and refuses names outside our zones.
    expect(JSON.parse((await cli("tsig", "grants", "scoped", "--json")).out)).toMatchObject([{ key: "scoped", zone: ZONE, action: "grant", match: "acme", name: ZONE, types: "TXT" }]);
    const outside = await cli("tsig", "grant", "scoped", "www.example.net", "--types", "A");
    expect([outside.code, outside.err]).toEqual([1, 'updns: "www.example.net" is in no embedded zone of this server\n']);
    expect((await cli("tsig", "grant", "scoped", `www.${ZONE}`, "--match", "name", "--types", "A")).code).toBe(0);
    await waitFor("the widened grant", async () => (await nsupdate(`update add www.${ZONE} 60 A 192.0.2.1`)).code === 0, 5000, 100);
    expect(rdata(await dig("127.0.0.1", w.server.dnsPort, `www.${ZONE}`, "A"), "A")).toEqual(["192.0.2.1"]);
  }, 20_000);

  /** A host made as an operator does, with its update secret. */
  async function dyndnsHost(name: string): Promise<{ host: string; secret: string }> {
    const host = `${name}.${ZONE}`;
    const added = await cli("host", "add", host, "--owner", "ops", "--json");
    expect({ code: added.code, err: added.err }).toEqual({ code: 0, err: "" });
    return { host, secret: JSON.parse(added.out).update_secret };
  }

  test("dyndns2 txt=: certbot gets a name and its wildcard in one run, both challenges up before validation", async () => {
    const { host, secret } = await dyndnsHost("vpn");
    // The request a router-side script or a curl one-liner sends. certbot runs the auth hook for every
    // name before it asks for validation: the name's and the wildcard's values both sit at
    // _acme-challenge.<host> (RFC 8555 §8.4), so txt= must keep both. Cleanup's empty txt= deletes all.
    const auth = script("txt-auth.sh", `curl -sS -f -u "$DYN_HOST:$DYN_SECRET" "$DYN_URL/nic/update?hostname=$DYN_HOST&txt=$CERTBOT_VALIDATION" | grep -q "^good\\|^nochg"`);
    const cleanup = script("txt-cleanup.sh", `curl -sS -f -u "$DYN_HOST:$DYN_SECRET" "$DYN_URL/nic/update?hostname=$DYN_HOST&txt="`);
    let seen = 0;
    const watcher = setInterval(async () => void (seen = Math.max(seen, (await txtOf(`_acme-challenge.${host}`)).length)), 100);
    try {
      const cert = await certbot("vpn", [host, `*.${host}`], ["--manual", "--preferred-challenges", "dns", "--manual-auth-hook", auth, "--manual-cleanup-hook", cleanup], {
        DYN_URL: w.server.url,
        DYN_HOST: host,
        DYN_SECRET: secret,
      });
      expect(await certificateSans(cert)).toEqual([`*.${host}`, host]);
      expect(await certificateVerifies(cert, await pebble.rootPem(), d.path)).toBe(true);
    } finally {
      clearInterval(watcher);
    }
    // dig saw both values in the host's TXT RRset at once.
    expect(seen).toBe(2);
    expect(await gone(`_acme-challenge.${host}`)).toBe(true);
  }, 120_000);

  test("dyndns2 txt=: lego's exec provider gets a name and its wildcard the same way", async () => {
    const { host, secret } = await dyndnsHost("nas");
    const hook = script(
      "txt.sh",
      `case "$1" in
  present) curl -sS -f -u "$DYN_HOST:$DYN_SECRET" "$DYN_URL/nic/update?hostname=$DYN_HOST&txt=$3" | grep -q "^good\\|^nochg" ;;
  cleanup) curl -sS -f -u "$DYN_HOST:$DYN_SECRET" "$DYN_URL/nic/update?hostname=$DYN_HOST&txt=" ;;
esac`,
    );
    // lego's exec provider solves one authorization at a time; no minute's pause between them.
    const cert = await lego("txt", [host, `*.${host}`], "exec", { EXEC_PATH: hook, EXEC_SEQUENCE_INTERVAL: "1", EXEC_POLLING_INTERVAL: "1", DYN_URL: w.server.url, DYN_HOST: host, DYN_SECRET: secret });
    expect(await certificateSans(cert)).toEqual([`*.${host}`, host]);
    expect(await gone(`_acme-challenge.${host}`)).toBe(true);
  }, 60_000);
});
