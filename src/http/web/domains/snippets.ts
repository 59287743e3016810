// Nameserver configuration for a domain (updns.md §3): for an embedded zone, how BIND, Knot and NSD serve
// it as secondaries of updns (transfer key, NOTIFY); for an rfc2136 zone, how BIND and Knot act as the
// primary updns sends UPDATEs to, with an update policy limited to what updns writes. The secondary
// snippets are started as real daemons in tests/http/web/domain-snippets.test.ts.

import { msg } from "../i18n.ts";
import { splitHostPort } from "../../../net/index.ts";

export interface KeyText {
  name: string;
  algorithm: string;
  /** Cleartext right after generation, else a placeholder. */
  secret: string;
}

export interface Snippet {
  label: string;
  text: string;
}

/** Secondary configurations for an embedded zone whose primary (updns) listens on `primary`. */
export function secondarySnippets(zone: string, primary: string, key: KeyText): Snippet[] {
  const { host: address, port } = splitHostPort(primary, { defaultPort: 53 });
  const bindPort = port === 53 ? "" : ` port ${port}`;
  const at = port === 53 ? "" : `@${port}`;
  return [
    {
      label: "BIND 9 (named.conf)",
      text: `key "${key.name}" {
\talgorithm ${key.algorithm};
\tsecret "${key.secret}";
};

zone "${zone}" {
\ttype secondary;
\tfile "${zone}.db";
\tprimaries {${" "}${address}${bindPort} key "${key.name}"; };
\tallow-notify { key "${key.name}"; };
};
`,
    },
    {
      label: "Knot DNS (knot.conf)",
      text: `key:
  - id: ${key.name}
    algorithm: ${key.algorithm}
    secret: ${key.secret}

remote:
  - id: updns
    address: ${address}${at}
    key: ${key.name}

acl:
  - id: updns-notify
    address: ${address}
    key: ${key.name}
    action: notify

zone:
  - domain: ${zone}
    master: updns
    acl: updns-notify
`,
    },
    {
      label: "NSD (nsd.conf)",
      text: `key:
\tname: "${key.name}"
\talgorithm: ${key.algorithm}
\tsecret: "${key.secret}"

zone:
\tname: "${zone}"
\tzonefile: "${zone}.zone"
\tallow-notify: ${address} ${key.name}
\trequest-xfr: ${address}${at} ${key.name}
`,
    },
  ];
}

/** Primary configurations for an rfc2136 zone: the key may change A, AAAA and TXT below the zone only. */
export function primarySnippets(zone: string, key: KeyText, serial: string): Snippet[] {
  return [
    {
      label: "BIND 9 (named.conf)",
      text: `key "${key.name}" {
\talgorithm ${key.algorithm};
\tsecret "${key.secret}";
};

zone "${zone}" {
\ttype primary;
\tfile "/var/lib/bind/${zone}.db";
\tupdate-policy {
\t\tdeny "${key.name}" name ${zone}.;
\t\tdeny "${key.name}" name www.${zone}.;
\t\tdeny "${key.name}" name ipv4.${zone}.;
\t\tdeny "${key.name}" name ipv6.${zone}.;
\t\tgrant "${key.name}" subdomain ${zone}. A AAAA TXT;
\t};
};
`,
    },
    {
      label: "Knot DNS (knot.conf)",
      text: `key:
  - id: ${key.name}
    algorithm: ${key.algorithm}
    secret: ${key.secret}

acl:
  - id: updns-deny
    key: ${key.name}
    action: update
    deny: on
    update-owner: name
    update-owner-match: equal
    update-owner-name: [${zone}., www.${zone}., ipv4.${zone}., ipv6.${zone}.]
  - id: updns-update
    key: ${key.name}
    action: update
    update-type: [A, AAAA, TXT]

zone:
  - domain: ${zone}
    file: ${zone}.zone
    acl: [updns-deny, updns-update]
`,
    },
    {
      label: msg("Initial zone file"),
      text: `$TTL 3600
@\tIN SOA ns1.${zone}. hostmaster.${zone}. ( ${serial} 7200 1800 604800 60 )
@\tIN NS ns1.${zone}.
@\tIN NS ns2.${zone}.
ns1\tIN A 192.0.2.53
ns2\tIN A 198.51.100.53
`,
    },
  ];
}
