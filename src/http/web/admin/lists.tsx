// Staff lists beside users (updns.md §3, the baseline's Django admin): hosts (abuse_blocked set/clear),
// domains, third-party services, and the host-name blacklist, each with search and pages.
import { Html, type PropsWithChildren } from "@elysiajs/html";
import {
  addBlacklistEntry,
  addService,
  deleteBlacklistEntry,
  deleteService,
  hostById,
  searchBlacklist,
  searchDomains,
  searchHosts,
  searchServices,
  setAbuseBlocked,
  ValidationError,
} from "../../../core/index.ts";
import { notFound, redirect, type Router, type WebContext } from "../context.ts";
import { CsrfField, Field, FormError, page, type Errors } from "../layout.tsx";
import { Check, checked, idParam, pageParams, Pager, SearchBox, YesNo } from "../ui.tsx";

const SIZE = 50;
const v = (c: WebContext, name: string) => c.form.get(name) ?? "";

function errorsOf(c: WebContext, e: unknown): Errors {
  if (e instanceof ValidationError) return { [e.field]: c.t(e.message) };
  throw e;
}

export function AdminNav({ c }: { c: WebContext }): JSX.Element {
  const t = c.t;
  const links: [string, string][] = [
    ["/admin/users", t("Users")],
    ["/admin/hosts", t("Hosts")],
    ["/admin/domains", t("Domains")],
    ["/admin/services", t("Services")],
    ["/admin/blacklist", t("Blacklist")],
    ["/status/", t("Status")],
  ];
  return (
    <nav aria-label={t("Admin")} class="actions subnav">
      {links.map(([href, label]) => (
        <a href={href} aria-current={c.url.pathname === href ? "page" : undefined} safe>
          {label}
        </a>
      ))}
    </nav>
  );
}

