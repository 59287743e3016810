// Configuration help for update clients and routers (spec §5.2), generated from one Setup (setup.ts): the
// host's FQDN, its secret (right after it was generated; otherwise a placeholder) and this service's names.
// Each tab is a few translated steps plus copyable blocks; each client or router has its own function. The
// ddclient, inadyn and curl blocks are run against a live server and checked by the clients' own syntax
// checks in tests/http/web/help-clients.test.ts, so what we print is what works.
import type { Translate } from "../i18n.ts";
import { bareHost, detectHost, distinctHosts, helpSetup, ipv4Host, myipUrl, portOf, splitFamilies, url, urlWithCredentials, type Family, type HelpInput, type Setup } from "./setup.ts";

export { serviceNames, type HelpInput, type ServiceNames } from "./setup.ts";

export interface HelpBlock {
  label: string;
  text: string;
}

export interface HelpTab {
  id: string;
  title: string;
  steps: string[];
  blocks: HelpBlock[];
}

type TabMaker = (t: Translate, s: Setup) => HelpTab;

/** The tabs in the order the page shows them: the general facts first, then clients, then routers. */
const TABS: TabMaker[] = [generalTab, browserTab, ddclientTab, inadynTab, openwrtTab, pfsenseTab, fritzboxTab, ddwrtTab, edgeosTab, ipfireTab, m0n0wallTab, speedportTab, unifiTab, dyndnscTab, curlTab];

export function helpTabs(t: Translate, input: HelpInput): HelpTab[] {
  const s = helpSetup(input, t("<your secret>"));
  return TABS.map((make) => make(t, s));
}

function updateUrlLabel(t: Translate, f: Family): string {
  if (f.id === "ipv4") return t("IPv4 update URL (address detected from the connection)");
  if (f.id === "ipv6") return t("IPv6 update URL");
  return t("Update URL (the address the request comes from, IPv4 or IPv6)");
}

function generalTab(t: Translate, s: Setup): HelpTab {
  return {
    id: "general",
    title: t("General"),
    steps: [
      t("Run one update client per network: it finds your public address and tells us when it changes."),
      s.tls ? t("This service supports HTTPS: use https:// URLs so your secret is not sent in clear.") : t("This service is reached over plain HTTP here: your secret travels unencrypted."),
      t("User name: the host's full name. Password: its secret. Do not update when the address did not change."),
      splitFamilies(s)
        ? t("IPv4 and IPv6 have names of their own here: a client updates each family through its own URL, or both at once through {www} with myip=IPv4,IPv6.", { www: s.www })
        : t("One name serves IPv4 and IPv6 here: a client that knows both addresses sends them in one request (myip=IPv4,IPv6); otherwise the address the request comes from is updated."),
      t("Answers: good <address> (changed), nochg <address> (unchanged), badauth (wrong name or secret, HTTP 401)."),
    ],
    blocks: [
      ...s.families.map((f) => ({ label: updateUrlLabel(t, f), text: urlWithCredentials(s, f.host, "/nic/update") })),
      { label: t("Check your address"), text: distinctHosts(s).map((h) => myipUrl(s, h)).join("\n") },
      { label: t("Optional parameters"), text: `hostname=${s.fqdn}\nmyip=192.0.2.1\nmyip=2001:db8::1\nmyip=192.0.2.1,2001:db8::1` },
    ],
  };
}

function browserTab(t: Translate, s: Setup): HelpTab {
  const familyOnly = s.families.filter((f) => f.id !== "ip" && f.host !== s.www);
  return {
    id: "browser",
    title: t("Browser"),
    steps: [t("Open one of these in a browser to update from the device you are on; the page also shows your addresses.")],
    blocks: [
      { label: t("Browser updater"), text: urlWithCredentials(s, s.www, "/update") },
      ...familyOnly.map((f) => ({ label: f.id === "ipv4" ? t("Browser updater, IPv4 only") : t("Browser updater, IPv6 only"), text: urlWithCredentials(s, f.host, "/update") })),
      { label: t("Update with an explicit address"), text: [urlWithCredentials(s, s.www, "/nic/update?myip=192.0.2.1"), urlWithCredentials(s, s.www, "/nic/update?myip=2001:db8::1")].join("\n") },
    ],
  };
}

