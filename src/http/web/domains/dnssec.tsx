// The DNSSEC section of an embedded domain's page: whether the zone is signed and how, its keys,
// the DS record(s) for the parent, signing on, off in two steps (RFC 8078 DS-removal request first, then a
// confirmed switch-off), and key rollovers. The rules are core's (core/dnssec-edit.ts), the same the CLI's
// `updns domain dnssec` follows; this file only reads forms and renders.
import { Html } from "@elysiajs/html";
import {
  delegate,
  DNSSEC_ALGORITHMS,
  disableDomainDnssec,
  enableDomainDnssec,
  keepDomainDnssec,
  ownedDomain,
  rollDomainKeys,
  ValidationError,
  type DnssecKeyView,
  type DnssecPort,
  type DomainRow,
  type Rollover,
} from "../../../core/index.ts";
import { redirect, notFound, type Router, type WebContext } from "../context.ts";
import { CsrfField } from "../layout.tsx";
import { formatDateTime } from "../i18n.ts";
import { checked, Choice, Copyable, DateTime, idParam, Select } from "../ui.tsx";

function stateText(c: WebContext, k: DnssecKeyView): string {
  if (k.state === "published") return c.t("published, not signing yet");
  if (k.state === "retired") return c.t("retired, removed soon");
  return c.t("active");
}

const algorithmName = (n: number) => DNSSEC_ALGORITHMS.find((a) => a.value === n)?.label ?? String(n);

