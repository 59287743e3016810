// `npm run package`: from dist/updns, the Debian package dist/updns_<version>-<revision>_<arch>.deb, the
// tarball dist/updns-<version>-linux-<arch>.tar.gz and dist/SHA256SUMS. Offline: dpkg-deb, dpkg-shlibdeps,
// tar and gzip only. The packaging sources are in packaging/ (see packaging/README.md).
// `bun scripts/package.ts --out DIR` writes the three files to DIR instead (the tests build their own).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import pkg from "../package.json" with { type: "json" };
import { commandsOf, manPage, type CommandHelp } from "../packaging/manpage.ts";

const ROOT = join(import.meta.dir, "..");
const DEBIAN = join(ROOT, "packaging/debian");
const BINARY = join(ROOT, "dist/updns");

class PackageError extends Error {}

function sh(argv: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): string {
  const r = Bun.spawnSync(argv, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new PackageError(`${argv.join(" ")} failed (${r.exitCode}): ${r.stderr.toString().trim()}`);
  return r.stdout.toString();
}

/** The top entry of the Debian changelog: its version must be package.json's plus a Debian revision. */
function changelogHead(): { debVersion: string; date: Date } {
  const text = readFileSync(join(DEBIAN, "changelog"), "utf8");
  const version = text.match(/^updns \(([^)]+)\)/)?.[1];
  const date = text.match(/^ -- .+?> {2}(.+)$/m)?.[1];
  if (!version || !date) throw new PackageError("packaging/debian/changelog: no top entry \"updns (VERSION) ...\" with a trailer line");
  if (!version.startsWith(`${pkg.version}-`))
    throw new PackageError(`packaging/debian/changelog is at ${version} but package.json is at ${pkg.version}: add a changelog entry "updns (${pkg.version}-1)"`);
  return { debVersion: version, date: new Date(date) };
}