/** ddclient.conf lines: `ssl` turns its built http:// URL into https://; the password is quoted for `#`. */
function ddclientConf(s: Setup, lines: string[]): string {
  return ["daemon=300", "protocol=dyndns2", `ssl=${s.tls ? "yes" : "no"}`, ...lines, `login=${s.fqdn}`, `password='${s.secret}'`, s.fqdn, ""].join("\n");
}

function ddclientTab(t: Translate, s: Setup): HelpTab {
  // 3.11 fetches webv4 over IPv4 and webv6 over IPv6 and sends myip=v4,v6 in one request, so one dual-stack
  // name works for both; 3.10 sends one address per request, the first it finds on the page.
  const legacy = s.families[0];
  return {
    id: "ddclient",
    title: "ddclient",
    steps: [t("Put this into /etc/ddclient.conf (ddclient 3.11 or newer, IPv4 and IPv6), then restart ddclient.")],
    blocks: [
      {
        label: "ddclient ≥ 3.11",
        text: ddclientConf(s, [`server=${s.www}`, `usev4=webv4, webv4=${myipUrl(s, detectHost(s, "ipv4"))}`, `usev6=webv6, webv6=${myipUrl(s, detectHost(s, "ipv6"))}`]),
      },
      {
        label: legacy.id === "ipv4" ? t("ddclient 3.10 and older (IPv4)") : t("ddclient 3.10 and older (one address: the one it connects from)"),
        text: ddclientConf(s, [`use=web, web=${myipUrl(s, legacy.host)}`, `server=${legacy.host}`]),
      },
    ],
  };
}

/** One inadyn `custom` section: it detects through the family's name and sends one address per request. */
function inadynSection(s: Setup, f: Family, n: number): string {
  const tf = s.tls ? "true" : "false";
  return `custom updns:${n} {
    ssl = ${tf}
    username = ${s.fqdn}
    password = ${s.secret}
    checkip-server = ${f.host}
    checkip-path = /myip
    checkip-ssl = ${tf}
    ddns-server = ${f.host}
    ddns-path = "/nic/update?hostname=%h&myip=%i"
    hostname = ${s.fqdn}
}
`;
}

function inadynTab(t: Translate, s: Setup): HelpTab {
  return {
    id: "inadyn",
    title: "inadyn",
    steps: [
      splitFamilies(s)
        ? t("inadyn 2.x: put this into /etc/inadyn.conf. The first section updates IPv4, the second IPv6.")
        : t("inadyn 2.x: put this into /etc/inadyn.conf. inadyn sends one address per request: the one it connects to this service from."),
    ],
    blocks: [{ label: "inadyn 2.x", text: ["period = 300\nallow-ipv6 = true\n", ...s.families.map((f, i) => inadynSection(s, f, i + 1))].join("\n") }],
  };
}

/**
 * One ddns-scripts service in UCI syntax. ddns-scripts fills [USERNAME] [PASSWORD] [DOMAIN] [IP] into the
 * update URL (URL-encoded). With one name for both families the IPv4 section forces IPv4 for detection and
 * update, or a router that reaches the name over IPv6 would find no IPv4 address on the page.
 */
function openwrtSection(s: Setup, f: Family): string {
  const option = (k: string, v: string) => `\toption ${k} '${v}'`;
  return [
    `config service '${f.id === "ip" ? "updns" : `updns_${f.id}`}'`,
    option("enabled", "1"),
    option("interface", f.id === "ipv6" ? "wan6" : "wan"),
    option("use_syslog", "1"),
    ...(f.id === "ipv6" ? [option("use_ipv6", "1")] : []),
    ...(f.id === "ip" ? [option("force_ipversion", "1")] : []),
    option("update_url", `${s.scheme}://[USERNAME]:[PASSWORD]@${f.host}/nic/update?hostname=[DOMAIN]&myip=[IP]`),
    option("ip_source", "web"),
    option("ip_url", myipUrl(s, f.host)),
    option("lookup_host", s.fqdn),
    option("domain", s.fqdn),
    option("username", s.fqdn),
    option("password", s.secret),
    option("use_https", s.tls ? "1" : "0"),
    option("cacert", "/etc/ssl/certs"),
    "",
  ].join("\n");
}

