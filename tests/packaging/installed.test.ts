// The Debian package installed the way an operator installs it (`dpkg -i`), then the unit's own ExecStart run
// the way systemd runs it: as the package's updns user, with only the unit's capability, in the unit's working
// directory and umask, against the /etc/updns and /var/lib/updns the maintainer scripts made.
//
// Where: a private mount and network namespace whose /etc, /usr and /var are overlays on a tmpfs. So dpkg,
// adduser, dpkg-statoverride and deb-systemd-helper run for real (a bare temp root could not run adduser,
// and rewriting the scripts for one would test something else), yet nothing reaches the host: the dpkg
// database, /etc/passwd and /etc/updns stay untouched for the tests running beside this one (the CLI
// reads /etc/updns/config.toml by default), and the namespace and everything in it vanish at the end. The
// private network namespace has its own loopback, so the service can bind port 53 without meeting the
// host's resolver.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { havePeers, tempDir, waitFor } from "../support/net.ts";
import { BINARY } from "../support/updns.ts";

const ROOT = join(import.meta.dir, "../..");
const isRoot = process.getuid?.() === 0;
if (!isRoot && process.env.CI === "true") throw new Error("tests/packaging needs root in CI (dpkg -i, namespaces)");
const run = isRoot && havePeers("dpkg-deb", "dpkg-shlibdeps", "unshare", "nsenter", "setpriv", "runuser", "ip", "dig", "curl", "systemd-analyze");

type Result = { code: number; out: string; err: string };

