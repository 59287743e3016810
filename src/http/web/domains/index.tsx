// Domain pages (spec §5.1 domain pages with updns.md §2–§3): add an embedded or rfc2136 zone, settings
// (rfc2136: the connectivity test runs when "available" is ticked), a new TSIG secret (POST, then shown once
// on the GET page it redirects to),
// nameserver snippets, the static records of embedded zones, delete.
import { Html } from "@elysiajs/html";
import {
  addDomain,
  addSecondary,
  apexNs,
  deleteDomain,
  hostsInDomain,
  listSecondaries,
  mayAddEmbeddedZones,
  ownedDomain,
  regenerateDomainKey,
  removeSecondary,
  setApexNs,
  setStaticRRset,
  STATIC_TYPES,
  staticRecords,
  transferKeyOf,
  TSIG_ALGORITHMS,
  updateDomain,
  ValidationError,
  viewableDomain,
  ZoneNotAllowedError,
  zoneRefOf,
  type DomainRow,
  type DomainsAddPolicy,
} from "../../../core/index.ts";
import { notFound, redirect, webRoutes, type Web, type WebContext } from "../context.ts";
import { CsrfField, Field, FormError, fragment, page, type Errors } from "../layout.tsx";
import { keepOnce, takeOnce } from "../once.ts";
import { msg } from "../i18n.ts";
import { Check, checked, confirmDelete, Copyable, idParam, intField, Select, TextArea } from "../ui.tsx";
import { primarySnippets, secondarySnippets, type KeyText } from "./snippets.ts";
import { DnssecSection, dnssecRoutes } from "./dnssec.tsx";

const v = (c: WebContext, name: string) => c.form.get(name) ?? "";
const lines = (s: string) => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
type Steps = { step: string; ok: boolean; message: string; values?: Record<string, string> }[];

/** The connectivity test's steps, and what a passed step found, in the reader's words. */
const STEP_NAMES: Record<string, string> = { soa: msg("SOA query"), add: msg("Test record added"), remove: msg("Test record removed"), check: msg("Check") };
const STEP_FOUND: Record<string, string> = {
  soa: msg("{server} answers with authority for {zone}, SOA serial {serial}."),
  add: msg("{owner} A {address} was added."),
  remove: msg("{owner} A was removed again."),
};

const FIELDS = new Set(["name", "comment", "ns", "secondaries", "primary", "query_server", "key_name", "algorithm", "secret", "available", "public", "address", "type", "ttl", "data", "serial_scheme", "catalog_group"]);

/** A core ValidationError on its form field (core names some like CLI flags: "--primary"); others on the form. */
function errorsOf(c: WebContext, e: unknown): Errors {
  if (!(e instanceof ValidationError)) throw e;
  const field = e.field.replace(/^--/, "").replace(/-/g, "_").replace(/^zone$/, "name").replace(/^secondary$/, "address");
  return { [FIELDS.has(field) ? field : ""]: c.t(e.message) };
}

/** Where a new TSIG secret waits for its one view (once.ts). */
const keySlot = (id: number) => `domain-key:${id}`;
const domainOf = (c: WebContext) => ownedDomain(c.web.db, c.user!.id, idParam(c));
const algorithmOptions = Object.keys(TSIG_ALGORITHMS).map((a) => ({ value: a, label: a }));
const serialSchemeOptions = (t: WebContext["t"]) => [
  { value: "unixtime", label: t("unixtime: seconds since 1970") },
  { value: "dateserial", label: t("dateserial: YYYYMMDDnn") },
  { value: "increment", label: t("increment: the last serial + 1") },
];

type Backend = "embedded" | "rfc2136";

const embeddedAllowedFor = (c: WebContext) => mayAddEmbeddedZones(c.web.db, { userId: c.user!.id, isStaff: c.user!.isStaff }, c.web.config.domains.add as DomainsAddPolicy);