/** The CLI's help, run with no config in reach so the text is the same on every machine. */
function cliHelp(): { usage: string; commands: CommandHelp[] } {
  const cwd = mkdtempSync(join(tmpdir(), "updns-help-"));
  // An empty config file named by UPDNS_CONFIG: the defaults, even where an installed /etc/updns/config.toml
  // (the CLI's fallback) exists and is not readable by whoever builds.
  writeFileSync(join(cwd, "empty.toml"), "");
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDNS_"))) as Record<string, string>;
  env.UPDNS_CONFIG = join(cwd, "empty.toml");
  const help = (args: string[]) => {
    const r = Bun.spawnSync([BINARY, ...args], { cwd, env, stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new PackageError(`updns ${args.join(" ")} failed: ${r.stderr.toString().trim()}`);
    return r.stdout.toString().trimEnd();
  };
  try {
    const usage = help(["--help"]);
    const commands = commandsOf(usage).map((c) => ({ ...c, usage: help([c.name, "--help"]) }));
    return { usage, commands };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** The config the package installs: the example with every default, data_dir in the unit's StateDirectory. */
export function packagedConfig(example: string): string {
  const line = 'data_dir = "./data"';
  if (!example.includes(line)) throw new PackageError(`config.example.toml has no line ${line} to point at /var/lib/updns`);
  const header =
    "# Installed by the updns Debian package (a conffile: your changes are kept on upgrades).\n" +
    "# server.data_dir points at /var/lib/updns, the service's state directory; the rest are defaults.\n" +
    "# After a change: systemctl restart updns.\n";
  return header + example.replace(line, 'data_dir = "/var/lib/updns"');
}

function write(path: string, data: string | Uint8Array, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  writeFileSync(path, data);
  chmodSync(path, mode);
}

// gzip -9n (what Debian wants for man pages and changelogs): no name or time stamp in the header, so the
// same input makes the same bytes. Level 6 for the 100 MB binary: level 9 and xz take minutes for a few %.
const gzip = (data: string | Uint8Array, level: 6 | 9 = 9) => gzipSync(data, { level });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function shlibsDepends(binary: string): string {
  const d = mkdtempSync(join(tmpdir(), "updns-shlibs-"));
  try {
    write(join(d, "debian/control"), "Source: updns\n\nPackage: updns\nArchitecture: any\n", 0o644);
    const out = sh(["dpkg-shlibdeps", "-O", `-e${binary}`], { cwd: d });
    return out.match(/^shlibs:Depends=(.*)$/m)?.[1] ?? "libc6";
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

function buildDeb(out: string, o: { debVersion: string; arch: string; epoch: number; man: Uint8Array; config: string }): string {
  const root = mkdtempSync(join(tmpdir(), "updns-deb-"));
  try {
    write(join(root, "usr/bin/updns"), readFileSync(BINARY), 0o755);
    write(join(root, "lib/systemd/system/updns.service"), readFileSync(join(ROOT, "systemd/updns.service")), 0o644);
    write(join(root, "etc/updns/config.toml"), o.config, 0o644);
    write(join(root, "usr/share/man/man8/updns.8.gz"), o.man, 0o644);
    write(join(root, "usr/share/doc/updns/copyright"), readFileSync(join(DEBIAN, "copyright")), 0o644);
    write(join(root, "usr/share/doc/updns/changelog.Debian.gz"), gzip(readFileSync(join(DEBIAN, "changelog"))), 0o644);
    write(join(root, "usr/share/doc/updns/README.md.gz"), gzip(readFileSync(join(ROOT, "README.md"))), 0o644);
    write(join(root, "usr/share/lintian/overrides/updns"), readFileSync(join(DEBIAN, "lintian-overrides")), 0o644);

    const conffiles = readFileSync(join(DEBIAN, "conffiles"), "utf8");
    const payload = filesUnder(root).map((f) => relative(root, f));
    // As dh_md5sums: every file but the conffiles (dpkg keeps their sums itself).
    const md5sums = payload
      .filter((f) => !conffiles.split("\n").includes(`/${f}`))
      .map((f) => `${createHash("md5").update(readFileSync(join(root, f))).digest("hex")}  ${f}\n`)
      .join("");
    const installedKiB = payload.reduce((kib, f) => kib + Math.ceil(statSync(join(root, f)).size / 1024), 0);
    const control = readFileSync(join(DEBIAN, "control"), "utf8")
      .replace("@VERSION@", o.debVersion)
      .replace("@ARCH@", o.arch)
      .replace("@INSTALLED_SIZE@", String(installedKiB))
      .replace("@SHLIBS_DEPENDS@", shlibsDepends(BINARY));
    write(join(root, "DEBIAN/control"), control, 0o644);
    write(join(root, "DEBIAN/conffiles"), conffiles, 0o644);
    write(join(root, "DEBIAN/md5sums"), md5sums, 0o644);
    for (const script of ["postinst", "prerm", "postrm"]) write(join(root, "DEBIAN", script), readFileSync(join(DEBIAN, script)), 0o755);

    sh(["find", root, "-exec", "touch", "-h", "-d", `@${o.epoch}`, "{}", "+"]);
    const deb = join(out, `updns_${o.debVersion}_${o.arch}.deb`);
    // --root-owner-group: every file root:root without fakeroot; the updns group is applied at install
    // time by the postinst's dpkg-statoverride. gzip -6, not xz: xz takes minutes on the binary.
    sh(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", root, deb], { env: { SOURCE_DATE_EPOCH: String(o.epoch) } });
    return deb;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function buildTarball(out: string, o: { arch: string; epoch: number; man: Uint8Array }): string {
  const name = `updns-${pkg.version}-linux-${o.arch}`;
  const stage = mkdtempSync(join(tmpdir(), "updns-tar-"));
  try {
    const dir = join(stage, name);
    write(join(dir, "updns"), readFileSync(BINARY), 0o755);
    write(join(dir, "updns.service"), readFileSync(join(ROOT, "systemd/updns.service")), 0o644);
    write(join(dir, "config.example.toml"), readFileSync(join(ROOT, "config.example.toml")), 0o644);
    write(join(dir, "README.md"), readFileSync(join(ROOT, "README.md")), 0o644);
    write(join(dir, "updns.8.gz"), o.man, 0o644);
    const tar = Bun.spawnSync(
      ["tar", "--sort=name", `--mtime=@${o.epoch}`, "--owner=0", "--group=0", "--numeric-owner", "-C", stage, "-cf", "-", name],
      { stdout: "pipe", stderr: "pipe" },
    );
    if (tar.exitCode !== 0) throw new PackageError(`tar failed: ${tar.stderr.toString()}`);
    const tarball = join(out, `${name}.tar.gz`);
    writeFileSync(tarball, gzip(tar.stdout, 6));
    return tarball;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function sha256sums(out: string, files: string[]): string {
  const sums = join(out, "SHA256SUMS");
  writeFileSync(sums, files.map((f) => `${createHash("sha256").update(readFileSync(f)).digest("hex")}  ${basename(f)}\n`).join(""));
  return sums;
}

export function buildPackages(out = join(ROOT, "dist")): string[] {
  mkdirSync(out, { recursive: true });
  if (!existsSync(BINARY)) throw new PackageError(`${BINARY} is missing: run "npm run build" first (npm run package does)`);
  const { debVersion, date } = changelogHead();
  const epoch = Math.floor(date.getTime() / 1000);
  const arch = sh(["dpkg", "--print-architecture"]).trim();
  const help = cliHelp();
  const man = gzip(manPage({ version: pkg.version, date: date.toISOString().slice(0, 10), usage: help.usage, commands: help.commands }));
  const config = packagedConfig(readFileSync(join(ROOT, "config.example.toml"), "utf8"));
  const deb = buildDeb(out, { debVersion, arch, epoch, man, config });
  const tarball = buildTarball(out, { arch, epoch, man });
  return [deb, tarball, sha256sums(out, [deb, tarball])];
}

if (import.meta.main) {
  try {
    const i = process.argv.indexOf("--out");
    for (const f of buildPackages(i > 0 ? process.argv[i + 1] : undefined)) console.log(`built ${relative(process.cwd(), f)}`);
  } catch (e) {
    if (!(e instanceof PackageError)) throw e;
    console.error(`package: ${e.message}`);
    process.exit(1);
  }
}
