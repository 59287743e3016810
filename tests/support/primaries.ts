// Real RFC 2136 primaries for tests: BIND (named) and Knot (knotd), each on its own free loopback port
// with a temp dir, one zone (dyn.example.test), one TSIG key per algorithm, and an update policy that
// lets every key change the zone except the name "www" (so refusals can be tested).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { dig } from "./dig.ts";
import { collectOutput, stopProcess, waitForZone } from "./daemon.ts";
import { freePort, tempDir, which } from "./net.ts";

export const PRIMARY_ZONE = "dyn.example.test";
/** The name every key is denied (update policy), to test REFUSED. */
export const DENIED_NAME = `www.${PRIMARY_ZONE}`;

export const PRIMARY_ALGORITHMS = ["hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512"] as const;
export type PrimaryAlgorithm = (typeof PRIMARY_ALGORITHMS)[number];

export interface PrimaryKey {
  name: string;
  algorithm: PrimaryAlgorithm;
  secret: string; // base64
}

/** Fresh random keys, one per algorithm, named "<algorithm>.updns-test". */
export function makeKeys(): PrimaryKey[] {
  return PRIMARY_ALGORITHMS.map((algorithm) => ({
    name: `${algorithm}.updns-test`,
    algorithm,
    secret: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64"),
  }));
}

export interface RunningPrimary {
  kind: "bind" | "knot" | "pdns";
  host: string;
  port: number;
  zone: string;
  keys: PrimaryKey[];
  key(algorithm: PrimaryAlgorithm): PrimaryKey;
  /** dig's view of (name, type) on this primary: the rdata values. */
  lookup(name: string, type: string): Promise<string[]>;
  stop(): Promise<void>;
}

export interface PrimaryOptions {
  /** Extra zone-file lines (relative names), e.g. to make a zone big enough for a multi-message AXFR. */
  records?: string[];
  /** Knot: UPDATEs are allowed only from this address (with a key), as an operator's ACL may say. */
  updateFrom?: string;
}

/**
 * The values the primary serves for (name, type). dig gives up after 2 s; on a loaded machine a query may
 * go unanswered, which is not "no such record": it is asked again (up to 3 times), and a primary that never
 * answers is an error, not an empty list.
 */
async function servedValues(port: number, name: string, type: string): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    const r = await dig("127.0.0.1", port, name, type);
    if (r.status !== "NO-ANSWER") return r.answer.filter((l) => l.split(" ")[3] === type).map((l) => l.split(" ").slice(4).join(" "));
    if (attempt === 3) throw new Error(`the primary on port ${port} did not answer ${name} ${type} (3 tries)`);
  }
}

function zoneFile(o: PrimaryOptions = {}): string {
  return [
    `$ORIGIN ${PRIMARY_ZONE}.`,
    `$TTL 60`,
    `@ IN SOA ns1 hostmaster 1 3600 600 86400 60`,
    `@ IN NS ns1`,
    `ns1 IN A 127.0.0.1`,
    `www IN A 192.0.2.80`,
    ...(o.records ?? []),
    ``,
  ].join("\n");
}

