// The status page (spec §5.1 `/status/`), staff-only in updns (updns.md §3).
import { Html } from "@elysiajs/html";
import { statusCounts } from "../../../core/index.ts";
import { webRoutes, type Web, type WebContext } from "../context.ts";
import { page } from "../layout.tsx";
import { formatNumber } from "../i18n.ts";

function Status({ c }: { c: WebContext }): JSX.Element {
  const t = c.t;
  const s = statusCounts(c.web.db, c.now);
  const label: Record<string, string> = { "2d": t("2 days"), "2w": t("2 weeks"), "2m": t("2 months"), "2y": t("2 years") };
  const row = (name: string, value: number) => (
    <tr>
      <th scope="row" safe>{name}</th>
      <td safe>{formatNumber(c.lang, value)}</td>
    </tr>
  );
  return (
    <>
      <h1 safe>{t("Status")}</h1>
      <div class="columns">
        <section class="card">
          <h2 safe>{t("Domains")}</h2>
          <table>
            {row(t("total"), s.domains.total)}
            {row(t("public"), s.domains.public)}
            {row(t("unavailable"), s.domains.unavailable)}
          </table>
        </section>
        <section class="card">
          <h2 safe>{t("Hosts")}</h2>
          <table>
            {row(t("total"), s.hosts.total)}
            {row(t("unavailable"), s.hosts.unavailable)}
            {row(t("abuse"), s.hosts.abuse)}
            {row(t("abuse blocked"), s.hosts.abuseBlocked)}
          </table>
        </section>
        <section class="card">
          <h2 safe>{t("Users")}</h2>
          <table>
            {row(t("total"), s.users.total)}
            {row(t("active"), s.users.active)}
          </table>
        </section>
      </div>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th safe>{t("Last")}</th>
              <th safe>{t("Hosts updated over IPv4 (TLS)")}</th>
              <th safe>{t("Hosts updated over IPv6 (TLS)")}</th>
              <th safe>{t("Users logged in")}</th>
              <th safe>{t("Users joined")}</th>
            </tr>
          </thead>
          <tbody>
            {s.updates.map((u, i) => (
              <tr>
                <th scope="row" safe>{label[u.period]}</th>
                <td safe>{`${formatNumber(c.lang, u.ipv4)} (${formatNumber(c.lang, u.ipv4Tls)})`}</td>
                <td safe>{`${formatNumber(c.lang, u.ipv6)} (${formatNumber(c.lang, u.ipv6Tls)})`}</td>
                <td safe>{formatNumber(c.lang, s.users.periods[i].loggedIn)}</td>
                <td safe>{formatNumber(c.lang, s.users.periods[i].joined)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function statusPages(web: Web) {
  return webRoutes("status", web, (r) => {
    r.get("/status/", (c) => page(c, c.t("Status"), <Status c={c} />), "staff");
  });
}
