// The files updns keeps are for its own user only, whatever umask it was started with (a shell's 022, a
// careless 000): the data directory 0700; the database, its -wal and -shm, the master key (dnssec.key)
// and a backup 0600. An existing looser data directory is tightened, with a warning; nothing is loosened.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../support/updns.ts";
import { tempDir, waitFor } from "../support/net.ts";

const mode = (path: string) => "0" + (statSync(path).mode & 0o777).toString(8);

/** The binary run through `sh -c 'umask U; exec updns ARGS'`, so the umask is the process's own. */
function spawnWithUmask(umask: string, args: string[], cwd: string) {
  return Bun.spawn(["sh", "-c", `umask ${umask}; exec "$0" "$@"`, requireBinary(), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", UPDNS_HTTP_LISTEN: "127.0.0.1:0", UPDNS_DNS_LISTEN: "127.0.0.1:0" },
    stdout: "pipe",
    stderr: "pipe",
  });
}

async function run(umask: string, args: string[], cwd: string) {
  const proc = spawnWithUmask(umask, args, cwd);
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, stdout, stderr };
}

const dirs: { cleanup: () => void }[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));

describe.each(["000", "022"])("files made under umask %s", (umask) => {
  test("data dir 0700; database, -wal, -shm, dnssec.key and a backup 0600", async () => {
    const d = tempDir();
    dirs.push(d);
    const data = join(d.path, "data");
    const server = spawnWithUmask(umask, ["serve"], d.path);
    let output = "";
    void (async () => {
      for await (const chunk of server.stderr as ReadableStream<Uint8Array>) output += new TextDecoder().decode(chunk);
    })();
    void (async () => {
      for await (const chunk of server.stdout as ReadableStream<Uint8Array>) output += new TextDecoder().decode(chunk);
    })();
    try {
      await waitFor("updns serve to listen", () => (output.includes("msg=listening") ? true : server.exitCode !== null ? Promise.reject(new Error(output)) : null), 15_000);
      // A CLI command beside the running server writes a sealed TSIG secret (and may create -wal/-shm again).
      const key = await run(umask, ["tsig", "add", "xfer"], d.path);
      expect(key.code).toBe(0);
      const backup = join(d.path, "copy.sqlite3");
      const b = await run(umask, ["backup", backup], d.path);
      expect(b.stderr).toBe("");
      expect(b.code).toBe(0);
      const db = join(data, "updns.sqlite3");
      // -wal and -shm live while a connection is open: the server's.
      expect(existsSync(db + "-wal")).toBe(true);
      expect(existsSync(db + "-shm")).toBe(true);
      const modes = Object.fromEntries([data, db, db + "-wal", db + "-shm", join(data, "dnssec.key"), backup].map((p) => [p.slice(d.path.length + 1), mode(p)]));
      expect(modes).toEqual({
        data: "0700",
        "data/updns.sqlite3": "0600",
        "data/updns.sqlite3-wal": "0600",
        "data/updns.sqlite3-shm": "0600",
        "data/dnssec.key": "0600",
        "copy.sqlite3": "0600",
      });
      // Nothing to tighten on a fresh install: no warning.
      expect(output).not.toContain("now 07");
    } finally {
      server.kill("SIGTERM");
      await server.exited;
    }
  }, 30_000);
});

describe("an existing data directory", () => {
  test("open to others (0755, database 0644, as an older updns left it): tightened with a warning naming it", async () => {
    const d = tempDir();
    dirs.push(d);
    const data = join(d.path, "data");
    expect((await run("022", ["migrate"], d.path)).code).toBe(0);
    expect((await run("022", ["tsig", "add", "xfer"], d.path)).code).toBe(0);
    chmodSync(data, 0o755);
    chmodSync(join(data, "updns.sqlite3"), 0o644);
    chmodSync(join(data, "dnssec.key"), 0o644);
    const r = await run("022", ["user", "list"], d.path);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("updns: warning: data was 0755, now 0700");
    expect(r.stderr).toContain("updns: warning: data/updns.sqlite3 was 0644, now 0600");
    expect(r.stderr).toContain("updns: warning: data/dnssec.key was 0644, now 0600");
    expect(mode(data)).toBe("0700");
    expect(mode(join(data, "updns.sqlite3"))).toBe("0600");
    expect(mode(join(data, "dnssec.key"))).toBe("0600");
    // Once tight, no more warnings.
    expect((await run("022", ["user", "list"], d.path)).stderr).toBe("");
  }, 30_000);

  test("already stricter than 0700 is left as it is: updns never adds a permission", async () => {
    const d = tempDir();
    dirs.push(d);
    const data = join(d.path, "data");
    mkdirSync(data);
    expect((await run("022", ["migrate"], d.path)).code).toBe(0);
    chmodSync(data, 0o500);
    const r = await run("022", ["user", "list"], d.path);
    chmodSync(data, 0o700);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  }, 30_000);
});
