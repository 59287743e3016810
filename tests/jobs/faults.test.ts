// The faults job (spec §6.1), with the baseline's own cases (§9.9) ported, the show format, the abuse flag
// taking the host out of DNS, and the owner's mail arriving at a real SMTP server in their language.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { runFaults } from "../../src/jobs/index.ts";
import { haveSmtpSink, startSmtpSink, type SmtpSink } from "../support/smtp-sink.ts";
import { makeJobWorld, ZONE } from "./fixture.ts";

describe("the baseline's test_faults cases (§9.9)", () => {
  test("every reset option clears counters and flags and makes the host available", async () => {
    const w = makeJobWorld();
    const id = w.host("h", { clientFaults: 1, serverFaults: 1, apiAuthFaults: 1, available: false, abuse: true, abuseBlocked: true });
    const r = await runFaults(w.ctx, { showServer: true, showClient: true, resetServer: true, resetClient: true, resetAbuse: true, resetAbuseBlocked: true, resetAvailable: true });
    const h = w.row(id)!;
    expect([h.clientFaults, h.serverFaults, h.available, h.abuse, h.abuseBlocked]).toEqual([0, 0, true, false, false]);
    // The api-auth counter was not asked to be reset.
    expect(h.apiAuthFaults).toBe(1);
    expect(r.changed).toBe(1);
  });

  test("10 client faults with --flag-abuse 23: nothing changes", async () => {
    const w = makeJobWorld();
    const id = w.host("h", { clientFaults: 10 });
    const r = await runFaults(w.ctx, { flagAbuse: 23 });
    expect(w.row(id)!.clientFaults).toBe(10);
    expect(w.row(id)!.abuse).toBe(false);
    expect(r.flagged).toEqual([]);
  });

  test("42 client faults with --flag-abuse 23: counter 0 and abuse set", async () => {
    const w = makeJobWorld();
    const id = w.host("h", { clientFaults: 42 });
    const r = await runFaults(w.ctx, { flagAbuse: 23 });
    expect(w.row(id)!.clientFaults).toBe(0);
    expect(w.row(id)!.abuse).toBe(true);
    expect(r.flagged).toEqual([`h.${ZONE}`]);
    expect(r.outcome).toEqual({ kind: "faults", counts: { hosts: 1, changed: 1, flagged: 1 } });
    expect(r.lines).toContain(`Setting abuse flag for host h.${ZONE} (created by ann, client faults: 42)`);
  });

  test("the no-change part of the client faults starts again with them (--reset-client and --flag-abuse)", async () => {
    const a = makeJobWorld();
    const reset = a.host("r", { clientFaults: 9, nochgFaults: 7 });
    await runFaults(a.ctx, { resetClient: true });
    expect([a.row(reset)!.clientFaults, a.row(reset)!.nochgFaults]).toEqual([0, 0]);
    const b = makeJobWorld();
    const flagged = b.host("f", { clientFaults: 42, nochgFaults: 40 });
    const kept = b.host("k", { clientFaults: 9, nochgFaults: 7 });
    await runFaults(b.ctx, { flagAbuse: 23 });
    expect([b.row(flagged)!.clientFaults, b.row(flagged)!.nochgFaults]).toEqual([0, 0]);
    expect([b.row(kept)!.clientFaults, b.row(kept)!.nochgFaults]).toEqual([9, 7]);
  });

  test("exactly N client faults is not above N", async () => {
    const w = makeJobWorld();
    const id = w.host("h", { clientFaults: 23 });
    await runFaults(w.ctx, { flagAbuse: 23 });
    expect(w.row(id)!.abuse).toBe(false);
  });
});

describe("show", () => {
  test("one line per host: the selected counters in order client, server, api-auth, each padded to 6, then owner and name", async () => {
    const w = makeJobWorld();
    w.host("a", { clientFaults: 7, serverFaults: 3, apiAuthFaults: 12 });
    w.host("b", { ownerId: w.bobId });
    const all = await runFaults(w.ctx, { showApiAuth: true, showClient: true, showServer: true });
    expect(all.lines).toEqual([`7      3      12     ann a.${ZONE}`, `0      0      0      bob b.${ZONE}`]);
    const some = await runFaults(w.ctx, { showServer: true });
    expect(some.lines[0]).toBe(`3      ann a.${ZONE}`);
  });

  test("a show-only run changes nothing", async () => {
    const w = makeJobWorld();
    const id = w.host("a", { clientFaults: 500 });
    await runFaults(w.ctx, { showClient: true });
    expect(w.row(id)!.clientFaults).toBe(500);
  });
});

