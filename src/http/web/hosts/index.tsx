// Host pages (spec §5.1 with updns.md §3): add, view/edit, delete, a new secret (POST, shown once after a 303) with the
// configuration help, the current addresses (htmx fragment), and the session-authenticated manual update
// and delete (spec §1.9) that the host page's buttons call.
import { Html } from "@elysiajs/html";
import {
  addHost,
  addressHistory,
  currentAddresses,
  deleteHost,
  domainsForNewHosts,
  findHost,
  hostHealth,
  ownedHost,
  parseAddress,
  regenerateHostSecret,
  updateHostSettings,
  ValidationError,
  viewableHost,
  type HostRecord,
} from "../../../core/index.ts";
import { notFound, redirect, webRoutes, type Web, type WebContext } from "../context.ts";
import { CsrfField, Field, FormError, fragment, page, type Errors } from "../layout.tsx";
import { HelpTabs } from "../help/index.tsx";
import { keepOnce, takeOnce } from "../once.ts";
import { detectedIps } from "../detect.ts";
import { AddressTimeline } from "../charts.tsx";
import { Check, checked, confirmDelete, Copyable, idParam, intField, Select, When } from "../ui.tsx";
import { ResultText } from "./results.tsx";

/** Where a new update secret waits for its one view (once.ts). */
const secretSlot = (id: number) => `host-secret:${id}`;
const formValue = (c: WebContext, name: string) => c.form.get(name) ?? "";

function errorsOf(c: WebContext, e: unknown): Errors {
  if (e instanceof ValidationError) return { [e.field]: c.t(e.message) };
  throw e;
}

/** The host of the URL if the signed-in user owns it. */
export function hostOf(c: WebContext, param = "id"): HostRecord | null {
  return ownedHost(c.web.db, c.user!.id, idParam(c, param));
}

/** The host of the URL if the signed-in user may look at it: their own, or anyone's for staff (core/viewing.ts). */
export function viewedHost(c: WebContext, param = "id") {
  return viewableHost(c.web.db, c.user!, idParam(c, param));
}

/** A/AAAA as the zone's server answers them, as text ("none" when absent). */
export async function addressTexts(c: WebContext, rec: HostRecord, name?: string): Promise<{ a: string; aaaa: string }> {
  if (!c.web.backendFor) return { a: c.t("unknown"), aaaa: c.t("unknown") };
  const r = await currentAddresses(c.web.backendFor, rec, name);
  const show = (v: string[] | string) => (typeof v === "string" ? c.t("error") : v.length ? v.join(", ") : c.t("none"));
  return { a: show(r.a), aaaa: show(r.aaaa) };
}

/**
 * The addresses of a host. Embedded zones answer from memory, so the values are rendered at once; rfc2136
 * zones need a query to their primary, so the page loads them afterwards with htmx (updns.md §3).
 */
/** "Keep-alives N · Faults M", with the rule behind the two numbers as its tooltip. */
export function HostHealth({ c, host }: { c: WebContext; host: HostRecord["host"] }): JSX.Element {
  const t = c.t;
  const { keepalives, faults } = hostHealth(host);
  const rule = t("Keep-alives: updates that sent the address already set (nochg), usually a router checking in. Faults: wrong credentials (badauth), refused updates and DNS errors. Many keep-alives in a short time still count toward the abuse limit.");
  return (
    <span class="health" title={rule} safe>
      {t("Keep-alives {n} · Faults {m}", { n: keepalives, m: faults })}
    </span>
  );
}

export async function Addresses({ c, rec, inline }: { c: WebContext; rec: HostRecord; inline?: boolean }): Promise<string> {
  const url = `/host/${rec.host.id}/addresses`;
  const refresh = "addresses-changed from:body";
  if (inline || rec.domain.backend === "embedded") {
    const v = await addressTexts(c, rec);
    return (
      <span class="addresses" hx-get={url} hx-trigger={refresh} hx-swap="outerHTML">
        <AddressPair c={c} rec={rec} a={v.a} aaaa={v.aaaa} />
      </span>
    ) as string;
  }
  return (
    <span class="addresses" hx-get={url} hx-trigger={`load, ${refresh}`} hx-swap="outerHTML">
      <span class="muted" safe>{c.t("loading…")}</span>
      <noscript>
        <a href={`/host/${rec.host.id}/`} safe>{c.t("see the host page")}</a>
      </noscript>
    </span>
  ) as string;
}

