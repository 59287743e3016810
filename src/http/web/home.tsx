// The home page and the overview (spec §5.1 `/`, `/overview/`): the user's hosts with their current
// addresses (from the zone, or loaded from the primary with htmx) and the domains they own or may use.
import { Html } from "@elysiajs/html";
import { userHosts, visibleDomains, type HostRecord } from "../../core/index.ts";
import { webRoutes, type Web, type WebContext } from "./context.ts";
import { fragment, page, signUpOpen } from "./layout.tsx";
import { detectedIps, reverseNames } from "./detect.ts";
import { Addresses, HostHealth } from "./hosts/index.tsx";
import { YesNo } from "./ui.tsx";

/** A detected address, with its reverse name when one was looked up: "address (name)". */
function Address({ c, family, address, name }: { c: WebContext; family: string; address: string; name?: string }): JSX.Element {
  return (
    <>
      <code data-family={family} safe>{address || c.t("not detected")}</code>
      {name ? (
        <>
          {" "}
          <span class="rdns" data-rdns={family} title={c.t("reverse DNS name")} safe>{`(${name})`}</span>
        </>
      ) : (
        ""
      )}
    </>
  );
}

/** The visitor's addresses; with `names`, their reverse names (the lookup has a deadline of its own). */
function Ips({ c, names }: { c: WebContext; names?: [string, string] }): JSX.Element {
  const ips = detectedIps(c);
  return (
    <dl class="ips">
      <dt>IPv4</dt>
      <dd>
        <Address c={c} family="ipv4" address={ips.ipv4} name={names?.[0]} />
      </dd>
      <dt>IPv6</dt>
      <dd>
        <Address c={c} family="ipv6" address={ips.ipv6} name={names?.[1]} />
      </dd>
    </dl>
  );
}

/** URLs the page script asks once each (over IPv4 and IPv6 names) so /detectip learns both addresses. */
function detectUrls(c: WebContext): string[] {
  const key = c.web.sessionIps?.keyOf(c.request);
  if (!key || !c.web.detectTokens) return [];
  const token = c.web.detectTokens.create(key, c.now.getTime());
  const s = c.web.config.server;
  const bases = [s.ipv4_url, s.ipv6_url].filter(Boolean).map((u) => u.replace(/\/$/, ""));
  return (bases.length ? bases : [""]).map((b) => `${b}/detectip/${token}/`);
}

function Home({ c }: { c: WebContext }): JSX.Element {
  const t = c.t;
  return (
    <>
      <h1 safe>{t("Dynamic DNS for your own domains")}</h1>
      <p safe>{t("Point a name at a changing address: your router or a small client tells updns, updns updates the zone.")}</p>
      <section class="card" aria-labelledby="h-you">
        <h2 id="h-you" safe>{t("Your addresses")}</h2>
        {/* app.js asks the detect URLs, then htmx reloads the addresses; without JavaScript the connection's address shows. */}
        {/* The page never waits for DNS: the reverse names come with the first htmx reload ("load"). */}
        <div id="ips" hx-get="/ips" hx-trigger={c.web.reverse ? "load, detected" : "detected"} aria-live="polite">
          <Ips c={c} />
        </div>
        {detectUrls(c).map((u) => (
          <span hidden data-detect={u}></span>
        ))}
      </section>
      {c.user ? (
        <p>
          <a class="button" href="/overview/" safe>{t("Go to your overview")}</a>
        </p>
      ) : (
        <p class="actions">
          <a class="button" href="/account/login" safe>{t("Log in")}</a>
          {signUpOpen(c) ? <a class="button secondary" href="/account/register" safe>{t("Sign up")}</a> : ""}
        </p>
      )}
    </>
  );
}

function HostRow({ c, rec }: { c: WebContext; rec: HostRecord }): JSX.Element {
  const t = c.t;
  const h = rec.host;
  return (
    <tr>
      <td data-label={t("Host")}>
        <a href={`/host/${h.id}/`} safe>{rec.fqdn}</a>
      </td>
      <td data-label={t("Comment")} safe>{h.comment}</td>
      <td data-label={t("Available")}>
        <YesNo c={c} value={h.available} />
      </td>
      <td data-label={t("Health")}>
        <HostHealth c={c} host={h} />{" "}
        {h.abuseBlocked ? <span class="badge bad" safe>{t("Abuse-Blocked")}</span> : h.abuse ? <span class="badge bad" safe>{t("Abuse")}</span> : ""}
      </td>
      <td data-label={t("Addresses")}>
        <Addresses c={c} rec={rec} />
      </td>
    </tr>
  );
}