describe("resets, one option at a time", () => {
  const cases = [
    ["resetClient", "clientFaults", 5, 0],
    ["resetServer", "serverFaults", 5, 0],
    ["resetApiAuth", "apiAuthFaults", 5, 0],
    ["resetAvailable", "available", false, true],
    ["resetAbuse", "abuse", true, false],
    ["resetAbuseBlocked", "abuseBlocked", true, false],
  ] as const;
  for (const [option, column, before, after] of cases) {
    test(`${option} changes ${column} only`, async () => {
      const w = makeJobWorld();
      const id = w.host("h", { clientFaults: 5, serverFaults: 5, apiAuthFaults: 5, available: false, abuse: true, abuseBlocked: true });
      const other = { ...w.row(id)! };
      expect(other[column]).toBe(before);
      await runFaults(w.ctx, { [option]: true });
      const now = w.row(id)!;
      expect(now[column]).toBe(after);
      for (const [, c] of cases) if (c !== column) expect(now[c]).toBe(other[c]);
    });
  }
});

describe("abuse flag and DNS", () => {
  test("a host newly flagged leaves DNS: A, AAAA and the ACME TXT removed", async () => {
    const w = makeJobWorld();
    w.host("h", { clientFaults: 200 });
    w.backend.set(`h.${ZONE}`, "A", ["192.0.2.1"]);
    w.backend.set(`h.${ZONE}`, "AAAA", ["2001:db8::1"]);
    w.backend.set(`_acme-challenge.h.${ZONE}`, "TXT", ["token"]);
    await runFaults(w.ctx, { flagAbuse: 150 });
    expect(w.backend.get(`h.${ZONE}`, "A")).toEqual([]);
    expect(w.backend.get(`h.${ZONE}`, "AAAA")).toEqual([]);
    expect(w.backend.get(`_acme-challenge.h.${ZONE}`, "TXT")).toEqual([]);
  });

  test("a nameserver failure while removing is reported and the run goes on to the next host", async () => {
    const w = makeJobWorld();
    w.host("h1", { clientFaults: 200 });
    const h2 = w.host("h2", { clientFaults: 200 });
    w.backend.fail({ names: ["h1"] });
    const r = await runFaults(w.ctx, { flagAbuse: 150 });
    expect(r.lines.some((l) => l.startsWith(`could not remove h1.${ZONE} A`))).toBe(true);
    expect(w.row(h2)!.abuse).toBe(true);
  });

  test("without --notify-user no mail goes out; with it, the owner gets one", async () => {
    const w = makeJobWorld();
    w.host("h", { clientFaults: 200 });
    await runFaults(w.ctx, { flagAbuse: 150 });
    expect(w.mails).toHaveLength(0);
    w.host("g", { clientFaults: 200 });
    await runFaults(w.ctx, { flagAbuse: 150, notifyUser: true });
    expect(w.mails.map((m) => m.to)).toEqual(["ann@example.test"]);
  });

  test("a mail failure does not stop the run: counted, and every host is still handled", async () => {
    const w = makeJobWorld();
    w.ctx.mailer = { send: async () => Promise.reject(new Error("smtp down")) };
    const a = w.host("a", { clientFaults: 200 });
    const b = w.host("b", { clientFaults: 200 });
    const r = await runFaults(w.ctx, { flagAbuse: 150, notifyUser: true });
    expect(r.mailsFailed).toBe(2);
    expect(r.outcome?.counts).toMatchObject({ flagged: 2, mailsFailed: 2 });
    expect([w.row(a)!.abuse, w.row(b)!.abuse]).toEqual([true, true]);
    // Tried three times each before giving up.
    expect(w.log.lines.filter((l) => l.includes("mail failed")).length).toBe(6);
  });

  test("a negative --flag-abuse is refused", async () => {
    const w = makeJobWorld();
    await expect(runFaults(w.ctx, { flagAbuse: -1 })).rejects.toThrow(/whole number/);
  });
});

const sinkOk = haveSmtpSink();
describe.skipIf(!sinkOk)("the abuse mail through SMTP", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.stop();
  });

  test("reaches the owner with the host, its comment, the count and how to fix it", async () => {
    const w = makeJobWorld({ smtpPort: sink.port });
    w.host("router", { clientFaults: 321, comment: "home router" });
    await runFaults(w.ctx, { flagAbuse: 150, resetClient: true, notifyUser: true });
    const m = await sink.next("ann@example.test");
    expect(m.from).toBe("updns@dyn.example.test");
    expect(m.subject).toBe(`Issue with your host router.${ZONE}`);
    expect(m.text).toContain("Hello ann,");
    expect(m.text).toContain(`router.${ZONE} (your comment: home router)`);
    expect(m.text).toContain("Faulty updates since the last check: 321");
    expect(m.text).toContain("clear the abuse flag");
    expect(m.text).toContain("ddclient");
  });

  test("in the recipient's language", async () => {
    const w = makeJobWorld({ smtpPort: sink.port });
    w.host("box", { clientFaults: 999, ownerId: w.bobId });
    await runFaults(w.ctx, { flagAbuse: 150, notifyUser: true });
    const m = await sink.next("bob@example.test");
    expect(m.subject).toBe(`Problem mit Ihrem Host box.${ZONE}`);
    expect(m.text.startsWith("Hallo bob,")).toBe(true);
  });
});