function AddressPair({ c, rec, a, aaaa }: { c: WebContext; rec: HostRecord; a: string; aaaa: string }): JSX.Element {
  const h = rec.host;
  const tls = (on: boolean) => (on ? <span class="badge ok" safe>{c.t("TLS")}</span> : <span class="badge" safe>{c.t("no TLS")}</span>);
  return (
    <>
      <span class="addr">
        <span class="muted">A </span>
        <span data-family="a" safe>{a}</span> <small class="muted">
          (<When c={c} at={h.lastUpdateIpv4} />)
        </small> {h.lastUpdateIpv4 ? tls(h.tlsUpdateIpv4) : ""}
      </span>
      <span class="addr">
        <span class="muted">AAAA </span>
        <span data-family="aaaa" safe>{aaaa}</span> <small class="muted">
          (<When c={c} at={h.lastUpdateIpv6} />)
        </small> {h.lastUpdateIpv6 ? tls(h.tlsUpdateIpv6) : ""}
      </span>
    </>
  );
}

function AddForm({ c, errors, values }: { c: WebContext; errors?: Errors; values?: Record<string, string> }): JSX.Element {
  const t = c.t;
  const choices = domainsForNewHosts(c.web.db, c.user!.id);
  return (
    <>
      <h1 safe>{t("Add a host")}</h1>
      {choices.length === 0 ? (
        <p class="flash error" safe>{t("There is no domain you could add a host to yet: add a domain first.")}</p>
      ) : (
        <form method="post" action="/host/add/" class="card">
          <CsrfField c={c} />
          <FormError errors={errors} />
          <Field name="name" label={t("Name")} value={values?.name} required errors={errors} autofocus hint={t('Lower-case letters, digits and "-"; the host becomes name.domain.')} />
          <Select name="domain" label={t("Domain")} value={values?.domain} errors={errors} options={choices.map((d) => ({ value: String(d.id), label: d.name }))} />
          <Field name="comment" label={t("Comment")} value={values?.comment} errors={errors} />
          <button type="submit" safe>{t("Add host")}</button>
        </form>
      )}
    </>
  );
}

async function HostPage({ c, rec, errors }: { c: WebContext; rec: HostRecord; errors?: Errors }): Promise<JSX.Element> {
  const t = c.t;
  const h = rec.host;
  const base = `/host/${h.id}`;
  const here = detectedIps(c);
  return (
    <>
      <h1 safe>{rec.fqdn}</h1>
      {h.abuseBlocked ? <p class="flash error" role="alert" safe>{t("This host is blocked for abuse: updates are refused. Ask the operator.")}</p> : ""}
      {h.abuse && !h.abuseBlocked ? <p class="flash error" role="alert" safe>{t("This host is flagged for abuse (too many faulty updates): updates are refused until you clear the flag below.")}</p> : ""}
      {h.updateSecret ? "" : <p class="flash" role="status" safe>{t("This host has no update secret yet: generate one to configure your router or client.")}</p>}
      <div class="columns">
        <section class="card" aria-labelledby="h-settings">
          <h2 id="h-settings" safe>{t("Settings")}</h2>
          <form method="post" action={`${base}/`}>
            <CsrfField c={c} />
            <FormError errors={errors} />
            <Field name="comment" label={t("Comment")} value={formValueOr(c, "comment", h.comment)} errors={errors} />
            <Check name="available" label={t("Available (updates are accepted)")} checked={h.available} />
            {h.abuse ? <Check name="abuse" label={t("Flagged for abuse (untick to clear)")} checked={true} /> : ""}
            <Field name="netmask_ipv4" type="number" label={t("IPv4 netmask (related hosts)")} value={formValueOr(c, "netmask_ipv4", String(h.netmaskIpv4))} errors={errors} />
            <Field name="netmask_ipv6" type="number" label={t("IPv6 prefix length (related hosts)")} value={formValueOr(c, "netmask_ipv6", String(h.netmaskIpv6))} errors={errors} />
            <Field name="ttl" type="number" label={t("TTL in seconds")} value={formValueOr(c, "ttl", String(h.ttl))} errors={errors} hint={t("From {min} to {max} in this domain.", { min: rec.domain.ttlMin, max: rec.domain.ttlMax })} />
            <Check name="wildcard" label={t("Wildcard (*.name answers like the host)")} checked={h.wildcard} />
            <button type="submit" safe>{t("Save")}</button>
          </form>
        </section>
        <section class="card" aria-labelledby="h-update">
          <h2 id="h-update" safe>{t("Current addresses")}</h2>
          <p>
            <Addresses c={c} rec={rec} />
          </p>
          <h3 safe>{t("Update by hand")}</h3>
          <ManualForm c={c} rec={rec} family="v4" value={here.ipv4} />
          <ManualForm c={c} rec={rec} family="v6" value={here.ipv6} />
        </section>
        <section class="card" aria-labelledby="h-config">
          <h2 id="h-config" safe>{t("Configuration")}</h2>
          <form method="post" action={`${base}/secret`}>
            <CsrfField c={c} />
            <p class="muted" safe>{h.updateSecret ? t("A new secret replaces the old one at once: clients using it stop working.") : t("Generate the secret your router or client signs in with.")}</p>
            <button type="submit" safe>{t("Generate new secret")}</button>
          </form>
          <ul class="links">
            <li>
              <a href={`/generate_secret/${h.id}/`} safe>{t("Configuration help")}</a>
            </li>
            <li>
              <a href={`${base}/related/`} safe>{t("Related hosts")}</a>
            </li>
            <li>
              <a href={`/updater_hostconfig_overview/${h.id}/`} safe>{t("Other services (forwarding)")}</a>
            </li>
            {h.abuseBlocked ? (
              ""
            ) : (
              <li>
                <a href={`${base}/delete/`} safe>{t("Delete host")}</a>
              </li>
            )}
          </ul>
        </section>
      </div>
      <HostActivity c={c} rec={rec} />
    </>
  );
}

