// The status page (spec §5.1 `/status/`), staff-only in updns (updns.md §3): the counts, and — from the running
// server (core's ServerStatus, wired in cli/serve.ts) — version, uptime, listeners, the last day's updates,
// queries and update latency as small charts, every embedded zone with its serial and its secondaries'
// serials, the jobs and mail.
import { Html } from "@elysiajs/html";
import { statusCounts, zoneSerials, type JobLine, type MailState, type ServerStatus, type SecondaryProblem, type StatusSeries, type ZoneSerials } from "../../../core/index.ts";
import { webRoutes, type Web, type WebContext } from "../context.ts";
import { page } from "../layout.tsx";
import { formatDateTime, formatNumber } from "../i18n.ts";
import { Sparkline } from "../charts.tsx";
import { ago } from "../ui.tsx";
import { JobResult } from "./outcome.tsx";

/** Minutes per drawn point: 144 points a day draw the shape without 1440 of them in the page. */
const STEP = 10;

/**
 * The busiest minute of each STEP minutes (nulls skipped; a point with none is 0): peaks stay visible, and
 * the scale written on the chart is the peak its summary names.
 */
function downsample(values: (number | null)[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += STEP) out.push(Math.max(0, ...values.slice(i, i + STEP).filter((v): v is number => v !== null)));
  return out;
}

/** A rate as people read it: whole numbers from 10 up, two significant digits below (0.014 queries a second). */
function rate(lang: string, n: number): string {
  if (n > 0 && n < 10) return new Intl.NumberFormat(lang, { maximumSignificantDigits: 2 }).format(n);
  return formatNumber(lang, Math.round(n));
}

function Charts({ c, s }: { c: WebContext; s: StatusSeries }): JSX.Element {
  const t = c.t;
  const num = (n: number) => rate(c.lang, n);
  const updates = s.updatesPerMinute.reduce((a, b) => a + b, 0);
  const queries = s.queriesPerSecond.reduce((a, b) => a + b, 0) * 60;
  const latencies = s.latencyMs.filter((v): v is number => v !== null);
  const weighted = s.latencyMs.reduce<number>((sum, v, i) => sum + (v ?? 0) * s.updatesPerMinute[i], 0);
  return (
    <div class="columns charts">
      <Sparkline
        c={c}
        title={t("Updates per minute")}
        values={downsample(s.updatesPerMinute)}
        format={num}
        summary={t("{total} in the last 24 h; at most {peak} in one minute; {last} in the last minute.", { total: num(updates), peak: num(Math.max(0, ...s.updatesPerMinute)), last: num(s.updatesPerMinute[s.updatesPerMinute.length - 1] ?? 0) })}
      />
      <Sparkline
        c={c}
        title={t("Queries per second")}
        values={downsample(s.queriesPerSecond)}
        format={num}
        summary={t("{total} queries in the last 24 h; {avg} per second on average, at most {peak} (a minute's mean).", { total: num(queries), avg: num(queries / 86400), peak: num(Math.max(0, ...s.queriesPerSecond)) })}
      />
      <Sparkline
        c={c}
        title={t("Update latency (ms)")}
        values={downsample(s.latencyMs)}
        format={num}
        summary={latencies.length ? t("{avg} ms on average in the last 24 h; the slowest minute {peak} ms.", { avg: num(weighted / Math.max(1, updates)), peak: num(Math.max(...latencies)) }) : t("No update in the last 24 h.")}
      />
    </div>
  );
}

function Server({ c, st }: { c: WebContext; st: ServerStatus }): JSX.Element {
  const t = c.t;
  const l = st.listeners();
  const list = (a: string[]) => (a.length ? a.join(", ") : t("none"));
  return (
    <section class="card" aria-labelledby="h-server">
      <h2 id="h-server" safe>{t("Server")}</h2>
      <dl class="results">
        <dt safe>{t("Version")}</dt>
        <dd safe>{st.version}</dd>
        <dt safe>{t("Running since")}</dt>
        <dd safe>{`${formatDateTime(c.lang, st.startedAt)} (${ago(c, st.startedAt)})`}</dd>
        <dt safe>{t("DNS listeners")}</dt>
        <dd safe>{list(l.dns)}</dd>
        <dt safe>{t("HTTP listeners")}</dt>
        <dd safe>{list(l.http)}</dd>
      </dl>
    </section>
  );
}

function Mail({ c, m }: { c: WebContext; m: MailState }): JSX.Element {
  const t = c.t;
  return (
    <section class="card" aria-labelledby="h-mail">
      <h2 id="h-mail" safe>{t("Mail")}</h2>
      <dl class="results">
        <dt safe>{t("SMTP server")}</dt>
        <dd safe>{m.configured ? t("configured") : t("not configured: mails go to the log")}</dd>
        <dt safe>{t("Sent since start")}</dt>
        <dd safe>{formatNumber(c.lang, m.sent)}</dd>
        <dt safe>{t("Last sent")}</dt>
        <dd safe>{m.lastSent ? formatDateTime(c.lang, m.lastSent) : t("never")}</dd>
        <dt safe>{t("Last failure")}</dt>
        {/* The mailer's error is the SMTP client's diagnostic: shown as it is, not translated. */}
        <dd>
          {m.lastFailure ? (
            <>
              <span safe>{`${formatDateTime(c.lang, m.lastFailure.at)}:`}</span> <samp translate="no" safe>{m.lastFailure.error}</samp>
            </>
          ) : (
            <span safe>{t("none")}</span>
          )}
        </dd>
      </dl>
    </section>
  );
}

