// Small components the feature pages share: checkboxes, selects, confirmation pages, copyable blocks,
// pagers, and the "how long ago" text.
import { Html } from "@elysiajs/html";
import type { WebContext } from "./context.ts";
import { CsrfField, page, type Errors } from "./layout.tsx";
import { formatDateTime, formatRelative } from "./i18n.ts";

export function Check({ name, label, checked, hint }: { name: string; label: string; checked: boolean; hint?: string }): JSX.Element {
  return (
    <div class="field">
      <label class="check">
        <input type="checkbox" name={name} value="1" checked={checked} />
        <span safe>{label}</span>
      </label>
      {hint ? <small safe>{hint}</small> : ""}
    </div>
  );
}

export function Select({ name, label, options, value, errors }: { name: string; label: string; options: { value: string; label: string }[]; value?: string; errors?: Errors }): JSX.Element {
  const id = `f-${name}`;
  const err = errors?.[name];
  return (
    <div class="field">
      <label for={id} safe>{label}</label>
      <select id={id} name={name} aria-invalid={err ? "true" : undefined} aria-describedby={err ? `${id}-err` : undefined}>
        {options.map((o) => (
          <option value={o.value} selected={o.value === value} safe>
            {o.label}
          </option>
        ))}
      </select>
      {err ? <small id={`${id}-err`} class="error" safe>{err}</small> : ""}
    </div>
  );
}

/**
 * A choice among a few options that need a sentence each: radio buttons whose labels wrap. A select would
 * cut such labels off on a phone (it shows the chosen option on one line).
 */