/** What the host's clients did lately: keep-alives and faults, the last results, the address history. */
function HostActivity({ c, rec }: { c: WebContext; rec: HostRecord }): JSX.Element {
  const h = rec.host;
  return (
    <>
      <section aria-labelledby="h-results">
        <h2 id="h-results" safe>{c.t("Last results")}</h2>
        <p>
          <HostHealth c={c} host={h} />
        </p>
        <LastResults c={c} host={h} />
      </section>
      <AddressHistory c={c} rec={rec} />
    </>
  );
}

function LastResults({ c, host }: { c: WebContext; host: HostRecord["host"] }): JSX.Element {
  const t = c.t;
  return (
    <dl class="results">
      <dt safe>{t("Authentication")}</dt>
      <dd>
        <ResultText c={c} line={host.apiAuthResultMsg} />
      </dd>
      <dt safe>{t("Update client")}</dt>
      <dd>
        <ResultText c={c} line={host.clientResultMsg} />
      </dd>
      <dt safe>{t("Server")}</dt>
      <dd>
        <ResultText c={c} line={host.serverResultMsg} />
      </dd>
    </dl>
  );
}

/** The addresses the host held, as a timeline (charts.tsx) with its table. */
function AddressHistory({ c, rec }: { c: WebContext; rec: HostRecord }): JSX.Element {
  return (
    <section aria-labelledby="h-history">
      <h2 id="h-history" safe>{c.t("Address history")}</h2>
      <AddressTimeline c={c} changes={addressHistory(c.web.db, rec.host.id)} fqdn={rec.fqdn} />
    </section>
  );
}

/** Staff looking at someone else's host: what the owner sees, without the owner's forms. */
async function StaffHostPage({ c, rec, owner }: { c: WebContext; rec: HostRecord; owner: string }): Promise<JSX.Element> {
  const t = c.t;
  const h = rec.host;
  return (
    <>
      <h1 safe>{rec.fqdn}</h1>
      <p class="flash" role="status" safe>{t("You see this host as staff: it belongs to {owner}. Only its owner changes it; the abuse block is in the admin's host list.", { owner })}</p>
      <dl class="results">
        <dt safe>{t("Owner")}</dt>
        <dd safe>{owner}</dd>
        <dt safe>{t("Domain")}</dt>
        <dd>
          <a href={`/domain/${rec.domain.id}/`} safe>{rec.domain.name}</a>
        </dd>
        <dt safe>{t("Comment")}</dt>
        <dd safe>{h.comment || "–"}</dd>
        <dt safe>{t("Available")}</dt>
        <dd safe>{h.available ? t("yes") : t("no")}</dd>
        <dt safe>{t("Abuse")}</dt>
        <dd safe>{h.abuseBlocked ? t("abuse blocked") : h.abuse ? t("abuse") : t("no")}</dd>
      </dl>
      <section aria-labelledby="h-update">
        <h2 id="h-update" safe>{t("Current addresses")}</h2>
        <p>
          <Addresses c={c} rec={rec} />
        </p>
      </section>
      <HostActivity c={c} rec={rec} />
    </>
  );
}