/** The section, or nothing when the page has no DNSSEC port (or the zone is not served by updns). */
export function DnssecSection({ c, d }: { c: WebContext; d: DomainRow }): JSX.Element {
  const port = c.web.dnssec;
  if (!port || d.backend !== "embedded") return <></>;
  const t = c.t;
  const st = port.status(d.name);
  const action = (what: string) => `/domain/${d.id}/dnssec/${what}`;
  if (!st) {
    const algorithm = String(c.web.config.dnssec.default_algorithm);
    return (
      <section class="card" aria-labelledby="h-dnssec">
        <h2 id="h-dnssec" safe>{t("DNSSEC signing")}</h2>
        <p safe>{t("The zone is not signed.")}</p>
        <p class="muted" safe>{t("When it is signed, updns signs every change itself; you only give the parent zone the DS record shown here afterwards.")}</p>
        <form method="post" action={action("on")}>
          <CsrfField c={c} />
          <Select name="dnssec_algorithm" label={t("Algorithm")} value={algorithm} options={DNSSEC_ALGORITHMS.map((a) => ({ value: String(a.value), label: a.label }))} />
          <Choice
            name="denial"
            label={t("Proof that a name does not exist")}
            value="nsec3"
            options={[
              { value: "nsec3", label: t("NSEC3 (hashed names, RFC 9276)") },
              { value: "nsec", label: t("NSEC (plain names: the zone's names can be listed)") },
            ]}
          />
          <Choice
            name="keys"
            label={t("Keys")}
            value="csk"
            options={[
              { value: "csk", label: t("One combined signing key (CSK)") },
              { value: "split", label: t("A key-signing key and a zone-signing key (KSK + ZSK)") },
            ]}
          />
          <button type="submit" safe>{t("Sign the zone")}</button>
        </form>
      </section>
    );
  }
  const activeSep = st.keys.filter((k) => k.role !== "zsk" && k.state === "active").length;
  return (
    <section class="card" aria-labelledby="h-dnssec">
      <h2 id="h-dnssec" safe>{t("DNSSEC signing")}</h2>
      <p id="dnssec-state" safe>{st.denial === "nsec3" ? t("The zone is signed; names that do not exist are proven with NSEC3.") : t("The zone is signed; names that do not exist are proven with NSEC.")}</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th safe>{t("Key tag")}</th>
              <th safe>{t("Role")}</th>
              <th safe>{t("State")}</th>
              <th safe>{t("Algorithm")}</th>
              <th safe>{t("Since")}</th>
            </tr>
          </thead>
          <tbody>
            {st.keys.map((k) => (
              <tr>
                <td safe>{String(k.keyTag)}</td>
                <td safe>{k.role.toUpperCase()}</td>
                <td safe>{stateText(c, k)}</td>
                <td safe>{algorithmName(k.algorithm)}</td>
                <td>
                  <DateTime c={c} at={new Date(k.since)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {st.removingDs ? (
        <>
          <p class="banner warn" role="note" safe>
            {t("Switching off: the zone now asks the parent to remove its DS record (CDS/CDNSKEY \"delete\", RFC 8078). Remove the DS at the parent (your registrar or its operator) if that does not happen by itself, wait until its TTL has passed, then confirm. While a DS is left at the parent, an unsigned zone fails for every validating resolver.")}
          </p>
          <form method="post" action={action("off")}>
            <CsrfField c={c} />
            <label class="check">
              <input type="checkbox" name="confirm" value="1" />
              <span safe>{t("The parent zone has no DS record for this zone any more.")}</span>
            </label>
            <button type="submit" class="danger" safe>{t("Stop signing")}</button>
          </form>
          <form method="post" action={action("keep")}>
            <CsrfField c={c} />
            <button type="submit" class="secondary" safe>{t("Keep signing")}</button>
          </form>
        </>
      ) : (
        <>
          <p safe>{t("Give the parent zone this DS record (at your registrar or the parent's operator). Until the parent has it, resolvers treat the zone as unsigned.")}</p>
          <Copyable c={c} id="dnssec-ds" label={t("DS record")} text={st.ds.map((r) => `${d.name}. IN DS ${r}`).join("\n")} />
          <h3 safe>{t("Key rollover")}</h3>
          <form method="post" action={action("roll")} class="actions">
            <CsrfField c={c} />
            {st.keys.some((k) => k.role === "zsk") ? (
              <button type="submit" name="action" value="roll-zsk" class="secondary" safe>{t("Roll the ZSK")}</button>
            ) : (
              ""
            )}
            <button type="submit" name="action" value="roll-ksk" class="secondary" safe>{t("Roll the KSK")}</button>
            {activeSep > 1 ? <button type="submit" name="action" value="complete-ksk" class="secondary" safe>{t("Complete the KSK rollover")}</button> : ""}
          </form>
          <p class="muted" safe>{t("A KSK rollover adds a new key and a new DS record: give the parent the new DS, wait for the old one's TTL, then complete the rollover. A ZSK rollover finishes by itself.")}</p>
          <form method="post" action={action("off")}>
            <CsrfField c={c} />
            <p class="muted" safe>{t("Switching off takes two steps: first the zone asks the parent to remove its DS record, then, once it is gone, you confirm.")}</p>
            <button type="submit" class="secondary" safe>{t("Switch signing off")}</button>
          </form>
        </>
      )}
    </section>
  );
}

/** The DNSSEC POSTs; every one answers with the domain page (a flash says what happened). */
export function dnssecRoutes(r: Router): void {
  const route = (path: string, run: (c: WebContext, port: DnssecPort, d: DomainRow) => Promise<string>) =>
    r.post(
      `/domain/:id/dnssec/${path}`,
      async (c) => {
        const d = ownedDomain(c.web.db, c.user!.id, idParam(c));
        const port = c.web.dnssec;
        if (!d || d.backend !== "embedded" || !port) return notFound(c);
        try {
          c.flash("info", await run(c, port, d));
          // The parent zone served here publishes the child's DS (or drops it) in step.
          if (c.web.zoneEditor) await delegate(c.web.db, c.web.zoneEditor, d);
          c.web.log.info("dnssec changed", { zone: d.name, action: path, user: c.user!.username });
        } catch (e) {
          if (e instanceof ValidationError) c.flash("error", c.t(e.message));
          else {
            c.web.log.error("dnssec change failed", { zone: d.name, action: path, error: (e as Error).message });
            c.flash("error", c.t("The DNSSEC change failed: {error}", { error: (e as Error).message }));
          }
        }
        return redirect(c, `/domain/${d.id}/#h-dnssec`);
      },
      "user",
    );
  const v = (c: WebContext, name: string) => c.form.get(name) ?? "";
  route("on", async (c, port, d) => {
    await enableDomainDnssec(c.web.db, port, d, { algorithm: v(c, "dnssec_algorithm"), denial: v(c, "denial"), keys: v(c, "keys") }, c.web.config.dnssec.default_algorithm);
    return c.t("The zone is signed. Give the parent zone the DS record shown below.");
  });
  route("off", async (c, port, d) =>
    (await disableDomainDnssec(c.web.db, port, d, checked(c, "confirm"))) === "requested"
      ? c.t("The zone now asks the parent to remove its DS record. Once the DS is gone, confirm to stop signing.")
      : c.t("The zone is no longer signed."),
  );
  route("keep", async (c, port, d) => {
    await keepDomainDnssec(port, d);
    return c.t("The zone stays signed.");
  });
  route("roll", async (c, port, d) => {
    const action = v(c, "action");
    if (action !== "roll-zsk" && action !== "roll-ksk" && action !== "complete-ksk") throw new ValidationError("action", "Unknown key action.");
    const done = await rollDomainKeys(port, d, action as Rollover);
    if (!done) return action === "roll-zsk" ? c.t("A ZSK rollover is already under way.") : c.t("No KSK rollover to complete.");
    return action === "roll-zsk"
      ? c.t("ZSK rollover started: the new key signs once caches know it.")
      : action === "roll-ksk"
        ? c.t("KSK rollover started: give the parent the new DS record, then complete the rollover.")
        : c.t("KSK rollover completed: the old key stops signing.");
  });
}
