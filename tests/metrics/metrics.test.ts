import { describe, expect, test } from "bun:test";
import { AppMetrics, Histogram } from "../../src/metrics/index.ts";

describe("application counters", () => {
  test("a dyndns2 answer of several hosts counts each line by its code; unknown words are 'other'", () => {
    const m = new AppMetrics();
    m.dyndnsAnswer("good 192.0.2.1\nnochg 2001:db8::1\nnohost");
    m.dyndnsAnswer("badauth");
    m.dyndnsAnswer("<script>");
    expect(Object.entries(m.dyndnsAnswers).filter(([, n]) => n > 0)).toEqual([
      ["good", 1],
      ["nochg", 1],
      ["badauth", 1],
      ["nohost", 1],
      ["other", 1],
    ]);
    expect(m.dyndnsAnswers.dnserr).toBe(0);
  });

  test("HTTP requests by route, method and status; odd methods are 'other'", () => {
    const m = new AppMetrics();
    m.httpRequest("/host/:id/", "GET", 200);
    m.httpRequest("/host/:id/", "GET", 200);
    m.httpRequest("/host/:id/", "BREW", 405);
    expect(m.httpRequests).toEqual({ "/host/:id/": { GET: { 200: 2 }, other: { 405: 1 } } });
  });

  test("a histogram puts each observation in the first bucket it fits, the rest above every bound", () => {
    const h = new Histogram([0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 3]) h.observe(v);
    expect(h.counts).toEqual([2, 1, 1]);
    expect(h.count).toBe(4);
    expect(h.sum).toBeCloseTo(3.65);
  });
});