/** The backend asked for (the posted form, else ?backend=), else the first one this account may add. */
function chosenBackend(c: WebContext): Backend {
  const asked = c.form.get("backend") ?? c.url.searchParams.get("backend");
  if (asked === "rfc2136") return "rfc2136";
  // A posted choice stays, with its error; a page asks only for what this account may add.
  if (asked === "embedded" && c.form.has("backend")) return "embedded";
  return embeddedAllowedFor(c) ? "embedded" : "rfc2136";
}

/** The fields of one backend; the radio buttons swap it in with htmx, the no-JS step 1 by a GET. */
function BackendFields({ c, kind, errors }: { c: WebContext; kind: Backend; errors?: Errors }): JSX.Element {
  const t = c.t;
  return kind === "embedded" ? (
    <fieldset>
      <legend safe>{t("Embedded zone")}</legend>
      <input type="hidden" name="backend" value="embedded" />
      <TextArea name="ns" label={t("Name servers (one per line)")} value={v(c, "ns")} errors={errors} hint={t("Published as the zone's NS records; empty: ns1.<zone>.")} />
      <TextArea name="secondaries" label={t("Secondaries (IP or IP:port, one per line)")} value={v(c, "secondaries")} errors={errors} hint={t("They get NOTIFY and may transfer the zone with its transfer key.")} />
    </fieldset>
  ) : (
    <fieldset>
      <legend safe>{t("External primary")}</legend>
      <input type="hidden" name="backend" value="rfc2136" />
      <Field name="primary" label={t("Primary (IP or IP:port)")} value={v(c, "primary")} errors={errors} />
      <Field name="query_server" label={t("Query server (optional)")} value={v(c, "query_server")} errors={errors} />
      <Field name="key_name" label={t("TSIG key name (empty: the zone name)")} value={v(c, "key_name")} errors={errors} />
      <Select name="algorithm" label={t("TSIG algorithm")} value={v(c, "algorithm") || "hmac-sha512"} options={algorithmOptions} errors={errors} />
      <Field name="secret" label={t("TSIG secret (base64; empty: updns generates one and shows it once)")} type="password" errors={errors} autocomplete="off" />
    </fieldset>
  );
}

function AddForm({ c, errors }: { c: WebContext; errors?: Errors }): JSX.Element {
  const t = c.t;
  const embeddedAllowed = embeddedAllowedFor(c);
  const kind = chosenBackend(c);
  const swap = (b: Backend) => ({ "hx-get": `/domain/add/fields?backend=${b}`, "hx-target": "#backend-fields", "hx-swap": "innerHTML" });
  return (
    <>
      <h1 safe>{t("Add a domain")}</h1>
      <p class="banner warn" role="note" safe>
        {t("For advanced users: either updns serves the zone itself (delegate it to updns' name servers or its secondaries), or you run a primary name server that accepts RFC 2136 updates from updns.")}
      </p>
      {/* Step 1 without JavaScript: a GET that comes back with the chosen backend's fields. */}
      <form method="get" action="/domain/add/" class="card">
        <fieldset>
          <legend safe>{t("Who serves the zone")}</legend>
          <label class="check">
            <input type="radio" name="backend" value="embedded" checked={kind === "embedded"} disabled={!embeddedAllowed} aria-describedby={embeddedAllowed ? undefined : "embedded-staff-only"} {...swap("embedded")} />
            <span safe>{t("updns (embedded primary)")}</span>
          </label>
          {embeddedAllowed ? null : (
            <small id="embedded-staff-only" safe>
              {t('Only staff may add embedded zones on this server ([domains] add = "staff"); add an rfc2136 domain served by your own primary, or ask staff.')}
            </small>
          )}
          <label class="check">
            <input type="radio" name="backend" value="rfc2136" checked={kind === "rfc2136"} {...swap("rfc2136")} />
            <span safe>{t("An external primary (RFC 2136 updates)")}</span>
          </label>
        </fieldset>
        <noscript>
          <button type="submit" class="secondary" safe>{t("Show the fields for this choice")}</button>
        </noscript>
      </form>
      <form method="post" action="/domain/add/" class="card">
        <CsrfField c={c} />
        <FormError errors={errors} />
        <Field name="name" label={t("Domain (zone) name")} value={v(c, "name")} required errors={errors} hint={t("A zone you control, e.g. dyn.example.org. Do not use a name on the Public Suffix List.")} />
        <Field name="comment" label={t("Comment")} value={v(c, "comment")} errors={errors} />
        <div id="backend-fields">
          <BackendFields c={c} kind={kind} errors={errors} />
        </div>
        <button type="submit" safe>{t("Add domain")}</button>
      </form>
    </>
  );
}

