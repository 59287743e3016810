// Real secondaries on loopback: BIND (named), NSD and Knot, each on its own free port in a temp folder,
// in the foreground, transferring one zone from our primary with a TSIG key. Killed by stop().
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { collectOutput, nsdServerClause, stopProcess } from "./daemon.ts";
import { freePort, tempDir, waitFor, which } from "./net.ts";
import { dig } from "./dig.ts";
import { listenDns, Notifier, Responder } from "../../src/dns/server/index.ts";
import { tsigKeyFromBase64 } from "../../src/dns/wire/index.ts";
import type { ZoneStore } from "../../src/dns/zone/index.ts";

export type SecondaryKind = "bind" | "nsd" | "knot";

export interface TransferKey {
  name: string;
  algorithm: string; // "hmac-sha256"
  secret: string; // base64
}

export interface Secondary {
  kind: SecondaryKind;
  port: number;
  /** Everything the daemon wrote to stdout and stderr so far. */
  log(): string;
  /** The A records the secondary serves for `name` ([] when it does not answer it). */
  addresses(name: string): Promise<string[]>;
  stop(): Promise<void>;
}

export const SECONDARY_PROGRAMS: Record<SecondaryKind, string> = { bind: "named", nsd: "nsd", knot: "knotd" };

// Each config is the README's "Adding secondaries" snippet, with ports and paths: the primary is named by
// its address alone, and NOTIFY is accepted only from that address (BIND: from its primaries).
function bindConf(dir: string, port: number, zone: string, primary: string, primaryPort: number, key: TransferKey | null): string {
  return `
options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  notify no;
  allow-query { any; };
  dnssec-validation no;
  serial-query-rate 1000;
};
${key ? `key "${key.name}" { algorithm ${key.algorithm}; secret "${key.secret}"; };` : ""}
controls { };
zone "${zone}" {
  type secondary;
  primaries port ${primaryPort} { ${primary}${key ? ` key "${key.name}"` : ""}; };
  file "${dir}/${zone}.db";
};
`;
}

function nsdConf(dir: string, port: number, zone: string, primary: string, primaryPort: number, key: TransferKey | null): string {
  return `
${nsdServerClause(dir, port)}  verbosity: 5
  server-count: 1
  rrl-ratelimit: 0
  xfrd-reload-timeout: 0
remote-control:
  control-enable: no
${key ? `key:\n  name: "${key.name}"\n  algorithm: ${key.algorithm}\n  secret: "${key.secret}"\n` : ""}
zone:
  name: "${zone}"
  zonefile: "${zone}.zone"
  request-xfr: ${primary}@${primaryPort} ${key ? key.name : "NOKEY"}
  allow-notify: ${primary} ${key ? key.name : "NOKEY"}
`;
}

/** The part of a knot.conf every test secondary shares: its own port, run dir, control socket and storage. */
function knotServerSection(dir: string, port: number): string {
  return `
server:
  listen: 127.0.0.1@${port}
  rundir: "${dir}"
  pidfile: "${dir}/knot.pid"
control:
  listen: "${dir}/knot.sock"
log:
  - target: stderr
    any: info
database:
  storage: "${dir}"`;
}

function knotConf(dir: string, port: number, zone: string, primary: string, primaryPort: number, key: TransferKey | null): string {
  return `${knotServerSection(dir, port)}
${key ? `key:\n  - id: ${key.name}\n    algorithm: ${key.algorithm}\n    secret: ${key.secret}\n` : ""}
remote:
  - id: primary
    address: ${primary}@${primaryPort}
${key ? `    key: ${key.name}\n` : ""}
acl:
  - id: notify_from_primary
    address: ${primary}
${key ? `    key: ${key.name}\n` : ""}    action: notify
template:
  - id: default
    storage: "${dir}"
zone:
  - domain: ${zone}
    master: primary
    acl: notify_from_primary
`;
}

