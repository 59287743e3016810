// TSIG (RFC 8945) behaviours, proven first against messages signed by BIND's nsupdate and Knot's
// knsupdate (captured by tests/fixtures/tsig/make-fixtures.ts), then by round trips of our own.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  TSIG_ALGORITHMS,
  TsigStreamSigner,
  TsigStreamVerifier,
  appendUnsignedTsigError,
  findTsig,
  macLength,
  minimumMacLength,
  parseAlgorithm,
  signMessage,
  tsigKeyFromBase64,
  verifyMessage,
  type TsigKey,
} from "../../../src/dns/wire/index.ts";

const fixtureDir = join(import.meta.dir, "../../fixtures/tsig");
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => {
    const j = JSON.parse(readFileSync(join(fixtureDir, f), "utf8"));
    return { file: f, key: tsigKeyFromBase64(j.key.name, j.key.algorithm, j.key.secret), timeSigned: j.timeSigned as number, fudge: j.fudge as number, wire: Uint8Array.from(Buffer.from(j.wire, "hex")) };
  });

const lookup = (k: TsigKey) => (n: string) => (n === k.name ? k : undefined);

/** A minimal query message: ID 0x1234, one question "example.test A IN". */
function query(id = 0x1234): Uint8Array {
  const q = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, ...Buffer.from("example"), 4, ...Buffer.from("test"), 0, 0, 1, 0, 1];
  const out = Uint8Array.from(q);
  out[0] = id >> 8;
  out[1] = id & 0xff;
  return out;
}

describe("known answers from nsupdate and knsupdate", () => {
  test("fixtures exist for both tools and all six algorithms", () => {
    expect(fixtures.length).toBe(12);
    for (const tool of ["nsupdate", "knsupdate"]) for (const a of TSIG_ALGORITHMS) expect(fixtures.some((f) => f.file === `${tool}-${a}.json`)).toBe(true);
  });

  for (const f of fixtures) {
    describe(f.file, () => {
      const t = findTsig(f.wire)!;
      const now = t.timeSigned;

      test("the record decodes to the time and fudge the tool used", () => {
        expect([t.timeSigned, t.fudge, t.keyName, t.mac.length]).toEqual([f.timeSigned, f.fudge, f.key.name, macLength(f.key.algorithm)]);
      });

      test("verifies", () => {
        const r = verifyMessage(f.wire, lookup(f.key), { now });
        expect(r.ok).toBe(true);
      });

      test("re-signing the unsigned message at the same time gives the same MAC and the same octets", () => {
        const r = verifyMessage(f.wire, lookup(f.key), { now });
        if (!r.ok) throw new Error(r.message);
        const again = signMessage(r.unsigned, f.key, { time: t.timeSigned, fudge: t.fudge });
        expect(Buffer.from(again.mac).toString("hex")).toBe(Buffer.from(t.mac).toString("hex"));
        // The ID was not rewritten by the tool, so the whole message comes out identical.
        expect(Buffer.from(again.wire).toString("hex")).toBe(Buffer.from(f.wire).toString("hex"));
      });

      test("a flipped bit in the message gives BADSIG", () => {
        const bad = f.wire.slice();
        bad[14] ^= 0x01; // inside the zone name
        const r = verifyMessage(bad, lookup(f.key), { now });
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.rcode).toBe("BADSIG");
      });

      test("a different secret gives BADSIG", () => {
        const other = { ...f.key, secret: Uint8Array.from([...f.key.secret].map((b) => b ^ 0xff)) };
        const r = verifyMessage(f.wire, lookup(other), { now });
        expect(!r.ok && r.rcode).toBe("BADSIG");
      });

      test("an unknown key name gives BADKEY", () => {
        const r = verifyMessage(f.wire, () => undefined, { now });
        expect(!r.ok && r.rcode).toBe("BADKEY");
        if (!r.ok) expect(r.message).toContain(f.key.name);
      });

      test("a clock off by more than the fudge gives BADTIME, within the fudge is fine", () => {
        expect(verifyMessage(f.wire, lookup(f.key), { now: now + t.fudge }).ok).toBe(true);
        const r = verifyMessage(f.wire, lookup(f.key), { now: now + t.fudge + 1 });
        expect(!r.ok && r.rcode).toBe("BADTIME");
        const r2 = verifyMessage(f.wire, lookup(f.key), { now: now - t.fudge - 1 });
        expect(!r2.ok && r2.rcode).toBe("BADTIME");
      });
    });
  }
});

