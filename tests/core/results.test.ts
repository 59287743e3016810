import { describe, expect, test } from "bun:test";
import { combineResults, singleLine } from "../../src/core/index.ts";
import { stampMessage } from "../../src/core/index.ts";

describe("combining results (spec §1.4)", () => {
  test("error words win in priority order", () => {
    expect(combineResults([{ code: "good", ip: "1.2.3.4" }, { code: "dnserr" }, { code: "nohost" }])).toBe("nohost");
    expect(combineResults([{ code: "dnserr" }, { code: "abuse" }])).toBe("abuse");
  });
  test("all alike, and mixed grouped good, nochg, deleted", () => {
    expect(combineResults([{ code: "nochg", ip: "a" }, { code: "nochg", ip: "b" }])).toBe("nochg a,b");
    expect(combineResults([{ code: "deleted", type: "A" }, { code: "deleted", type: "AAAA" }])).toBe("deleted A,AAAA");
    expect(combineResults([{ code: "nochg", ip: "b" }, { code: "deleted", type: "A" }, { code: "good", ip: "a" }])).toBe("good a\nnochg b\ndeleted A");
  });
  test("one line per host when several hosts are answered", () => {
    expect(singleLine([{ code: "good", ip: "a" }, { code: "nochg", ip: "b" }])).toBe("good a,b");
  });
});

describe("messages (spec §1.10)", () => {
  test("UTC timestamp and 255 characters at most", () => {
    const m = stampMessage(new Date("2026-01-02T03:04:05.678Z"), "x".repeat(400));
    expect(m).toStartWith("2026-01-02 03:04:05 xxx");
    expect(m.length).toBe(255);
  });
});