/** Start one secondary of `zone` pulling from primary@primaryPort (127.0.0.1 by default), signed with `key` (or unsigned). */
export async function startSecondary(kind: SecondaryKind, zone: string, primaryPort: number, key: TransferKey | null, primary = "127.0.0.1"): Promise<Secondary> {
  const bin = which(SECONDARY_PROGRAMS[kind]);
  if (!bin) throw new Error(`${SECONDARY_PROGRAMS[kind]} is not installed`);
  const dir = tempDir(`updns-${kind}-`);
  const port = await freePort();
  const conf = join(dir.path, `${kind}.conf`);
  let cmd: string[];
  if (kind === "bind") {
    writeFileSync(conf, bindConf(dir.path, port, zone, primary, primaryPort, key));
    cmd = [bin, "-g", "-d", "3", "-c", conf, "-p", String(port), "-n", "1"];
  } else if (kind === "nsd") {
    writeFileSync(conf, nsdConf(dir.path, port, zone, primary, primaryPort, key));
    cmd = [bin, "-d", "-c", conf];
  } else {
    writeFileSync(conf, knotConf(dir.path, port, zone, primary, primaryPort, key));
    cmd = [bin, "-c", conf];
  }
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", cwd: dir.path });
  const out = collectOutput(proc);
  const sec: Secondary = {
    kind,
    port,
    log: out,
    async addresses(name: string) {
      const d = await dig("127.0.0.1", port, name, "A");
      return d.status === "NOERROR" ? d.answer.filter((l) => l.split(" ")[3] === "A").map((l) => l.split(" ")[4]) : [];
    },
    async stop() {
      await stopProcess(proc);
      dir.cleanup();
    },
  };
  // Ready when it answers at all (REFUSED/SERVFAIL are fine here: the zone may not be loaded yet).
  try {
    await waitFor(`${kind} to listen on ${port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`${kind} exited: ${out().slice(-2000)}`);
      const d = await dig("127.0.0.1", port, zone, "SOA");
      return d.status !== "NO-ANSWER";
    }, 10_000, 100);
  } catch (e) {
    await sec.stop();
    throw e;
  }
  return sec;
}

/** Our primary (Responder + listener + Notifier) of one zone, with real secondaries it NOTIFYs. */
export interface PrimaryWithSecondaries {
  /** The primary's DNS port on 127.0.0.1. */
  port: number;
  responder: Responder;
  secondaries: Partial<Record<SecondaryKind, Secondary>>;
  /** Stops the notifier, the secondaries, then the listener. */
  stop(): Promise<void>;
}

/**
 * Serves `zone` out of `store` on a free loopback port and starts one secondary of each kind, each with its
 * own transfer key (so the transfer log tells them apart). The ACL first allows the keys to transfer, and
 * names the secondaries as NOTIFY targets once their ports are known.
 */
export async function serveToSecondaries(store: ZoneStore, zone: string, keys: Record<SecondaryKind, TransferKey>, kinds: SecondaryKind[]): Promise<PrimaryWithSecondaries> {
  const port = await freePort();
  const responder = new Responder({ store, keys: kinds.map((k) => tsigKeyFromBase64(keys[k].name, keys[k].algorithm, keys[k].secret)) });
  const listener = await listenDns({ listen: [`127.0.0.1:${port}`], responder });
  const transferKeys = kinds.map((k) => keys[k].name);
  responder.setAcl({ [zone]: { transferKeys, transferAddresses: [], notify: [] } });
  const secondaries: Partial<Record<SecondaryKind, Secondary>> = {};
  let notifier: Notifier | undefined;
  const stop = async () => {
    await notifier?.stop();
    await Promise.all(Object.values(secondaries).map((s) => s?.stop()));
    await listener.stop();
  };
  try {
    const started = await Promise.all(kinds.map((k) => startSecondary(k, zone, port, keys[k])));
    for (const s of started) secondaries[s.kind] = s;
    responder.setAcl({ [zone]: { transferKeys, transferAddresses: [], notify: started.map((s) => ({ address: "127.0.0.1", port: s.port, key: keys[s.kind].name })) } });
    notifier = new Notifier({ store, targets: (z) => responder.notifyTargets(z), lookupKey: responder.lookupKey, counters: responder.counters, firstTimeoutMs: 300 });
    notifier.start();
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, responder, secondaries, stop };
}

// ---- catalog zones (RFC 9432): a secondary that learns its zones from a catalog ----

export type CatalogConsumerKind = "bind" | "knot";

export interface CatalogConsumerOptions {
  /** The catalog zone's name, e.g. catalog.invalid. */
  catalog: string;
  primaryPort: number;
  key: TransferKey;
  /** The port to listen on (known beforehand, so the primary can name it as a NOTIFY target). */
  port: number;
}

/**
 * BIND's catalog-zones statement, exactly as the README shows it: the catalog is a secondary zone, and its
 * member zones are transferred from the default primaries with the same key. Nothing per member zone.
 */
export function bindCatalogConf(dir: string, o: CatalogConsumerOptions): string {
  return `
options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  listen-on port ${o.port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  notify no;
  allow-query { any; };
  dnssec-validation no;
  allow-new-zones yes;
  catalog-zones {
    zone "${o.catalog}" default-primaries port ${o.primaryPort} { 127.0.0.1 key "${o.key.name}"; } min-update-interval 1;
  };
};
key "${o.key.name}" { algorithm ${o.key.algorithm}; secret "${o.key.secret}"; };
controls { };
zone "${o.catalog}" {
  type secondary;
  primaries port ${o.primaryPort} { 127.0.0.1 key "${o.key.name}"; };
  file "${dir}/${o.catalog}.db";
  allow-notify { 127.0.0.1; };
};
`;
}

/** Knot's second catalog-template: a member whose catalog group names it is configured by it (knot.conf(5)). */
export const KNOT_GROUP_TEMPLATE = "group-b";

/** Knot's catalog role "interpret": member zones are made from the catalog-template, with its primary and ACL. */
export function knotCatalogConf(dir: string, o: CatalogConsumerOptions): string {
  return `${knotServerSection(dir, o.port)}
key:
  - id: ${o.key.name}
    algorithm: ${o.key.algorithm}
    secret: ${o.key.secret}
remote:
  - id: updns
    address: 127.0.0.1@${o.primaryPort}
    key: ${o.key.name}
acl:
  - id: notify_from_updns
    address: 127.0.0.1
    key: ${o.key.name}
    action: notify
template:
  - id: default
    storage: "${dir}"
  - id: catalog-member
    storage: "${dir}"
    master: updns
    acl: notify_from_updns
  # Members whose catalog group (RFC 9432 §4.4.2) is "${KNOT_GROUP_TEMPLATE}": their zone files go below ${KNOT_GROUP_TEMPLATE}/.
  - id: ${KNOT_GROUP_TEMPLATE}
    storage: "${dir}/${KNOT_GROUP_TEMPLATE}"
    master: updns
    acl: notify_from_updns
zone:
  - domain: ${o.catalog}
    master: updns
    acl: notify_from_updns
    catalog-role: interpret
    catalog-template: [ catalog-member, ${KNOT_GROUP_TEMPLATE} ]
`;
}

export interface CatalogConsumer {
  kind: CatalogConsumerKind;
  port: number;
  /** Its working directory (Knot writes the member zones' files there). */
  dir: string;
  log(): string;
  /** The SOA serial the consumer serves for `zone`, or null when it does not serve it. */
  serial(zone: string): Promise<number | null>;
  stop(): Promise<void>;
}

/** Start BIND or Knot as a consumer of the catalog at 127.0.0.1@primaryPort, on `port`. */
export async function startCatalogConsumer(kind: CatalogConsumerKind, o: CatalogConsumerOptions): Promise<CatalogConsumer> {
  const bin = which(SECONDARY_PROGRAMS[kind]);
  if (!bin) throw new Error(`${SECONDARY_PROGRAMS[kind]} is not installed`);
  const dir = tempDir(`updns-catalog-${kind}-`);
  const conf = join(dir.path, `${kind}.conf`);
  if (kind === "knot") mkdirSync(join(dir.path, KNOT_GROUP_TEMPLATE));
  writeFileSync(conf, kind === "bind" ? bindCatalogConf(dir.path, o) : knotCatalogConf(dir.path, o));
  const cmd = kind === "bind" ? [bin, "-g", "-d", "3", "-c", conf, "-p", String(o.port), "-n", "1"] : [bin, "-c", conf];
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", cwd: dir.path });
  const out = collectOutput(proc);
  const consumer: CatalogConsumer = {
    kind,
    port: o.port,
    dir: dir.path,
    log: out,
    async serial(zone: string) {
      const d = await dig("127.0.0.1", o.port, zone, "SOA");
      const soa = d.status === "NOERROR" && d.flags.includes("aa") ? d.answer.find((l) => l.split(" ")[3] === "SOA") : undefined;
      return soa ? Number(soa.split(" ")[6]) : null;
    },
    async stop() {
      await stopProcess(proc);
      dir.cleanup();
    },
  };
  try {
    await waitFor(`${kind} to listen on ${o.port}`, async () => {
      if (proc.exitCode !== null) throw new Error(`${kind} exited: ${out().slice(-2000)}`);
      return (await dig("127.0.0.1", o.port, o.catalog, "SOA")).status !== "NO-ANSWER";
    }, 10_000, 100);
  } catch (e) {
    await consumer.stop();
    throw e;
  }
  return consumer;
}
