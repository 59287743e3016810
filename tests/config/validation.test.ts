// Every value serve would refuse or silently skip is refused when the configuration is loaded (the same
// load serve and `updns check` do), with an error that names the key, the list item and what is wrong.
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config/index.ts";
import { parseCron } from "../../src/jobs/index.ts";
import { tempDir } from "../support/net.ts";

const dir = tempDir("updns-config-");
afterAll(() => dir.cleanup());
const file = (name: string, text: string) => {
  const f = join(dir.path, name);
  writeFileSync(f, text);
  return f;
};
/** A self-signed pair made by openssl, as an operator would make one. */
function makeCert(name: string): { cert: string; key: string } {
  const cert = join(dir.path, `${name}.pem`);
  const key = join(dir.path, `${name}.key`);
  const r = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", `/CN=${name}`, "-keyout", key, "-out", cert], { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { cert, key };
}
const { cert: CERT, key: KEY } = makeCert("one");
const OTHER = makeCert("other");
const NOT_PEM = file("notes.txt", "just some notes\n");
const BROKEN = file("broken.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");

function loadError(toml: string): string {
  const f = file("config.toml", toml);
  try {
    loadConfig({ file: f, env: {} });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error(`loaded without error:\n${toml}`);
}

// [config text, what the error must say]
const BAD: [string, string][] = [
  ['[http]\ntrusted_proxies = ["10.0.0.0/33"]', 'http.trusted_proxies[0] = "10.0.0.0/33": prefix length must be 0–32'],
  ['[http]\ntrusted_proxies = ["192.0.2.1", "proxy.example.org"]', 'http.trusted_proxies[1] = "proxy.example.org": "proxy.example.org" is not an IP address'],
  ['[abuse]\nbad_ips = ["1.2.3.4/99"]', 'abuse.bad_ips[0] = "1.2.3.4/99": prefix length must be 0–32'],
  ['[abuse]\nbad_hosts = ["Evil.Example.org."]', 'abuse.bad_hosts[0] = "Evil.Example.org.": must be written "evil.example.org" (names are compared lowercase, without the final dot)'],
  ['[abuse]\nbad_hosts = ["evil host"]', 'abuse.bad_hosts[0] = "evil host": must be a host name like evil.example.org'],
  ['[abuse]\nbad_ips = ["2001:db8::/129"]', 'abuse.bad_ips[0] = "2001:db8::/129": prefix length must be 0–128'],
  ['[dns]\nlisten = ["999.1.1.1:53"]', 'dns.listen[0] = "999.1.1.1:53": "999.1.1.1" is not an IPv4 address'],
  ['[dns]\nlisten = ["::1:53"]', 'dns.listen[0] = "::1:53": must be "address:port" with the IPv6 address in brackets, e.g. "[::1]:53"'],
  ['[dns]\nlisten = ["[::g]:53"]', 'dns.listen[0] = "[::g]:53": "::g" is not an IPv6 address'],
  ['[http]\nlisten = ["127.0.0.1"]', 'http.listen[0] = "127.0.0.1": must be "address:port" (IPv6 as "[::1]:port"): the port is missing'],
  ['[http]\nlisten = ["127.0.0.1:99999"]', 'http.listen[0] = "127.0.0.1:99999": port must be 0–65535, got 99999'],
  ['[http]\nlisten = ["127.0.0.1:http"]', 'http.listen[0] = "127.0.0.1:http": port "http" is not a number'],
  ['[http]\nlisten = ["127.0.0.1:5353"]', 'dns.listen[0] = "127.0.0.1:5353" is the address of http.listen[0] too: both listen on TCP there'],
  ['[dns]\nlisten = ["127.0.0.1:5300", "127.0.0.1:5300"]', 'dns.listen[1] = "127.0.0.1:5300" is the address of dns.listen[0] too: both listen on TCP there'],
  ["[http]\nlisten = []", "http.listen = []: must list at least one address"],
  ["[http]\nlisten = [8080]", "http.listen = [8080]: must be a list of strings"],
  ['[http]\ntls_cert = "/nonexistent/cert.pem"\ntls_key = "/nonexistent/key.pem"', 'http.tls_cert = "/nonexistent/cert.pem": cannot read /nonexistent/cert.pem: no such file'],
  [`[http]\ntls_cert = "${CERT}"\ntls_key = "${NOT_PEM}"`, `http.tls_key = "${NOT_PEM}": ${NOT_PEM} holds no PEM private key`],
  [`[http]\ntls_cert = "${KEY}"\ntls_key = "${KEY}"`, `http.tls_cert = "${KEY}": ${KEY} holds no PEM certificate`],
  [`[http]\ntls_cert = "${CERT}"`, "http.tls_cert and http.tls_key must be set together"],
  [`[http]\ntls_cert = "${BROKEN}"\ntls_key = "${KEY}"`, `http.tls_cert = "${BROKEN}": ${BROKEN} holds a certificate that does not parse`],
  [`[http]\ntls_cert = "${CERT}"\ntls_key = "${OTHER.key}"`, `http.tls_key ${OTHER.key} is not the private key of the certificate in http.tls_cert ${CERT}`],
  [`[http]\ntls_cert = "${CERT}"\ntls_key = "${dir.path}"`, `http.tls_key = "${dir.path}": cannot read ${dir.path}: it is a directory`],
  ['[dnssec]\nmaster_key = "abc"', 'dnssec.master_key = <redacted>: must be 64 hex digits or the base64 of 32 octets'],
  ["[dnssec]\ndefault_algorithm = 8", "dnssec.default_algorithm = 8: must be 13 (ECDSA P-256) or 15 (Ed25519)"],
  ['[server]\ndata_dir = "/etc/passwd"', 'server.data_dir = "/etc/passwd": /etc/passwd exists and is not a directory'],
  ['[server]\ndata_dir = "/etc/passwd/updns"', 'server.data_dir = "/etc/passwd/updns": /etc/passwd is not a directory, so nothing can be created below it'],
  ['[server]\npublic_url = "dyn.example.org"', 'server.public_url = "dyn.example.org": must be empty or an http(s):// URL'],
  ["[server]\nshutdown_timeout = 0", "server.shutdown_timeout = 0: must be between 1 and 60"],
  ['[registration]\nemail_blacklist = ["@spam\\\\.example$", "(unclosed"]', 'registration.email_blacklist[1] = "(unclosed": is not a regular expression'],
  ['[registration]\ncheck_email_domain = "maybe"', 'registration.check_email_domain = "maybe": must be true or false'],
  ['[registration]\nmode = "invite"', 'registration.mode = "invite": must be one of "open", "closed", "invitation"'],
  ['[acme_dns]\nzone = "not a zone!!"', 'acme_dns.zone = "not a zone!!": must be a zone name like acme.example.org'],
  ['[acme_dns]\nregistration = "token"', 'acme_dns.registration = "token" needs acme_dns.registration_token'],
  ['[acme_dns]\nregistration_token = "abcdefghijklmnopqrstuvwxyz"', 'acme_dns.registration_token is set but acme_dns.registration = "staff" does not use it'],
  ["[mail]\nsmtp_port = 70000", "mail.smtp_port = 70000: must be between 1 and 65535"],
  ['[mail]\nsmtp_tls = "ssl"', 'mail.smtp_tls = "ssl": must be one of "starttls", "tls", "none"'],
  ['[mail]\nsmtp_host = "smtp server"', 'mail.smtp_host = "smtp server": must be a host name or an IP address'],
  ['[mail]\nsmtp_user = "updns"\nsmtp_password = "hunter2hunter2"', "mail.smtp_user/smtp_password are set but mail.smtp_host is empty: mails go to the log"],
  ['[mail]\nsmtp_host = "smtp.example.org"\nsmtp_password = "hunter2hunter2"', "mail.smtp_password is set but mail.smtp_user is empty: the password would not be used"],
  ['[mail]\nfrom = "updns at example.org"', 'mail.from = "updns at example.org": must be an e-mail address'],
  [`[dns]\nchaos_version = "${"v".repeat(256)}"`, "dns.chaos_version = " + JSON.stringify("v".repeat(256)) + ": must be at most 255 octets (one TXT string), got 256"],
  ["[dns]\nbackoff = -5", "dns.backoff = -5: must be between 0 and 86400"],
  ["[dns]\nquery_timeout = 1.5", "dns.query_timeout = 1.5: must be an integer"],
  ['[dns]\nresolver = ["300.1.1.1"]', 'dns.resolver[0] = "300.1.1.1": "300.1.1.1" is not an IPv4 address'],
  ['[dns]\nresolver = ["192.0.2.53:0"]', 'dns.resolver[0] = "192.0.2.53:0": port must be 1–65535, got 0'],
  ['[log]\nlevel = "verbose"', 'log.level = "verbose": must be one of "debug", "info", "warn", "error"'],
  ['[jobs]\nfaults = "0 25 * * *"', 'jobs.faults = "0 25 * * *": hour: 25 is outside 0-23'],
  ['[jobs]\ncleanup = "0 3 * * funday"', 'jobs.cleanup = "0 3 * * funday": day of week: "funday" is not a number or a name'],
  ['[jobs]\ndomains_check = "0 3 * *"', 'jobs.domains_check = "0 3 * *": "0 3 * *" must have five fields'],
  ['[oauth.oidc]\nclient_id = "updns"\nclient_secret = "s3cr3t"', "oauth.oidc.client_id is set but oauth.oidc.issuer is empty: the provider would not appear"],
  ['[oauth.github]\nclient_secret = "s3cr3t"', "oauth.github.client_secret is set but oauth.github.client_id is empty"],
  ['[oauth.gitlab]\nissuer = "gitlab.example.org"', 'oauth.gitlab.issuer = "gitlab.example.org": must be empty or an http(s):// URL'],
  ['[http]\nlisen = ["127.0.0.1:1"]', "unknown key http.lisen"],
  ["[htp]\nlisten = []", 'unknown section or top-level key "htp"'],
];

describe("a bad value is refused at load time, naming the key", () => {
  test(`the table holds ${BAD.length} bad configurations`, () => expect(BAD.length).toBeGreaterThanOrEqual(25));
  for (const [toml, message] of BAD) {
    test(toml.replaceAll("\n", " "), () => {
      expect(loadError(toml)).toContain(message);
    });
  }
});

describe("what the loader reports", () => {
  test("every problem of a file at once, each on its own line", () => {
    const msg = loadError('[http]\ntrusted_proxies = ["10.0.0.0/33"]\n[abuse]\nbad_ips = ["1.2.3.4/99"]\n[log]\nlevel = "loud"\n');
    expect(msg).toStartWith("3 problems in the configuration:\n");
    expect(msg.split("\n").filter((l) => l.includes(" = "))).toHaveLength(3);
  });

  test("an environment variable is named as the source", () => {
    expect(() => loadConfig({ env: { UPDNS_HTTP_TRUSTED_PROXIES: "10.0.0.0/8,10.0.0.0/33" } })).toThrow('environment UPDNS_HTTP_TRUSTED_PROXIES: http.trusted_proxies[1] = "10.0.0.0/33": prefix length must be 0–32');
  });

  test("a secret value is never echoed in an error", () => {
    expect(loadError('[dnssec]\nmaster_key = "not-the-key-at-all"')).not.toContain("not-the-key-at-all");
  });

  test("good values of the same keys load", () => {
    const c = loadConfig({
      file: file(
        "good.toml",
        `[server]\ndata_dir = "${join(dir.path, "new/data")}"\n[http]\nlisten = ["127.0.0.1:0", "[::1]:8443", "localhost:8080"]\ntrusted_proxies = ["10.0.0.0/8", "2001:db8::/32", "192.0.2.1"]\ntls_cert = "${CERT}"\ntls_key = "${KEY}"\n` +
          `[dns]\nlisten = ["0.0.0.0:53", "[::]:53"]\nresolver = ["192.0.2.53", "192.0.2.53:5353", "2001:db8::53", "[2001:db8::53]:53"]\n[abuse]\nbad_ips = ["198.51.100.0/24", "2001:db8:bad::/48"]\n` +
          `[registration]\nemail_blacklist = ["@spam\\\\.example$"]\n[acme_dns]\nzone = "acme.example.org"\n[dnssec]\nmaster_key = "${"ab".repeat(32)}"\n` +
          `[mail]\nsmtp_host = "smtp.example.org"\nsmtp_user = "updns"\nsmtp_password = "hunter2hunter2"\n[jobs]\nfaults = "0 3 * * sun"\nusers_stale_check = "0 6 1 JAN,Jul *"\n`,
      ),
      env: {},
    });
    expect(c.http.trusted_proxies).toHaveLength(3);
    expect(c.jobs.faults).toBe("0 3 * * sun");
  });
});

describe("cron names", () => {
  test("weekday and month names, in any case, pass the table and mean the same to the scheduler", () => {
    for (const expr of ["0 3 * * sun", "0 3 * * SUN", "0 3 * * Mon-Fri", "0 6 1 jan,JUL *", "30 4 * dec sat"]) {
      expect(loadConfig({ env: { UPDNS_JOBS_FAULTS: expr } }).jobs.faults).toBe(expr);
    }
    expect([...parseCron("0 3 * * sun").weekdays]).toEqual([...parseCron("0 3 * * 0").weekdays]);
    expect([...parseCron("0 6 1 jan,JUL *").months]).toEqual([1, 7]);
  });
});