describe("parsing keys and algorithms", () => {
  test("algorithm spellings of BIND, Knot and dnspython", () => {
    expect(parseAlgorithm("hmac-sha256")).toBe("hmac-sha256");
    expect(parseAlgorithm("HMAC_SHA256")).toBe("hmac-sha256");
    expect(parseAlgorithm("hmac-md5.sig-alg.reg.int")).toBe("hmac-md5");
    expect(parseAlgorithm("HMAC-MD5.SIG-ALG.REG.INT.")).toBe("hmac-md5");
    expect(parseAlgorithm("sha512")).toBe("hmac-sha512");
    expect(parseAlgorithm("hmac-sha3")).toBeNull();
    expect(parseAlgorithm("gss-tsig")).toBeNull();
  });

  test("bad secrets, names and algorithms throw a clear error", () => {
    expect(() => tsigKeyFromBase64("k", "hmac-sha256", "not base64!")).toThrow(/not valid base64/);
    expect(() => tsigKeyFromBase64("k", "hmac-sha256", "")).toThrow(/not valid base64/);
    expect(() => tsigKeyFromBase64("", "hmac-sha256", "AAAA")).toThrow(/key name is empty/);
    expect(() => tsigKeyFromBase64("k", "rsa", "AAAA")).toThrow(/algorithm "rsa" is not supported/);
    expect(() => tsigKeyFromBase64("a".repeat(64) + ".x", "hmac-sha256", "AAAA")).toThrow(/not a valid domain name/);
    const k = tsigKeyFromBase64("Key.Example.", "HMAC_SHA1", "AAECAw==");
    expect(k).toEqual({ name: "key.example", algorithm: "hmac-sha1", secret: Uint8Array.of(0, 1, 2, 3) });
  });
});

describe("round trips", () => {
  for (const alg of TSIG_ALGORITHMS) {
    test(`${alg}: request signed, response chained to the request MAC`, () => {
      const key = tsigKeyFromBase64("k.example", alg, Buffer.from("0123456789abcdef").toString("base64"));
      const req = signMessage(query(), key, { time: 1_700_000_000 });
      const v = verifyMessage(req.wire, lookup(key), { now: 1_700_000_010 });
      expect(v.ok).toBe(true);
      const resp = query();
      resp[2] |= 0x80;
      const signed = signMessage(resp, key, { time: 1_700_000_011, requestMac: req.mac });
      expect(verifyMessage(signed.wire, lookup(key), { now: 1_700_000_011, requestMac: req.mac }).ok).toBe(true);
      // Without (or with another) request MAC the response does not verify: a forged answer to another query.
      const r = verifyMessage(signed.wire, lookup(key), { now: 1_700_000_011 });
      expect(!r.ok && r.rcode).toBe("BADSIG");
    });
  }

  test("the original ID is restored: a forwarder may change the header ID", () => {
    const key = tsigKeyFromBase64("k", "hmac-sha256", "AAECAwQFBgcICQ==");
    const s = signMessage(query(0x1111), key, { time: 100 });
    const w = s.wire.slice();
    w[0] = 0x22;
    w[1] = 0x22;
    const r = verifyMessage(w, lookup(key), { now: 100 });
    expect(r.ok).toBe(true);
    if (r.ok) expect([r.unsigned[0], r.unsigned[1], r.unsigned[11]]).toEqual([0x11, 0x11, 0]);
  });

  test("a key known under another algorithm gives BADKEY", () => {
    const k1 = tsigKeyFromBase64("k", "hmac-sha256", "AAECAwQFBgcICQ==");
    const k2 = { ...k1, algorithm: "hmac-sha512" as const };
    const r = verifyMessage(signMessage(query(), k1, { time: 5 }).wire, lookup(k2), { now: 5 });
    expect(!r.ok && r.rcode).toBe("BADKEY");
  });
});

