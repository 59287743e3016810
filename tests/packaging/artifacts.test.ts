// What `npm run package` hands out: a .deb lintian accepts, a tarball that runs where it is unpacked, the
// checksums that match both, and a manual page man renders, written from the CLI's own help.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { commandsOf } from "../../packaging/manpage.ts";
import { havePeers, tempDir } from "../support/net.ts";
import { BINARY } from "../support/updns.ts";

const ROOT = join(import.meta.dir, "../..");
const run = havePeers("dpkg-deb", "dpkg-shlibdeps", "lintian", "man", "sha256sum", "tar");

const sh = (argv: string[], cwd?: string, env?: Record<string, string>) => {
  const r = Bun.spawnSync(argv, { cwd, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
};

describe.skipIf(!run)("npm run package", () => {
  const tmp = tempDir("updns-package-");
  const out = join(tmp.path, "dist");
  const arch = sh(["dpkg", "--print-architecture"]).out.trim();
  const deb = join(out, `updns_${pkg.version}-1_${arch}.deb`);
  const tarName = `updns-${pkg.version}-linux-${arch}`;

  beforeAll(() => {
    if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run "npm run build" (npm test does it)`);
    const r = sh([process.execPath, join(ROOT, "scripts/package.ts"), "--out", out], ROOT);
    if (r.code !== 0) throw new Error(`scripts/package.ts failed: ${r.err}`);
  }, 300_000);
  afterAll(() => tmp.cleanup());

  test("writes the .deb, the tarball and SHA256SUMS, and sha256sum -c accepts them", () => {
    const r = sh(["sha256sum", "-c", "SHA256SUMS"], out);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`updns_${pkg.version}-1_${arch}.deb: OK\n${tarName}.tar.gz: OK\n`);
  });

  test("lintian reports no error and no warning (each override says why in the overrides file)", () => {
    const r = sh(["lintian", "--fail-on", "error,warning", deb]);
    expect(r.out.split("\n").filter((l) => /^[EW]: /.test(l))).toEqual([]);
    expect(r.code).toBe(0);
  }, 300_000);

  test("the .deb holds the binary, the unit, the conffile, the man page and Debian's doc files", () => {
    const files = sh(["dpkg-deb", "-c", deb]).out;
    for (const path of [
      "./usr/bin/updns",
      "./lib/systemd/system/updns.service",
      "./etc/updns/config.toml",
      "./usr/share/man/man8/updns.8.gz",
      "./usr/share/doc/updns/copyright",
      "./usr/share/doc/updns/changelog.Debian.gz",
    ])
      expect(files).toContain(path);
    expect(sh(["dpkg-deb", "-f", deb, "Version"]).out.trim()).toBe(`${pkg.version}-1`);
    expect(sh(["dpkg-deb", "-f", deb, "Depends"]).out).toMatch(/^adduser, libc6 \(>= [\d.]+\)/);
    const control = join(tmp.path, "control");
    sh(["dpkg-deb", "-e", deb, control]);
    expect(sh(["cat", join(control, "conffiles")]).out).toBe("/etc/updns/config.toml\n");
  });

  test("its config passes `updns check` and keeps the database in /var/lib/updns", () => {
    const root = join(tmp.path, "root");
    sh(["dpkg-deb", "-x", deb, root]);
    const r = sh([join(root, "usr/bin/updns"), "check", "--json", "--config", join(root, "etc/updns/config.toml")], tmp.path);
    expect(r.err).toBe("");
    expect(JSON.parse(r.out).server.data_dir).toBe("/var/lib/updns");
  });

  test("the tarball unpacks into one folder whose binary runs", () => {
    const dir = join(tmp.path, "unpacked");
    mkdirSync(dir);
    expect(sh(["tar", "-xzf", join(out, `${tarName}.tar.gz`), "-C", dir]).code).toBe(0);
    expect(sh(["ls", join(dir, tarName)]).out.split("\n").filter(Boolean).sort()).toEqual([
      "README.md",
      "config.example.toml",
      "updns",
      "updns.8.gz",
      "updns.service",
    ]);
    expect(sh([join(dir, tarName, "updns"), "version"]).out).toStartWith(`updns ${pkg.version} `);
  });

  test("man renders updns(8) without a warning, with every command of `updns --help`", () => {
    const page = join(tmp.path, "unpacked", tarName, "updns.8.gz");
    const r = sh(["man", "--warnings", "-E", "UTF-8", "-l", page], undefined, { MANWIDTH: "80", MAN_KEEP_FORMATTING: "", PAGER: "cat" });
    expect(r.err).toBe("");
    const text = r.out.replace(/.\x08/g, "");
    expect(text).toMatch(/^NAME\n {7}updns +- +self-hosted dynamic DNS server$/m);
    for (const { name } of commandsOf(sh([BINARY, "--help"], tmp.path).out)) expect(text).toMatch(new RegExp(`^ {3}${name}$`, "m"));
    expect(text).toContain("usage: updns domain add ZONE --embedded");
    expect(text).toContain("/etc/updns/config.toml");
  });
});