const formValueOr = (c: WebContext, name: string, dflt: string) => (c.form.has(name) ? formValue(c, name) : dflt);

function ManualForm({ c, rec, family, value }: { c: WebContext; rec: HostRecord; family: "v4" | "v6"; value: string }): JSX.Element {
  const t = c.t;
  const id = `manual-${family}`;
  const out = `${id}-result`;
  return (
    <div class="manual">
      <form method="post" action="/nic/update_authorized" hx-post="/nic/update_authorized" hx-target={`#${out}`} class="actions">
        <CsrfField c={c} />
        <input type="hidden" name="hostname" value={rec.fqdn} />
        <label for={id} safe>{family === "v4" ? t("IPv4 address") : t("IPv6 address")}</label>
        <input id={id} name="myip" value={value} inputmode={family === "v4" ? "decimal" : "text"} autocomplete="off" />
        <button type="submit" safe>{t("Update")}</button>
      </form>
      <form method="post" action="/nic/delete_authorized" hx-post="/nic/delete_authorized" hx-target={`#${out}`} class="actions">
        <CsrfField c={c} />
        <input type="hidden" name="hostname" value={rec.fqdn} />
        <input type="hidden" name="myip" value={family === "v4" ? "0.0.0.0" : "::"} />
        <button type="submit" class="secondary" safe>{family === "v4" ? t("Delete A record") : t("Delete AAAA record")}</button>
        <output id={out} aria-live="polite"></output>
      </form>
    </div>
  );
}

/** Spec §1.9: session-authenticated update/delete. Invalid myip pieces are skipped; none left = the connection's. */
async function manual(c: WebContext, mode: "update" | "delete"): Promise<Response> {
  const hostname = formValue(c, "hostname").trim();
  let body: string;
  if (!c.web.update) body = "911";
  else if (!hostname) body = "nohost";
  else {
    const pieces = formValue(c, "myip")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => parseAddress(s.replace(/\/\d+$/, "")) !== null);
    const params: Record<string, string> = { hostname };
    if (pieces.length) params.myip = pieces.join(",");
    const a = await c.web.update.handle({ mode, params, authorization: null, userAgent: "updns web UI", client: { address: c.client.address, secure: c.client.secure }, sessionUserId: c.user!.id });
    body = a.body;
  }
  if (c.htmx) {
    const res = await fragment(<span safe>{body}</span>);
    res.headers.set("hx-trigger", "addresses-changed");
    return res;
  }
  // Without JavaScript: back to the host page with the answer as a message.
  const rec = hostname ? findHost(c.web.db, hostname) : null;
  c.flash(/^(good|nochg|deleted)/.test(body) ? "info" : "error", c.t("Answer: {answer}", { answer: body }));
  return redirect(c, rec && rec.host.ownerId === c.user!.id ? `/host/${rec.host.id}/` : "/overview/");
}

