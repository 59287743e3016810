// Every setting updns knows, in one declarative table: section, key, type, default, validator, and whether
// it is a secret (then `updns check` prints <redacted>). config.example.toml documents the same keys; a test
// keeps the two in step.

import * as checks from "./validators.ts";

export type ValueType = "string" | "int" | "bool" | "string[]";
export type Value = string | number | boolean | string[];

export interface Setting {
  section: string;
  key: string;
  type: ValueType;
  default: Value;
  /** Returns an error text ("must be ...") or null. */
  validate?: (v: Value) => string | null;
  /** For a list: checks each item; the error names the item as key[index]. */
  each?: (item: string) => string | null;
  secret?: boolean;
  help: string;
}

const oneOf = (...allowed: string[]) => (v: Value) => (allowed.includes(v as string) ? null : `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`);
const range = (min: number, max: number) => (v: Value) => ((v as number) >= min && (v as number) <= max ? null : `must be between ${min} and ${max}`);
/** A string check as a table validator. */
const text = (check: (v: string) => string | null) => (v: Value) => check(v as string);
const url = text(checks.url);
const schedule = text(checks.schedule);
const notEmpty = (v: Value) => ((v as string[]).length > 0 ? null : "must list at least one address");

export const settings: Setting[] = [
  // [server]
  { section: "server", key: "data_dir", type: "string", default: "./data", validate: text(checks.dataDir), help: "Where the SQLite database and other state live." },
  { section: "server", key: "public_url", type: "string", default: "", validate: url, help: "The URL people use for the web UI (dual-stack name), e.g. https://dyn.example.org. Empty: derived from the request." },
  { section: "server", key: "ipv4_url", type: "string", default: "", validate: url, help: "URL of a name with only an A record (IPv4 detection, v4-only update clients)." },
  { section: "server", key: "ipv6_url", type: "string", default: "", validate: url, help: "URL of a name with only an AAAA record (IPv6 detection, v6-only update clients)." },
  { section: "server", key: "synchronous", type: "string", default: "FULL", validate: oneOf("FULL", "NORMAL"), help: 'SQLite durability: "FULL" survives power loss, "NORMAL" survives a process crash.' },
  { section: "server", key: "shutdown_timeout", type: "int", default: 5, validate: range(1, 60), help: "Seconds SIGTERM waits for requests in flight." },

  // [http]
  { section: "http", key: "listen", type: "string[]", default: ["127.0.0.1:8080"], validate: notEmpty, each: checks.listenAddress, help: 'Addresses of the web UI and the APIs, each this server\'s alone; "[::]:443" is IPv6 only, list "0.0.0.0:443" too for IPv4.' },
  { section: "http", key: "tls_cert", type: "string", default: "", validate: text(checks.pemFile("certificate")), help: "PEM certificate chain; with tls_key, serve HTTPS. Reloaded on SIGHUP." },
  { section: "http", key: "tls_key", type: "string", default: "", validate: text(checks.pemFile("private key")), help: "PEM private key for tls_cert." },
  { section: "http", key: "trusted_proxies", type: "string[]", default: [], each: checks.cidr, help: "Peers whose X-Forwarded-For / Forwarded / X-Forwarded-Proto are believed." },
  { section: "http", key: "max_body_bytes", type: "int", default: 65536, validate: range(1024, 16777216), help: "Largest request body accepted." },

  // [dns]
  { section: "dns", key: "listen", type: "string[]", default: ["127.0.0.1:5353"], each: checks.listenAddress, help: 'UDP and TCP addresses the embedded primary answers on; "[::]:53" is IPv6 only: ["0.0.0.0:53", "[::]:53"] for both.' },
  { section: "dns", key: "threads", type: "int", default: 0, validate: range(0, 256), help: "Threads answering DNS queries over UDP, each on its own socket of every dns.listen address (SO_REUSEPORT: the kernel spreads the queries); 0: one per CPU core." },
  { section: "dns", key: "max_udp_size", type: "int", default: 1232, validate: range(512, 4096), help: "Largest UDP answer, whatever the client's EDNS buffer says (RFC 6891, DNS flag day 2020)." },
  { section: "dns", key: "tcp_idle_timeout", type: "int", default: 10, validate: range(1, 300), help: "Seconds an idle TCP connection is kept (RFC 7766)." },
  { section: "dns", key: "tcp_max_connections", type: "int", default: 250, validate: range(1, 100000), help: "Concurrent TCP connections." },
  { section: "dns", key: "tcp_max_connections_per_address", type: "int", default: 32, validate: range(1, 100000), help: "Concurrent TCP connections from one client address (one client cannot take them all)." },
  { section: "dns", key: "rrl_responses_per_second", type: "int", default: 0, validate: range(0, 100000), help: "Response rate limiting of UDP answers per client network and answer (as BIND and Knot); 0: off. Turn it on (e.g. 20) when updns answers the internet directly rather than through secondaries." },
  { section: "dns", key: "rrl_slip", type: "int", default: 2, validate: range(0, 10), help: "With RRL, every n-th limited answer goes out empty with TC=1 so real resolvers retry over TCP; 0: drop them all." },
  { section: "dns", key: "rrl_ipv4_prefix", type: "int", default: 24, validate: range(8, 32), help: "With RRL, IPv4 clients are counted per network of this prefix length." },
  { section: "dns", key: "rrl_ipv6_prefix", type: "int", default: 56, validate: range(16, 128), help: "With RRL, IPv6 clients are counted per network of this prefix length." },
  { section: "dns", key: "resolver", type: "string[]", default: [], each: checks.resolverAddress, help: 'Recursive resolvers for the reverse names (PTR) of visitors\' addresses, as "ip" or "ip:port" (IPv6 as "[::1]:53"); empty: the nameservers of /etc/resolv.conf.' },
  { section: "dns", key: "query_timeout", type: "int", default: 5, validate: range(1, 60), help: "Seconds to wait for an external primary (rfc2136 zones) before one retry." },
  { section: "dns", key: "backoff", type: "int", default: 120, validate: range(0, 86400), help: "Seconds an external primary is left alone after it failed." },
  { section: "dns", key: "journal_max_changes", type: "int", default: 1000, validate: range(1, 10000000), help: "Changesets kept per embedded zone for IXFR." },
  { section: "dns", key: "journal_max_age_days", type: "int", default: 14, validate: range(1, 3650), help: "Changesets older than this are trimmed (secondaries then get AXFR)." },
  { section: "dns", key: "chaos_version", type: "string", default: "", validate: text(checks.characterString), help: 'Answer to CH TXT version.bind; empty: REFUSED.' },
  { section: "dns", key: "chaos_id", type: "string", default: "", validate: text(checks.characterString), help: 'Answer to CH TXT id.server; empty: REFUSED.' },
  { section: "dns", key: "notify_source", type: "string", default: "", validate: text(checks.sourceAddress(4, "dns.notify_source_v6")), help: 'IPv4 address NOTIFY and SOA checks to secondaries leave from (BIND\'s notify-source); empty: the first IPv4 address of dns.listen, the kernel\'s choice when that is 0.0.0.0; "0.0.0.0": always the kernel\'s choice.' },
  { section: "dns", key: "notify_source_v6", type: "string", default: "", validate: text(checks.sourceAddress(6, "dns.notify_source")), help: 'IPv6 address NOTIFY and SOA checks to secondaries leave from (BIND\'s notify-source-v6); empty: the first IPv6 address of dns.listen, the kernel\'s choice when that is [::]; "::": always the kernel\'s choice.' },
  { section: "dns", key: "rfc2136_source", type: "string", default: "", validate: text(checks.sourceAddress(4, "dns.rfc2136_source_v6")), help: 'IPv4 address UPDATEs and queries to external primaries (rfc2136 zones) leave from; empty: as dns.notify_source; "0.0.0.0": the kernel\'s choice.' },
  { section: "dns", key: "rfc2136_source_v6", type: "string", default: "", validate: text(checks.sourceAddress(6, "dns.rfc2136_source")), help: 'IPv6 address UPDATEs and queries to external primaries (rfc2136 zones) leave from; empty: as dns.notify_source_v6; "::": the kernel\'s choice.' },
  { section: "dns", key: "catalog_zone", type: "string", default: "", validate: text(checks.zoneName), help: 'A catalog zone (RFC 9432, version 2) listing every embedded zone, e.g. "catalog.invalid": secondaries configured for it serve each zone added here without a line of per-zone configuration; empty: off.' },
  { section: "dns", key: "catalog_transfer_key", type: "string", default: "", validate: text(checks.zoneName), help: 'The TSIG key (made with "updns tsig add") that transfers the catalog zone and every zone in it; required with catalog_zone (no unsigned transfers).' },
  { section: "dns", key: "catalog_secondaries", type: "string[]", default: [], each: checks.resolverAddress, help: 'Secondaries that consume the catalog, as "ip" or "ip:port" (IPv6 as "[::1]:53"): they get a NOTIFY, signed with catalog_transfer_key, whenever a zone is added or removed; empty: they find out at the catalog\'s SOA refresh.' },

  // [mail]
  { section: "mail", key: "smtp_host", type: "string", default: "", validate: text(checks.hostName), help: "SMTP server; empty: mails are written to the log instead." },
  { section: "mail", key: "smtp_port", type: "int", default: 587, validate: range(1, 65535), help: "SMTP port." },
  { section: "mail", key: "smtp_tls", type: "string", default: "starttls", validate: oneOf("starttls", "tls", "none"), help: '"starttls", "tls" (implicit, port 465) or "none" (only for a local relay).' },
  { section: "mail", key: "smtp_user", type: "string", default: "", help: "SMTP user name." },
  { section: "mail", key: "smtp_password", type: "string", default: "", secret: true, help: "SMTP password." },
  { section: "mail", key: "from", type: "string", default: "updns@localhost", validate: text(checks.mailbox), help: "Sender address." },

  // [registration]
  { section: "registration", key: "mode", type: "string", default: "closed", validate: oneOf("open", "closed", "invitation"), help: 'Who may sign up: "open", "closed" or "invitation" (staff hand out links).' },
  { section: "registration", key: "check_email_domain", type: "bool", default: false, help: "Require an MX or A record for the e-mail domain of a new account." },
  { section: "registration", key: "email_blacklist", type: "string[]", default: [], each: checks.regex, help: "Regular expressions; matching e-mail addresses may not register." },

  // [oauth.*]
  ...(["github", "gitlab", "google", "oidc"] as const).flatMap((p): Setting[] => [
    { section: `oauth.${p}`, key: "client_id", type: "string", default: "", help: `OAuth client id for ${p}; empty: off.` },
    { section: `oauth.${p}`, key: "client_secret", type: "string", default: "", secret: true, help: `OAuth client secret for ${p}.` },
    ...(p === "gitlab" || p === "oidc"
      ? [{ section: `oauth.${p}`, key: "issuer", type: "string" as const, default: p === "gitlab" ? "https://gitlab.com" : "", validate: url, help: "Issuer / base URL of the provider." }]
      : []),
    ...(p === "github"
      ? [
          {
            section: "oauth.github",
            key: "base_url",
            type: "string" as const,
            default: "https://github.com",
            validate: url,
            help: "Where GitHub runs: https://github.com, or a GitHub Enterprise Server (e.g. https://github.example.com; its API is <base_url>/api/v3).",
          },
        ]
      : []),
  ]),

  // [abuse]
  { section: "abuse", key: "bad_agents", type: "string[]", default: [], help: "User-Agent values that get `badagent` (exact match)." },
  { section: "abuse", key: "bad_hosts", type: "string[]", default: [], each: checks.canonicalHost, help: "Host names (hostname parameter or user name) answered `abuse` (403) before authentication." },
  { section: "abuse", key: "bad_ips", type: "string[]", default: [], each: checks.cidr, help: "Target addresses/prefixes; an update to one flags the host abuse and abuse_blocked." },
  { section: "abuse", key: "flag_abuse_threshold", type: "int", default: 150, validate: range(0, 1000000), help: "The weekly faults job flags hosts with more client faults than this (the baseline's advice: 150) and mails their owners; 0: do not flag." },
  { section: "abuse", key: "badauth_per_minute", type: "int", default: 30, validate: range(1, 100000), help: "Failed update authentications per client address per minute before 429." },
  { section: "abuse", key: "api_requests_per_minute", type: "int", default: 120, validate: range(1, 1000000), help: "Requests per API token per minute to /api/v1 before 429." },

  // [update]
  {
    section: "update",
    key: "max_addresses",
    type: "int",
    default: 16,
    validate: range(1, 1024),
    help: "Most IPv4 and most IPv6 addresses one dyndns2 request may carry (myip, myipv4, ipv4, myipv6, ipv6, myip6 together, each family counted on its own); more is answered `dnserr` (the client's fault) and changes nothing.",
  },

  // [jobs]
  { section: "jobs", key: "faults", type: "string", default: "0 3 * * 0", validate: schedule, help: "Show and reset fault counters, flag abuse." },
  { section: "jobs", key: "domains_check", type: "string", default: "30 4 * * *", validate: schedule, help: "Check every domain's nameserver." },
  { section: "jobs", key: "hosts_stale_check", type: "string", default: "0 5 * * *", validate: schedule, help: "Raise staleness of hosts not updated for long." },
  { section: "jobs", key: "users_stale_check", type: "string", default: "0 6 * * 0", validate: schedule, help: "Remove accounts never used or inactive for long, after notice." },
  { section: "jobs", key: "dnssec_resign", type: "string", default: "23 * * * *", validate: schedule, help: "Renew DNSSEC signatures before they expire, roll ZSKs when due." },
  { section: "jobs", key: "cleanup", type: "string", default: "15 * * * *", validate: schedule, help: "Expired sessions, tokens and registrations." },

  // [acme_dns]
  { section: "acme_dns", key: "zone", type: "string", default: "", validate: text(checks.zoneName), help: "Zone that holds the acme-dns accounts' subdomains (e.g. acme.example.org): an embedded zone, or an rfc2136 zone whose primary gets the TXT records by UPDATE; empty: the acme-dns API is off." },
  { section: "acme_dns", key: "base_path", type: "string", default: "/acme-dns", validate: (v) => (/^(\/[A-Za-z0-9._~-]+)+$/.test(v as string) ? null : 'must be a path like "/acme-dns"'), help: "Where the acme-dns API is mounted; clients take http(s)://host<base_path> as their base URL." },
  { section: "acme_dns", key: "registration", type: "string", default: "staff", validate: oneOf("off", "staff", "token", "open"), help: '"off" (404), "staff" (HTTP Basic with a staff account, or the web UI), "token" (only under <base_path>/<registration_token>/register) or "open".' },
  { section: "acme_dns", key: "registration_token", type: "string", default: "", secret: true, validate: (v) => (v === "" || /^[A-Za-z0-9_-]{16,128}$/.test(v as string) ? null : "must be 16 to 128 characters of [A-Za-z0-9_-]"), help: 'Secret path segment for registration = "token".' },
  { section: "acme_dns", key: "max_txt", type: "int", default: 10, validate: range(1, 100), help: "TXT values kept per acme-dns account, and per host for dyndns2 txt=; the oldest goes when a new one arrives (acme-dns keeps 2)." },
  { section: "acme_dns", key: "txt_ttl", type: "int", default: 30, validate: range(1, 60), help: "TTL of the challenge TXT records, and the negative TTL of the challenge zone (RFC 2308), in seconds." },
  { section: "acme_dns", key: "txt_lifetime", type: "int", default: 3600, validate: range(60, 604800), help: "Seconds a TXT value (acme-dns or dyndns2 txt=) lives before the sweep removes it; sending it again restarts this." },

  // [dnssec]
  { section: "dnssec", key: "master_key", type: "string", default: "", secret: true, validate: text(checks.masterKey), help: "Key (64 hex digits or base64 of 32 bytes) that encrypts DNSSEC private keys, TSIG secrets and forwarder passwords in the database; empty: kept in <data_dir>/dnssec.key (back it up with the database)." },
  { section: "dnssec", key: "default_algorithm", type: "int", default: 13, validate: (v) => (v === 13 || v === 15 ? null : "must be 13 (ECDSA P-256) or 15 (Ed25519)"), help: "Algorithm for newly signed zones: 13 (ECDSA P-256/SHA-256) or 15 (Ed25519)." },

  // [log]
  { section: "log", key: "level", type: "string", default: "info", validate: oneOf("debug", "info", "warn", "error"), help: "Least important level logged." },
  { section: "log", key: "format", type: "string", default: "logfmt", validate: oneOf("logfmt", "json"), help: "One line per event, as logfmt or JSON." },

  // [metrics]
  { section: "metrics", key: "allow", type: "string[]", default: ["127.0.0.0/8", "::1/128"], each: checks.cidr, help: "Client addresses or CIDR prefixes that may read /metrics (others get 403); behind a reverse proxy, list it in [http] trusted_proxies so the real client is checked." },

  // [domains]
  { section: "domains", key: "add", type: "string", default: "staff", validate: oneOf("staff", "users"), help: "Who may add embedded zones in the web UI and the API: \"staff\", or every signed-in user (\"users\"). Anyone may add an rfc2136 domain; the owner of an embedded zone may add zones below it." },
];
