// Account API tokens in the web UI (created here and by the CLI, through the same core function). A person
// lists their tokens (scopes, expiry, when and from where each was last used), creates one with scopes —
// the token is shown once, in the answer to the POST, and only its hash is stored — and revokes one.
// Every rule (scope syntax, expiry, ownership) is core/tokens.ts's; this file reads forms and renders.
import { Html } from "@elysiajs/html";
import { createToken, listTokens, parseExpiry, revokeToken, SCOPE_TYPES, ValidationError, type CreatedToken, type TokenInfo, type TokenInput } from "../../../core/index.ts";
import { notFound, redirect, webRoutes, type Web, type WebContext } from "../context.ts";
import { CsrfField, Field, FormError, page, type Errors } from "../layout.tsx";
import { ago, Check, confirmDelete, Copyable, DateTime, idParam, TextArea } from "../ui.tsx";
import { formatDateTime } from "../i18n.ts";

export const TOKENS_PAGE = "/account/tokens";

// Dates as the person's language writes them (UTC: we keep no time zone per person).
const utc = (c: WebContext, d: Date) => formatDateTime(c.lang, d);

/** The form as typed, to show it again with the errors. */
interface TokenForm {
  name: string;
  hosts: string;
  zones: string;
  types: string[];
  subnets: string;
  expires: string;
  readOnly: boolean;
}

const EMPTY_FORM: TokenForm = { name: "", hosts: "", zones: "", types: [], subnets: "", expires: "", readOnly: false };

function readForm(c: WebContext): TokenForm {
  const text = (name: string) => (c.form.get(name) ?? "").slice(0, 20_000);
  return {
    name: text("name"),
    hosts: text("hosts"),
    zones: text("zones"),
    types: c.form.getAll("types").slice(0, SCOPE_TYPES.length * 2),
    subnets: text("subnets"),
    expires: text("expires"),
    readOnly: c.form.get("read_only") === "1",
  };
}

/** Empty means "no restriction" (absent from the scopes), as core reads it. */
const list = (s: string): string[] | undefined => {
  const items = s.split(/[\s,]+/).filter(Boolean);
  return items.length ? items : undefined;
};

/** The form as core's input; parseExpiry throws a ValidationError on field "expires". */
function tokenInput(c: WebContext, f: TokenForm): TokenInput {
  return {
    name: f.name,
    hosts: list(f.hosts),
    zones: list(f.zones),
    types: f.types.length ? f.types : undefined,
    subnets: list(f.subnets),
    readOnly: f.readOnly,
    expiresAt: f.expires.trim() ? parseExpiry(f.expires, c.now) : null,
  };
}

function ScopeText({ c, tok }: { c: WebContext; tok: TokenInfo }): JSX.Element {
  const t = c.t;
  const s = tok.scopes;
  const where = !s.hosts && !s.zones ? t("all hosts and zones of the account") : [...(s.hosts ?? []), ...(s.zones ?? []).map((z) => t("zone {zone}", { zone: z }))].join(", ") || t("nothing");
  return (
    <ul class="scopes">
      <li safe>{where}</li>
      <li safe>{s.types ? t("types: {types}", { types: s.types.join(", ") }) : t("all record types")}</li>
      <li safe>{s.subnets ? t("from: {subnets}", { subnets: s.subnets.join(", ") }) : t("from anywhere")}</li>
      {s.readOnly ? <li safe>{t("read-only")}</li> : ""}
    </ul>
  );
}

