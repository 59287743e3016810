// The one description every configuration snippet is generated from: the host, its secret, and where this
// service answers for each address family. A family gets a section of its own in a snippet only when it
// has a name of its own ([server] ipv4_url / ipv6_url); with one name for both, a snippet has one section,
// and the update goes to the dual-stack name (the address the request comes from, or myip=IPv4,IPv6).

export interface ServiceNames {
  /** Dual-stack name of the service, with a port if not the default ("dyn.example.org"). */
  www: string;
  /** Name with only an A record (IPv4 updates and detection); `www` when none is configured. */
  ipv4: string;
  /** Name with only an AAAA record; `www` when none is configured. */
  ipv6: string;
  /** https (true) or plain http. */
  tls: boolean;
}

export interface HelpInput {
  fqdn: string;
  /** Cleartext, or "" when not just generated. */
  secret: string;
  names: ServiceNames;
}

/**
 * An address family as a snippet sees it: "ipv4"/"ipv6" when the family has its own name, "ip" for the one
 * name that serves both (a client then updates the address it connects from).
 */
export interface Family {
  id: "ip" | "ipv4" | "ipv6";
  /** host[:port] that detects this family's address and takes its updates. */
  host: string;
}

export interface Setup {
  fqdn: string;
  /** The secret, or the translated placeholder when it is not shown any more. */
  secret: string;
  tls: boolean;
  scheme: "http" | "https";
  /** The dual-stack name: updates that carry both addresses, the browser updater. */
  www: string;
  /** One entry per family with its own name, or a single "ip" entry. */
  families: Family[];
}

export function helpSetup(input: HelpInput, secretPlaceholder: string): Setup {
  const { www, ipv4, ipv6, tls } = input.names;
  const families: Family[] = ipv4 === ipv6 ? [{ id: "ip", host: ipv4 }] : [{ id: "ipv4", host: ipv4 }, { id: "ipv6", host: ipv6 }];
  return { fqdn: input.fqdn, secret: input.secret || secretPlaceholder, tls, scheme: tls ? "https" : "http", www, families };
}

/** Whether IPv4 and IPv6 have names of their own. */
export const splitFamilies = (s: Setup): boolean => s.families.length > 1;

/** The name that detects `family`'s address (the dual-stack name when the families share one). */
export function detectHost(s: Setup, family: "ipv4" | "ipv6"): string {
  return (s.families.find((f) => f.id === family) ?? s.families[0]).host;
}

/** The name for clients that only ever send IPv4 (most routers' built-in dyndns2 clients). */
export const ipv4Host = (s: Setup): string => detectHost(s, "ipv4");

export const url = (s: Setup, host: string, pathAndQuery: string): string => `${s.scheme}://${host}${pathAndQuery}`;

/** A URL with the host's name and secret as its user info (Basic authentication from the URL). */
export const urlWithCredentials = (s: Setup, host: string, pathAndQuery: string): string => `${s.scheme}://${s.fqdn}:${s.secret}@${host}${pathAndQuery}`;

/** The /myip address check of a name. */
export const myipUrl = (s: Setup, host: string): string => url(s, host, "/myip");

/** Every distinct name of the service: the families' names and the dual-stack one. */
export const distinctHosts = (s: Setup): string[] => [...new Set([...s.families.map((f) => f.host), s.www])];

/** The port of host[:port], or the scheme's default. */
export function portOf(s: Setup, host: string): string {
  const m = host.match(/:(\d+)$/);
  return m ? m[1] : s.tls ? "443" : "80";
}

/** host[:port] without the port and without IPv6 brackets. */
export const bareHost = (host: string): string => host.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");

/** The service's names for the help: [server] public_url / ipv4_url / ipv6_url, else this request's origin. */
export function serviceNames(publicUrl: string, ipv4Url: string, ipv6Url: string, origin: string): ServiceNames {
  const main = new URL(publicUrl || origin);
  const host = (u: string) => (u ? new URL(u).host : main.host);
  return { www: main.host, ipv4: host(ipv4Url), ipv6: host(ipv6Url), tls: main.protocol === "https:" };
}
