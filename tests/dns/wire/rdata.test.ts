import { describe, expect, test } from "bun:test";
import { isAddressText, txtCharacterStrings } from "../../../src/dns/wire/index.ts";
import { canonicalWire, rdataFromText, txtRdata } from "../../../src/dns/zone/index.ts";
import { encodeRdata } from "../../../src/dns/rfc2136/message.ts";

describe("the rdata the zone store keeps and the UPDATE sends are the same octets", () => {
  test("a TXT value longer than one character-string is cut at 255 octets by both", () => {
    for (const value of ["", "token", "x".repeat(255), "y".repeat(300), "ü".repeat(200)]) {
      expect(encodeRdata("TXT", value)).toEqual([...canonicalWire("TXT", txtRdata(value))]);
    }
    expect(txtCharacterStrings("y".repeat(300)).map((s) => s.length)).toEqual([255, 45]);
    expect(txtCharacterStrings("").map((s) => s.length)).toEqual([0]);
  });

  test("an address one refuses, the other refuses too, naming it", () => {
    for (const bad of ["10.1", "192.0.2.256", "fe80::1%eth0", "2001:db8::g"]) {
      const type = bad.includes(":") ? "AAAA" : "A";
      expect(isAddressText(type, bad)).toBe(false);
      expect(() => encodeRdata(type, bad)).toThrow(`"${bad}" is not an`);
      expect(() => rdataFromText(type, bad, "example.org")).toThrow("bad IPv");
    }
    expect(encodeRdata("AAAA", "2001:DB8::1")).toEqual([...canonicalWire("AAAA", rdataFromText("AAAA", "2001:DB8::1", "example.org"))]);
  });
});
