// Generated shape of the configuration (one interface per section of the table in table.ts).
// Keep in step with table.ts; tests/config/config.test.ts checks it.

export interface Config {
  "server": {
    data_dir: string;
    public_url: string;
    ipv4_url: string;
    ipv6_url: string;
    synchronous: string;
    shutdown_timeout: number;
  };
  "http": {
    listen: string[];
    tls_cert: string;
    tls_key: string;
    trusted_proxies: string[];
    max_body_bytes: number;
  };
  "dns": {
    listen: string[];
    threads: number;
    max_udp_size: number;
    tcp_idle_timeout: number;
    tcp_max_connections: number;
    tcp_max_connections_per_address: number;
    rrl_responses_per_second: number;
    rrl_slip: number;
    rrl_ipv4_prefix: number;
    rrl_ipv6_prefix: number;
    resolver: string[];
    query_timeout: number;
    backoff: number;
    journal_max_changes: number;
    journal_max_age_days: number;
    chaos_version: string;
    chaos_id: string;
    notify_source: string;
    notify_source_v6: string;
    rfc2136_source: string;
    rfc2136_source_v6: string;
    catalog_zone: string;
    catalog_transfer_key: string;
    catalog_secondaries: string[];
  };
  "mail": {
    smtp_host: string;
    smtp_port: number;
    smtp_tls: string;
    smtp_user: string;
    smtp_password: string;
    from: string;
  };
  "registration": {
    mode: string;
    check_email_domain: boolean;
    email_blacklist: string[];
  };
  "oauth.github": {
    client_id: string;
    client_secret: string;
    base_url: string;
  };
  "oauth.gitlab": {
    client_id: string;
    client_secret: string;
    issuer: string;
  };
  "oauth.google": {
    client_id: string;
    client_secret: string;
  };
  "oauth.oidc": {
    client_id: string;
    client_secret: string;
    issuer: string;
  };
  "abuse": {
    bad_agents: string[];
    bad_hosts: string[];
    bad_ips: string[];
    flag_abuse_threshold: number;
    badauth_per_minute: number;
    api_requests_per_minute: number;
  };
  "update": {
    max_addresses: number;
  };
  "jobs": {
    faults: string;
    domains_check: string;
    hosts_stale_check: string;
    users_stale_check: string;
    dnssec_resign: string;
    cleanup: string;
  };
  "acme_dns": {
    zone: string;
    base_path: string;
    registration: string;
    registration_token: string;
    max_txt: number;
    txt_ttl: number;
    txt_lifetime: number;
  };
  "dnssec": {
    master_key: string;
    default_algorithm: number;
  };
  "log": {
    level: string;
    format: string;
  };
  "metrics": {
    allow: string[];
  };
  "domains": {
    add: string;
  };
}
