// Checks of single values for the settings table. Each returns what is wrong ("must be ...", "prefix
// length must be 0–32") or null; the loader puts the key and the value in front, so `updns check` and
// `updns serve` report the same error in the same words. A value serve would refuse or silently skip
// must fail here: these checks are the whole truth about the file.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { isIP } from "node:net";
import { dirname, resolve } from "node:path";
import { parseCron } from "./cron.ts";
import { parseHostPort } from "../net/index.ts";

type Check = (v: string) => string | null;

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
/** Zone names may hold underscores (e.g. _acme-challenge zones); labels up to 63 octets (RFC 1035 §2.3.4). */
const ZONE_NAME = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** An address the way the listeners and the proxy/abuse matchers read it: no names, no zone ids. */
function ipProblem(text: string): string | null {
  if (/^[0-9.]+$/.test(text)) return isIP(text) === 4 ? null : `"${text}" is not an IPv4 address`;
  if (text.includes(":")) return isIP(text) === 6 ? null : `"${text}" is not an IPv6 address`;
  return `"${text}" is not an IP address`;
}

/** "address:port" for a listener: IPv4, [IPv6] or a host name; port 0 lets the system choose. */
export const listenAddress: Check = (v) => {
  const hp = parseHostPort(v, { minPort: 0 });
  if ("problem" in hp) return hp.problem;
  const { host, bracketed } = hp;
  return bracketed ? null : /^[0-9.]+$/.test(host) ? ipProblem(host) : HOSTNAME.test(host) ? null : `"${host}" is neither an IP address nor a host name`;
};

/** An address or a prefix "address/length", as ProxyTrust and AddressSet take them. */
export const cidr: Check = (v) => {
  const [addr, len, extra] = v.split("/");
  if (extra !== undefined) return 'must be an address or "address/length"';
  const bad = ipProblem(addr);
  if (bad) return bad;
  if (len === undefined) return null;
  const bits = isIP(addr) === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(len) && Number(len) <= bits ? null : `prefix length must be 0–${bits}`;
};

/** A recursive resolver: "ip" or "ip:port" (IPv6 in brackets when a port follows). */
export const resolverAddress: Check = (v) => {
  const hp = parseHostPort(v, { defaultPort: 53 });
  if ("problem" in hp) return hp.problem;
  return hp.bracketed || isIP(hp.host) === 6 ? null : ipProblem(hp.host);
};

/**
 * A source address of one family for outgoing DNS, or "" (the default). The wrong family is named as such:
 * a socket of one family cannot send from an address of the other.
 */
export const sourceAddress =
  (family: 4 | 6, otherKey: string): Check =>
  (v) => {
    if (v === "" || isIP(v) === family) return null;
    if (isIP(v) !== 0) return `"${v}" is an IPv${isIP(v)} address, this key takes IPv${family} (set ${otherKey} for IPv${isIP(v)})`;
    return `"${v}" is not an IPv${family} address`;
  };

/** A regular expression as registration matches e-mail addresses with it (case-insensitive). */
export const regex: Check = (v) => {
  try {
    new RegExp(v, "i");
    return null;
  } catch (e) {
    return `is not a regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}`;
  }
};

export const zoneName: Check = (v) => (v === "" || ZONE_NAME.test(v) ? null : "must be a zone name like acme.example.org (labels of letters, digits, - and _, up to 63 each)");

/** One DNS character-string (RFC 1035 §3.3): at most 255 octets, else the answer would be cut. */
export const characterString: Check = (v) => {
  const n = new TextEncoder().encode(v).length;
  return n <= 255 ? null : `must be at most 255 octets (one TXT string), got ${n}`;
};

/** A host name as updates are compared with it: lowercase, no trailing dot (else it never matches). */
export const canonicalHost: Check = (v) => {
  if (!HOSTNAME.test(v)) return "must be a host name like evil.example.org";
  const canonical = v.toLowerCase().replace(/\.$/, "");
  return v === canonical ? null : `must be written "${canonical}" (names are compared lowercase, without the final dot)`;
};

