// The secondary snippets of the domain page are real configurations: a full updns (serve's wiring) gets an
// embedded domain and a host through its web pages over HTTP, then BIND, NSD and Knot are started with the
// snippet as shown (plus their own server options), transfer the zone with the transfer key, and follow a
// later update of the host through NOTIFY.
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createUser } from "../../../src/core/admin/users.ts";
import { collectOutput, nsdServerClause, stopProcess } from "../../support/daemon.ts";
import { dig } from "../../support/dig.ts";
import { freePort, havePeers, tempDir, waitFor, which } from "../../support/net.ts";
import { startInProcess } from "../../support/updns.ts";
import { httpBrowser, preBlock as block } from "./harness.ts";

const run = havePeers("named", "nsd", "knotd", "dig");
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s();
});

type Kind = "bind" | "nsd" | "knot";
const SNIPPET: Record<Kind, number> = { bind: 0, knot: 1, nsd: 2 };

function baseConfig(kind: Kind, dir: string, port: number): string {
  if (kind === "bind")
    return `options {\n  directory "${dir}";\n  pid-file "${dir}/named.pid";\n  listen-on port ${port} { 127.0.0.1; };\n  listen-on-v6 { none; };\n  recursion no;\n  notify no;\n  dnssec-validation no;\n};\ncontrols { };\n`;
  if (kind === "nsd")
    return `${nsdServerClause(dir, port)}  server-count: 1\n  xfrd-reload-timeout: 0\nremote-control:\n  control-enable: no\n`;
  return `server:\n  listen: 127.0.0.1@${port}\n  rundir: "${dir}"\n  pidfile: "${dir}/knot.pid"\ncontrol:\n  listen: "${dir}/knot.sock"\nlog:\n  - target: stderr\n    any: info\ndatabase:\n  storage: "${dir}"\ntemplate:\n  - id: default\n    storage: "${dir}"\n`;
}

async function startDaemon(kind: Kind, snippet: string): Promise<{ port: number; log: () => string }> {
  const dir = tempDir(`updns-snippet-${kind}-`);
  const port = await freePort();
  const conf = join(dir.path, `${kind}.conf`);
  writeFileSync(conf, baseConfig(kind, dir.path, port) + "\n" + snippet);
  const cmd = kind === "bind" ? [which("named")!, "-g", "-c", conf, "-p", String(port), "-n", "1"] : kind === "nsd" ? [which("nsd")!, "-d", "-c", conf] : [which("knotd")!, "-c", conf];
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", cwd: dir.path });
  const out = collectOutput(proc);
  stops.push(async () => {
    await stopProcess(proc);
    dir.cleanup();
  });
  return { port, log: out };
}

const aOf = async (port: number, name: string) => {
  const d = await dig("127.0.0.1", port, name, "A");
  return d.status === "NOERROR" ? d.answer.filter((l) => l.split(/\s+/)[3] === "A").map((l) => l.split(/\s+/)[4]) : [];
};

describe.if(run)("secondary snippets of an embedded domain", () => {
  test("BIND, NSD and Knot transfer the zone with the shown snippet and follow NOTIFY", async () => {
    const server = await startInProcess();
    stops.push(() => server.close());
    await createUser(server.db, { username: "alice", email: "alice@example.test", password: "correct horse battery" });
    const b = httpBrowser(server);
    expect((await b.login("alice", "correct horse battery")).status).toBe(303);
    const posted = await b.submit("/domain/add/", { name: "dyn.example.org", backend: "embedded" }, "/domain/add/");
    expect(posted.status).toBe(303);
    const added = await b.get(posted.location!);
    const host = await b.submit("/host/add/", { name: "home", domain: "1" }, "/host/add/");
    const update = async (ip: string) => {
      await b.get(host.location!);
      const r = await b.request("POST", "/nic/update_authorized", new URLSearchParams({ hostname: "home.dyn.example.org", myip: ip }), { "hx-request": "true", "x-csrf-token": b.csrf() });
      expect(r.body).toContain(`good ${ip}`);
    };
    await update("192.0.2.99");
    expect(block(added.body, "ns-snippet-0")).toContain(`primaries { 127.0.0.1 port ${server.dnsPort} key "transfer.dyn.example.org"; };`);

    const daemons = await Promise.all((["bind", "nsd", "knot"] as Kind[]).map(async (kind) => ({ kind, ...(await startDaemon(kind, block(added.body, `ns-snippet-${SNIPPET[kind]}`))) })));
    for (const d of daemons) {
      await waitFor(`${d.kind} to transfer the zone`, async () => ((await aOf(d.port, "home.dyn.example.org"))[0] === "192.0.2.99" ? true : undefined), 15_000, 200).catch((e) => {
        throw new Error(`${e.message}\n${d.log().slice(-3000)}`);
      });
    }
    // The secondaries go on the domain page: from now on they get a NOTIFY after every change.
    for (const d of daemons) expect((await b.submit("/domain/1/secondaries", { address: `127.0.0.1:${d.port}` }, "/domain/1/")).status).toBe(303);
    expect((await b.submit("/domain/1/secondaries", { address: "nonsense" }, "/domain/1/")).status).toBe(400);
    await update("192.0.2.100");
    for (const d of daemons) {
      await waitFor(`${d.kind} to follow the NOTIFY`, async () => ((await aOf(d.port, "home.dyn.example.org"))[0] === "192.0.2.100" ? true : undefined), 15_000, 200).catch((e) => {
        throw new Error(`${e.message}\n${d.log().slice(-3000)}`);
      });
    }
  }, 45_000);
});
