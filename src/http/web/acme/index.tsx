// acme-dns accounts in the web UI: each person sees the accounts they registered (staff see every account,
// anonymous registrations included), can revoke one — its key stops working and its TXT records leave the
// zone at once — and can register a new one when [acme_dns] registration allows it (staff always may).
// The key is shown once, with what the common clients need. Rules are core/acme.ts's.
import { Html } from "@elysiajs/html";
import {
  AcmeError,
  acmeAccountById,
  acmeSettingsFrom,
  listAcmeAccounts,
  parseAllowfrom,
  registerAcmeAccount,
  revokeAcmeAccount,
  type AcmeRegistration,
} from "../../../core/index.ts";
import { notFound, redirect, webRoutes, type Web, type WebContext } from "../context.ts";
import { CsrfField, Field, FormError, page, type Errors } from "../layout.tsx";
import { confirmDelete, Copyable, When } from "../ui.tsx";
import { formatDateTime } from "../i18n.ts";

export const ACME_PAGE = "/acme/";

// Dates as the person's language writes them (UTC: we keep no time zone per person).
const utc = (c: WebContext, d: Date | null) => (d ? formatDateTime(c.lang, d) : "");

function mayRegister(c: WebContext): boolean {
  const mode = c.web.config.acme_dns.registration;
  return Boolean(c.user?.isStaff) || mode === "open";
}

/** The API's base URL as clients take it. */
function apiBase(c: WebContext): string {
  return `${c.origin()}${c.web.config.acme_dns.base_path.replace(/\/+$/, "")}`;
}

