import { describe, expect, test } from "bun:test";
import { AuthFailureLog, memoryLogger } from "../../src/log/index.ts";

describe("authentication failures in the log", () => {
  test("the first failure of a client for a name is logged at once, with why", () => {
    const log = memoryLogger();
    const f = new AuthFailureLog(log, "dyndns2");
    f.failed("192.0.2.7", "home.dyn.example", "wrong or unknown credentials");
    f.stop();
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toContain('level=warn msg="authentication failed" service=dyndns2 client=192.0.2.7 name=home.dyn.example why="wrong or unknown credentials"');
  });

  test("a storm becomes one line now and one summary per interval with the count", () => {
    const log = memoryLogger();
    const f = new AuthFailureLog(log, "dyndns2");
    for (let i = 0; i < 30; i++) f.failed("192.0.2.7", "home.dyn.example", "wrong or unknown credentials");
    for (let i = 0; i < 5; i++) f.blocked("192.0.2.7", "home.dyn.example", 42);
    f.flush();
    f.stop();
    expect(log.lines).toHaveLength(3);
    expect(log.lines[1]).toContain('msg="rate limit: client blocked" service=dyndns2 client=192.0.2.7 name=home.dyn.example limit=failures retry_after_s=42');
    expect(log.lines[2]).toContain('msg="authentication failures" service=dyndns2 client=192.0.2.7 name=home.dyn.example failures=29 blocked=4 interval_s=60');
  });

  test("clients and names are counted apart", () => {
    const log = memoryLogger();
    const f = new AuthFailureLog(log, "web-login");
    f.failed("192.0.2.7", "ann", "x");
    f.failed("192.0.2.8", "ann", "x");
    f.failed("192.0.2.7", "bob", "x");
    f.flush();
    f.stop();
    expect(log.lines.filter((l) => l.includes('msg="authentication failed"'))).toHaveLength(3);
    expect(log.lines.some((l) => l.includes('msg="authentication failures"'))).toBe(false);
  });

  test("a pair quiet for a whole interval is forgotten: its next failure is logged at once again", () => {
    const log = memoryLogger();
    const f = new AuthFailureLog(log, "dyndns2");
    f.failed("192.0.2.7", "a.example", "x");
    f.flush(); // the interval of the failure
    f.flush(); // a quiet interval
    f.failed("192.0.2.7", "a.example", "x");
    f.stop();
    expect(log.lines.filter((l) => l.includes('msg="authentication failed"'))).toHaveLength(2);
  });

  test("a claimed name is cut short and made printable", () => {
    const log = memoryLogger();
    const f = new AuthFailureLog(log, "web-login");
    f.failed("192.0.2.7", "evil\nlevel=error " + "x".repeat(100), "x");
    f.stop();
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toContain(`name="evil?level=error xxxx`);
    expect(log.lines[0]).not.toContain("\n");
    expect(log.lines[0]).not.toContain("x".repeat(60));
  });

  test("summaries are written by a timer every interval", async () => {
    const log = memoryLogger();
    const f = new AuthFailureLog(log, "dyndns2", { intervalMs: 30 });
    f.failed("192.0.2.7", "a.example", "x");
    f.failed("192.0.2.7", "a.example", "x");
    await Bun.sleep(120);
    f.stop();
    expect(log.lines.filter((l) => l.includes('msg="authentication failures"') && l.includes("failures=1"))).toHaveLength(1);
  });
});
