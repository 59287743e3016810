// `updns check` with the built binary: it says what serve would say about a configuration (same error,
// naming the key), accepts what serve accepts (cron names), and warns when a file others can read holds
// secrets (exit 0, or 1 with --strict).
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, requireBinary, startBinary } from "../support/updns.ts";
import { tempDir } from "../support/net.ts";

const d = tempDir("updns-check-");
afterAll(() => d.cleanup());

function configFile(name: string, text: string, mode = 0o600): string {
  const f = join(d.path, name);
  writeFileSync(f, text);
  chmodSync(f, mode);
  return f;
}

const ENV = { UPDNS_HTTP_LISTEN: "127.0.0.1:0", UPDNS_DNS_LISTEN: "127.0.0.1:0" };

describe("updns check and updns serve agree", () => {
  for (const [toml, message] of [
    ['[http]\ntrusted_proxies = ["10.0.0.0/33"]\n', 'http.trusted_proxies[0] = "10.0.0.0/33": prefix length must be 0–32'],
    ['[http]\ntls_cert = "/nonexistent/cert.pem"\ntls_key = "/nonexistent/key.pem"\n', 'http.tls_cert = "/nonexistent/cert.pem": cannot read /nonexistent/cert.pem: no such file'],
    ['[registration]\nemail_blacklist = ["(unclosed"]\n', 'registration.email_blacklist[0] = "(unclosed": is not a regular expression'],
  ]) {
    test(`both refuse ${toml.trim().replaceAll("\n", " ")}, naming the key`, async () => {
      const f = configFile("bad.toml", toml);
      const check = await cli(["check", "--config", f], { cwd: d.path });
      expect(check.code).toBe(1);
      expect(check.stderr).toStartWith("updns: ");
      expect(check.stderr).toContain(`${f}: ${message}`);
      const serve = await cli(["serve", "--config", f], { cwd: d.path });
      expect(serve.code).toBe(1);
      expect(serve.stderr).toBe(check.stderr);
    });
  }

  test("a data dir this user cannot write is refused by check, as serve could not open the database there", async () => {
    const dataDir = join(d.path, "readonly-data");
    mkdirSync(dataDir, { mode: 0o555 });
    chmodSync(dataDir, 0o555);
    chmodSync(d.path, 0o755);
    // root may write anywhere: then the check runs as nobody, like a service user that does not own the dir.
    // (A copy of the binary in the open temp dir: the checkout may sit where nobody cannot reach, e.g. /root.)
    const root = process.getuid?.() === 0;
    const binary = root ? join(d.path, "updns") : requireBinary();
    if (root) copyFileSync(requireBinary(), binary);
    const asUser = root ? ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"] : [];
    const p = Bun.spawn([...asUser, binary, "check"], { cwd: d.path, env: { PATH: process.env.PATH ?? "", UPDNS_SERVER_DATA_DIR: dataDir }, stdout: "pipe", stderr: "pipe" });
    const stderr = await new Response(p.stderr).text();
    expect(await p.exited).toBe(1);
    expect(stderr).toBe(`updns: environment UPDNS_SERVER_DATA_DIR: server.data_dir = "${dataDir}": ${dataDir} is not writable by this user\n`);
  });

  test("a [jobs] schedule with day names passes check, and serve schedules it on that day", async () => {
    const f = configFile("jobs.toml", '[jobs]\nfaults = "0 3 * * sun"\n');
    const check = await cli(["check", "--config", f], { cwd: d.path });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('faults = "0 3 * * sun"');
    const s = await startBinary({ ...ENV, UPDNS_CONFIG: f }, d.path);
    try {
      const next = s.output().match(/msg="job scheduled" component=jobs job=faults schedule="0 3 \* \* sun" next=(\S+)/)?.[1];
      expect(next).toBeDefined();
      expect(new Date(next!).getUTCDay()).toBe(0);
      expect(new Date(next!).getUTCHours()).toBe(3);
    } finally {
      await s.stop();
    }
  }, 30000);
});

describe("updns check warns about secrets others can read", () => {
  const SECRETS = '[mail]\nsmtp_host = "smtp.example.test"\nsmtp_user = "updns"\nsmtp_password = "hunter2hunter2"\n[dnssec]\nmaster_key = "' + "ab".repeat(32) + '"\n';

  test("a world-readable file with secrets: a warning naming the keys and the chmod, exit 0", async () => {
    const f = configFile("open.toml", SECRETS, 0o644);
    const r = await cli(["check", "--config", f], { cwd: d.path });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`updns: warning: ${f} is readable by every user (mode 0644) and holds secrets (mail.smtp_password, dnssec.master_key): run "chmod o-rwx ${f}"\n`);
    expect(r.stdout).not.toContain("hunter2hunter2");
  });

  test("--strict makes the warning fail the check", async () => {
    const f = configFile("open-strict.toml", SECRETS, 0o604);
    const r = await cli(["check", "--strict", "--config", f], { cwd: d.path });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is readable by every user (mode 0604)");
  });

  test("no warning once the file is closed to others, nor for a world-readable file without secrets", async () => {
    const closed = configFile("closed.toml", SECRETS, 0o640);
    expect(await cli(["check", "--strict", "--config", closed], { cwd: d.path })).toMatchObject({ code: 0, stderr: "" });
    const plain = configFile("plain.toml", '[log]\nformat = "json"\n', 0o644);
    expect(await cli(["check", "--strict", "--config", plain], { cwd: d.path })).toMatchObject({ code: 0, stderr: "" });
  });

  test("secrets from the environment are not the file's fault", async () => {
    const f = configFile("env-secrets.toml", '[log]\nformat = "json"\n', 0o644);
    const r = await cli(["check", "--config", f], { cwd: d.path, env: { UPDNS_MAIL_SMTP_HOST: "smtp.example.test", UPDNS_MAIL_SMTP_USER: "u", UPDNS_MAIL_SMTP_PASSWORD: "hunter2hunter2" } });
    expect(r).toMatchObject({ code: 0, stderr: "" });
  });
});
