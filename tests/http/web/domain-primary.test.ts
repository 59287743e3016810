// The rfc2136 side of the domain pages against real primaries: a full updns (serve's wiring) gets an rfc2136
// domain through its pages; BIND and Knot are started with the primary snippet the page shows (and its
// initial zone file); ticking "available" runs the connectivity test against them; a host updated from its
// page lands at the primary, the page reads the address back from there, and deleting the host removes it.
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createUser } from "../../../src/core/admin/users.ts";
import { collectOutput, stopProcess } from "../../support/daemon.ts";
import { dig } from "../../support/dig.ts";
import { freePort, havePeers, tempDir, waitFor, which } from "../../support/net.ts";
import { startInProcess } from "../../support/updns.ts";
import { httpBrowser, preBlock as block, textOf } from "./harness.ts";

const run = havePeers("named", "knotd", "dig");
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s();
});

async function startPrimary(kind: "bind" | "knot", zone: string, port: number, page: string) {
  const dir = tempDir(`updns-primary-${kind}-`);
  const conf = join(dir.path, `${kind}.conf`);
  writeFileSync(join(dir.path, kind === "bind" ? `${zone}.db` : `${zone}.zone`), block(page, "ns-snippet-2"));
  if (kind === "bind") {
    // The snippet's file lives under /var/lib/bind on a real system; here it is the temp dir.
    const snippet = block(page, "ns-snippet-0").replace(`/var/lib/bind/${zone}.db`, join(dir.path, `${zone}.db`));
    writeFileSync(conf, `options {\n  directory "${dir.path}";\n  pid-file "${dir.path}/named.pid";\n  listen-on port ${port} { 127.0.0.1; };\n  listen-on-v6 { none; };\n  recursion no;\n  notify no;\n  dnssec-validation no;\n};\ncontrols { };\n${snippet}`);
  } else {
    writeFileSync(
      conf,
      `server:\n  listen: 127.0.0.1@${port}\n  rundir: "${dir.path}"\n  pidfile: "${dir.path}/knot.pid"\ncontrol:\n  listen: "${dir.path}/knot.sock"\nlog:\n  - target: stderr\n    any: info\ndatabase:\n  storage: "${dir.path}"\ntemplate:\n  - id: default\n    storage: "${dir.path}"\n${block(page, "ns-snippet-1")}`,
    );
  }
  const cmd = kind === "bind" ? [which("named")!, "-g", "-c", conf, "-p", String(port), "-n", "1"] : [which("knotd")!, "-c", conf];
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", cwd: dir.path });
  const out = collectOutput(proc);
  stops.push(async () => {
    await stopProcess(proc);
    dir.cleanup();
  });
  await waitFor(`${kind} to serve ${zone}`, async () => ((await dig("127.0.0.1", port, zone, "SOA")).status === "NOERROR" ? true : undefined), 10_000, 100).catch((e) => {
    throw new Error(`${e.message}\n${out().slice(-3000)}`);
  });
}

describe.if(run)("rfc2136 domains with the primary snippets", () => {
  test("BIND and Knot: connectivity test, update from the host page, address read back, delete", async () => {
    const server = await startInProcess();
    stops.push(() => server.close());
    await createUser(server.db, { username: "alice", email: "alice@example.test", password: "correct horse battery" });
    const b = httpBrowser(server);
    expect((await b.login("alice", "correct horse battery")).status).toBe(303);
    for (const [i, kind] of (["bind", "knot"] as const).entries()) {
      const zone = `${kind}.example.test`;
      const port = await freePort();
      const posted = await b.submit("/domain/add/", { name: zone, backend: "rfc2136", primary: `127.0.0.1:${port}`, algorithm: "hmac-sha256" }, "/domain/add/");
      expect(posted.status).toBe(303);
      const added = await b.get(posted.location!);
      const id = i + 1;
      // Not started yet: the connectivity test fails and the domain stays unavailable.
      const down = await b.submit(`/domain/${id}/`, { comment: "", available: "1", primary: `127.0.0.1:${port}`, key_name: zone, algorithm: "hmac-sha256" }, `/domain/${id}/`);
      expect(down.status).toBe(400);
      expect(textOf(down.body)).toContain("The connectivity test failed");
      await startPrimary(kind, zone, port, added.body);
      const up = await b.submit(`/domain/${id}/`, { comment: "", available: "1", primary: `127.0.0.1:${port}`, key_name: zone, algorithm: "hmac-sha256" }, `/domain/${id}/`);
      expect(up.status).toBe(303);

      const host = await b.submit("/host/add/", { name: "home", domain: String(id) }, "/host/add/");
      await b.get(host.location!);
      const r = await b.request("POST", "/nic/update_authorized", new URLSearchParams({ hostname: `home.${zone}`, myip: "192.0.2.123" }), { "hx-request": "true", "x-csrf-token": b.csrf() });
      expect(r.body).toContain("good 192.0.2.123");
      expect((await dig("127.0.0.1", port, `home.${zone}`, "A")).answer.join("\n")).toContain("192.0.2.123");
      expect(textOf((await b.get(`${host.location}addresses`)).body)).toContain("A 192.0.2.123");
      // The overview does not wait for the primary: the addresses load afterwards with htmx.
      expect((await b.get("/overview/")).body).toContain(`hx-get="${host.location}addresses" hx-trigger="load, addresses-changed from:body"`);
      expect((await b.submit(`${host.location}delete/`, {}, `${host.location}delete/`)).location).toBe("/overview/");
      expect(textOf((await b.get("/overview/")).body)).toContain("Host deleted.");
      expect([kind, (await dig("127.0.0.1", port, `home.${zone}`, "A")).status]).toEqual([kind, "NXDOMAIN"]);
      // Last (a refusal puts the zone in back-off): the policy keeps the service names out of reach of the key.
      const www = await b.submit("/host/add/", { name: "www", domain: String(id) }, "/host/add/");
      await b.get(www.location!);
      const denied = await b.request("POST", "/nic/update_authorized", new URLSearchParams({ hostname: `www.${zone}`, myip: "192.0.2.124" }), { "hx-request": "true", "x-csrf-token": b.csrf() });
      expect(denied.body).toContain("dnserr");
      expect((await dig("127.0.0.1", port, `www.${zone}`, "A")).status).toBe("NXDOMAIN");

    }
  }, 40_000);
});