describe.skipIf(!run)("the Debian package, installed with dpkg -i and started as its unit says", () => {
  const tmp = tempDir("updns-installed-");
  let holder: ReturnType<typeof Bun.spawn> | undefined;
  let server: ReturnType<typeof Bun.spawn> | undefined;
  let serverLog = "";
  let deb = "";

  /** A shell command inside the namespace (mount + network), as root. */
  const inside = (script: string): Result => {
    const r = Bun.spawnSync(["nsenter", "-t", String(holder!.pid), "-m", "-n", "--", "sh", "-c", script], { stdout: "pipe", stderr: "pipe" });
    return { code: r.exitCode ?? -1, out: r.stdout.toString(), err: r.stderr.toString() };
  };
  const ok = (script: string): string => {
    const r = inside(script);
    if (r.code !== 0) throw new Error(`${script} → ${r.code}: ${r.err}${r.out}`);
    return r.out;
  };
  /** One directive of the installed unit, e.g. "ExecStart". */
  const directive = (unit: string, key: string): string => {
    const v = unit.match(new RegExp(`^${key}=(.*)$`, "m"))?.[1];
    if (v === undefined) throw new Error(`the installed unit has no ${key}=`);
    return v;
  };

  beforeAll(async () => {
    if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run "npm run build" (npm test does it)`);
    // Built into a folder of its own: other tests may be building theirs at the same time.
    const out = join(tmp.path, "dist");
    const built = Bun.spawnSync([process.execPath, join(ROOT, "scripts/package.ts"), "--out", out], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    if (built.exitCode !== 0) throw new Error(`scripts/package.ts failed: ${built.stderr.toString()}`);
    deb = join(out, `updns_${pkg.version}-1_${Bun.spawnSync(["dpkg", "--print-architecture"]).stdout.toString().trim()}.deb`);

    holder = Bun.spawn(["unshare", "--mount", "--net", "--propagation", "private", "sleep", "600"], { stdout: "ignore", stderr: "inherit" });
    const ownMnt = readlinkSync("/proc/self/ns/mnt");
    await waitFor("the namespace", () => existsSync(`/proc/${holder!.pid}/ns/mnt`) && readlinkSync(`/proc/${holder!.pid}/ns/mnt`) !== ownMnt);
    const layers = join(tmp.path, "layers");
    ok(
      `set -e; mkdir ${layers}; mount -t tmpfs tmpfs ${layers}; for d in etc usr var; do mkdir -p ${layers}/$d.up ${layers}/$d.work; ` +
        `mount -t overlay overlay -o lowerdir=/$d,upperdir=${layers}/$d.up,workdir=${layers}/$d.work /$d; done; ip link set lo up`,
    );
    if (inside("dpkg-query -W updns").code === 0) throw new Error("updns is already installed on this machine: the test installs its own");
  }, 300_000);

  afterAll(async () => {
    server?.kill("SIGTERM");
    await server?.exited;
    holder?.kill("SIGKILL");
    await holder?.exited;
    tmp.cleanup();
  });

  test("dpkg -i installs it without an error", () => {
    const r = inside(`dpkg -i ${deb}`);
    expect(r.err).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(ok("dpkg-query -W -f '${Status} ${Version}' updns")).toBe(`install ok installed ${pkg.version}-1`);
  });

  test("its postinst made the system user updns, with its own group and no login shell", () => {
    const [name, , uid, , , home, shell] = ok("getent passwd updns").trim().split(":");
    expect(name).toBe("updns");
    expect(Number(uid)).toBeLessThan(1000);
    expect(home).toBe("/var/lib/updns");
    expect(shell).toBe("/usr/sbin/nologin");
    expect(ok("id -gn updns").trim()).toBe("updns");
  });

  test("the config is a conffile, root:updns 0640 in a root:updns 0750 folder, with data_dir /var/lib/updns", () => {
    expect(ok("stat -c '%U:%G %a' /etc/updns /etc/updns/config.toml")).toBe("root:updns 750\nroot:updns 640\n");
    expect(ok("dpkg-query -W -f '${Conffiles}' updns")).toContain("/etc/updns/config.toml");
    expect(ok("cat /etc/updns/config.toml")).toMatch(/^data_dir = "\/var\/lib\/updns"$/m);
  });

  test("nobody but root and the updns group can read the config", () => {
    const r = inside("setpriv --reuid=65534 --regid=65534 --clear-groups cat /etc/updns/config.toml");
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("Permission denied");
  });

  test("/var/lib/updns belongs to updns with mode 0700", () => {
    expect(ok("stat -c '%U:%G %a' /var/lib/updns")).toBe("updns:updns 700\n");
  });

  test("the unit is enabled for boot, and systemd-analyze verify accepts it as installed (man page included)", () => {
    expect(ok("readlink /etc/systemd/system/multi-user.target.wants/updns.service").trim()).toBe("/lib/systemd/system/updns.service");
    const r = inside("systemd-analyze verify /lib/systemd/system/updns.service 2>&1");
    expect(r.out.split("\n").filter((l) => l.includes("updns.service")).join("\n")).toBe("");
    expect(ok("man -w 8 updns").trim()).toBe("/usr/share/man/man8/updns.8.gz");
  });

  test("an admin command run as the updns user works on the service's database", () => {
    // No --config: like `sudo -u updns updns …` in the README, the CLI reads the package's /etc/updns/config.toml.
    // Before the service's first start there is no database yet, and the command says where it made one.
    const r = inside("cd / && env -u UPDNS_CONFIG runuser -u updns -- updns domain add home.example --embedded");
    expect(r.err).toBe('updns: created a new database at /var/lib/updns/updns.sqlite3 (server.data_dir = "/var/lib/updns", config /etc/updns/config.toml)\n');
    expect(r.out).toContain("domain home.example (embedded) added");
    // Owned by the service's user, so the service can write it; the 0700 folder keeps others out.
    expect(ok("stat -c '%U' /var/lib/updns/updns.sqlite3")).toBe("updns\n");
  });

  test("the unit's ExecStart, run as systemd would, answers DNS on port 53 and HTTP on port 80", async () => {
    // What an operator does to serve DNS on port 53 (README "Running under systemd").
    ok(`sed -i 's/^listen = \\["127.0.0.1:5353"\\]/listen = ["127.0.0.1:53"]/; s/^listen = \\["127.0.0.1:8080"\\]/listen = ["127.0.0.1:80"]/' /etc/updns/config.toml`);
    const unit = ok("cat /lib/systemd/system/updns.service");
    const user = directive(unit, "User");
    const group = directive(unit, "Group");
    const caps = directive(unit, "AmbientCapabilities").split(/\s+/).map((c) => c.replace(/^CAP_/, "").toLowerCase());
    expect(directive(unit, "CapabilityBoundingSet")).toBe(directive(unit, "AmbientCapabilities"));
    const capList = caps.map((c) => `+${c}`).join(",");
    const launch =
      `cd ${directive(unit, "WorkingDirectory")} && umask ${directive(unit, "UMask")} && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin ` +
      `HOME=/var/lib/updns USER=${user} LOGNAME=${user} setpriv --reuid=${user} --regid=${group} --init-groups ` +
      `--inh-caps=-all,${capList} --ambient-caps=-all,${capList} --bounding-set=-all,${capList} --no-new-privs -- ${directive(unit, "ExecStart")}`;
    server = Bun.spawn(["nsenter", "-t", String(holder!.pid), "-m", "-n", "--", "sh", "-c", launch], { stdout: "ignore", stderr: "pipe" });
    (async () => {
      for await (const chunk of server!.stderr as ReadableStream<Uint8Array>) serverLog += new TextDecoder().decode(chunk);
    })();

    const soa = await waitFor(
      "a DNS answer on 127.0.0.1:53",
      () => {
        const r = inside("dig +short +time=1 +tries=1 @127.0.0.1 -p 53 home.example SOA");
        return r.code === 0 && r.out.trim() ? r.out : undefined;
      },
      20_000,
      250,
    ).catch((e) => {
      throw new Error(`${e.message}\nserver log:\n${serverLog}`);
    });
    expect(soa).toMatch(/^ns1\.home\.example\. hostmaster\.home\.example\. \d+/);

    // DNS is up first (the DNS threads and HTTP start after the main DNS socket): wait for HTTP on its own.
    const health = await waitFor(
      "an HTTP answer on 127.0.0.1:80",
      () => {
        const r = inside("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:80/healthz");
        return r.out !== "000" ? r.out : undefined;
      },
      20_000,
      250,
    ).catch((e) => {
      throw new Error(`${e.message}\nserver log:\n${serverLog}`);
    });
    expect(health).toBe("200");
    // The process runs as updns, not root, with NET_BIND_SERVICE as its only capability. nsenter, sh, env
    // and setpriv each exec the next, so the spawned pid is updns itself.
    const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
    expect(status).toMatch(/^Name:\s+updns$/m);
    expect(status).toMatch(new RegExp(`^Uid:\\s+${ok("id -u updns").trim()}\\s`, "m"));
    expect(status).toMatch(/^CapEff:\s+0000000000000400$/m);
    // What journalctl -u updns would show: the data directory from the config file, the first-run link.
    await waitFor("the start-up log", () => serverLog.includes("setup_url="), 5000);
    expect(serverLog).toContain("data_dir=/var/lib/updns");
  }, 60_000);

  test("dpkg --remove keeps the config and the database; dpkg --purge removes both and keeps the user", async () => {
    server?.kill("SIGTERM");
    await server?.exited;
    server = undefined;
    ok("dpkg --remove updns");
    expect(ok("ls /etc/updns /var/lib/updns")).toContain("updns.sqlite3");
    expect(inside("test -e /usr/bin/updns").code).not.toBe(0);
    ok("dpkg --purge updns");
    expect(inside("test -e /var/lib/updns || test -e /etc/updns").code).not.toBe(0);
    expect(ok("dpkg-statoverride --list | grep -c updns || true").trim()).toBe("0");
    expect(inside("test -e /etc/systemd/system/multi-user.target.wants/updns.service").code).not.toBe(0);
    expect(ok("getent passwd updns")).toContain("updns:");
  });
});
