// "Other services" (spec §5.1 updater_hostconfig pages, updns.md §1.11): per host, credentials at a
// third-party dyndns2 service that staff defined; successful updates are forwarded off the request path
// and the last result is shown here.
import { Html } from "@elysiajs/html";
import {
  addHostConfig,
  deleteHostConfig,
  hostConfigById,
  hostConfigs,
  listServices,
  ownedHost,
  updateHostConfig,
  ValidationError,
  type HostConfigInput,
  type HostConfigRow,
  type HostRecord,
} from "../../../core/index.ts";
import { notFound, redirect, webRoutes, type Web, type WebContext } from "../context.ts";
import { CsrfField, Field, FormError, page, type Errors } from "../layout.tsx";
import { hostOf } from "../hosts/index.tsx";
import { Check, checked, confirmDelete, idParam, Select, When, YesNo } from "../ui.tsx";

const v = (c: WebContext, name: string) => c.form.get(name) ?? "";
const input = (c: WebContext): HostConfigInput => ({
  serviceId: Number(v(c, "service")),
  hostname: v(c, "hostname"),
  name: v(c, "name"),
  password: v(c, "password"),
  giveIpv4: checked(c, "give_ipv4"),
  giveIpv6: checked(c, "give_ipv6"),
  comment: v(c, "comment"),
});

function errorsOf(c: WebContext, e: unknown): Errors {
  if (e instanceof ValidationError) return { [e.field]: c.t(e.message) };
  throw e;
}

function ConfigForm({ c, rec, cfg, errors }: { c: WebContext; rec: HostRecord; cfg?: HostConfigRow; errors?: Errors }): JSX.Element {
  const t = c.t;
  const posted = c.form.has("name");
  const val = (name: string, stored: string) => (posted ? v(c, name) : stored);
  const services = listServices(c.web.db);
  if (!cfg && services.length === 0) return <p class="muted" safe>{t("The operator has not set up any other service yet.")}</p>;
  return (
    <form method="post" action={cfg ? `/updater_hostconfig/${cfg.id}/` : `/updater_hostconfig_overview/${rec.host.id}/`} class="card">
      <CsrfField c={c} />
      <FormError errors={errors} />
      {/* The service's name only: with its server beside it the chosen line no longer fits a phone's select. */}
      <Select name="service" label={t("Service")} value={val("service", String(cfg?.serviceId ?? ""))} errors={errors} options={services.map((s) => ({ value: String(s.id), label: s.name }))} />
      <Field name="hostname" label={t("Host name at the service (empty: not sent)")} value={val("hostname", cfg?.hostname ?? "")} errors={errors} />
      <Field name="name" label={t("User name at the service")} value={val("name", cfg?.name ?? "")} required errors={errors} autocomplete="off" />
      <Field name="password" type="password" label={cfg ? t("Password at the service (empty keeps it)") : t("Password at the service")} errors={errors} autocomplete="new-password" />
      <Check name="give_ipv4" label={t("Forward IPv4 updates")} checked={posted ? checked(c, "give_ipv4") : (cfg?.giveIpv4 ?? true)} />
      <Check name="give_ipv6" label={t("Forward IPv6 updates")} checked={posted ? checked(c, "give_ipv6") : (cfg?.giveIpv6 ?? false)} />
      <Field name="comment" label={t("Comment")} value={val("comment", cfg?.comment ?? "")} errors={errors} />
      <button type="submit" safe>{cfg ? t("Save") : t("Add")}</button>
    </form>
  );
}