/** Where updns' DNS listens, for the secondaries' configuration; a wildcard address is not usable there. */
function primaryAddress(c: WebContext): string {
  const first = c.web.dnsAddresses?.()[0] ?? c.web.config.dns.listen[0] ?? "";
  return /^(0\.0\.0\.0|\[::\]|::)(:|$)/.test(first) || !first ? "<updns address>" : first;
}

function KeyAndSnippets({ c, d, tsig: key }: { c: WebContext; d: DomainRow; tsig: KeyText | null }): JSX.Element {
  const t = c.t;
  const stored = d.backend === "rfc2136" ? { name: d.updateKeyName || d.name, algorithm: d.updateKeyAlgorithm } : transferKeyOf(c.web.db, d);
  const shown: KeyText = key ?? { name: stored?.name ?? `transfer.${d.name}`, algorithm: stored?.algorithm ?? "hmac-sha256", secret: t("<the secret shown when it was generated>") };
  const serial = c.now.toISOString().slice(0, 10).replaceAll("-", "") + "01";
  const snippets = d.backend === "embedded" ? secondarySnippets(d.name, primaryAddress(c), shown) : primarySnippets(d.name, shown, serial);
  return (
    <>
      {key ? (
        <section class="card secret" aria-labelledby="h-key">
          <h2 id="h-key" safe>{t("Nameserver shared secret created.")}</h2>
          <p safe>{t("This is the only time the secret is shown: copy it now.")}</p>
          <dl>
            <dt safe>{t("Key name")}</dt>
            <dd>
              <code safe>{key.name}</code>
            </dd>
            <dt safe>{t("Algorithm")}</dt>
            <dd>
              <code safe>{key.algorithm}</code>
            </dd>
          </dl>
          <Copyable c={c} id="tsig-secret" label={t("Secret")} text={key.secret} />
        </section>
      ) : (
        <p class="muted" role="status" safe>{t("The secret is shown only once, right after it is made: it is not shown again here. Lost it? Generate a new one on the domain page.")}</p>
      )}
      <section aria-labelledby="h-ns">
        <h2 id="h-ns" safe>{d.backend === "embedded" ? t("Secondary name servers for {zone}", { zone: d.name }) : t("Primary name server for {zone}", { zone: d.name })}</h2>
        <p class="muted" safe>
          {d.backend === "embedded"
            ? t("updns is the primary: a secondary with this configuration transfers the zone from it, signed with the transfer key.")
            : t("Your primary must accept updates signed with this key; the policy lets it change A, AAAA and TXT records below the zone only. NSD cannot be the primary here: it takes no updates.")}
        </p>
        {snippets.map((s, i) => (
          <Copyable c={c} id={`ns-snippet-${i}`} label={c.t(s.label)} text={s.text} />
        ))}
      </section>
    </>
  );
}

function CheckResult({ c, steps }: { c: WebContext; steps: Steps }): JSX.Element {
  return (
    <ul class="check-result" role="status">
      {steps.map((s) => (
        <li class={s.ok ? "ok" : "bad"}>
          <strong safe>{s.ok ? c.t("ok") : c.t("failed")}</strong> <span safe>{`${STEP_NAMES[s.step] ? c.t(STEP_NAMES[s.step]) : s.step}:`}</span>{" "}
          {/* A failure is the nameserver's or the network's own words: quoted as they came. */}
          {s.ok && s.values && STEP_FOUND[s.step] ? (
            <span safe>{c.t(STEP_FOUND[s.step], s.values)}</span>
          ) : s.step === "check" ? (
            <span safe>{s.message}</span>
          ) : (
            <code safe>{s.message}</code>
          )}
        </li>
      ))}
    </ul>
  );
}