async function Overview({ c }: { c: WebContext }): Promise<JSX.Element> {
  const t = c.t;
  const hosts = userHosts(c.web.db, c.user!.id);
  const rows: JSX.Element[] = hosts.map((rec) => HostRow({ c, rec }));
  const doms = visibleDomains(c.web.db, c.user!.id);
  return (
    <>
      <h1 safe>{t("Overview")}</h1>
      <p class="muted" safe>{t("Signed in as {username}.", { username: c.user!.username })}</p>
      <section aria-labelledby="h-hosts">
        <div class="actions">
          <h2 id="h-hosts" safe>{t("Hosts")}</h2>
          <a class="button" href="/host/add/" safe>{t("Add host")}</a>
        </div>
        {hosts.length === 0 ? (
          <p class="muted" safe>{t("No hosts yet.")}</p>
        ) : (
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th safe>{t("Host")}</th>
                  <th safe>{t("Comment")}</th>
                  <th safe>{t("Available")}</th>
                  <th safe>{t("Health")}</th>
                  <th safe>{t("Addresses")}</th>
                </tr>
              </thead>
              <tbody>{rows}</tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="h-domains">
        <div class="actions">
          <h2 id="h-domains" safe>{t("Domains")}</h2>
          <a class="button secondary" href="/domain/add/" safe>{t("Add domain")}</a>
        </div>
        {doms.length === 0 ? (
          <p class="muted" safe>{t("No domains yet.")}</p>
        ) : (
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th safe>{t("Domain")}</th>
                  <th safe>{t("Kind")}</th>
                  <th safe>{t("Public")}</th>
                  <th safe>{t("Available")}</th>
                  <th safe>{t("Owner")}</th>
                  <th safe>{t("Comment")}</th>
                </tr>
              </thead>
              <tbody>
                {doms.map(({ domain: d, owner, own }) => (
                  <tr>
                    <td data-label={t("Domain")}>{own ? <a href={`/domain/${d.id}/`} safe>{d.name}</a> : <span safe>{d.name}</span>}</td>
                    <td data-label={t("Kind")} safe>{d.backend === "embedded" ? t("served by updns") : t("external primary")}</td>
                    <td data-label={t("Public")}>
                      <YesNo c={c} value={d.public} />
                    </td>
                    <td data-label={t("Available")}>
                      <YesNo c={c} value={d.available} />
                    </td>
                    <td data-label={t("Owner")} safe>{owner}</td>
                    <td data-label={t("Comment")} safe>{d.comment}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

function About({ c }: { c: WebContext }): JSX.Element {
  const t = c.t;
  return (
    <>
      <h1 safe>{t("About this service")}</h1>
      <p safe>{t("updns keeps DNS names pointing at addresses that change: routers and small clients report the current address, updns writes it into the zone, either serving the zone itself or updating your own name server.")}</p>
      <h2 safe>{t("Fair use")}</h2>
      <ul>
        <li safe>{t("Update only when your address changed; clients that keep sending the same address are flagged for abuse and then refused.")}</li>
        <li safe>{t("Do not use names to deceive people (phishing, malware): such hosts are blocked.")}</li>
        <li safe>{t("The service comes without warranty: keep a way to reach your machines that does not depend on it.")}</li>
      </ul>
      <p safe>{t("Questions go to the operator of this server.")}</p>
    </>
  );
}

export function homePages(web: Web) {
  return webRoutes("home", web, (r) => {
    r.get("/", (c) => page(c, c.t("Home"), <Home c={c} />));
    r.get("/ips", async (c) => fragment(<Ips c={c} names={await reverseNames(c.web.reverse, detectedIps(c))} />));
    r.get("/about/", (c) => page(c, c.t("About"), <About c={c} />));
    r.get("/overview/", async (c) => page(c, c.t("Overview"), await Overview({ c })), "user");
  });
}