function AccountsPage({ c, errors, allowfrom }: { c: WebContext; errors?: Errors; allowfrom?: string }): JSX.Element {
  const t = c.t;
  const settings = acmeSettingsFrom(c.web.config.acme_dns);
  const staff = Boolean(c.user!.isStaff);
  const accounts = listAcmeAccounts(c.web.db, settings, staff ? null : c.user!.id);
  return (
    <>
      <h1 safe>{t("ACME DNS accounts")}</h1>
      <p class="muted" safe>
        {t("acme-dns accounts let certbot, lego, acme.sh, Caddy or Traefik prove control of a name for a certificate. Point _acme-challenge.<your name> at the account's domain with a CNAME.")}
      </p>
      <p>
        <span safe>{t("API base URL:")}</span> <code safe>{apiBase(c)}</code>
      </p>
      {accounts.length === 0 ? (
        <p safe>{t("No accounts yet.")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th safe>{t("Domain (CNAME target)")}</th>
                <th safe>{t("User")}</th>
                {staff ? <th safe>{t("Owner")}</th> : ""}
                <th safe>{t("Allowed from")}</th>
                <th safe>{t("TXT values")}</th>
                <th safe>{t("Last used")}</th>
                <th safe>{t("Actions")}</th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((a) => (
                <tr>
                  <td>
                    <code safe>{a.fulldomain}</code>
                  </td>
                  <td>
                    <code safe>{a.username}</code>
                  </td>
                  {staff ? <td safe>{a.owner ?? t("(anonymous)")}</td> : ""}
                  <td safe>{a.allowfrom.length ? a.allowfrom.join(", ") : t("anywhere")}</td>
                  <td safe>{a.txt.length ? t("{count}, the last expires {when}", { count: a.txt.length, when: utc(c, a.txt[a.txt.length - 1].expiresAt) }) : t("none")}</td>
                  <td>{a.lastUsedAt ? <><When c={c} at={a.lastUsedAt} /> <span safe>{`(${a.lastUsedFrom})`}</span></> : <span safe>{t("never")}</span>}</td>
                  <td>
                    <a href={`${ACME_PAGE}${a.id}/revoke`} safe>{t("Revoke")}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {mayRegister(c) ? (
        <section class="card">
          <h2 safe>{t("Register an account")}</h2>
          <form method="post" action={ACME_PAGE}>
            <CsrfField c={c} />
            <FormError errors={errors} />
            <Field
              name="allowfrom"
              label={t("Allowed from (optional)")}
              value={allowfrom}
              errors={errors}
              hint={t("Comma-separated CIDR prefixes, e.g. 192.0.2.0/24, 2001:db8::/48. Empty: updates from anywhere.")}
            />
            <button type="submit" safe>{t("Register")}</button>
          </form>
        </section>
      ) : (
        ""
      )}
    </>
  );
}

function CreatedPage({ c, account }: { c: WebContext; account: AcmeRegistration }): JSX.Element {
  const t = c.t;
  const base = apiBase(c);
  return (
    <>
      <h1 safe>{t("acme-dns account registered")}</h1>
      <section class="card secret">
        <p safe>{t("This is the only time the key is shown: copy it now. If you lose it, revoke the account and register a new one.")}</p>
        <Copyable c={c} id="account" label={t("Account (JSON, as /register answers it)")} text={JSON.stringify(account)} />
        <Copyable c={c} id="cname" label={t("CNAME to add for each name, e.g. for www.example.org")} text={`_acme-challenge.www.example.org. CNAME ${account.fulldomain}.`} />
        <Copyable
          c={c}
          id="acmesh"
          label={t("acme.sh")}
          text={`export ACMEDNS_BASE_URL="${base}"\nexport ACMEDNS_USERNAME="${account.username}"\nexport ACMEDNS_PASSWORD="${account.password}"\nexport ACMEDNS_SUBDOMAIN="${account.subdomain}"\nacme.sh --issue --dns dns_acmedns -d www.example.org -d '*.www.example.org'`}
        />
        <Copyable
          c={c}
          id="lego"
          label={t("lego / Traefik (ACME_DNS_STORAGE_PATH file)")}
          text={`ACME_DNS_API_BASE=${base}\n${JSON.stringify({ "www.example.org": account })}`}
        />
      </section>
      <p>
        <a href={ACME_PAGE} safe>{t("Back to the accounts")}</a>
      </p>
    </>
  );
}

/** The account named in the URL when the signed-in person may manage it (owner or staff), else null. */
function ownAccount(c: WebContext) {
  const a = acmeAccountById(c.web.db, Number(c.params.id));
  return a && (a.ownerId === c.user!.id || c.user!.isStaff) ? a : null;
}

export function acmePages(web: Web) {
  const enabled = () => web.config.acme_dns.zone !== "";
  return webRoutes("acme-dns", web, (r) => {
    r.get(ACME_PAGE, (c) => (enabled() ? page(c, c.t("ACME DNS accounts"), <AccountsPage c={c} />) : notFound(c)), "user");
    r.post(
      ACME_PAGE,
      (c) => {
        if (!enabled() || !mayRegister(c)) return notFound(c);
        const text = String(c.form.get("allowfrom") ?? "").trim();
        let account: AcmeRegistration;
        try {
          const allowfrom = parseAllowfrom(text ? text.split(/[\s,]+/).filter(Boolean) : []);
          account = registerAcmeAccount({ db: c.web.db, settings: acmeSettingsFrom(c.web.config.acme_dns) }, { allowfrom, ownerId: c.user!.id });
        } catch (e) {
          if (!(e instanceof AcmeError)) throw e;
          const message =
            e.code === "invalid_allowfrom_cidr"
              ? c.t("Each entry must be a CIDR prefix such as 192.0.2.0/24 or 2001:db8::/48.")
              : e.code === "db_error"
                ? c.t("The ACME zone {zone} is no zone of this server yet: an operator creates it first (updns domain add).", { zone: c.web.config.acme_dns.zone })
                : c.t(e.message);
          return page(c, c.t("ACME DNS accounts"), <AccountsPage c={c} errors={{ allowfrom: message }} allowfrom={text} />, 400);
        }
        c.web.log.info("acme-dns account registered in the web UI", { username: account.username, by: c.user!.username });
        return page(c, c.t("acme-dns account registered"), <CreatedPage c={c} account={account} />);
      },
      "user",
    );
    r.get(
      `${ACME_PAGE}:id/revoke`,
      (c) => {
        const a = enabled() ? ownAccount(c) : null;
        if (!a) return notFound(c);
        return confirmDelete(
          c,
          `${a.subdomain}.${acmeSettingsFrom(c.web.config.acme_dns).zone}`,
          `${ACME_PAGE}${a.id}/revoke`,
          ACME_PAGE,
          c.t("Clients using this account can no longer update, and its TXT records are removed now."),
        );
      },
      "user",
    );
    r.post(
      `${ACME_PAGE}:id/revoke`,
      async (c) => {
        const a = enabled() ? ownAccount(c) : null;
        if (!a) return notFound(c);
        if (!c.web.backendFor) throw new Error("the web UI has no zone backends to remove the TXT records with");
        await revokeAcmeAccount({ db: c.web.db, backendFor: c.web.backendFor, settings: acmeSettingsFrom(c.web.config.acme_dns) }, a);
        c.web.log.info("acme-dns account revoked", { username: a.username, by: c.user!.username });
        c.flash("info", c.t("The account was revoked."));
        return redirect(c, ACME_PAGE);
      },
      "user",
    );
  });
}