function DomainPage({ c, d, errors, steps }: { c: WebContext; d: DomainRow; errors?: Errors; steps?: Steps }): JSX.Element {
  const t = c.t;
  const has = (name: string) => c.form.has(name);
  const rfc = d.backend === "rfc2136";
  return (
    <>
      <h1 safe>{d.name}</h1>
      <p class="muted" safe>{rfc ? t("External primary {primary}, updated with RFC 2136.", { primary: d.primary }) : t("Served by updns, serial {serial}.", { serial: d.serial })}</p>
      <div class="columns">
        <section class="card" aria-labelledby="h-dsettings">
          <h2 id="h-dsettings" safe>{t("Settings")}</h2>
          <form method="post" action={`/domain/${d.id}/`}>
            <CsrfField c={c} />
            <FormError errors={errors} />
            <Field name="comment" label={t("Comment")} value={has("comment") ? v(c, "comment") : d.comment} errors={errors} />
            <Check name="available" label={t("Available (the name server works)")} checked={has("comment") ? checked(c, "available") : d.available} hint={rfc ? t("Ticking it runs the connectivity test first.") : undefined} />
            {errors?.available ? <p class="flash error" safe>{errors.available}</p> : ""}
            <Check name="public" label={t("Public (everyone may add hosts)")} checked={has("comment") ? checked(c, "public") : d.public} />
            {errors?.public ? <p class="flash error" safe>{errors.public}</p> : ""}
            {rfc ? "" : <TextArea name="ns" label={t("Name servers (one per line)")} value={has("ns") ? v(c, "ns") : apexNs(c.web.db, d).join("\n")} errors={errors} hint={t("The zone's NS records: updns and its secondaries.")} />}
            {rfc ? "" : <Select name="serial_scheme" label={t("Serial scheme (the serial only ever moves forward)")} value={has("serial_scheme") ? v(c, "serial_scheme") : d.serialScheme} options={serialSchemeOptions(t)} errors={errors} />}
            {rfc ? "" : <Field name="catalog_group" label={t("Group in the catalog zone (empty: none)")} value={has("catalog_group") ? v(c, "catalog_group") : d.catalogGroup} errors={errors} />}
            {rfc ? (
              <>
                <Field name="primary" label={t("Primary (IP or IP:port)")} value={has("primary") ? v(c, "primary") : d.primary} errors={errors} />
                <Field name="query_server" label={t("Query server (optional)")} value={has("query_server") ? v(c, "query_server") : d.queryServer} errors={errors} />
                <Field name="key_name" label={t("TSIG key name")} value={has("key_name") ? v(c, "key_name") : d.updateKeyName} errors={errors} />
                <Select name="algorithm" label={t("TSIG algorithm")} value={has("algorithm") ? v(c, "algorithm") : d.updateKeyAlgorithm} options={algorithmOptions} errors={errors} />
                <Field name="secret" label={t("TSIG secret (base64; empty keeps the current one)")} type="password" errors={errors} autocomplete="off" />
              </>
            ) : (
              ""
            )}
            <button type="submit" safe>{t("Save")}</button>
          </form>
          {steps ? <CheckResult c={c} steps={steps} /> : ""}
        </section>
        <section class="card" aria-labelledby="h-dconfig">
          <h2 id="h-dconfig" safe>{t("Name server configuration")}</h2>
          <p>
            <a href={`/generate_ns_secret/${d.id}/`} safe>{t("Show the configuration snippets")}</a>
          </p>
          <form method="post" action={`/generate_ns_secret/${d.id}/`}>
            <CsrfField c={c} />
            <p class="muted" safe>{rfc ? t("A new update key secret: your primary must get it too, or updates fail.") : t("A new transfer key secret: your secondaries must get it too, or transfers fail.")}</p>
            <button type="submit" class="secondary" safe>{t("Generate new TSIG secret")}</button>
          </form>
          {rfc ? (
            <form method="post" action={`/domain/${d.id}/check`} hx-post={`/domain/${d.id}/check`} hx-target="#check-out">
              <CsrfField c={c} />
              <button type="submit" class="secondary" safe>{t("Test the connection")}</button>
              <div id="check-out" aria-live="polite"></div>
            </form>
          ) : (
            <>
              <h3 safe>{t("Secondaries")}</h3>
              <ul>
                {listSecondaries(c.web.db, d.id).map((s) => (
                  <li class="actions">
                    <code safe>{s.address}</code> {s.allowUnsignedTransfer ? <small safe>{t("may transfer without a key")}</small> : ""} <small class="muted" safe>{s.lastNotifyResult}</small>
                    <form method="post" action={`/domain/${d.id}/secondaries/remove`} class="inline">
                      <CsrfField c={c} />
                      <input type="hidden" name="address" value={s.address} />
                      <button type="submit" class="link" aria-label={t("Remove secondary {address}", { address: s.address })} safe>{t("Remove")}</button>
                    </form>
                  </li>
                ))}
              </ul>
              <form method="post" action={`/domain/${d.id}/secondaries`} class="actions">
                <CsrfField c={c} />
                <Field name="address" label={t("Add a secondary (IP or IP:port)")} value={c.form.has("address") ? v(c, "address") : ""} errors={errors} />
                <Check name="allow_unsigned_transfer" label={t("May transfer without a key, from this address only")} checked={c.form.has("address") && checked(c, "allow_unsigned_transfer")} />
                <button type="submit" class="secondary" safe>{t("Add")}</button>
              </form>
            </>
          )}
          <p>
            <a href={`/domain/${d.id}/delete/`} safe>{t("Delete domain")}</a>
          </p>
        </section>
      </div>
      {rfc ? "" : <DnssecSection c={c} d={d} />}
      {rfc ? "" : <StaticRecords c={c} d={d} errors={errors} />}
    </>
  );
}