describe("truncated MACs (RFC 8945 §5.2.2.1)", () => {
  const key = tsigKeyFromBase64("k", "hmac-sha256", "AAECAwQFBgcICQ==");
  test("minimum lengths: max(10, half the hash)", () => {
    expect(minimumMacLength("hmac-md5")).toBe(10);
    expect(minimumMacLength("hmac-sha1")).toBe(10);
    expect(minimumMacLength("hmac-sha256")).toBe(16);
    expect(minimumMacLength("hmac-sha512")).toBe(32);
  });

  test("an allowed truncation verifies; the local policy can refuse it with BADTRUNC", () => {
    const s = signMessage(query(), key, { time: 9, macSize: 16 });
    expect(s.mac.length).toBe(16);
    expect(verifyMessage(s.wire, lookup(key), { now: 9 }).ok).toBe(true);
    const r = verifyMessage(s.wire, lookup(key), { now: 9, minMacSize: 32 });
    expect(!r.ok && r.rcode).toBe("BADTRUNC");
  });

  test("below the minimum, or longer than the hash, is FORMERR and we refuse to produce it", () => {
    expect(() => signMessage(query(), key, { macSize: 15 })).toThrow(/MAC size 15/);
    // Forge a 12-octet MAC by editing a 16-octet one: size field and record length shrink by 4.
    const s = signMessage(query(), key, { time: 9, macSize: 16 });
    const t = findTsig(s.wire)!;
    const macSizeAt = s.wire.length - 6 - 16 - 2;
    const w = new Uint8Array([...s.wire.subarray(0, macSizeAt), 0, 12, ...s.wire.subarray(macSizeAt + 2, macSizeAt + 2 + 12), ...s.wire.subarray(s.wire.length - 6)]);
    // Owner "k" is 3 octets, then type, class and TTL (8): RDLENGTH follows.
    const rdlen = (w[t.offset + 3 + 8] << 8) | w[t.offset + 3 + 9];
    w[t.offset + 3 + 8] = (rdlen - 4) >> 8;
    w[t.offset + 3 + 9] = (rdlen - 4) & 0xff;
    const r = verifyMessage(w, lookup(key), { now: 9 });
    expect(!r.ok && r.rcode).toBe("FORMERR");
    if (!r.ok) expect(r.message).toContain("shorter than the minimum 16");
  });
});

describe("errors reported by the other side", () => {
  const key = tsigKeyFromBase64("k", "hmac-sha256", "AAECAwQFBgcICQ==");
  test("an unsigned BADSIG / BADKEY answer (MAC size 0) is reported as the peer's error", () => {
    const w = appendUnsignedTsigError(query(), "k", "hmac-sha256", 16, 100);
    const r = verifyMessage(w, lookup(key), { now: 100 });
    expect(r).toMatchObject({ ok: false, rcode: "BADSIG", fromPeer: true });
    const w2 = appendUnsignedTsigError(query(), "k", "hmac-sha256", 17, 100);
    expect(verifyMessage(w2, lookup(key), { now: 100 })).toMatchObject({ ok: false, rcode: "BADKEY", fromPeer: true });
  });

  test("a signed BADTIME answer is verified and reported with the peer's clock", () => {
    const req = signMessage(query(), key, { time: 1000 });
    const other = Uint8Array.of(0, 0, 0, 0, 0x0f, 0xa0); // 4000
    const resp = signMessage(query(), key, { time: 1000, requestMac: req.mac, error: 18, otherData: other });
    const r = verifyMessage(resp.wire, lookup(key), { now: 1000, requestMac: req.mac });
    expect(r).toMatchObject({ ok: false, rcode: "BADTIME", fromPeer: true });
    if (!r.ok) expect(r.message).toContain("1970-01-01T01:06:40.000Z");
  });
});

