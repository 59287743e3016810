// Shared by the config table (which checks [jobs] at load time) and the scheduler (jobs/cron.ts).
// Five-field cron expressions ("m h dom mon dow", as crontab(5) reads them), evaluated in UTC: the appliance
// stores and schedules in UTC (DESIGN.md "Time"), so a daylight-saving change never skips or repeats a run.
// Fields take "*", numbers, ranges "a-b", lists "a,b", steps "*/n" and "a-b/n", month and weekday names
// (jan..dec, sun..sat); weekday 7 is Sunday, like 0. As in Vixie cron, when both day-of-month and day-of-week
// are restricted a day matches if EITHER does.

export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CronError";
  }
}

export interface CronSchedule {
  /** The expression as given. */
  source: string;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** Whether day-of-month / day-of-week were "*" (changes how the two combine). */
  anyDay: boolean;
  anyWeekday: boolean;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** First value the names map to (jan = 1, sun = 0). */
  nameBase?: number;
}

const FIELDS: FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: "day of week", min: 0, max: 7, names: WEEKDAYS, nameBase: 0 },
];

function value(spec: FieldSpec, text: string): number {
  const lower = text.toLowerCase();
  const named = spec.names?.indexOf(lower) ?? -1;
  if (named >= 0) return named + (spec.nameBase ?? 0);
  if (!/^\d{1,2}$/.test(text)) throw new CronError(`${spec.name}: "${text}" is not a number${spec.names ? " or a name" : ""}`);
  const n = Number(text);
  if (n < spec.min || n > spec.max) throw new CronError(`${spec.name}: ${n} is outside ${spec.min}-${spec.max}`);
  return n;
}

function field(spec: FieldSpec, text: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    if (part === "") throw new CronError(`${spec.name}: empty list item in "${text}"`);
    const [range, stepText, extra] = part.split("/");
    if (extra !== undefined) throw new CronError(`${spec.name}: "${part}" has two steps`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d{1,2}$/.test(stepText) || Number(stepText) === 0) throw new CronError(`${spec.name}: step "${stepText}" must be a number from 1`);
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === "*") {
      lo = spec.min;
      hi = spec.max;
    } else if (range.includes("-")) {
      const [a, b, more] = range.split("-");
      if (more !== undefined || a === "" || b === "") throw new CronError(`${spec.name}: bad range "${range}"`);
      lo = value(spec, a);
      hi = value(spec, b);
      if (lo > hi) throw new CronError(`${spec.name}: range "${range}" runs backwards`);
    } else {
      lo = value(spec, range);
      // "5/15" means from 5 to the end in steps of 15 (Vixie cron).
      hi = stepText !== undefined ? spec.max : lo;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Parse a five-field expression; CronError names the field at fault. */
export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 || parts[0] === "") throw new CronError(`"${expression}" must have five fields: minute hour day-of-month month day-of-week`);
  const [minutes, hours, days, months, weekdaysRaw] = parts.map((p, i) => field(FIELDS[i], p));
  const weekdays = new Set([...weekdaysRaw].map((d) => d % 7));
  return { source: expression, minutes, hours, days, months, weekdays, anyDay: parts[2] === "*", anyWeekday: parts[4] === "*" };
}

/** Whether the minute starting at `t` (UTC) matches. */
export function cronMatches(s: CronSchedule, t: Date): boolean {
  return s.minutes.has(t.getUTCMinutes()) && s.hours.has(t.getUTCHours()) && s.months.has(t.getUTCMonth() + 1) && dayMatches(s, t);
}

const MINUTE = 60_000;
/** Four years and a day: long enough for "29 feb" to come round; bounds the search. */
const SEARCH_LIMIT_MINUTES = (4 * 366 + 1) * 24 * 60;

/** The first matching minute strictly after `after`, or null when none comes within four years (e.g. "0 0 31 2 *"). */
export function nextRun(s: CronSchedule, after: Date): Date | null {
  let t = Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE;
  for (let i = 0; i < SEARCH_LIMIT_MINUTES; i++) {
    const d = new Date(t);
    // Skip whole days and hours that cannot match, so the search stays cheap.
    if (!s.months.has(d.getUTCMonth() + 1) || !dayMatches(s, d)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
      continue;
    }
    if (!s.hours.has(d.getUTCHours())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
      continue;
    }
    if (s.minutes.has(d.getUTCMinutes())) return d;
    t += MINUTE;
  }
  return null;
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.days.has(d.getUTCDate());
  const dow = s.weekdays.has(d.getUTCDay());
  if (s.anyDay && s.anyWeekday) return true;
  if (s.anyDay) return dow;
  if (s.anyWeekday) return dom;
  return dom || dow;
}