function TokensPage({ c, errors, form }: { c: WebContext; errors?: Errors; form?: TokenForm }): JSX.Element {
  const t = c.t;
  const f = form ?? EMPTY_FORM;
  const tokens = listTokens(c.web.db, { userId: c.user!.id });
  return (
    <>
      <h1 safe>{t("API tokens")}</h1>
      <p class="muted" safe>
        {t("An API token lets a program use the JSON API (/api/v1, Authorization: Bearer <token>) and the dyndns2 update URL (the token as the password) for your account, limited to the scopes you choose.")}
      </p>
      {tokens.length === 0 ? (
        <p safe>{t("No API tokens yet.")}</p>
      ) : (
        <table class="stack">
          <thead>
            <tr>
              <th safe>{t("Name")}</th>
              <th safe>{t("Scopes")}</th>
              <th safe>{t("Expires")}</th>
              <th safe>{t("Last used")}</th>
              <th safe>{t("Actions")}</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((tok) => (
              <tr>
                <td data-label={t("Name")} safe>{tok.name || t("(unnamed) #{id}", { id: tok.id })}</td>
                <td data-label={t("Scopes")}>
                  <ScopeText c={c} tok={tok} />
                </td>
                <td data-label={t("Expires")}>
                  {!tok.expiresAt ? (
                    <span safe>{t("never")}</span>
                  ) : tok.expiresAt.getTime() <= c.now.getTime() ? (
                    <span class="badge bad" safe>{t("expired {when}", { when: utc(c, tok.expiresAt) })}</span>
                  ) : (
                    <DateTime c={c} at={tok.expiresAt} />
                  )}
                </td>
                <td data-label={t("Last used")} class="addr" safe>
                  {tok.lastUsedAt ? t("{when} from {address}", { when: ago(c, tok.lastUsedAt), address: tok.lastUsedFrom || t("unknown") }) : t("never")}
                </td>
                <td data-label={t("Actions")}>
                  <a href={`${TOKENS_PAGE}/${tok.id}/revoke`} safe>{t("Revoke")}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section class="card">
        <h2 safe>{t("Create a token")}</h2>
        <form method="post" action={TOKENS_PAGE}>
          <CsrfField c={c} />
          <FormError errors={errors} />
          <Field name="name" label={t("Name")} value={f.name} errors={errors} hint={t("What it is for, e.g. the router at home.")} />
          <TextArea name="hosts" label={t("Hosts (optional)")} value={f.hosts} errors={errors} rows={2} hint={t("Host names it may see and update, separated by spaces or commas, e.g. home.dyn.example.org. With hosts and zones both empty: every host and zone of your account.")} />
          <TextArea name="zones" label={t("Zones (optional)")} value={f.zones} errors={errors} rows={2} hint={t("Zones whose hosts (and, for your own zones, static records) it may see and change.")} />
          <fieldset aria-describedby={errors?.types ? "f-types-err" : "f-types-hint"}>
            <legend safe>{t("Record types it may write")}</legend>
            <div class="actions">
              {SCOPE_TYPES.map((type) => (
                <label class="check">
                  <input type="checkbox" name="types" value={type} checked={f.types.includes(type)} />
                  <span>{type}</span>
                </label>
              ))}
            </div>
            <small id="f-types-hint" safe>{t("None ticked: all types.")}</small>
            {errors?.types ? <small id="f-types-err" class="error" safe>{errors.types}</small> : ""}
          </fieldset>
          <TextArea name="subnets" label={t("Client subnets (optional)")} value={f.subnets} errors={errors} rows={2} hint={t("Addresses or prefixes it may be used from, e.g. 192.0.2.0/24 2001:db8::/48. Empty: from anywhere.")} />
          <Field name="expires" label={t("Expires (optional)")} value={f.expires} errors={errors} hint={t("A date (2027-01-31), a date and time (2027-01-31T12:00:00Z) or a duration (90d, 12h, 4w). Empty: never.")} />
          <Check name="read_only" label={t("Read-only (it may read, never change; dyndns2 refuses it)")} checked={f.readOnly} />
          <button type="submit" safe>{t("Create token")}</button>
        </form>
      </section>
    </>
  );
}

function CreatedPage({ c, created }: { c: WebContext; created: CreatedToken }): JSX.Element {
  const t = c.t;
  const origin = c.origin();
  return (
    <>
      <h1 safe>{t("API token created")}</h1>
      <section class="card secret">
        <p safe>{t("This is the only time the token is shown: copy it now. If you lose it, revoke it and create a new one.")}</p>
        <Copyable c={c} id="token" label={t("Token")} text={created.token} />
        <Copyable c={c} id="api" label={t("JSON API")} text={`curl -H 'Authorization: Bearer ${created.token}' ${origin}/api/v1/hosts`} />
        {created.info.scopes.readOnly ? (
          ""
        ) : (
          <Copyable c={c} id="dyndns2" label={t("dyndns2 update (any user name, the token as the password)")} text={`curl -u 'token:${created.token}' '${origin}/nic/update?hostname=${created.info.scopes.hosts?.[0] ?? "home.dyn.example.org"}'`} />
        )}
      </section>
      <p>
        <a href={TOKENS_PAGE} safe>{t("Back to the API tokens")}</a>
      </p>
    </>
  );
}

/** The signed-in person's token named in the URL, else null (someone else's is "not found", never "forbidden"). */
function ownToken(c: WebContext): TokenInfo | null {
  const id = idParam(c);
  if (Number.isNaN(id)) return null;
  return listTokens(c.web.db, { id, userId: c.user!.id })[0] ?? null;
}

export function tokenPages(web: Web) {
  return webRoutes("tokens", web, (r) => {
    r.get(TOKENS_PAGE, (c) => page(c, c.t("API tokens"), <TokensPage c={c} />), "user");
    r.post(
      TOKENS_PAGE,
      (c) => {
        const form = readForm(c);
        let created: CreatedToken;
        try {
          created = createToken(c.web.db, c.user!.id, tokenInput(c, form));
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          return page(c, c.t("API tokens"), <TokensPage c={c} form={form} errors={{ [e.field]: c.t(e.message) }} />, 400);
        }
        c.web.log.info("API token created in the web UI", { id: created.id, user: c.user!.username });
        return page(c, c.t("API token created"), <CreatedPage c={c} created={created} />);
      },
      "user",
    );
    r.get(
      `${TOKENS_PAGE}/:id/revoke`,
      (c) => {
        const tok = ownToken(c);
        if (!tok) return notFound(c);
        return confirmDelete(c, tok.name || `#${tok.id}`, `${TOKENS_PAGE}/${tok.id}/revoke`, TOKENS_PAGE, c.t("Programs using this token can no longer use the API or update hosts with it."));
      },
      "user",
    );
    r.post(
      `${TOKENS_PAGE}/:id/revoke`,
      (c) => {
        const tok = ownToken(c);
        if (!tok) return notFound(c);
        revokeToken(c.web.db, tok.id, c.user!.id);
        c.web.log.info("API token revoked in the web UI", { id: tok.id, user: c.user!.username });
        c.flash("info", c.t("The token was revoked."));
        return redirect(c, TOKENS_PAGE);
      },
      "user",
    );
  });
}