async function startProcess(kind: RunningPrimary["kind"], cmd: string[], port: number, dir: { path: string; cleanup: () => void }, keys: PrimaryKey[]): Promise<RunningPrimary> {
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", cwd: dir.path });
  const output = collectOutput(proc, 20000);
  const stop = async () => {
    if (process.env.PRIMARY_LOG) console.log(output());
    await stopProcess(proc);
    dir.cleanup();
  };
  try {
    await waitForZone(kind, proc, output, port, PRIMARY_ZONE, 15000, 100);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n--- ${kind} output ---\n${output().slice(-3000)}`);
  }
  return {
    kind,
    host: "127.0.0.1",
    port,
    zone: PRIMARY_ZONE,
    keys,
    key: (a) => keys.find((k) => k.algorithm === a)!,
    lookup: (name, type) => servedValues(port, name, type),
    stop,
  };
}

/** BIND 9 in the foreground (-g), no rndc channel, journals in the temp dir. */
export async function startBind(keys: PrimaryKey[] = makeKeys(), o: PrimaryOptions = {}): Promise<RunningPrimary> {
  const named = which("named");
  if (!named) throw new Error("named is not installed");
  const dir = tempDir("updns-bind-");
  const port = await freePort();
  writeFileSync(join(dir.path, `${PRIMARY_ZONE}.zone`), zoneFile(o));
  const keyBlocks = keys.map((k) => `key "${k.name}" { algorithm ${k.algorithm}; secret "${k.secret}"; };`).join("\n");
  // First matching rule wins (BIND ARM, update-policy): deny www before granting the zone.
  const policy = keys.map((k) => `deny "${k.name}" name ${DENIED_NAME}. ANY;`).concat(keys.map((k) => `grant "${k.name}" subdomain ${PRIMARY_ZONE}. ANY;`)).join("\n    ");
  writeFileSync(
    join(dir.path, "named.conf"),
    `options {
  directory "${dir.path}";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  pid-file "${dir.path}/named.pid";
  session-keyfile "${dir.path}/session.key";
  managed-keys-directory "${dir.path}";
  recursion no;
  notify no;
  dnssec-validation no;
};
controls { };
${keyBlocks}
zone "${PRIMARY_ZONE}" {
  type primary;
  file "${dir.path}/${PRIMARY_ZONE}.zone";
  allow-transfer { ${keys.map((k) => `key "${k.name}";`).join(" ")} };
  update-policy {
    ${policy}
  };
};
`,
  );
  return startProcess("bind", [named, "-g", "-c", join(dir.path, "named.conf"), "-p", String(port), "-n", "1"], port, dir, keys);
}

/** Knot DNS in the foreground, storage and control socket in the temp dir. */
export async function startKnot(keys: PrimaryKey[] = makeKeys(), o: PrimaryOptions = {}): Promise<RunningPrimary> {
  const knotd = which("knotd");
  if (!knotd) throw new Error("knotd is not installed");
  const dir = tempDir("updns-knot-");
  const port = await freePort();
  writeFileSync(join(dir.path, `${PRIMARY_ZONE}.zone`), zoneFile(o));
  const keyIds = keys.map((k) => k.name).join(", ");
  writeFileSync(
    join(dir.path, "knot.conf"),
    `server:
  listen: 127.0.0.1@${port}
  rundir: "${dir.path}"
  user: root:root
  udp-workers: 1
  tcp-workers: 1
  background-workers: 1
control:
  listen: "${dir.path}/knot.sock"
log:
  - target: stderr
    any: info
database:
  storage: "${dir.path}"
key:
${keys.map((k) => `  - id: ${k.name}\n    algorithm: ${k.algorithm}\n    secret: ${k.secret}`).join("\n")}
acl:
  # ACL rules are tried in order and the first match decides: deny www, then allow the rest.
  - id: deny_www
    key: [${keyIds}]
    action: update
    update-owner: name
    update-owner-match: equal
    update-owner-name: [www]
    deny: on
  - id: allow_update
${o.updateFrom ? `    address: ${o.updateFrom}\n` : ""}    key: [${keyIds}]
    action: update
  - id: allow_transfer
    key: [${keyIds}]
    action: transfer
zone:
  - domain: ${PRIMARY_ZONE}
    storage: "${dir.path}"
    file: "${PRIMARY_ZONE}.zone"
    zonefile-sync: -1
    zonefile-load: difference-no-serial
    journal-content: all
    acl: [deny_www, allow_update, allow_transfer]
`,
  );
  return startProcess("knot", [knotd, "-c", join(dir.path, "knot.conf")], port, dir, keys);
}

/**
 * PowerDNS Authoritative with the sqlite3 backend and dnsupdate=yes. Keys go in with pdnsutil; the
 * deny-www policy is a Lua update policy (lua-dnsupdate-policy-script), which also requires a TSIG key.
 */
export async function startPowerDns(keys: PrimaryKey[] = makeKeys(), o: PrimaryOptions = {}): Promise<RunningPrimary> {
  const pdns = which("pdns_server");
  const pdnsutil = which("pdnsutil");
  if (!pdns || !pdnsutil) throw new Error("pdns_server / pdnsutil are not installed");
  const dir = tempDir("updns-pdns-");
  const port = await freePort();
  const schema = ["/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql", "/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql"].find((f) => Bun.file(f).size > 0);
  if (!schema) throw new Error("the PowerDNS sqlite3 schema is not installed (pdns-backend-sqlite3)");
  const { Database } = await import("bun:sqlite");
  const db = new Database(join(dir.path, "pdns.sqlite3"));
  db.exec(await Bun.file(schema).text());
  db.close();
  writeFileSync(
    join(dir.path, "policy.lua"),
    `function updatepolicy(input)
  if input:getQName():equal("${DENIED_NAME}.") then return false end
  return input:getTsigName():countLabels() > 0
end
`,
  );
  writeFileSync(
    join(dir.path, "pdns.conf"),
    [
      "launch=gsqlite3",
      `gsqlite3-database=${dir.path}/pdns.sqlite3`,
      "local-address=127.0.0.1",
      `local-port=${port}`,
      "dnsupdate=yes",
      "allow-dnsupdate-from=127.0.0.0/8",
      `lua-dnsupdate-policy-script=${dir.path}/policy.lua`,
      `socket-dir=${dir.path}`,
      "daemon=no",
      "guardian=no",
      "disable-syslog=yes",
      "loglevel=4",
      "distributor-threads=1",
      "receiver-threads=1",
      "cache-ttl=0",
      "query-cache-ttl=0",
      "negquery-cache-ttl=0",
      "zone-cache-refresh-interval=0",
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir.path, `${PRIMARY_ZONE}.zone`), zoneFile(o));
  const util = async (...args: string[]) => {
    const p = Bun.spawn([pdnsutil, `--config-dir=${dir.path}`, ...args], { stdout: "pipe", stderr: "pipe" });
    const [out, err] = [await new Response(p.stdout).text(), await new Response(p.stderr).text()];
    if ((await p.exited) !== 0) throw new Error(`pdnsutil ${args.join(" ")} failed: ${err || out}`);
  };
  try {
    await util("load-zone", PRIMARY_ZONE, join(dir.path, `${PRIMARY_ZONE}.zone`));
    for (const k of keys) await util("import-tsig-key", k.name, k.algorithm, k.secret);
    await util("set-meta", PRIMARY_ZONE, "TSIG-ALLOW-DNSUPDATE", ...keys.map((k) => k.name));
  } catch (e) {
    dir.cleanup();
    throw e;
  }
  return startProcess("pdns", [pdns, `--config-dir=${dir.path}`], port, dir, keys);
}
