// ACME test support: a data dir seeded with embedded zones and accounts, updns in-process over it, and a
// local ACME CA (Debian's pebble) on loopback that resolves challenges from updns's DNS listener.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openDatabase, type Db } from "../../src/db/index.ts";
import { addEmbeddedZone } from "../../src/core/admin/domains.ts";
import { createUser } from "../../src/core/admin/users.ts";
import { SqliteZoneStorage } from "../../src/backends/embedded/index.ts";
import { ZoneStore } from "../../src/dns/zone/index.ts";
import { freePort, tempDir, waitFor, which } from "./net.ts";
import { startInProcess, type InProcess } from "./updns.ts";

/** Creates embedded zones (and optional users) in `dataDir`'s database, the way `updns domain add` does. */
export async function seedData(dataDir: string, opts: { zones: string[]; users?: { username: string; password: string; staff?: boolean }[] }): Promise<void> {
  const db: Db = openDatabase(join(dataDir, "updns.sqlite3"), { synchronous: "NORMAL", migrate: true });
  try {
    for (const u of opts.users ?? []) await createUser(db, { username: u.username, email: `${u.username}@example.test`, password: u.password, staff: u.staff });
    for (const zone of opts.zones) {
      await addEmbeddedZone(db, { name: zone, ns: [`ns1.${zone}`] }, async (z) => {
        const store = await ZoneStore.open(new SqliteZoneStorage(db, [z.name]));
        await store.createZone({ name: z.name, serialScheme: z.serialScheme, soa: { mname: `${z.soa.mname}.`, rname: `${z.soa.rname}.` }, ns: z.ns.map((n) => `${n}.`) });
      });
    }
  } finally {
    db.$client.close();
  }
}

export interface AcmeWorld {
  server: InProcess;
  dataDir: string;
  close(): Promise<void>;
}

/** updns in-process with `zones` seeded before it starts and `env` (UPDNS_*) overrides. */
export async function startAcmeWorld(opts: { zones: string[]; users?: { username: string; password: string; staff?: boolean }[]; env?: Record<string, string> }): Promise<AcmeWorld> {
  const dir = tempDir("updns-acme-");
  await seedData(dir.path, opts);
  // A DNS port free for both UDP and TCP: with port 0 the listener takes UDP's pick for TCP too, which
  // another socket may hold (then startServer fails with "address already in use"); retry on a new port.
  let server: InProcess | undefined;
  for (let attempt = 1; !server; attempt++) {
    try {
      server = await startInProcess({ UPDNS_DNS_LISTEN: `127.0.0.1:${await freePort()}`, ...opts.env, UPDNS_SERVER_DATA_DIR: dir.path });
    } catch (e) {
      if (attempt >= 3 || !/already in use/.test((e as Error).message)) throw e;
    }
  }
  return {
    server: server!,
    dataDir: dir.path,
    async close() {
      await server!.close();
      dir.cleanup();
    },
  };
}

async function run(cmd: string[], cwd?: string): Promise<string> {
  const p = Bun.spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = [await new Response(p.stdout).text(), await new Response(p.stderr).text(), await p.exited];
  if (code !== 0) throw new Error(`${cmd.join(" ")} failed (${code}): ${err}${out}`);
  return out;
}

export interface Pebble {
  /** The ACME directory URL. */
  directory: string;
  /** PEM of the CA that signed pebble's HTTPS certificate (for LEGO_CA_CERTIFICATES, REQUESTS_CA_BUNDLE). */
  tlsCaFile: string;
  /** Fetches pebble's current issuing root (PEM), to verify issued chains. */
  rootPem(): Promise<string>;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Debian's pebble on loopback with a throw-away TLS certificate (the package ships none), no artificial
 * sleeps, no rejected nonces, and every challenge resolved at `dnsServer` (updns's DNS listener).
 */
export async function startPebble(dnsServer: string): Promise<Pebble> {
  const dir = tempDir("updns-pebble-");
  const d = dir.path;
  // A CA and a localhost/127.0.0.1 certificate signed by it: clients trust the CA file.
  await run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=updns test CA", "-keyout", "ca.key", "-out", "ca.pem"], d);
  await run(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost", "-keyout", "key.pem", "-out", "cert.csr"], d);
  writeFileSync(join(d, "ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
  await run(["openssl", "x509", "-req", "-in", "cert.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "cert.pem"], d);
  const [port, mgmt, http, tls] = [await freePort(), await freePort(), await freePort(), await freePort()];
  mkdirSync(join(d, "run"), { recursive: true });
  writeFileSync(
    join(d, "pebble.json"),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${port}`,
        managementListenAddress: `127.0.0.1:${mgmt}`,
        certificate: join(d, "cert.pem"),
        privateKey: join(d, "key.pem"),
        httpPort: http,
        tlsPort: tls,
        ocspResponderURL: "",
        externalAccountBindingRequired: false,
      },
    }),
  );
  let out = "";
  const proc = Bun.spawn([which("pebble") ?? "pebble", "-config", join(d, "pebble.json"), "-dnsserver", dnsServer, "-strict"], {
    cwd: d,
    env: { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0", PEBBLE_AUTHZREUSE: "0" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const drain = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) out += new TextDecoder().decode(chunk);
  };
  void drain(proc.stdout);
  void drain(proc.stderr);
  const directory = `https://127.0.0.1:${port}/dir`;
  const mgmtUrl = `https://127.0.0.1:${mgmt}`;
  const tlsOpt = { tls: { ca: await Bun.file(join(d, "ca.pem")).text() } } as RequestInit;
  try {
    await waitFor("pebble to listen", async () => ((await fetch(directory, tlsOpt).catch(() => null))?.ok ? true : null), 15_000);
  } catch (e) {
    proc.kill();
    throw new Error(`${(e as Error).message}\n${out}`);
  }
  return {
    directory,
    tlsCaFile: join(d, "ca.pem"),
    rootPem: async () => (await fetch(`${mgmtUrl}/roots/0`, tlsOpt)).text(),
    output: () => out,
    async stop() {
      proc.kill();
      await proc.exited;
      dir.cleanup();
    },
  };
}

/** The DNS names of a PEM certificate's subjectAltName (the leaf, first in the file). */
export async function certificateSans(pemFile: string): Promise<string[]> {
  const text = await run(["openssl", "x509", "-in", pemFile, "-noout", "-ext", "subjectAltName"]);
  return [...text.matchAll(/DNS:([^,\s]+)/g)].map((m) => m[1]).sort();
}

/** Whether the chain in `pemFile` verifies up to `rootPem` (pebble's root). */
export async function certificateVerifies(pemFile: string, rootPem: string, dir: string): Promise<boolean> {
  const root = join(dir, "pebble-root.pem");
  writeFileSync(root, rootPem);
  const p = Bun.spawn(["openssl", "verify", "-CAfile", root, "-untrusted", pemFile, pemFile], { stdout: "pipe", stderr: "pipe" });
  return (await p.exited) === 0;
}
