// Rdata of the newer types on the wire: what we send (SvcParams sorted, names uncompressed and as written),
// what we accept from a peer (UPDATE, AXFR), and the canonical form signatures are made over.
import { describe, expect, test } from "bun:test";
import { canonicalWire, rdataFromText, readRdata, WireWriter, writeRdata, type RRType } from "../../../src/dns/zone/index.ts";

const wire = (type: RRType, text: string) => {
  const w = new WireWriter();
  writeRdata(w, type, rdataFromText(type, text, "example.org"));
  return w.done();
};
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const read = (type: RRType, h: string) => {
  const b = Buffer.from(h.replace(/ /g, ""), "hex");
  return readRdata(b, 0, b.length, type);
};

describe("SVCB and HTTPS (RFC 9460)", () => {
  test("SvcParams go on the wire sorted by key whatever order they were written in (§2.2)", () => {
    // priority 1, root target, port=53 (key 3) before written-first alpn (key 1) is wrong: alpn must lead.
    expect(hex(wire("SVCB", "1 . port=53 alpn=dot"))).toBe("0001" + "00" + "0001" + "0004" + "03646f74" + "0003" + "0002" + "0035");
  });

  test("the RFC 9460 Appendix D test vectors read to their presentation form", () => {
    // D.2 "A Service Mode record with a key that is not registered" and D.2 "SvcParamKey ordering".
    expect(read("SVCB", "0001 03666f6f076578616d706c6503636f6d00 029b 0005 68656c6c6f")).toBe("1 foo.example.com. key667=hello");
    expect(read("SVCB", "0010 03666f6f076578616d706c6503636f6d00 0000 0004 00010004 0001 000a 026832 06683371756963 0004 0008 c0000201 cb007101")).toBe(
      "16 foo.example.com. mandatory=alpn,ipv4hint alpn=h2,h3quic ipv4hint=192.0.2.1,203.0.113.1",
    );
    // An alpn value holding a comma and a backslash (Appendix A.1 escaping, then RFC 1035 escaping).
    expect(read("SVCB", "0010 03666f6f076578616d706c6503636f6d00 0001 000d 09 66325c6f6f2c626172 02 6832")).toBe("16 foo.example.com. alpn=f2\\\\\\\\oo\\\\,bar,h2");
    expect(rdataFromText("SVCB", "16 foo.example.com. alpn=f2\\\\\\\\oo\\\\,bar,h2", "")).toBe("16 foo.example.com. alpn=f2\\\\\\\\oo\\\\,bar,h2");
  });

  test("a value quoted after its key may hold spaces, in one line of text as in a master file", () => {
    expect(rdataFromText("SVCB", '1 . key65000="a b" alpn="h2,h3"', "example.org")).toBe("1 . alpn=h2,h3 key65000=a\\032b");
  });

  test("a peer's rdata with keys out of order, a key twice, or a bad value is refused", () => {
    expect(() => read("SVCB", "0001 00 0003 0002 0035 0001 0003 02 6832")).toThrow("not in increasing key order");
    expect(() => read("SVCB", "0001 00 0003 0002 0035 0003 0002 0035")).toThrow("not in increasing key order");
    expect(() => read("HTTPS", "0001 00 0003 0001 35")).toThrow("HTTPS port");
    expect(() => read("HTTPS", "0001 c00c")).toThrow("compressed");
  });
});

describe("names in the rdata of the newer types", () => {
  test("are sent uncompressed and as written (RFC 3597 §4, RFC 4343)", () => {
    expect(hex(wire("DNAME", "Target.Example."))).toBe("06546172676574074578616d706c6500");
    expect(hex(wire("SVCB", "0 Svc.Example."))).toBe("0000" + "03537663074578616d706c6500");
  });

  test("signatures are over lower case names for NAPTR, RP and DNAME (RFC 4034 §6.2) but as written for SVCB (RFC 6840 §5.1)", () => {
    expect(hex(canonicalWire("DNAME", rdataFromText("DNAME", "Target.Example.", "")))).toBe("06746172676574076578616d706c6500");
    expect(hex(canonicalWire("RP", rdataFromText("RP", "A.B. C.D.", "")))).toBe("0161016200" + "0163016400");
    expect(hex(canonicalWire("NAPTR", rdataFromText("NAPTR", '1 2 "" "" "" X.Y.', "")))).toBe("00010002000000" + "0178017900");
    expect(hex(canonicalWire("HTTPS", rdataFromText("HTTPS", "1 Svc.Example.", "")))).toBe("0001" + "03537663074578616d706c6500");
  });
});

describe("LOC (RFC 1876)", () => {
  test("text to wire and back", () => {
    // RFC 1876 §4's example (cambridge-net.kei.com): 42 21 54 N 71 06 18 W -24m 30m.
    const b = wire("LOC", "42 21 54 N 71 06 18 W -24m 30m");
    expect(hex(b)).toBe("00" + "33" + "16" + "13" + "89172dd0" + "70be15f0" + "00988d20");
    expect(read("LOC", hex(b))).toBe("42 21 54.000 N 71 6 18.000 W -24.00m 30m 10000m 10m");
  });

  test("a bad version or size on the wire is refused", () => {
    expect(() => read("LOC", "01 33 16 13 89172dd0 70be15f0 00988d20")).toThrow("LOC version");
    expect(() => read("LOC", "00 a3 16 13 89172dd0 70be15f0 00988d20")).toThrow("LOC size");
  });
});

describe("RFC 3597 generic rdata", () => {
  test("an unknown type is held as opaque octets; a known type's \\# rdata must be valid for it", () => {
    expect(rdataFromText("TYPE65534", "\\# 3 ABCDEF", "")).toBe("\\# 3 ABCDEF");
    expect(hex(wire("TYPE65534", "\\# 3 abcdef"))).toBe("abcdef");
    expect(readRdata(Uint8Array.of(1, 2), 0, 2, "TYPE65534")).toBe("\\# 2 0102");
    expect(rdataFromText("TLSA", "\\# 4 03010100", "")).toBe("3 1 1 00");
    expect(() => rdataFromText("TLSA", "\\# 3 030101", "")).toThrow("TLSA rdata too short");
  });
});
