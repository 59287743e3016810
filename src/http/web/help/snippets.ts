// Configuration help for update clients and routers (spec §5.2), filled with the host's FQDN, its secret
// (right after it was generated; otherwise a placeholder) and this service's host names. Each tab is a few
// translated steps plus copyable blocks. The ddclient, inadyn and curl blocks are run against a live
// server in tests/http/web/help-clients.test.ts, so what we print is what works.
import type { Translate } from "../i18n.ts";

export interface ServiceNames {
  /** Dual-stack name of the service, with a port if not the default ("dyn.example.org"). */
  www: string;
  /** Name with only an A record (IPv4 updates and detection). */
  ipv4: string;
  /** Name with only an AAAA record. */
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

export function helpTabs(t: Translate, input: HelpInput): HelpTab[] {
  const F = input.fqdn;
  const S = input.secret || t("<your secret>");
  const { www, ipv4, ipv6, tls } = input.names;
  const scheme = tls ? "https" : "http";
  const yes = tls ? "yes" : "no";
  const tf = tls ? "true" : "false";
  const port = (host: string) => {
    const m = host.match(/:(\d+)$/);
    return m ? m[1] : tls ? "443" : "80";
  };
  const bare = (host: string) => host.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
  return [
    {
      id: "general",
      title: t("General"),
      steps: [
        t("Run one update client per network: it finds your public address and tells us when it changes."),
        tls ? t("This service supports HTTPS: use https:// URLs so your secret is not sent in clear.") : t("This service is reached over plain HTTP here: your secret travels unencrypted."),
        t("User name: the host's full name. Password: its secret. Do not update when the address did not change."),
        t("Answers: good <address> (changed), nochg <address> (unchanged), badauth (wrong name or secret, HTTP 401)."),
      ],
      blocks: [
        { label: t("IPv4 update URL (address detected from the connection)"), text: `${scheme}://${F}:${S}@${ipv4}/nic/update` },
        { label: t("IPv6 update URL"), text: `${scheme}://${F}:${S}@${ipv6}/nic/update` },
        { label: t("Check your address"), text: [`${scheme}://${ipv4}/myip`, `${scheme}://${ipv6}/myip`, `${scheme}://${www}/myip`].join("\n") },
        { label: t("Optional parameters"), text: `hostname=${F}\nmyip=192.0.2.1\nmyip=2001:db8::1\nmyip=192.0.2.1,2001:db8::1` },
      ],
    },
    {
      id: "browser",
      title: t("Browser"),
      steps: [t("Open one of these in a browser to update from the device you are on; the page also shows your addresses.")],
      blocks: [
        { label: t("Browser updater (both, IPv4 only, IPv6 only)"), text: [`${scheme}://${F}:${S}@${www}/update`, `${scheme}://${F}:${S}@${ipv4}/update`, `${scheme}://${F}:${S}@${ipv6}/update`].join("\n") },
        { label: t("Update with an explicit address"), text: `${scheme}://${F}:${S}@${www}/nic/update?myip=192.0.2.1\n${scheme}://${F}:${S}@${www}/nic/update?myip=2001:db8::1` },
      ],
    },
    {
      id: "ddclient",
      title: "ddclient",
      steps: [t("Put this into /etc/ddclient.conf (ddclient 3.11 or newer, IPv4 and IPv6), then restart ddclient.")],
      blocks: [
        {
          label: "ddclient ≥ 3.11",
          text: ["daemon=300", "protocol=dyndns2", `ssl=${yes}`, `server=${www}`, `login=${F}`, `password='${S}'`, `usev4=webv4, webv4=${scheme}://${ipv4}/myip`, `usev6=webv6, webv6=${scheme}://${ipv6}/myip`, F, ""].join("\n"),
        },
        {
          label: t("ddclient 3.10 and older (IPv4)"),
          text: ["daemon=300", "protocol=dyndns2", `use=web, web=${scheme}://${ipv4}/myip`, `ssl=${yes}`, `server=${ipv4}`, `login=${F}`, `password='${S}'`, F, ""].join("\n"),
        },
      ],
    },
    {
      id: "inadyn",
      title: "inadyn",
      steps: [t("inadyn 2.x: put this into /etc/inadyn.conf. The first section updates IPv4, the second IPv6.")],
      blocks: [
        {
          label: "inadyn 2.x",
          text: `period = 300
allow-ipv6 = true

custom updns:1 {
    ssl = ${tf}
    username = ${F}
    password = ${S}
    checkip-server = ${ipv4}
    checkip-path = /myip
    checkip-ssl = ${tf}
    ddns-server = ${ipv4}
    ddns-path = "/nic/update?hostname=%h&myip=%i"
    hostname = ${F}
}

custom updns:2 {
    ssl = ${tf}
    username = ${F}
    password = ${S}
    checkip-server = ${ipv6}
    checkip-path = /myip
    checkip-ssl = ${tf}
    ddns-server = ${ipv6}
    ddns-path = "/nic/update?hostname=%h&myip=%i"
    hostname = ${F}
}
`,
        },
      ],
    },
    {
      id: "openwrt",
      title: "OpenWrt",
      steps: [t("Install ddns-scripts (and ca-certificates for HTTPS), then add this service to /etc/config/ddns and run /etc/init.d/ddns restart.")],
      blocks: [
        {
          label: "/etc/config/ddns",
          text: `config service 'updns_ipv4'
\toption enabled '1'
\toption interface 'wan'
\toption use_syslog '1'
\toption update_url '${scheme}://[USERNAME]:[PASSWORD]@${ipv4}/nic/update?hostname=[DOMAIN]&myip=[IP]'
\toption ip_source 'web'
\toption ip_url '${scheme}://${ipv4}/myip'
\toption domain '${F}'
\toption username '${F}'
\toption password '${S}'
\toption use_https '${tls ? 1 : 0}'
\toption cacert '/etc/ssl/certs'
`,
        },
      ],
    },
    {
      id: "pfsense",
      title: "pfSense / OPNsense",
      steps: [
        t("Services → Dynamic DNS → Add. Service type: Custom. Interface to monitor and to send from: WAN."),
        t("If WAN has no public address itself, pfSense only notices a change at its daily check."),
      ],
      blocks: [
        { label: t("Username"), text: F },
        { label: t("Password"), text: S },
        { label: t("Update URL"), text: `${scheme}://${ipv4}/nic/update?hostname=${F}&myip=%IP%` },
        { label: t("Result match"), text: "good %IP%|nochg %IP%" },
      ],
    },
    {
      id: "fritzbox",
      title: "FRITZ!Box",
      steps: [
        t("Internet → Permit Access → DynDNS: enable DynDNS, provider “User-defined”."),
        t("For IPv4 and IPv6 together use the second URL: <ip6lanprefix> is the prefix of your home network, so add related hosts with interface ids for the devices inside."),
        t("To force an update, switch DynDNS off and on again."),
      ],
      blocks: [
        { label: t("Update URL (IPv4)"), text: `${scheme}://${ipv4}/nic/update` },
        { label: t("Update URL (IPv4 and IPv6 prefix)"), text: `${scheme}://${www}/nic/update?myip=<ipaddr>,<ip6lanprefix>` },
        { label: t("Domain name and user name"), text: F },
        { label: t("Password"), text: S },
      ],
    },
    {
      id: "ddwrt",
      title: "DD-WRT",
      steps: [t("Setup → DDNS: DDNS service “Custom”, use external IP check “No”, force update interval 7 days.")],
      blocks: [
        { label: t("DYNDNS server"), text: ipv4 },
        { label: t("User name and host name"), text: F },
        { label: t("Password"), text: S },
        { label: "URL", text: "/nic/update?" },
      ],
    },
    {
      id: "edgeos",
      title: "EdgeOS",
      steps: [t("In the EdgeOS configuration mode (EdgeOS uses ddclient):")],
      blocks: [
        {
          label: "EdgeOS",
          text: `configure
set service dns dynamic interface pppoe0 service custom-updns host-name ${F}
set service dns dynamic interface pppoe0 service custom-updns login ${F}
set service dns dynamic interface pppoe0 service custom-updns password ${S}
set service dns dynamic interface pppoe0 service custom-updns protocol dyndns2
set service dns dynamic interface pppoe0 service custom-updns server ${ipv4}
set service dns dynamic interface pppoe0 web ${scheme}://${ipv4}/myip
commit
save
exit`,
        },
      ],
    },
    {
      id: "ipfire",
      title: "IPFire",
      steps: [t("Services → Dynamic DNS: service “dyndns.org”-compatible custom entry; enable it and press Add.")],
      blocks: [
        { label: t("Host name and user name"), text: F },
        { label: t("Password"), text: S },
        { label: t("Server"), text: ipv4 },
      ],
    },
    {
      id: "m0n0wall",
      title: "m0n0wall",
      steps: [t("Services → Dynamic DNS: service type DynDNS.")],
      blocks: [
        { label: t("Host name and user name"), text: F },
        { label: t("Server"), text: ipv4 },
        { label: t("Password"), text: S },
      ],
    },
    {
      id: "speedport",
      title: "Speedport",
      steps: [t("Internet → Dynamic DNS: provider “other provider”.")],
      blocks: [
        { label: t("Domain name and user name"), text: F },
        { label: t("Password"), text: S },
        { label: t("Update server address"), text: `${scheme}://${bare(ipv4)}` },
        { label: t("Protocol and port"), text: `${scheme} ${port(ipv4)}` },
      ],
    },
    {
      id: "unifi",
      title: "UniFi",
      steps: [t("Settings → Internet → WAN → Dynamic DNS: service “custom”.")],
      blocks: [
        { label: t("Host name and user name"), text: F },
        { label: t("Password"), text: S },
        { label: t("Server"), text: `${ipv4}/nic/update?hostname=%h&myip=%i` },
      ],
    },
    {
      id: "dyndnsc",
      title: "dyndnsc",
      steps: [t("An ini file for dyndnsc, one section per address family:")],
      blocks: [
        {
          label: "dyndnsc.ini",
          text: `[dyndnsc]
configs = updns_ipv4, updns_ipv6

[updns_ipv4]
updater = dyndns2
updater-url = ${scheme}://${ipv4}/nic/update
updater-hostname = ${F}
updater-userid = ${F}
updater-password = ${S}
detector = webcheck4

[updns_ipv6]
updater = dyndns2
updater-url = ${scheme}://${ipv6}/nic/update
updater-hostname = ${F}
updater-userid = ${F}
updater-password = ${S}
detector = webcheck6
`,
        },
      ],
    },
    {
      id: "curl",
      title: "curl / wget",
      steps: [t("For a quick test from a shell:")],
      blocks: [
        { label: "curl", text: `curl -sS -u '${F}:${S}' '${scheme}://${ipv4}/nic/update?hostname=${F}'` },
        { label: "wget", text: `wget -qO- --user='${F}' --password='${S}' '${scheme}://${ipv4}/nic/update?hostname=${F}'` },
      ],
    },
  ];
}

/** The service's names for the help: [server] public_url / ipv4_url / ipv6_url, else this request's origin. */
export function serviceNames(publicUrl: string, ipv4Url: string, ipv6Url: string, origin: string): ServiceNames {
  const main = new URL(publicUrl || origin);
  const host = (u: string) => (u ? new URL(u).host : main.host);
  return { www: main.host, ipv4: host(ipv4Url), ipv6: host(ipv6Url), tls: main.protocol === "https:" };
}