/**
 * Why a secondary gave no serial: our own time limit, in words; or the DNS client's error, which is its
 * diagnostic in its own words, quoted as it is after a lead-in.
 */
function Problem({ c, p }: { c: WebContext; p: SecondaryProblem | null }): JSX.Element {
  if (!p) return <></>;
  return (
    <>
      {" "}
      {p.kind === "timeout" ? (
        <span class="muted" safe>{c.t("(waited {ms} ms)", { ms: formatNumber(c.lang, p.ms) })}</span>
      ) : (
        <>
          <span class="muted" safe>{c.t("the query failed:")}</span> <samp translate="no" safe>{p.message}</samp>
        </>
      )}
    </>
  );
}

function Zones({ c, zones }: { c: WebContext; zones: ZoneSerials[] }): JSX.Element {
  const t = c.t;
  const state = { "in-sync": t("in sync"), behind: t("behind"), "no-answer": t("no answer") };
  return (
    <section aria-labelledby="h-zones">
      <h2 id="h-zones" safe>{t("Zones and their secondaries")}</h2>
      {zones.length === 0 ? (
        <p class="muted" safe>{t("No embedded zone.")}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack zones">
            <thead>
              <tr>
                <th scope="col" safe>{t("Zone")}</th>
                <th scope="col" safe>{t("Serial")}</th>
                <th scope="col" safe>{t("Secondaries")}</th>
              </tr>
            </thead>
            <tbody>
              {zones.map((z) => (
                <tr>
                  <td data-label={t("Zone")} safe>{z.name}</td>
                  <td data-label={t("Serial")} safe>{String(z.serial)}</td>
                  <td data-label={t("Secondaries")}>
                    {z.secondaries.length === 0 ? (
                      <span class="muted" safe>{t("none")}</span>
                    ) : (
                      <ul class="secondaries">
                        {z.secondaries.map((s) => (
                          <li data-state={s.state}>
                            <code safe>{s.address}</code> <span safe>{s.serial === null ? "" : String(s.serial)}</span>{" "}
                            <span class={s.state === "in-sync" ? "badge ok" : "badge bad"} safe>
                              {state[s.state]}
                            </span>
                            <Problem c={c} p={s.problem} />
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Jobs({ c, jobs }: { c: WebContext; jobs: JobLine[] }): JSX.Element {
  const t = c.t;
  return (
    <section aria-labelledby="h-jobs">
      <h2 id="h-jobs" safe>{t("Jobs")}</h2>
      <div class="table-wrap">
        <table class="stack jobs">
          <thead>
            <tr>
              <th scope="col" safe>{t("Job")}</th>
              <th scope="col" safe>{t("Schedule")}</th>
              <th scope="col" safe>{t("Last run")}</th>
              <th scope="col" safe>{t("Result")}</th>
              <th scope="col" safe>{t("Next run")}</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr>
                <td data-label={t("Job")}>
                  <code safe>{j.name}</code>
                </td>
                <td data-label={t("Schedule")} safe>{j.schedule === "off" ? t("off") : j.schedule}</td>
                <td data-label={t("Last run")}>{j.lastRun ? formatDateTime(c.lang, j.lastRun) : "–"}</td>
                <td data-label={t("Result")} class={j.ok === false ? "bad" : undefined}>
                  <JobResult c={c} j={j} />
                </td>
                <td data-label={t("Next run")}>{j.next ? formatDateTime(c.lang, j.next) : "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

async function Status({ c }: { c: WebContext }): Promise<JSX.Element> {
  const t = c.t;
  const s = statusCounts(c.web.db, c.now);
  const st = c.web.status;
  if (st) st.series.sample(c.now, st.totals());
  const zones = st ? await zoneSerials(c.web.db, st.secondarySerial) : [];
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
      {st ? (
        <>
          <div class="columns">
            <Server c={c} st={st} />
            <Mail c={c} m={st.mail()} />
          </div>
          <section aria-labelledby="h-day">
            <h2 id="h-day" safe>{t("The last 24 hours")}</h2>
            <Charts c={c} s={st.series.series(c.now)} />
          </section>
          <Zones c={c} zones={zones} />
          <Jobs c={c} jobs={st.jobs(c.now)} />
        </>
      ) : (
        ""
      )}
      <h2 safe>{t("Counts")}</h2>
      <div class="columns">
        <section class="card">
          <h3 safe>{t("Domains")}</h3>
          <table>
            {row(t("total"), s.domains.total)}
            {row(t("public"), s.domains.public)}
            {row(t("unavailable"), s.domains.unavailable)}
          </table>
        </section>
        <section class="card">
          <h3 safe>{t("Hosts")}</h3>
          <table>
            {row(t("total"), s.hosts.total)}
            {row(t("unavailable"), s.hosts.unavailable)}
            {row(t("abuse"), s.hosts.abuse)}
            {row(t("abuse blocked"), s.hosts.abuseBlocked)}
          </table>
        </section>
        <section class="card">
          <h3 safe>{t("Users")}</h3>
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
    r.get("/status/", async (c) => page(c, c.t("Status"), await Status({ c })), "staff");
  });
}