function Overview({ c, rec, errors }: { c: WebContext; rec: HostRecord; errors?: Errors }): JSX.Element {
  const t = c.t;
  const rows = hostConfigs(c.web.db, rec.host.id);
  return (
    <>
      <h1 safe>{t("Other services for {fqdn}", { fqdn: rec.fqdn })}</h1>
      <p class="muted" safe>{t("After each successful update, the new address is also sent to these services.")}</p>
      {rows.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th safe>{t("Service")}</th>
                <th safe>{t("Host name")}</th>
                <th>IPv4</th>
                <th>IPv6</th>
                <th safe>{t("Last result")}</th>
                <th safe>{t("Comment")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ config: cfg, service: s }) => (
                <tr>
                  <td safe>{`${s.name} (${s.secure ? t("TLS: yes") : t("TLS: no")})`}</td>
                  <td>
                    <a href={`/updater_hostconfig/${cfg.id}/`} safe>{cfg.hostname || t("(not sent)")}</a>
                  </td>
                  <td>
                    <YesNo c={c} value={cfg.giveIpv4} />
                  </td>
                  <td>
                    <YesNo c={c} value={cfg.giveIpv6} />
                  </td>
                  <td>{cfg.lastResult ? <><span safe>{cfg.lastResult}</span> <small class="muted">(<When c={c} at={cfg.lastResultAt} />)</small></> : "–"}</td>
                  <td safe>{cfg.comment}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted" safe>{t("None yet.")}</p>
      )}
      <h2 safe>{t("Add a service")}</h2>
      <ConfigForm c={c} rec={rec} errors={errors} />
      <p>
        <a href={`/host/${rec.host.id}/`} safe>{t("Back to the host")}</a>
      </p>
    </>
  );
}

export function forwarderPages(web: Web) {
  return webRoutes("forwarders", web, (r) => {
    /** The config of the URL, if its host belongs to the signed-in user. */
    const configOf = (c: WebContext) => {
      const cfg = hostConfigById(c.web.db, idParam(c));
      const rec = cfg ? ownedHost(c.web.db, c.user!.id, cfg.hostId) : null;
      return cfg && rec ? { cfg, rec } : null;
    };
    r.get(
      "/updater_hostconfig_overview/:id/",
      (c) => {
        const rec = hostOf(c);
        return rec ? page(c, c.t("Other services"), <Overview c={c} rec={rec} />) : notFound(c);
      },
      "user",
    );
    r.post(
      "/updater_hostconfig_overview/:id/",
      (c) => {
        const rec = hostOf(c);
        if (!rec) return notFound(c);
        try {
          addHostConfig(c.web.db, rec.host.id, input(c));
        } catch (e) {
          return page(c, c.t("Other services"), <Overview c={c} rec={rec} errors={errorsOf(c, e)} />, 400);
        }
        c.flash("info", c.t("Service Updater Host Configuration added."));
        return redirect(c, `/updater_hostconfig_overview/${rec.host.id}/`);
      },
      "user",
    );
    r.get(
      "/updater_hostconfig/:id/",
      (c) => {
        const x = configOf(c);
        if (!x) return notFound(c);
        return page(
          c,
          c.t("Other services"),
          <>
            <h1 safe>{c.t("Forwarding of {fqdn}", { fqdn: x.rec.fqdn })}</h1>
            <ConfigForm c={c} rec={x.rec} cfg={x.cfg} />
            <p class="actions">
              <a href={`/updater_hostconfig/${x.cfg.id}/delete/`} safe>{c.t("Delete")}</a>
              <a href={`/updater_hostconfig_overview/${x.rec.host.id}/`} safe>{c.t("Back")}</a>
            </p>
          </>,
        );
      },
      "user",
    );
    r.post(
      "/updater_hostconfig/:id/",
      (c) => {
        const x = configOf(c);
        if (!x) return notFound(c);
        try {
          updateHostConfig(c.web.db, x.cfg, input(c));
        } catch (e) {
          return page(c, c.t("Other services"), <ConfigForm c={c} rec={x.rec} cfg={x.cfg} errors={errorsOf(c, e)} />, 400);
        }
        c.flash("info", c.t("Service Updater Host Configuration updated."));
        return redirect(c, `/updater_hostconfig_overview/${x.rec.host.id}/`);
      },
      "user",
    );
    r.get(
      "/updater_hostconfig/:id/delete/",
      (c) => {
        const x = configOf(c);
        return x ? confirmDelete(c, c.t("forwarding of {fqdn}", { fqdn: x.rec.fqdn }), `/updater_hostconfig/${x.cfg.id}/delete/`, `/updater_hostconfig_overview/${x.rec.host.id}/`) : notFound(c);
      },
      "user",
    );
    r.post(
      "/updater_hostconfig/:id/delete/",
      (c) => {
        const x = configOf(c);
        if (!x) return notFound(c);
        deleteHostConfig(c.web.db, x.cfg.id);
        c.flash("info", c.t("Service Updater Host Configuration deleted."));
        return redirect(c, `/updater_hostconfig_overview/${x.rec.host.id}/`);
      },
      "user",
    );
  });
}