describe("malformed messages", () => {
  const key = tsigKeyFromBase64("k", "hmac-sha256", "AAECAwQFBgcICQ==");
  test("unsigned, truncated, or TSIG not last: FORMERR with a reason, never a throw", () => {
    expect(verifyMessage(query(), lookup(key))).toMatchObject({ ok: false, rcode: "FORMERR", message: "message carries no TSIG record" });
    const s = signMessage(query(), key, { time: 1 }).wire;
    for (let cut = 0; cut < s.length; cut++) expect(verifyMessage(s.subarray(0, cut), lookup(key)).ok).toBe(false);
    // Append an A record after the TSIG record: TSIG is no longer last.
    const extra = Uint8Array.of(0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4);
    const w = new Uint8Array([...s, ...extra]);
    w[11] += 1;
    const r = verifyMessage(w, lookup(key));
    expect(r).toMatchObject({ ok: false, rcode: "FORMERR" });
    if (!r.ok) expect(r.message).toContain("not the last record");
  });

  test("random garbage never throws", () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff;
    for (let i = 0; i < 2000; i++) {
      const w = Uint8Array.from({ length: 12 + (rnd() % 80) }, rnd);
      expect(() => verifyMessage(w, lookup(key))).not.toThrow();
    }
  });
});

describe("multi-message answers (RFC 8945 §5.3.1)", () => {
  const key = tsigKeyFromBase64("axfr", "hmac-sha512", Buffer.from("axfr secret").toString("base64"));
  const msgs = Array.from({ length: 7 }, (_, i) => query(0x0100 + i));

  test("signed every third message: the verifier accepts the chain", () => {
    const req = signMessage(query(), key, { time: 50 });
    const signer = new TsigStreamSigner(key, req.mac, { every: 3, now: () => 50 });
    const out = msgs.map((m, i) => signer.next(m, i === msgs.length - 1));
    expect(out.map((w) => findTsig(w) !== null)).toEqual([true, false, false, true, false, false, true]);
    const v = new TsigStreamVerifier(key, req.mac, { now: () => 50 });
    for (const w of out) expect(v.next(w).ok).toBe(true);
    expect(v.finish()).toBeNull();
  });

  test("a changed unsigned message in between breaks the next signature", () => {
    const req = signMessage(query(), key, { time: 50 });
    const signer = new TsigStreamSigner(key, req.mac, { every: 3, now: () => 50 });
    const out = msgs.map((m, i) => signer.next(m, i === msgs.length - 1));
    out[1] = out[1].slice();
    out[1][13] ^= 1;
    const v = new TsigStreamVerifier(key, req.mac, { now: () => 50 });
    const results = out.slice(0, 4).map((w) => v.next(w));
    expect(results[3]).toMatchObject({ ok: false, rcode: "BADSIG" });
  });

  test("an unsigned first or last message is refused", () => {
    const req = signMessage(query(), key, { time: 50 });
    const v = new TsigStreamVerifier(key, req.mac);
    expect(v.next(query())).toMatchObject({ ok: false, rcode: "FORMERR" });
    const v2 = new TsigStreamVerifier(key, req.mac, { now: () => 50 });
    const signer = new TsigStreamSigner(key, req.mac, { every: 100, now: () => 50 });
    v2.next(signer.next(msgs[0], false));
    v2.next(signer.next(msgs[1], false));
    expect(v2.finish()).toContain("not signed");
  });
});
