// Related hosts (spec §5.1 related pages, §1.7): names below a host that follow its network with their own
// interface ids, e.g. devices behind a router that only knows its prefix.
import { Html } from "@elysiajs/html";
import {
  addRelated,
  deleteRelated,
  relatedById,
  relatedOf,
  updateRelated,
  ValidationError,
  type HostRecord,
  type RelatedHostRow,
  type RelatedInput,
} from "../../../core/index.ts";
import { notFound, redirect, webRoutes, type Web, type WebContext } from "../context.ts";
import { CsrfField, Field, FormError, page, type Errors } from "../layout.tsx";
import { addressTexts, hostOf } from "../hosts/index.tsx";
import { Check, checked, confirmDelete, idParam, YesNo } from "../ui.tsx";

const v = (c: WebContext, name: string) => c.form.get(name) ?? "";
const input = (c: WebContext): RelatedInput => ({ name: v(c, "name"), comment: v(c, "comment"), interfaceIdIpv4: v(c, "interface_id_ipv4"), interfaceIdIpv6: v(c, "interface_id_ipv6"), available: checked(c, "available") });

function errorsOf(c: WebContext, e: unknown): Errors {
  if (e instanceof ValidationError) return { [e.field]: c.t(e.message) };
  throw e;
}

function RelatedForm({ c, rec, rh, errors }: { c: WebContext; rec: HostRecord; rh?: RelatedHostRow; errors?: Errors }): JSX.Element {
  const t = c.t;
  const posted = c.form.has("name");
  const val = (name: string, stored: string) => (posted ? v(c, name) : stored);
  const action = rh ? `/host/${rec.host.id}/related/${rh.id}/` : `/host/${rec.host.id}/related/add/`;
  return (
    <form method="post" action={action} class="card">
      <CsrfField c={c} />
      <FormError errors={errors} />
      <Field name="name" label={t("Name")} value={val("name", rh?.name ?? "")} required errors={errors} hint={t("The related host becomes name.{fqdn}", { fqdn: rec.fqdn })} />
      <Field name="comment" label={t("Comment")} value={val("comment", rh?.comment ?? "")} errors={errors} />
      <Field name="interface_id_ipv4" label={t("IPv4 interface id (empty: no A record)")} value={val("interface_id_ipv4", rh?.interfaceIdIpv4 ?? "")} errors={errors} hint={t("Added to the host's network (netmask {n}), e.g. 0.0.0.12.", { n: rec.host.netmaskIpv4 })} />
      <Field name="interface_id_ipv6" label={t("IPv6 interface id (empty: no AAAA record)")} value={val("interface_id_ipv6", rh?.interfaceIdIpv6 ?? "")} errors={errors} hint={t("Added to the host's prefix (/{n}), e.g. ::1:2ff:fe3:4.", { n: rec.host.netmaskIpv6 })} />
      <Check name="available" label={t("Available")} checked={posted ? checked(c, "available") : (rh?.available ?? true)} />
      <button type="submit" safe>{rh ? t("Save") : t("Add related host")}</button>
    </form>
  );
}

