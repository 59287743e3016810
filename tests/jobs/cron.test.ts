// Five-field cron expressions: what matches, when the next run is, and errors that name the field.
import { describe, expect, test } from "bun:test";
import { CronError, cronMatches, nextRun, parseCron } from "../../src/jobs/index.ts";

const at = (iso: string) => new Date(iso);
const next = (expr: string, after: string) => nextRun(parseCron(expr), at(after))?.toISOString();

describe("next run", () => {
  test("the config defaults: weekly Sunday 03:00, daily 04:30, hourly at :15", () => {
    // 2026-11-26 is a Thursday.
    expect(next("0 3 * * 0", "2026-11-26T12:00:00Z")).toBe("2026-11-29T03:00:00.000Z");
    expect(next("30 4 * * *", "2026-11-26T12:00:00Z")).toBe("2026-11-27T04:30:00.000Z");
    expect(next("15 * * * *", "2026-11-26T12:00:00Z")).toBe("2026-11-26T12:15:00.000Z");
  });

  test("strictly after: a time that matches now is the next occurrence, not now", () => {
    expect(next("15 * * * *", "2026-11-26T12:15:00Z")).toBe("2026-11-26T13:15:00.000Z");
    expect(next("15 * * * *", "2026-11-26T12:14:59.999Z")).toBe("2026-11-26T12:15:00.000Z");
  });

  test("steps, ranges, lists and names", () => {
    expect(next("*/20 * * * *", "2026-11-26T12:41:00Z")).toBe("2026-11-26T13:00:00.000Z");
    expect(next("5/15 * * * *", "2026-11-26T12:36:00Z")).toBe("2026-11-26T12:50:00.000Z");
    expect(next("0 9-17/4 * * mon-fri", "2026-11-27T14:00:00Z")).toBe("2026-11-27T17:00:00.000Z"); // 9, 13, 17
    expect(next("0 9-17/4 * * mon-fri", "2026-11-27T17:00:00Z")).toBe("2026-11-30T09:00:00.000Z"); // Friday → Monday
    expect(next("0 0 1,15 * *", "2026-11-26T00:00:00Z")).toBe("2026-12-01T00:00:00.000Z");
    expect(next("0 0 1 jan *", "2026-11-26T00:00:00Z")).toBe("2027-01-01T00:00:00.000Z");
  });

  test("weekday 7 is Sunday", () => {
    expect(next("0 3 * * 7", "2026-11-26T12:00:00Z")).toBe("2026-11-29T03:00:00.000Z");
  });

  test("day of month and day of week both given: either matches (Vixie cron)", () => {
    const s = parseCron("0 0 13 * fri");
    expect(cronMatches(s, at("2026-11-13T00:00:00Z"))).toBe(true); // the 13th (a Friday too)
    expect(cronMatches(s, at("2026-11-27T00:00:00Z"))).toBe(true); // a Friday
    expect(cronMatches(s, at("2026-12-13T00:00:00Z"))).toBe(true); // the 13th, a Sunday
    expect(cronMatches(s, at("2026-11-26T00:00:00Z"))).toBe(false);
  });

  test("29 February comes round within four years; 31 February never does", () => {
    expect(next("0 0 29 2 *", "2026-03-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
    expect(next("0 0 31 2 *", "2026-03-01T00:00:00Z")).toBeUndefined();
  });
});

describe("errors name the field", () => {
  const cases: [string, RegExp][] = [
    ["* * * *", /five fields/],
    ["61 * * * *", /minute: 61 is outside 0-59/],
    ["0 24 * * *", /hour: 24 is outside 0-23/],
    ["0 0 0 * *", /day of month: 0 is outside 1-31/],
    ["0 0 * 13 *", /month: 13 is outside 1-12/],
    ["0 0 * * 8", /day of week: 8 is outside 0-7/],
    ["*/0 * * * *", /minute: step "0"/],
    ["5-1 * * * *", /runs backwards/],
    ["x * * * *", /minute: "x" is not a number/],
    ["0 0 * * funday", /day of week: "funday" is not a number or a name/],
    ["1,,2 * * * *", /empty list item/],
  ];
  for (const [expr, re] of cases) {
    test(`"${expr}"`, () => {
      expect(() => parseCron(expr)).toThrow(CronError);
      expect(() => parseCron(expr)).toThrow(re);
    });
  }
});