/** Staff looking at someone else's domain (core/viewing.ts): what it is, its secondaries and its hosts, without the owner's forms. */
function StaffDomainPage({ c, d, owner }: { c: WebContext; d: DomainRow; owner: string }): JSX.Element {
  const t = c.t;
  const rfc = d.backend === "rfc2136";
  const hostRows = hostsInDomain(c.web.db, d.id);
  return (
    <>
      <h1 safe>{d.name}</h1>
      <p class="flash" role="status" safe>{owner ? t("You see this domain as staff: it belongs to {owner}. Only its owner changes it.", { owner }) : t("You see this domain as staff: nobody owns it.")}</p>
      <p class="muted" safe>{rfc ? t("External primary {primary}, updated with RFC 2136.", { primary: d.primary }) : t("Served by updns, serial {serial}.", { serial: d.serial })}</p>
      <dl class="results">
        <dt safe>{t("Owner")}</dt>
        <dd safe>{owner || "–"}</dd>
        <dt safe>{t("Comment")}</dt>
        <dd safe>{d.comment || "–"}</dd>
        <dt safe>{t("Public")}</dt>
        <dd safe>{d.public ? t("yes") : t("no")}</dd>
        <dt safe>{t("Available")}</dt>
        <dd safe>{d.available ? t("yes") : t("no")}</dd>
        {rfc ? (
          ""
        ) : (
          <>
            <dt safe>{t("Secondaries")}</dt>
            <dd safe>{listSecondaries(c.web.db, d.id).map((s) => s.address).join(", ") || "–"}</dd>
          </>
        )}
      </dl>
      <section aria-labelledby="h-dhosts">
        <h2 id="h-dhosts" safe>{t("Hosts")}</h2>
        {hostRows.length === 0 ? (
          <p class="muted" safe>{t("none")}</p>
        ) : (
          <ul>
            {hostRows.map((h) => (
              <li>
                <a href={`/host/${h.id}/`} safe>{`${h.name}.${d.name}`}</a> <small class="muted" safe>{h.owner}</small>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function StaticRecords({ c, d, errors }: { c: WebContext; d: DomainRow; errors?: Errors }): JSX.Element {
  const t = c.t;
  const records = staticRecords(c.web.db, d);
  const editing = c.url.searchParams;
  const rec = (name: string) => (c.form.has(name) ? v(c, name) : editing.get(name) ?? "");
  const prefill = records.filter((r) => r.name === editing.get("name") && r.type === editing.get("type"));
  return (
    <section aria-labelledby="h-records">
      <h2 id="h-records" safe>{t("Static records")}</h2>
      <p class="muted" safe>{t("Records besides the hosts' addresses: mail, aliases, text, services. Names are relative to the zone, @ is the apex.")}</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th safe>{t("Name")}</th>
              <th safe>{t("Type")}</th>
              <th>TTL</th>
              <th safe>{t("Data")}</th>
              <th safe>{t("Actions")}</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr>
                <td safe>{r.name}</td>
                <td safe>{r.type}</td>
                <td safe>{String(r.ttl)}</td>
                <td>
                  <code safe>{r.data}</code>
                </td>
                <td class="actions">
                  <a href={`/domain/${d.id}/?${new URLSearchParams({ name: r.name, type: r.type })}#h-records`} safe>{t("Edit")}</a>
                  <form method="post" action={`/domain/${d.id}/records`} class="inline">
                    <CsrfField c={c} />
                    <input type="hidden" name="name" value={r.name} />
                    <input type="hidden" name="type" value={r.type} />
                    <input type="hidden" name="ttl" value={String(r.ttl)} />
                    <input type="hidden" name="keep" value={records.filter((x) => x.name === r.name && x.type === r.type && x.data !== r.data).map((x) => x.data).join("\n")} />
                    <button type="submit" class="link" safe>{t("Delete")}</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form method="post" action={`/domain/${d.id}/records`} class="card">
        <CsrfField c={c} />
        <h3 safe>{t("Set a record set")}</h3>
        <Field name="name" label={t("Name")} value={rec("name")} errors={errors} required />
        {/* A text field with suggestions rather than a select: any type is allowed as TYPEnnn (RFC 3597). */}
        <Field name="type" label={t("Type")} value={rec("type") || "A"} list="rr-types" required errors={errors} hint={t("Any other type as TYPEnnn, its data as \\# length hex (RFC 3597).")} />
        <datalist id="rr-types">
          {STATIC_TYPES.map((x) => (
            <option value={x} />
          ))}
        </datalist>
        <Field name="ttl" type="number" label="TTL" value={c.form.has("ttl") ? v(c, "ttl") : String(prefill[0]?.ttl ?? 3600)} errors={errors} />
        <TextArea name="data" label={t("Values, one per line (empty deletes the set)")} value={c.form.has("data") ? v(c, "data") : prefill.map((r) => r.data).join("\n")} errors={errors} />
        <button type="submit" safe>{t("Save records")}</button>
      </form>
    </section>
  );
}

export { secondarySnippets, primarySnippets, type KeyText, type Snippet } from "./snippets.ts";

export function domainPages(web: Web) {
  return webRoutes("domains", web, (r) => {
    r.get("/domain/add/", (c) => page(c, c.t("Add a domain"), <AddForm c={c} />), "user");
    r.get("/domain/add/fields", (c) => fragment(<BackendFields c={c} kind={chosenBackend(c)} />), "user");
    r.post(
      "/domain/add/",
      async (c) => {
        const backend = v(c, "backend") === "rfc2136" ? "rfc2136" : "embedded";
        try {
          const made = await addDomain(c.web.db, c.web.zoneEditor, {
            name: v(c, "name"),
            ownerId: c.user!.id,
            comment: v(c, "comment"),
            backend,
            ns: lines(v(c, "ns")),
            secondaries: lines(v(c, "secondaries")),
            primary: v(c, "primary"),
            queryServer: v(c, "query_server"),
            keyName: v(c, "key_name"),
            algorithm: v(c, "algorithm"),
            secret: backend === "rfc2136" ? v(c, "secret") : undefined,
            by: { userId: c.user!.id, isStaff: c.user!.isStaff },
            policy: c.web.config.domains.add as DomainsAddPolicy,
          });
          c.web.zoneEditor?.reconfigure?.();
          c.web.log.info("domain added", { zone: made.domain.name, backend, user: c.user!.username });
          c.flash("info", c.t("Domain added."));
          // A pasted secret is the owner's already; a generated one waits for the next page, shown once.
          if (!(backend === "rfc2136" && v(c, "secret").trim())) keepOnce(c, keySlot(made.domain.id), made.key);
          return redirect(c, `/generate_ns_secret/${made.domain.id}/`);
        } catch (e) {
          const errors = errorsOf(c, e);
          return page(c, c.t("Add a domain"), <AddForm c={c} errors={errors} />, e instanceof ZoneNotAllowedError ? 403 : 400);
        }
      },
      "user",
    );
    r.get(
      "/domain/:id/",
      (c) => {
        const d = domainOf(c);
        if (d) return page(c, d.name, <DomainPage c={c} d={d} />);
        // Not the viewer's own: staff still look at it (core/viewing.ts), read-only.
        const seen = viewableDomain(c.web.db, c.user!, idParam(c));
        return seen ? page(c, seen.item.name, <StaffDomainPage c={c} d={seen.item} owner={seen.owner} />) : notFound(c);
      },
      "user",
    );
    r.post(
      "/domain/:id/",
      async (c) => {
        const d = domainOf(c);
        if (!d) return notFound(c);
        try {
          // The NS set first: it is validated by the zone store, and a refusal leaves everything as it was.
          const ns = lines(v(c, "ns"));
          if (d.backend === "embedded" && c.web.zoneEditor && c.form.has("ns") && ns.join(" ") !== apexNs(c.web.db, d).join(" ")) {
            if (checked(c, "public") && !checked(c, "available")) throw new ValidationError("public", "Domain must be available to be public.");
            await setApexNs(c.web.db, c.web.zoneEditor, d, ns);
          }
          const steps = await updateDomain(
            c.web.db,
            d,
            {
              comment: v(c, "comment"),
              public: checked(c, "public"),
              available: checked(c, "available"),
              primary: v(c, "primary"),
              queryServer: v(c, "query_server"),
              keyName: v(c, "key_name"),
              algorithm: v(c, "algorithm"),
              secret: v(c, "secret"),
              serialScheme: d.backend === "embedded" && c.form.has("serial_scheme") ? v(c, "serial_scheme") : undefined,
              catalogGroup: d.backend === "embedded" && c.form.has("catalog_group") ? v(c, "catalog_group") : undefined,
            },
            d.available && d.backend === "rfc2136" && d.primary === v(c, "primary") ? undefined : c.web.checkZone,
            c.web.zoneEditor,
          );

          c.flash("info", c.t("Domain updated."));
          if (steps) c.flash("info", steps.map((s) => `${s.step}: ${s.message}`).join(" · "));
          return redirect(c, "/overview/");
        } catch (e) {
          const steps = (e as { steps?: Steps }).steps;
          return page(c, d.name, <DomainPage c={c} d={d} errors={errorsOf(c, e)} steps={steps} />, 400);
        }
      },
      "user",
    );
    r.post(
      "/domain/:id/check",
      async (c) => {
        const d = domainOf(c);
        if (!d) return notFound(c);
        const steps: Steps =
          d.backend !== "rfc2136" || !c.web.checkZone ? [{ step: "check", ok: false, message: c.t("Only zones at an external primary are tested this way.") }] : (await c.web.checkZone(zoneRefOf(d))).steps;
        if (c.htmx) return new Response(await (<CheckResult c={c} steps={steps} />), { headers: { "content-type": "text/html; charset=utf-8" } });
        return page(c, d.name, <DomainPage c={c} d={d} steps={steps} />);
      },
      "user",
    );
    const secondary = (add: boolean) => async (c: WebContext) => {
      const d = domainOf(c);
      if (!d || d.backend !== "embedded") return notFound(c);
      try {
        if (add) addSecondary(c.web.db, d.name, v(c, "address"), { allowUnsignedTransfer: checked(c, "allow_unsigned_transfer") });
        else removeSecondary(c.web.db, d.name, v(c, "address"));
      } catch (e) {
        return page(c, d.name, <DomainPage c={c} d={d} errors={errorsOf(c, e)} />, 400);
      }
      c.web.zoneEditor?.reconfigure?.();
      c.flash("info", add ? c.t("Secondary added: it gets a NOTIFY after every change.") : c.t("Secondary removed."));
      return redirect(c, `/domain/${d.id}/`);
    };
    r.post("/domain/:id/secondaries", secondary(true), "user");
    r.post("/domain/:id/secondaries/remove", secondary(false), "user");
    dnssecRoutes(r);
    r.get(
      "/generate_ns_secret/:id/",
      (c) => {
        const d = domainOf(c);
        if (!d) return notFound(c);
        const key = takeOnce<KeyText>(c, keySlot(d.id));
        return page(
          c,
          d.name,
          <>
            <h1 safe>{d.name}</h1>
            <KeyAndSnippets c={c} d={d} tsig={key} />
            <p>
              <a href={`/domain/${d.id}/`} safe>{c.t("Go to the domain")}</a>
            </p>
          </>,
        );
      },
      "user",
    );
    r.post(
      "/generate_ns_secret/:id/",
      (c) => {
        const d = domainOf(c);
        if (!d) return notFound(c);
        const key = regenerateDomainKey(c.web.db, d);
        c.web.zoneEditor?.reconfigure?.();
        c.web.log.info("tsig secret generated", { zone: d.name, key: key.name, user: c.user!.username });
        keepOnce(c, keySlot(d.id), key);
        return redirect(c, `/generate_ns_secret/${d.id}/`);
      },
      "user",
    );
    r.post(
      "/domain/:id/records",
      async (c) => {
        const d = domainOf(c);
        if (!d || d.backend !== "embedded") return notFound(c);
        if (!c.web.zoneEditor) return notFound(c);
        const data = c.form.has("keep") ? lines2(v(c, "keep")) : lines2(v(c, "data"));
        try {
          await setStaticRRset(c.web.db, c.web.zoneEditor, d, { name: v(c, "name"), type: v(c, "type"), ttl: intField(c, "ttl"), data });
        } catch (e) {
          return page(c, d.name, <DomainPage c={c} d={d} errors={errorsOf(c, e)} />, 400);
        }
        c.flash("info", c.t("Records saved."));
        return redirect(c, `/domain/${d.id}/`);
      },
      "user",
    );
    r.get(
      "/domain/:id/delete/",
      (c) => {
        const d = domainOf(c);
        return d ? confirmDelete(c, d.name, `/domain/${d.id}/delete/`, `/domain/${d.id}/`, c.t("The domain, all hosts in it and their DNS records go. This cannot be undone.")) : notFound(c);
      },
      "user",
    );
    r.post(
      "/domain/:id/delete/",
      async (c) => {
        const d = domainOf(c);
        if (!d) return notFound(c);
        const errors = await deleteDomain(c.web.db, c.web.backendFor, c.web.zoneEditor, d);
        c.web.zoneEditor?.reconfigure?.();
        c.web.log.info("domain deleted", { zone: d.name, user: c.user!.username });
        c.flash(errors.length ? "error" : "info", errors.length ? c.t("Domain deleted, but some DNS records could not be removed: {errors}", { errors: errors.join("; ") }) : c.t("Domain deleted."));
        return redirect(c, "/overview/");
      },
      "user",
    );
  });
}

/** Record values are one per line (TXT values may hold spaces). */
const lines2 = (s: string) => s.split(/\r?\n/).map((x) => x.trim()).filter(Boolean);
