// The maintenance commands through the built binary, as an operator types them: dispatch from main.ts, the
// help text, exit codes, and a job run recorded for `updns jobs list`.
import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { cli } from "../support/updns.ts";
import { tempDir } from "../support/net.ts";

describe("updns faults|domains|hosts|users|jobs through dist/updns", () => {
  test("the top-level help lists the maintenance commands", async () => {
    const d = tempDir();
    const r = await cli(["--help"], { cwd: d.path });
    for (const c of ["faults [options]", "domains --check|--stale-check", "hosts --stale-check", "users --stale-check", "jobs list|run NAME"]) expect(r.stdout).toContain(c);
    d.cleanup();
  });

  test("an operator flags a noisy host and sees it in the faults table and the job list", async () => {
    const d = tempDir();
    const run = (...args: string[]) => cli(args, { cwd: d.path });
    expect((await run("user", "add", "ops", "--email", "ops@example.test")).code).toBe(0);
    expect((await run("domain", "add", "dyn.example.test", "--embedded", "--owner", "ops", "--ns", "ns1.example.test")).code).toBe(0);
    expect((await run("host", "add", "home.dyn.example.test", "--owner", "ops")).code).toBe(0);
    const db = new Database(join(d.path, "data/updns.sqlite3"));
    db.run("UPDATE hosts SET client_faults = 200");
    db.close();

    const show = await run("faults", "--show-client");
    expect(show).toMatchObject({ code: 0, stdout: "200    ops home.dyn.example.test\n" });
    const flag = await run("faults", "--flag-abuse", "150", "--reset-client", "--notify-user");
    expect(flag.code).toBe(0);
    expect(flag.stdout).toBe("Setting abuse flag for host home.dyn.example.test (created by ops, client faults: 200)\n");
    expect(flag.stderr).toContain("Issue with your host home.dyn.example.test");
    expect((await run("faults", "--show-client")).stdout).toBe("0      ops home.dyn.example.test\n");

    const list = JSON.parse((await run("jobs", "list", "--json")).stdout);
    expect(list[0]).toMatchObject({ name: "faults", last_result: "ok: 1 host, 1 changed, 1 flagged as abuse" });

    const check = await run("domains", "--check");
    // Nothing to report: the summary alone.
    expect(check).toMatchObject({ code: 0, stdout: "1 checked, 0 made unavailable, 0 with secondaries behind\n" });
    expect(JSON.parse((await run("jobs", "list", "--json")).stdout)[1].last_result).toBe("ok: 1 checked, 0 made unavailable, 0 with secondaries behind");

    const bad = await run("jobs", "run", "nope");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('updns: unknown job "nope"');
    d.cleanup();
  });
});