export function Choice({ name, label, options, value }: { name: string; label: string; options: { value: string; label: string }[]; value?: string }): JSX.Element {
  return (
    <fieldset class="choice">
      <legend safe>{label}</legend>
      {options.map((o) => (
        <label class="check">
          <input type="radio" name={name} value={o.value} checked={o.value === value} />
          <span safe>{o.label}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** A text area with its label and error. */
export function TextArea({ name, label, value, errors, hint, rows }: { name: string; label: string; value?: string; errors?: Errors; hint?: string; rows?: number }): JSX.Element {
  const id = `f-${name}`;
  const err = errors?.[name];
  return (
    <div class="field">
      <label for={id} safe>{label}</label>
      <textarea id={id} name={name} rows={String(rows ?? 3)} aria-invalid={err ? "true" : undefined} aria-describedby={err ? `${id}-err` : hint ? `${id}-hint` : undefined} safe>
        {value ?? ""}
      </textarea>
      {hint ? <small id={`${id}-hint`} safe>{hint}</small> : ""}
      {err ? <small id={`${id}-err`} class="error" safe>{err}</small> : ""}
    </div>
  );
}

/** A preformatted block with a copy button (app.js shows the button; without JavaScript, select and copy). */
export function Copyable({ c, id, label, text }: { c: WebContext; id: string; label: string; text: string }): JSX.Element {
  return (
    <div class="copyable">
      <div class="actions">
        <strong id={`${id}-label`} safe>{label}</strong>
        <button type="button" class="secondary small" data-copy={id} hidden aria-label={c.t("Copy: {what}", { what: label })} safe>
          {c.t("Copy")}
        </button>
      </div>
      <pre id={id} aria-labelledby={`${id}-label`} tabindex="0" safe>
        {text}
      </pre>
    </div>
  );
}

/** The confirmation page of a delete (spec §5.1: GET confirms, POST deletes). */
export function confirmDelete(c: WebContext, what: string, action: string, back: string, note?: string): Promise<Response> {
  const t = c.t;
  return page(
    c,
    t("Delete {what}", { what }),
    <>
      <h1 safe>{t("Delete {what}", { what })}</h1>
      <p safe>{note ?? t("This cannot be undone.")}</p>
      <form method="post" action={action} class="actions">
        <CsrfField c={c} />
        <button type="submit" class="danger" safe>{t("Delete")}</button>
        <a href={back} safe>{t("Cancel")}</a>
      </form>
    </>,
  );
}

/** "3 minutes ago" in the page's language ("vor 3 Minuten"): a past time, stored in UTC, told relative to now. */
export function ago(c: WebContext, when: Date | null | undefined): string {
  if (!when) return c.t("unknown");
  // A moment in the future (clock skew between writers) is told as "now", never as "in 2 seconds".
  return formatRelative(c.lang, when.getTime() > c.now.getTime() ? c.now : when, c.now);
}

/**
 * A time as people read it: relative ("vor 3 Minuten", "in 2 Tagen") in a <time> whose datetime is the exact
 * moment and whose tooltip is the date and time in the language's way ("07.12.2026, 22:51 UTC").
 */
export function When({ c, at }: { c: WebContext; at: Date | null | undefined }): JSX.Element {
  if (!at) return <span safe>{c.t("unknown")}</span>;
  // Less than a minute ahead is clock skew between writers: "now", never "in 2 seconds".
  const shown = at.getTime() > c.now.getTime() && at.getTime() - c.now.getTime() < 60_000 ? c.now : at;
  return (
    <time datetime={at.toISOString()} title={formatDateTime(c.lang, at)} safe>
      {formatRelative(c.lang, shown, c.now)}
    </time>
  );
}

/** A date and time in the language's way ("07.12.2026, 22:51 UTC") in a <time> that carries the exact moment. */
export function DateTime({ c, at }: { c: WebContext; at: Date }): JSX.Element {
  return (
    <time datetime={at.toISOString()} safe>
      {formatDateTime(c.lang, at)}
    </time>
  );
}

export const checked = (c: WebContext, name: string) => c.form.get(name) === "1" || c.form.get(name) === "on";
export const intField = (c: WebContext, name: string) => {
  const v = (c.form.get(name) ?? "").trim();
  return /^-?\d{1,10}$/.test(v) ? Number(v) : NaN;
};
export const idParam = (c: WebContext, name = "id") => (/^\d{1,10}$/.test(c.params[name] ?? "") ? Number(c.params[name]) : NaN);

/** Search box and pager of the staff lists. */
export function pageParams(c: WebContext, size: number) {
  const q = (c.url.searchParams.get("q") ?? "").slice(0, 100);
  const pageNo = Math.max(1, Math.floor(Number(c.url.searchParams.get("page")) || 1));
  return { q, pageNo, offset: (pageNo - 1) * size, size };
}

/** `keep`: filters the search stays within (hidden fields), such as one owner's hosts. */
export function SearchBox({ c, action, q, keep = {} }: { c: WebContext; action: string; q: string; keep?: Record<string, string> }): JSX.Element {
  return (
    <form method="get" action={action} role="search" class="actions">
      {Object.entries(keep).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <label for="q" safe>{c.t("Search")}</label>
      <input id="q" name="q" type="search" value={q} />
      <button type="submit" class="secondary" safe>{c.t("Search")}</button>
    </form>
  );
}

export function Pager({ c, action, q, pageNo, total, size, keep = {} }: { c: WebContext; action: string; q: string; pageNo: number; total: number; size: number; keep?: Record<string, string> }): JSX.Element {
  const pages = Math.max(1, Math.ceil(total / size));
  const link = (p: number) => `${action}?${new URLSearchParams({ ...keep, ...(q ? { q } : {}), page: String(p) })}`;
  return (
    <nav class="pager" aria-label={c.t("Pages")}>
      {pageNo > 1 ? <a href={link(pageNo - 1)} safe>{c.t("Previous")}</a> : ""}
      <span safe>{c.t("Page {page} of {pages}", { page: pageNo, pages })}</span>
      {pageNo < pages ? <a href={link(pageNo + 1)} safe>{c.t("Next")}</a> : ""}
    </nav>
  );
}

export function YesNo({ c, value }: { c: WebContext; value: boolean }): JSX.Element {
  return <span safe>{value ? c.t("yes") : c.t("no")}</span>;
}
