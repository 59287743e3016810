import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ConfigError, defaults, loadConfig, settings, describeConfig } from "../../src/config/index.ts";
import { renderExample, renderTypes } from "../../scripts/config-example.ts";
import { tempDir } from "../support/net.ts";

function withFile(text: string): string {
  const d = tempDir();
  const f = join(d.path, "config.toml");
  writeFileSync(f, text);
  return f;
}

const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
};

describe("configuration", () => {
  test("with no file, every key has its default (embedded default: 127.0.0.1:8080, DNS 127.0.0.1:5353, ./data)", () => {
    const c = loadConfig({ env: {} });
    expect(c.http.listen).toEqual(["127.0.0.1:8080"]);
    expect(c.dns.listen).toEqual(["127.0.0.1:5353"]);
    expect(c.server.data_dir).toBe("./data");
    expect(c.dns.max_udp_size).toBe(1232);
  });

  test("a file overrides defaults, including nested oauth tables", () => {
    const c = loadConfig({ file: withFile(`[http]\nlisten = ["127.0.0.1:9999", "[::1]:9999"]\n[oauth.github]\nclient_id = "abc"\n`), env: {} });
    expect(c.http.listen).toEqual(["127.0.0.1:9999", "[::1]:9999"]);
    expect(c["oauth.github"].client_id).toBe("abc");
  });

  test("UPDNS_<SECTION>_<KEY> environment variables win over the file", () => {
    const f = withFile(`[http]\nlisten = ["127.0.0.1:9999"]\n`);
    // A data dir this user may create (the loader checks that): next to the file.
    const dataDir = join(dirname(f), "var/lib/updns");
    const c = loadConfig({ file: f, env: { UPDNS_HTTP_LISTEN: "127.0.0.1:18080", UPDNS_DNS_LISTEN: "127.0.0.1:15353", UPDNS_SERVER_DATA_DIR: dataDir, UPDNS_ABUSE_BAD_AGENTS: "curl/1, evil" } });
    expect(c.http.listen).toEqual(["127.0.0.1:18080"]);
    expect(c.dns.listen).toEqual(["127.0.0.1:15353"]);
    expect(c.server.data_dir).toBe(dataDir);
    expect(c.abuse.bad_agents).toEqual(["curl/1", "evil"]);
  });

  test("UPDNS_CONFIG names the file when --config is not given", () => {
    const c = loadConfig({ env: { UPDNS_CONFIG: withFile(`[log]\nformat = "json"\n`) } });
    expect(c.log.format).toBe("json");
  });

  test("an unknown key stops start-up naming the key and the keys allowed", () => {
    const msg = errorOf(() => loadConfig({ file: withFile(`[http]\nlisen = ["127.0.0.1:1"]\n`), env: {} }));
    expect(msg).toContain("unknown key http.lisen");
    expect(msg).toContain("listen");
  });

  test("an unknown section is named", () => {
    expect(errorOf(() => loadConfig({ file: withFile(`[htp]\nlisten = []\n`), env: {} }))).toContain("htp");
  });

  test("a wrong type names the key and the type wanted", () => {
    expect(errorOf(() => loadConfig({ file: withFile(`[dns]\nmax_udp_size = "big"\n`), env: {} }))).toContain('dns.max_udp_size = "big": must be an integer');
  });

  test("a bad value names the key and says what is allowed", () => {
    expect(errorOf(() => loadConfig({ env: { UPDNS_DNS_MAX_UDP_SIZE: "100" } }))).toContain("dns.max_udp_size = 100: must be between 512 and 4096");
    expect(errorOf(() => loadConfig({ env: { UPDNS_HTTP_LISTEN: "localhost" } }))).toContain('http.listen[0] = "localhost": must be "address:port" (IPv6 as "[::1]:port"): the port is missing');
    expect(errorOf(() => loadConfig({ env: { UPDNS_LOG_FORMAT: "xml" } }))).toContain('log.format = "xml": must be one of "logfmt", "json"');
  });

  test("an unknown UPDNS_ variable is an error, not silently ignored", () => {
    expect(errorOf(() => loadConfig({ env: { UPDNS_HTTP_LISTN: "x" } }))).toContain("UPDNS_HTTP_LISTN");
  });

  test("invalid TOML names the file", () => {
    expect(errorOf(() => loadConfig({ file: withFile(`[http\n`), env: {} }))).toContain("not valid TOML");
  });

  test("a missing file is a clear error", () => {
    expect(errorOf(() => loadConfig({ file: "/nonexistent/updns.toml", env: {} }))).toContain("cannot read config file /nonexistent/updns.toml");
  });

  test("tls_cert without tls_key is refused", () => {
    const cert = withFile("");
    Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=t", "-keyout", `${cert}.key`, "-out", cert], { stderr: "pipe" });
    expect(errorOf(() => loadConfig({ env: { UPDNS_HTTP_TLS_CERT: cert } }))).toContain("http.tls_cert and http.tls_key must be set together");
  });

  test("secrets are redacted when the effective config is printed", () => {
    const c = loadConfig({ env: { UPDNS_MAIL_SMTP_HOST: "smtp.example.test", UPDNS_MAIL_SMTP_USER: "updns", UPDNS_MAIL_SMTP_PASSWORD: "hunter2hunter2", UPDNS_OAUTH_GITHUB_CLIENT_ID: "id", UPDNS_OAUTH_GITHUB_CLIENT_SECRET: "s3cr3t" } });
    const text = describeConfig(c) + describeConfig(c, true);
    expect(text).not.toContain("hunter2hunter2");
    expect(text).not.toContain("s3cr3t");
    expect(text).toContain("<redacted>");
  });

  test("config.example.toml documents every key with its default, exactly as the table says", () => {
    const committed = readFileSync(join(import.meta.dir, "../../config.example.toml"), "utf8");
    expect(committed).toBe(renderExample());
    expect(loadConfig({ file: join(import.meta.dir, "../../config.example.toml"), env: {} })).toEqual(defaults() as never);
    for (const s of settings) expect(committed).toContain(`${s.key} = `);
  });

  test("src/config/types.ts is the table's shape", () => {
    expect(readFileSync(join(import.meta.dir, "../../src/config/types.ts"), "utf8")).toBe(renderTypes());
  });
});

describe("job schedules", () => {
  test("a cron field out of range is refused at load time, naming the key and the field", () => {
    expect(errorOf(() => loadConfig({ env: { UPDNS_JOBS_FAULTS: "99 * * * *" } }))).toContain('jobs.faults = "99 * * * *": minute: 99 is outside 0-59 (a cron expression of five fields "m h dom mon dow" in UTC, e.g. "0 3 * * sun", or "" to turn the job off)');
    expect(errorOf(() => loadConfig({ env: { UPDNS_JOBS_CLEANUP: "0 3 * *" } }))).toContain('jobs.cleanup = "0 3 * *": "0 3 * *" must have five fields');
  });
  test("lists, ranges, steps and an empty string (off) are accepted", () => {
    const c = loadConfig({ env: { UPDNS_JOBS_FAULTS: "0,30 1-5 */2 1-12/3 0", UPDNS_JOBS_CLEANUP: "" } });
    expect(c.jobs.faults).toBe("0,30 1-5 */2 1-12/3 0");
    expect(c.jobs.cleanup).toBe("");
  });
});