export const hostName: Check = (v) => (v === "" || HOSTNAME.test(v) || isIP(v) ? null : "must be a host name or an IP address");

export const url: Check = (v) => {
  if (v === "") return null;
  if (!/^https?:\/\/[^\s/]+/.test(v)) return "must be empty or an http(s):// URL";
  try {
    new URL(v);
    return null;
  } catch {
    return "is not a valid URL";
  }
};

/** Where the database and key files go: a directory, or a path below an existing directory. */
export const dataDir: Check = (v) => {
  if (v.trim() === "") return "must name a directory";
  let p = resolve(v);
  if (existsSync(p)) return statSync(p).isDirectory() ? writable(p, "") : `${p} exists and is not a directory`;
  while (!existsSync(p)) p = dirname(p);
  return statSync(p).isDirectory() ? writable(p, ", so it cannot be created") : `${p} is not a directory, so nothing can be created below it`;
};

/** serve writes the database (and its WAL) there: this user must be able to. */
function writable(dir: string, consequence: string): string | null {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return null;
  } catch {
    return `${dir} is not writable by this user${consequence}`;
  }
}

/** The sender address of mails: "updns@example.org" or "updns <updns@example.org>". */
export const mailbox: Check = (v) => (/^[^<>@\s]+@[^<>@\s]+$/.test(v) || /^[^<>]*<[^<>@\s]+@[^<>@\s]+>$/.test(v) ? null : 'must be an e-mail address, e.g. "updns@example.org" or "updns <updns@example.org>"');

function readProblem(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return `cannot read ${path}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a directory" : (e as Error).message}`;
}

/** A PEM file serve reads at start (and on SIGHUP): there, readable, and parsed as TLS will parse it. */
export const pemFile =
  (kind: "certificate" | "private key"): Check =>
  (v) => {
    if (v === "") return null;
    let text: string;
    try {
      text = readFileSync(v, "utf8");
    } catch (e) {
      return readProblem(v, e);
    }
    const label = kind === "certificate" ? /-----BEGIN CERTIFICATE-----/ : /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/;
    if (!label.test(text)) return `${v} holds no PEM ${kind} ("-----BEGIN ${kind.toUpperCase()}-----")`;
    try {
      if (kind === "certificate") new X509Certificate(text);
      else createPrivateKey(text);
      return null;
    } catch (e) {
      return `${v} holds a ${kind} that does not parse (${(e as Error).message})`;
    }
  };

/** Whether the certificate (the first of the chain) belongs to the private key, as the TLS listener demands. */
export function tlsPairProblem(certPath: string, keyPath: string): string | null {
  try {
    const cert = new X509Certificate(readFileSync(certPath, "utf8"));
    return cert.checkPrivateKey(createPrivateKey(readFileSync(keyPath, "utf8"))) ? null : `http.tls_key ${keyPath} is not the private key of the certificate in http.tls_cert ${certPath}`;
  } catch {
    return null; // each file's own check has said what is wrong with it
  }
}

/** The DNSSEC master key: 64 hex digits or the base64 of 32 octets (what `openssl rand -base64 32` prints). */
export const masterKey: Check = (v) => {
  const t = v.trim();
  if (t === "" || /^[0-9a-fA-F]{64}$/.test(t)) return null;
  if (/^[A-Za-z0-9+/]{43}=$/.test(t) || /^[A-Za-z0-9_-]{43}=?$/.test(t)) return null;
  return 'must be 64 hex digits or the base64 of 32 octets (make one with "openssl rand -base64 32")';
};

/** A [jobs] schedule: "" (off) or what the scheduler's own parser accepts. */
export const schedule: Check = (v) => {
  if (v === "") return null;
  try {
    parseCron(v);
    return null;
  } catch (e) {
    return `${(e as Error).message} (a cron expression of five fields "m h dom mon dow" in UTC, e.g. "0 3 * * sun", or "" to turn the job off)`;
  }
};