async function ListPage({ c, rec }: { c: WebContext; rec: HostRecord }): Promise<JSX.Element> {
  const t = c.t;
  const rows = relatedOf(c.web.db, rec.host.id);
  const addrs = await Promise.all(rows.map((rh) => addressTexts(c, rec, `${rh.name}.${rec.host.name}`)));
  return (
    <>
      <h1 safe>{t("Related hosts of {fqdn}", { fqdn: rec.fqdn })}</h1>
      <p class="muted" safe>{t("Each update of the main host also sets these names: the host's network plus the interface id.")}</p>
      <p class="actions">
        <a class="button" href={`/host/${rec.host.id}/related/add/`} safe>{t("Add related host")}</a>
        <a href={`/host/${rec.host.id}/`} safe>{t("Back to the host")}</a>
      </p>
      {rows.length === 0 ? (
        <p class="muted" safe>{t("No related hosts yet.")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th safe>{t("Name")}</th>
                <th safe>{t("Comment")}</th>
                <th safe>{t("Available")}</th>
                <th safe>{t("IPv4 (interface id)")}</th>
                <th safe>{t("IPv6 (interface id)")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((rh, i) => (
                <tr>
                  <td>
                    <a href={`/host/${rec.host.id}/related/${rh.id}/`} safe>{`${rh.name}.${rec.fqdn}`}</a>
                  </td>
                  <td safe>{rh.comment}</td>
                  <td>
                    <YesNo c={c} value={rh.available} />
                  </td>
                  <td safe>{`${addrs[i].a} (${rh.interfaceIdIpv4 || "–"})`}</td>
                  <td safe>{`${addrs[i].aaaa} (${rh.interfaceIdIpv6 || "–"})`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function relatedPages(web: Web) {
  return webRoutes("related", web, (r) => {
    const both = (c: WebContext) => {
      const rec = hostOf(c);
      const rh = rec ? relatedById(c.web.db, rec.host.id, idParam(c, "rid")) : null;
      return rec && rh ? { rec, rh } : null;
    };
    r.get(
      "/host/:id/related/",
      async (c) => {
        const rec = hostOf(c);
        return rec ? page(c, c.t("Related hosts"), await ListPage({ c, rec })) : notFound(c);
      },
      "user",
    );
    r.get(
      "/host/:id/related/add/",
      (c) => {
        const rec = hostOf(c);
        return rec ? page(c, c.t("Add related host"), <><h1 safe>{c.t("Add a related host to {fqdn}", { fqdn: rec.fqdn })}</h1><RelatedForm c={c} rec={rec} /></>) : notFound(c);
      },
      "user",
    );
    r.post(
      "/host/:id/related/add/",
      (c) => {
        const rec = hostOf(c);
        if (!rec) return notFound(c);
        try {
          addRelated(c.web.db, rec.host.id, input(c));
        } catch (e) {
          return page(c, c.t("Add related host"), <><h1 safe>{c.t("Add a related host to {fqdn}", { fqdn: rec.fqdn })}</h1><RelatedForm c={c} rec={rec} errors={errorsOf(c, e)} /></>, 400);
        }
        c.flash("info", c.t("Related host added."));
        return redirect(c, `/host/${rec.host.id}/related/`);
      },
      "user",
    );
    r.get(
      "/host/:id/related/:rid/",
      (c) => {
        const x = both(c);
        if (!x) return notFound(c);
        return page(
          c,
          x.rh.name,
          <>
            <h1 safe>{`${x.rh.name}.${x.rec.fqdn}`}</h1>
            <RelatedForm c={c} rec={x.rec} rh={x.rh} />
            <p>
              <a href={`/host/${x.rec.host.id}/related/${x.rh.id}/delete/`} safe>{c.t("Delete related host")}</a>
            </p>
          </>,
        );
      },
      "user",
    );
    r.post(
      "/host/:id/related/:rid/",
      async (c) => {
        const x = both(c);
        if (!x) return notFound(c);
        try {
          await updateRelated(c.web.db, c.web.backendFor ?? noBackend, x.rec, x.rh, input(c));
        } catch (e) {
          return page(c, x.rh.name, <><h1 safe>{`${x.rh.name}.${x.rec.fqdn}`}</h1><RelatedForm c={c} rec={x.rec} rh={x.rh} errors={errorsOf(c, e)} /></>, 400);
        }
        c.flash("info", c.t("Related host updated."));
        return redirect(c, `/host/${x.rec.host.id}/related/`);
      },
      "user",
    );
    r.get(
      "/host/:id/related/:rid/delete/",
      (c) => {
        const x = both(c);
        return x ? confirmDelete(c, `${x.rh.name}.${x.rec.fqdn}`, `/host/${x.rec.host.id}/related/${x.rh.id}/delete/`, `/host/${x.rec.host.id}/related/`) : notFound(c);
      },
      "user",
    );
    r.post(
      "/host/:id/related/:rid/delete/",
      async (c) => {
        const x = both(c);
        if (!x) return notFound(c);
        const errors = await deleteRelated(c.web.db, c.web.backendFor ?? noBackend, x.rec, x.rh);
        c.flash(errors.length ? "error" : "info", errors.length ? c.t("Related host deleted, but some DNS records could not be removed: {errors}", { errors: errors.join("; ") }) : c.t("Related host deleted."));
        return redirect(c, `/host/${x.rec.host.id}/related/`);
      },
      "user",
    );
  });
}

const noBackend = () => {
  throw new Error("no zone backend configured");
};