export function hostPages(web: Web) {
  return webRoutes("hosts", web, (r) => {
    r.get("/host/add/", (c) => page(c, c.t("Add a host"), <AddForm c={c} />), "user");
    r.post(
      "/host/add/",
      async (c) => {
        const values = { name: formValue(c, "name"), domain: formValue(c, "domain"), comment: formValue(c, "comment") };
        try {
          const rec = addHost(c.web.db, { ownerId: c.user!.id, name: values.name, domainId: Number(values.domain), comment: values.comment });
          c.web.log.info("host added", { host: rec.fqdn, user: c.user!.username });
          c.flash("info", c.t("Host added."));
          return redirect(c, `/host/${rec.host.id}/`);
        } catch (e) {
          return page(c, c.t("Add a host"), <AddForm c={c} errors={errorsOf(c, e)} values={values} />, 400);
        }
      },
      "user",
    );
    r.get(
      "/host/:id/",
      async (c) => {
        const v = viewedHost(c);
        if (!v) return notFound(c);
        return page(c, v.item.fqdn, v.own ? await HostPage({ c, rec: v.item }) : await StaffHostPage({ c, rec: v.item, owner: v.owner }));
      },
      "user",
    );
    r.post(
      "/host/:id/",
      async (c) => {
        const rec = hostOf(c);
        if (!rec) return notFound(c);
        try {
          updateHostSettings(c.web.db, rec, {
            comment: formValue(c, "comment"),
            available: checked(c, "available"),
            abuse: checked(c, "abuse"),
            netmaskIpv4: intField(c, "netmask_ipv4"),
            netmaskIpv6: intField(c, "netmask_ipv6"),
            ttl: intField(c, "ttl"),
            wildcard: checked(c, "wildcard"),
          });
        } catch (e) {
          return page(c, rec.fqdn, await HostPage({ c, rec, errors: errorsOf(c, e) }), 400);
        }
        c.flash("info", c.t("Host updated."));
        return redirect(c, "/overview/");
      },
      "user",
    );
    r.get(
      "/host/:id/addresses",
      async (c) => {
        const v = viewedHost(c);
        if (!v) return notFound(c);
        return fragment(await Addresses({ c, rec: v.item, inline: true }));
      },
      "user",
    );
    r.post(
      "/host/:id/secret",
      async (c) => {
        const rec = hostOf(c);
        if (!rec) return notFound(c);
        const secret = await regenerateHostSecret(c.web.db, rec.host.id);
        c.web.log.info("host secret generated", { host: rec.fqdn, user: c.user!.username });
        // The help page shows it once; a reload there neither shows it again nor makes another.
        keepOnce(c, secretSlot(rec.host.id), secret);
        return redirect(c, `/generate_secret/${rec.host.id}/`);
      },
      "user",
    );
    // Viewing the help never changes the secret (updns.md §3); the baseline's URL still shows it.
    r.get(
      "/generate_secret/:id/",
      (c) => {
        const rec = hostOf(c);
        if (!rec) return notFound(c);
        const secret = takeOnce<string>(c, secretSlot(rec.host.id)) ?? "";
        return page(c, c.t("Configuration of {fqdn}", { fqdn: rec.fqdn }), <SecretPage c={c} rec={rec} secret={secret} />);
      },
      "user",
    );
    r.get(
      "/host/:id/delete/",
      (c) => {
        const rec = hostOf(c);
        if (!rec || rec.host.abuseBlocked) return notFound(c);
        return confirmDelete(c, rec.fqdn, `/host/${rec.host.id}/delete/`, `/host/${rec.host.id}/`, c.t("The host, its related hosts and their DNS records go. This cannot be undone."));
      },
      "user",
    );
    r.post(
      "/host/:id/delete/",
      async (c) => {
        const rec = hostOf(c);
        if (!rec || rec.host.abuseBlocked) return notFound(c);
        const errors = await deleteHost(c.web.db, c.web.backendFor ?? noBackend, rec);
        if (errors.length) c.web.log.warn("some DNS records of a deleted host could not be removed", { host: rec.fqdn, errors: errors.join("; ") });
        c.flash(errors.length ? "error" : "info", errors.length ? c.t("Host deleted, but some DNS records could not be removed: {errors}", { errors: errors.join("; ") }) : c.t("Host deleted."));
        return redirect(c, "/overview/");
      },
      "user",
    );
    r.post("/nic/update_authorized", (c) => manual(c, "update"), "user");
    r.post("/nic/delete_authorized", (c) => manual(c, "delete"), "user");
  });
}

const noBackend = () => {
  throw new Error("no zone backend configured");
};

function SecretPage({ c, rec, secret }: { c: WebContext; rec: HostRecord; secret: string }): JSX.Element {
  const t = c.t;
  return (
    <>
      <h1 safe>{t("Configuration of {fqdn}", { fqdn: rec.fqdn })}</h1>
      {secret ? (
        <section class="card secret" aria-labelledby="h-secret">
          <h2 id="h-secret" safe>{t("Host secret created.")}</h2>
          <p safe>{t("This is the only time the secret is shown: copy it now. If you lose it, generate a new one.")}</p>
          <Copyable c={c} id="secret" label={t("Secret")} text={secret} />
        </section>
      ) : (
        <p class="muted" safe>{t("The secret is not shown again: the snippets below carry a placeholder. Generate a new secret on the host page to get them filled in.")}</p>
      )}
      <HelpTabs c={c} fqdn={rec.fqdn} secret={secret} />
      <p>
        <a href={`/host/${rec.host.id}/`} safe>{t("Back to the host")}</a>
      </p>
    </>
  );
}