function openwrtTab(t: Translate, s: Setup): HelpTab {
  return {
    id: "openwrt",
    title: "OpenWrt",
    steps: [t("Install ddns-scripts (and ca-certificates for HTTPS), then add this service to /etc/config/ddns and run /etc/init.d/ddns restart.")],
    blocks: [{ label: "/etc/config/ddns", text: s.families.map((f) => openwrtSection(s, f)).join("\n") }],
  };
}

function pfsenseTab(t: Translate, s: Setup): HelpTab {
  // pfSense fills in the address it monitors (%IP%) and sends the user name and password as Basic
  // authentication, so the dual-stack name takes both its "Custom" and its "Custom (v6)" entry.
  return {
    id: "pfsense",
    title: "pfSense / OPNsense",
    steps: [
      t("Services → Dynamic DNS → Add. Service type: Custom. Interface to monitor and to send from: WAN."),
      t("For IPv6 add a second entry of type “Custom (v6)” with the same values."),
      t("If WAN has no public address itself, pfSense only notices a change at its daily check."),
    ],
    blocks: [
      { label: t("Username"), text: s.fqdn },
      { label: t("Password"), text: s.secret },
      { label: t("Update URL"), text: url(s, s.www, `/nic/update?hostname=${s.fqdn}&myip=%IP%`) },
      { label: t("Result match"), text: "good %IP%|nochg %IP%" },
    ],
  };
}

function fritzboxTab(t: Translate, s: Setup): HelpTab {
  // The FRITZ!Box fills in <username> <pass> <domain> from its form and <ipaddr> <ip6addr> <ip6lanprefix>
  // itself. The IPv6 address goes in myipv6= rather than after a comma in myip=: a box without IPv6 leaves
  // it empty, and an empty parameter is "not sent" while an empty piece of myip= is an invalid address.
  const fritz = (v6: string) => url(s, s.www, `/nic/update?hostname=<domain>&myip=<ipaddr>&myipv6=${v6}&username=<username>&password=<pass>`);
  return {
    id: "fritzbox",
    title: "FRITZ!Box",
    steps: [
      t("Internet → Permit Access → DynDNS: enable DynDNS, provider “User-defined”."),
      t("The second URL sends the prefix of your home network (<ip6lanprefix>) instead of the FRITZ!Box's own IPv6 address: add related hosts with interface ids, and the devices inside get prefix plus interface id as their IPv6 address."),
      t("To force an update, switch DynDNS off and on again."),
    ],
    blocks: [
      { label: t("Update URL (IPv4 and IPv6)"), text: fritz("<ip6addr>") },
      { label: t("Update URL (IPv4 and IPv6 prefix)"), text: fritz("<ip6lanprefix>") },
      { label: t("Domain name and user name"), text: s.fqdn },
      { label: t("Password"), text: s.secret },
    ],
  };
}

function ddwrtTab(t: Translate, s: Setup): HelpTab {
  return {
    id: "ddwrt",
    title: "DD-WRT",
    steps: [t("Setup → DDNS: DDNS service “Custom”, use external IP check “No”, force update interval 7 days.")],
    blocks: [
      { label: t("DYNDNS server"), text: ipv4Host(s) },
      { label: t("User name and host name"), text: s.fqdn },
      { label: t("Password"), text: s.secret },
      { label: "URL", text: "/nic/update?" },
    ],
  };
}