/** The frame every staff list shares: navigation, title, an optional note, search, count, table and pages. */
function AdminList(props: PropsWithChildren<{ c: WebContext; title: string; note?: string; action: string; q: string; pageNo: number; total: number; count: string; headers: string[]; owner?: string }>): JSX.Element {
  const { c } = props;
  const keep: Record<string, string> = props.owner ? { owner: props.owner } : {};
  return (
    <>
      <AdminNav c={c} />
      <h1 safe>{props.title}</h1>
      {props.note ? <p class="muted" safe>{props.note}</p> : ""}
      {props.owner ? (
        <p class="actions">
          <span safe>{c.t("Only those of {user}.", { user: props.owner })}</span>
          <a href={props.action} safe>{c.t("Show everyone's")}</a>
        </p>
      ) : (
        ""
      )}
      <SearchBox c={c} action={props.action} q={props.q} keep={keep} />
      <p class="muted" safe>{props.count}</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              {props.headers.map((h) => (
                <th safe>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>{props.children}</tbody>
        </table>
      </div>
      <Pager c={c} action={props.action} q={props.q} pageNo={props.pageNo} total={props.total} size={SIZE} keep={keep} />
    </>
  );
}

/** The users list links here with `owner=<user name>`: one account's hosts or domains. */
const ownerParam = (c: WebContext) => (c.url.searchParams.get("owner") ?? "").slice(0, 150);

function Hosts({ c }: { c: WebContext }): JSX.Element {
  const t = c.t;
  const p = pageParams(c, SIZE);
  const owner = ownerParam(c);
  const { rows, total } = searchHosts(c.web.db, p.q, p.offset, p.size, owner);
  return (
    <AdminList
      c={c}
      owner={owner}
      title={t("Hosts")}
      action="/admin/hosts"
      q={p.q}
      pageNo={p.pageNo}
      total={total}
      count={c.tn(total, { one: "{n} host", other: "{n} hosts" })}
      headers={[t("Host"), t("Owner"), t("Faults (client / server / auth)"), t("Abuse"), t("Abuse-Blocked"), t("Actions")]}
    >
            {rows.map((r) => (
              <tr>
                <td>
                  <a href={`/host/${r.host.id}/`} safe>{`${r.host.name}.${r.zone}`}</a>
                </td>
                <td safe>{r.owner}</td>
                <td safe>{`${r.host.clientFaults} / ${r.host.serverFaults} / ${r.host.apiAuthFaults}`}</td>
                <td>
                  <YesNo c={c} value={r.host.abuse} />
                </td>
                <td>
                  <YesNo c={c} value={r.host.abuseBlocked} />
                </td>
                <td>
                  <form method="post" action={`/admin/hosts/${r.host.id}/abuse`} class="inline">
                    <CsrfField c={c} />
                    <input type="hidden" name="blocked" value={r.host.abuseBlocked ? "0" : "1"} />
                    <button type="submit" class="link" safe>{r.host.abuseBlocked ? t("Unblock") : t("Block for abuse")}</button>
                  </form>
                </td>
              </tr>
            ))}
    </AdminList>
  );
}

function Domains({ c }: { c: WebContext }): JSX.Element {
  const t = c.t;
  const p = pageParams(c, SIZE);
  const owner = ownerParam(c);
  const { rows, total } = searchDomains(c.web.db, p.q, p.offset, p.size, owner);
  return (
    <AdminList
      c={c}
      owner={owner}
      title={t("Domains")}
      action="/admin/domains"
      q={p.q}
      pageNo={p.pageNo}
      total={total}
      count={c.tn(total, { one: "{n} domain", other: "{n} domains" })}
      headers={[t("Domain"), t("Kind"), t("Owner"), t("Public"), t("Available")]}
    >
            {rows.map((r) => (
              <tr>
                <td>
                  <a href={`/domain/${r.domain.id}/`} safe>{r.domain.name}</a>
                </td>
                <td>{r.domain.backend === "embedded" ? "embedded" : "rfc2136"}</td>
                <td safe>{r.owner || "–"}</td>
                <td>
                  <YesNo c={c} value={r.domain.public} />
                </td>
                <td>
                  <YesNo c={c} value={r.domain.available} />
                </td>
              </tr>
            ))}
    </AdminList>
  );
}

function Services({ c, errors }: { c: WebContext; errors?: Errors }): JSX.Element {
  const t = c.t;
  const p = pageParams(c, SIZE);
  const { rows, total } = searchServices(c.web.db, p.q, p.offset, p.size);
  return (
    <>
      <AdminList
        c={c}
        title={t("Services")}
        note={t("Third-party dyndns2 services users may forward their updates to.")}
        action="/admin/services"
        q={p.q}
        pageNo={p.pageNo}
        total={total}
        count={c.tn(total, { one: "{n} service", other: "{n} services" })}
        headers={[t("Name"), t("Server"), t("Path"), "TLS", "IPv4 / IPv6", t("Actions")]}
      >
            {rows.map((s) => (
              <tr>
                <td safe>{s.name}</td>
                <td safe>{s.server}</td>
                <td safe>{s.path}</td>
                <td>
                  <YesNo c={c} value={s.secure} />
                </td>
                <td safe>{`${s.acceptIpv4 ? "v4" : "–"} / ${s.acceptIpv6 ? "v6" : "–"}`}</td>
                <td>
                  <form method="post" action={`/admin/services/${s.id}/delete`} class="inline">
                    <CsrfField c={c} />
                    <button type="submit" class="link" safe>{t("Delete")}</button>
                  </form>
                </td>
              </tr>
            ))}
      </AdminList>
      <form method="post" action="/admin/services" class="card">
        <h2 safe>{t("Add a service")}</h2>
        <CsrfField c={c} />
        <FormError errors={errors} />
        <Field name="name" label={t("Name")} value={v(c, "name")} required errors={errors} />
        <Field name="server" label={t("Server (name or IP, optional :port)")} value={v(c, "server")} required errors={errors} />
        <Field name="path" label={t("Path")} value={v(c, "path") || "/nic/update"} errors={errors} />
        <Check name="secure" label={t("Use HTTPS")} checked={c.form.has("name") ? checked(c, "secure") : true} />
        <Check name="accept_ipv4" label={t("Accepts IPv4")} checked={checked(c, "accept_ipv4")} />
        <Check name="accept_ipv6" label={t("Accepts IPv6")} checked={checked(c, "accept_ipv6")} />
        <Field name="comment" label={t("Comment")} value={v(c, "comment")} errors={errors} />
        <button type="submit" safe>{t("Add")}</button>
      </form>
    </>
  );
}

function Blacklist({ c, errors }: { c: WebContext; errors?: Errors }): JSX.Element {
  const t = c.t;
  const p = pageParams(c, SIZE);
  const { rows, total } = searchBlacklist(c.web.db, p.q, p.offset, p.size);
  return (
    <>
      <AdminNav c={c} />
      <h1 safe>{t("Blacklist")}</h1>
      <p class="muted" safe>{t("Regular expressions searched in new host names; a match refuses the name.")}</p>
      <SearchBox c={c} action="/admin/blacklist" q={p.q} />
      <p class="muted" safe>{c.tn(total, { one: "{n} pattern", other: "{n} patterns" })}</p>
      <ul>
        {rows.map((b) => (
          <li class="actions">
            <code safe>{b.nameRe}</code>
            <form method="post" action={`/admin/blacklist/${b.id}/delete`} class="inline">
              <CsrfField c={c} />
              <button type="submit" class="link" safe>{t("Delete")}</button>
            </form>
          </li>
        ))}
      </ul>
      <Pager c={c} action="/admin/blacklist" q={p.q} pageNo={p.pageNo} total={total} size={SIZE} />
      <form method="post" action="/admin/blacklist" class="card">
        <CsrfField c={c} />
        <Field name="name_re" label={t("Pattern")} value={v(c, "name_re")} required errors={errors} />
        <button type="submit" safe>{t("Add")}</button>
      </form>
    </>
  );
}

export function adminListRoutes(r: Router): void {
  r.get("/admin/hosts", (c) => page(c, c.t("Hosts"), <Hosts c={c} />), "staff");
  r.post(
    "/admin/hosts/:id/abuse",
    async (c) => {
      const rec = hostById(c.web.db, idParam(c));
      if (!rec) return notFound(c);
      const blocked = v(c, "blocked") === "1";
      const errors = c.web.backendFor ? await setAbuseBlocked(c.web.db, c.web.backendFor, rec, blocked) : [];
      c.web.log.info(blocked ? "host blocked for abuse" : "host unblocked", { host: rec.fqdn, by: c.user!.username });
      c.flash(errors.length ? "error" : "info", blocked ? c.t("{fqdn} is blocked.", { fqdn: rec.fqdn }) + (errors.length ? " " + errors.join("; ") : "") : c.t("{fqdn} is unblocked.", { fqdn: rec.fqdn }));
      return redirect(c, "/admin/hosts");
    },
    "staff",
  );
  r.get("/admin/domains", (c) => page(c, c.t("Domains"), <Domains c={c} />), "staff");
  r.get("/admin/services", (c) => page(c, c.t("Services"), <Services c={c} />), "staff");
  r.post(
    "/admin/services",
    (c) => {
      try {
        addService(c.web.db, { name: v(c, "name"), server: v(c, "server"), path: v(c, "path"), comment: v(c, "comment"), secure: checked(c, "secure"), acceptIpv4: checked(c, "accept_ipv4"), acceptIpv6: checked(c, "accept_ipv6") }, c.user!.id);
      } catch (e) {
        return page(c, c.t("Services"), <Services c={c} errors={errorsOf(c, e)} />, 400);
      }
      c.flash("info", c.t("Service added."));
      return redirect(c, "/admin/services");
    },
    "staff",
  );
  r.post("/admin/services/:id/delete", (c) => (deleteService(c.web.db, idParam(c)) ? (c.flash("info", c.t("Service deleted.")), redirect(c, "/admin/services")) : notFound(c)), "staff");
  r.get("/admin/blacklist", (c) => page(c, c.t("Blacklist"), <Blacklist c={c} />), "staff");
  r.post(
    "/admin/blacklist",
    (c) => {
      try {
        addBlacklistEntry(c.web.db, v(c, "name_re"), c.user!.id);
      } catch (e) {
        return page(c, c.t("Blacklist"), <Blacklist c={c} errors={errorsOf(c, e)} />, 400);
      }
      c.flash("info", c.t("Pattern added."));
      return redirect(c, "/admin/blacklist");
    },
    "staff",
  );
  r.post("/admin/blacklist/:id/delete", (c) => (deleteBlacklistEntry(c.web.db, idParam(c)) ? (c.flash("info", c.t("Pattern deleted.")), redirect(c, "/admin/blacklist")) : notFound(c)), "staff");
}
