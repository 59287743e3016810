// The result lines of a host (spec §1.10): written from core's templates, read back by the same templates
// into kind and values (what the host page tells as a sentence). Every writer in core goes through a
// template, so a line the page cannot read is never stored.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { Glob } from "bun";
import { join } from "node:path";
import { RESULT_LINES, readResultLine, resultLine, type ResultKind } from "../../src/core/index.ts";

const ROOT = join(import.meta.dir, "../..");

describe("result lines", () => {
  test("every template reads back into its own kind and values, stamp and host included", () => {
    const sample: Record<string, string> = { agent: '"curl/8"', address: "192.0.2.7", limit: "16", family: "ipv6", name: '"x.example.org"', fqdn: "home.example.org", what: "delete", zone: "example.org", tls: "true", error: "timeout [REFUSED]", type: "AAAA", outcome: "refreshed", action: "deletion", token: '"router, home"', via: "basic auth, several hosts" };
    for (const kind of Object.keys(RESULT_LINES) as ResultKind[]) {
      const stored = `2026-11-26 12:00:00 home.example.org - ${resultLine(kind, sample)}`;
      const r = readResultLine(stored)!;
      const names = [...RESULT_LINES[kind].matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect([kind, r.kind, r.fqdn, r.at?.toISOString()]).toEqual([kind, kind, "home.example.org", "2026-11-26T12:00:00.000Z"]);
      expect(r.values).toEqual(Object.fromEntries(names.map((n) => [n, sample[n]])));
    }
  });

  test("a line no template knows (an imported one) keeps its time and text", () => {
    const r = readResultLine("2019-01-02 03:04:05 a.example.org - something nsupdate.info once said")!;
    expect([r.kind, r.at?.toISOString(), r.message]).toEqual([null, "2019-01-02T03:04:05.000Z", "something nsupdate.info once said"]);
    expect(readResultLine("")).toBeNull();
  });
});

describe("result line writers", () => {
  test("every message a host's ledger records is made by resultLine(), never written out by hand", () => {
    const loose: string[] = [];
    for (const f of new Glob("src/**/*.ts").scanSync({ cwd: ROOT })) {
      const text = readFileSync(join(ROOT, f), "utf8");
      for (const m of text.matchAll(/\.(clientMessage|serverMessage|apiAuthMessage|noChangeMessage)\((.*)$/gm)) {
        if (f === "src/core/faults.ts") continue;
        const call = m[2];
        // update.ts's `complaint` is the resultLine() of the address or TXT check that refused the request.
        const fromTemplate = call.includes("resultLine(") || /^complaint\b/.test(call);
        const byHand = call.includes("`") || /"(received|api |rejecting|related host)/.test(call);
        if (!fromTemplate || byHand) loose.push(`${f}: ${m[1]}(${call.slice(0, 70)}`);
      }
    }
    expect(loose).toEqual([]);
  });
});