function edgeosTab(t: Translate, s: Setup): HelpTab {
  const set = "set service dns dynamic interface pppoe0";
  const custom = `${set} service custom-updns`;
  return {
    id: "edgeos",
    title: "EdgeOS",
    steps: [t("In the EdgeOS configuration mode (EdgeOS uses ddclient):")],
    blocks: [
      {
        label: "EdgeOS",
        text: [
          "configure",
          `${custom} host-name ${s.fqdn}`,
          `${custom} login ${s.fqdn}`,
          `${custom} password ${s.secret}`,
          `${custom} protocol dyndns2`,
          `${custom} server ${ipv4Host(s)}`,
          `${set} web ${myipUrl(s, ipv4Host(s))}`,
          "commit",
          "save",
          "exit",
        ].join("\n"),
      },
    ],
  };
}

function ipfireTab(t: Translate, s: Setup): HelpTab {
  return {
    id: "ipfire",
    title: "IPFire",
    steps: [t("Services → Dynamic DNS: service “dyndns.org”-compatible custom entry; enable it and press Add.")],
    blocks: [
      { label: t("Host name and user name"), text: s.fqdn },
      { label: t("Password"), text: s.secret },
      { label: t("Server"), text: ipv4Host(s) },
    ],
  };
}

function m0n0wallTab(t: Translate, s: Setup): HelpTab {
  return {
    id: "m0n0wall",
    title: "m0n0wall",
    steps: [t("Services → Dynamic DNS: service type DynDNS.")],
    blocks: [
      { label: t("Host name and user name"), text: s.fqdn },
      { label: t("Server"), text: ipv4Host(s) },
      { label: t("Password"), text: s.secret },
    ],
  };
}

function speedportTab(t: Translate, s: Setup): HelpTab {
  const host = ipv4Host(s);
  return {
    id: "speedport",
    title: "Speedport",
    steps: [t("Internet → Dynamic DNS: provider “other provider”.")],
    blocks: [
      { label: t("Domain name and user name"), text: s.fqdn },
      { label: t("Password"), text: s.secret },
      { label: t("Update server address"), text: url(s, bareHost(host), "") },
      { label: t("Protocol and port"), text: `${s.scheme} ${portOf(s, host)}` },
    ],
  };
}

function unifiTab(t: Translate, s: Setup): HelpTab {
  // UniFi generates an inadyn `custom` section from "Server": host and path with inadyn's %h and %i.
  return {
    id: "unifi",
    title: "UniFi",
    steps: [t("Settings → Internet → WAN → Dynamic DNS: service “custom”.")],
    blocks: [
      { label: t("Host name and user name"), text: s.fqdn },
      { label: t("Password"), text: s.secret },
      { label: t("Server"), text: `${ipv4Host(s)}/nic/update?hostname=%h&myip=%i` },
    ],
  };
}

/** One dyndnsc config: its webcheck detectors ask public services for the family's address. */
function dyndnscSection(s: Setup, f: Family): string {
  return `[${f.id === "ip" ? "updns" : `updns_${f.id}`}]
updater = dyndns2
updater-url = ${url(s, f.host, "/nic/update")}
updater-hostname = ${s.fqdn}
updater-userid = ${s.fqdn}
updater-password = ${s.secret}
detector = ${f.id === "ipv6" ? "webcheck6" : "webcheck4"}
`;
}

function dyndnscTab(t: Translate, s: Setup): HelpTab {
  const names = s.families.map((f) => (f.id === "ip" ? "updns" : `updns_${f.id}`)).join(", ");
  return {
    id: "dyndnsc",
    title: "dyndnsc",
    steps: [splitFamilies(s) ? t("An ini file for dyndnsc, one section per address family:") : t("An ini file for dyndnsc:")],
    blocks: [{ label: "dyndnsc.ini", text: [`[dyndnsc]\nconfigs = ${names}\n`, ...s.families.map((f) => dyndnscSection(s, f))].join("\n") }],
  };
}

function curlTab(t: Translate, s: Setup): HelpTab {
  const update = url(s, ipv4Host(s), `/nic/update?hostname=${s.fqdn}`);
  return {
    id: "curl",
    title: "curl / wget",
    steps: [t("For a quick test from a shell:")],
    blocks: [
      { label: "curl", text: `curl -sS -u '${s.fqdn}:${s.secret}' '${update}'` },
      { label: "wget", text: `wget -qO- --user='${s.fqdn}' --password='${s.secret}' '${update}'` },
    ],
  };
}
