// Pictures drawn on the server as inline SVG: the host's address timeline and the status page's sparklines.
// No script draws them, so they show without JavaScript, in print and in any reader. Colours come from the
// stylesheet (classes, currentColor), so the light and dark themes and print apply to them like to text;
// every picture carries its meaning in text too: <title> on each mark, role="img" with a label, and a table
// or a sentence beside it.
import { Html } from "@elysiajs/html";
import type { WebContext } from "./context.ts";
import { formatDateTime, formatNumber } from "./i18n.ts";

/** One change of a host's record: what it became ("" = removed) and when. */
export interface TimelineChange {
  type: "A" | "AAAA";
  address: string;
  at: Date;
}

const W = 640;
/** Room on the left for the lane names (A, AAAA). */
const LEFT = 48;
const RIGHT = 8;
const LANE = 34;
/** An address label's width, roughly, at the chart's 11-unit font. */
const textWidth = (s: string) => s.length * 6.4 + 6;

interface Segment {
  address: string;
  from: Date;
  to: Date;
  x1: number;
  x2: number;
}

/** The segments of one lane: each address from its change to the next one (the last one up to now). */
function segments(changes: TimelineChange[], start: number, now: number, x: (t: number) => number): Segment[] {
  return changes.map((ch, i) => {
    const to = new Date(i + 1 < changes.length ? changes[i + 1].at.getTime() : now);
    return { address: ch.address, from: ch.at, to, x1: x(Math.max(start, ch.at.getTime())), x2: x(to.getTime()) };
  });
}

/**
 * The address timeline of a host: one lane per record type, one segment per address from the time it was set
 * to the next change, a marker at each change. A removed record is a dashed gap. Labels are written where the
 * segment has room; the title of every segment and the table below hold all of them.
 */
export function AddressTimeline({ c, changes, fqdn }: { c: WebContext; changes: TimelineChange[]; fqdn: string }): JSX.Element {
  const t = c.t;
  if (changes.length === 0) return <p class="muted" safe>{t("No address change recorded yet.")}</p>;
  const now = Math.max(c.now.getTime(), changes[changes.length - 1].at.getTime());
  const start = changes[0].at.getTime();
  // A lone change a moment ago still gets a visible segment.
  const span = Math.max(now - start, 60_000);
  const x = (ms: number) => LEFT + ((ms - start) / span) * (W - LEFT - RIGHT);
  const lanes = (["A", "AAAA"] as const).filter((type) => changes.some((ch) => ch.type === type));
  const height = lanes.length * LANE + 30;
  const label = c.tn(changes.length, { one: "Address history of {fqdn}: {n} change from {from} to {to}.", other: "Address history of {fqdn}: {n} changes from {from} to {to}." }, { fqdn, from: formatDateTime(c.lang, changes[0].at), to: formatDateTime(c.lang, changes[changes.length - 1].at) });
  const removed = t("no record");
  const title = (type: string, s: Segment) => `${type} ${s.address || removed}: ${formatDateTime(c.lang, s.from)} – ${formatDateTime(c.lang, s.to)}`;
  return (
    <figure class="chart timeline">
      <div class="chart-scroll">
      <svg viewBox={`0 0 ${W} ${height}`} width="100%" role="img" aria-label={label} xmlns="http://www.w3.org/2000/svg" font-size="11" fill="currentColor">
        {lanes.map((type, lane) => {
          const y = 18 + lane * LANE;
          const segs = segments(changes.filter((ch) => ch.type === type), start, now, x);
          return (
            <g class="lane" data-type={type}>
              <text x="0" y={y + 4} class="lane-name">{type}</text>
              <line x1={LEFT} x2={W - RIGHT} y1={y} y2={y} class="track" stroke="currentColor" stroke-opacity="0.2" />
              {segs.map((s) => (
                <g class={s.address ? "segment" : "segment gap"}>
                  <title safe>{title(type, s)}</title>
                  <line x1={s.x1} x2={Math.max(s.x2, s.x1 + 2)} y1={y} y2={y} stroke="currentColor" stroke-width="6" stroke-dasharray={s.address ? undefined : "3 3"} stroke-opacity={s.address ? undefined : "0.5"} />
                  <circle cx={s.x1} cy={y} r="4" class="marker" />
                  {s.address && s.x2 - s.x1 >= textWidth(s.address) ? (
                    <text x={s.x1 + 3} y={y - 7} safe>{s.address}</text>
                  ) : (
                    ""
                  )}
                </g>
              ))}
            </g>
          );
        })}
        <g class="axis">
          <text x={LEFT} y={height - 4} safe>{formatDateTime(c.lang, new Date(start))}</text>
          <text x={W - RIGHT} y={height - 4} text-anchor="end" safe>{formatDateTime(c.lang, new Date(now))}</text>
        </g>
      </svg>
      </div>
      <figcaption safe>{label}</figcaption>
      <details>
        <summary safe>{t("Every change as a table")}</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col" safe>{t("Time")}</th>
                <th scope="col" safe>{t("Record")}</th>
                <th scope="col" safe>{t("Address")}</th>
              </tr>
            </thead>
            <tbody>
              {[...changes].reverse().map((ch) => (
                <tr>
                  <td safe>{formatDateTime(c.lang, ch.at)}</td>
                  <td>{ch.type}</td>
                  <td safe>{ch.address || removed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

const SW = 300;
const SH = 64;
const PAD_TOP = 12;
const PAD_BOTTOM = 16;

/**
 * A sparkline of per-minute values over the last day (oldest first), with its scale written on it (the
 * peak at the top, 0 at the bottom, "−24 h" and "now" under it) and `summary` as its label and caption.
 */
export function Sparkline({ c, values, title, summary, format }: { c: WebContext; values: number[]; title: string; summary: string; format?: (n: number) => string }): JSX.Element {
  const fmt = format ?? ((n: number) => formatNumber(c.lang, n));
  const peak = Math.max(0, ...values);
  const top = peak > 0 ? peak : 1;
  const n = Math.max(values.length, 2);
  const px = (i: number) => (i / (n - 1)) * SW;
  const py = (v: number) => PAD_TOP + (1 - v / top) * (SH - PAD_TOP - PAD_BOTTOM);
  const points = values.map((v, i) => `${px(i).toFixed(1)},${py(v).toFixed(1)}`).join(" ");
  const area = values.length ? `0,${py(0)} ${points} ${px(values.length - 1).toFixed(1)},${py(0)}` : "";
  return (
    <figure class="chart sparkline">
      <svg viewBox={`0 0 ${SW} ${SH}`} width="100%" role="img" aria-label={`${title}: ${summary}`} xmlns="http://www.w3.org/2000/svg" font-size="10" fill="currentColor">
        <title safe>{title}</title>
        <line x1="0" x2={SW} y1={py(0)} y2={py(0)} stroke="currentColor" stroke-opacity="0.3" />
        {area ? <polygon points={area} class="area" fill="currentColor" fill-opacity="0.12" /> : ""}
        {points ? <polyline points={points} class="line" fill="none" stroke="currentColor" stroke-width="1.5" /> : ""}
        <text x="2" y="9" class="scale" safe>{fmt(peak)}</text>
        <text x="2" y={SH - 2} safe>{c.t("−24 h")}</text>
        <text x={SW - 2} y={SH - 2} text-anchor="end" safe>{c.t("now")}</text>
      </svg>
      <figcaption>
        <strong safe>{title}</strong> <span safe>{summary}</span>
      </figcaption>
    </figure>
  );
}
