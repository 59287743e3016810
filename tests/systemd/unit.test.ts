// The shipped unit is valid for systemd and scores well in `systemd-analyze security` (the hardening the
// README promises), checked offline against a copy that points at the built binary. That it starts as
// installed by the Debian package is tests/packaging/installed.test.ts.
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { havePeers, tempDir } from "../support/net.ts";
import { BINARY } from "../support/updns.ts";

const UNIT = join(import.meta.dir, "../../systemd/updns.service");
const run = havePeers("systemd-analyze");

describe.skipIf(!run)("systemd/updns.service", () => {
  const d = tempDir();
  const copy = join(d.path, "updns.service");
  writeFileSync(copy, readFileSync(UNIT, "utf8").replace("/usr/bin/updns", BINARY));

  // --man=no: the man page named in Documentation= comes with the package (checked where it is installed).
  test("systemd-analyze verify finds nothing wrong", () => {
    const r = Bun.spawnSync(["systemd-analyze", "verify", "--man=no", copy], { stderr: "pipe", stdout: "pipe" });
    const text = r.stdout.toString() + r.stderr.toString();
    expect(text.split("\n").filter((l) => l.includes("updns.service")).join("\n")).toBe("");
  });

  test("its exposure level is at most 2.0 (systemd-analyze security)", () => {
    const r = Bun.spawnSync(["systemd-analyze", "security", "--offline=true", copy], { stderr: "pipe", stdout: "pipe" });
    const level = Number(r.stdout.toString().match(/Overall exposure level for updns\.service: ([\d.]+)/)?.[1]);
    expect(level).toBeLessThanOrEqual(2.0);
  });

  test("it runs as the package's static user, with data_dir from the config file, not from the environment", () => {
    const unit = readFileSync(UNIT, "utf8");
    expect(unit).toMatch(/^User=updns$/m);
    expect(unit).toMatch(/^Group=updns$/m);
    expect(unit).not.toMatch(/^DynamicUser=/m);
    expect(unit).not.toMatch(/^Environment=/m);
    expect(unit).toMatch(/^StateDirectory=updns$/m);
    expect(unit).toMatch(/^StateDirectoryMode=0700$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/updns serve --config \/etc\/updns\/config.toml$/m);
  });

  test("every directive carries a comment saying why", () => {
    const lines = readFileSync(UNIT, "utf8").split("\n");
    const uncommented = lines.filter((l, i) => /^[A-Z][A-Za-z]+=/.test(l) && !lines[i - 1]?.startsWith("#"));
    expect(uncommented).toEqual([]);
  });
});
