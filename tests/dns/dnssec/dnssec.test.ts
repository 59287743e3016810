// dns/dnssec: encodings, keys, DS, signatures, NSEC3 hashes and sealed private keys, against RFC vectors.
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  base32hex, decodeTypeBitmap, dnskeyWire, dsText, encodeTypeBitmap, fromBase32hex, fromBase64, generateKey, keyFromPkcs8, keyTag,
  dnssecMasterKey, loadOrCreateMasterKey, nsec3Hash, openSecret, parseSigTime, sealSecret, signedData, signRRset, sigTime, verifyBytes,
} from "../../../src/dns/dnssec/index.ts";

// RFC 6605 §6.1: the example KSK of example.net and its DS.
const RFC6605_KEY = fromBase64("GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==");

describe("encodings", () => {
  test("base32hex round-trips and keeps byte order", () => {
    const a = randomBytes(20);
    expect(fromBase32hex(base32hex(a))).toEqual(Uint8Array.from(a));
    expect(base32hex(Uint8Array.from([0]))).toBe("00");
    expect(base32hex(Uint8Array.from([0xff]))).toBe("vs");
  });
  test("type bitmaps (RFC 4034 §4.3 example: A MX RRSIG NSEC TYPE1234)", () => {
    const b = encodeTypeBitmap([1, 15, 46, 47, 1234]);
    expect(b.length).toBe(2 + 6 + 2 + 27);
    expect(b[b.length - 1]).toBe(0x20);
    expect(b.subarray(0, 8)).toEqual(Uint8Array.from([0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03]));
    expect(b.subarray(8, 10)).toEqual(Uint8Array.from([0x04, 0x1b]));
    expect(decodeTypeBitmap(b)).toEqual([1, 15, 46, 47, 1234]);
    expect(() => decodeTypeBitmap(Uint8Array.from([0, 0]))).toThrow();
  });
  test("signature times are YYYYMMDDHHmmSS in UTC", () => {
    expect(sigTime(0)).toBe("19700101000000");
    expect(parseSigTime("20261126120000")).toBe(Date.UTC(2026, 10, 26, 12) / 1000);
    expect(parseSigTime("1234")).toBe(1234);
    expect(() => parseSigTime("2026x")).toThrow();
  });
});

describe("keys", () => {
  test("RFC 6605 §6.1: key tag 55648 and its SHA-256 DS", () => {
    expect(keyTag(dnskeyWire(257, 13, RFC6605_KEY))).toBe(55648);
    expect(dsText("example.net", { flags: 257, algorithm: 13, publicKey: RFC6605_KEY, keyTag: 55648 })).toBe(
      "55648 13 2 B4C8C1FE2E7477127B27115656AD6256F424625BF5C1E2770CE6D6E37DF61D17",
    );
  });
  for (const alg of [13, 15] as const) {
    test(`algorithm ${alg}: a generated key signs, verifies, and survives PKCS#8`, () => {
      const { key, pkcs8 } = generateKey(alg, 256);
      expect(key.publicKey.length).toBe(alg === 13 ? 64 : 32);
      const again = keyFromPkcs8(alg, 256, pkcs8);
      expect(again.keyTag).toBe(key.keyTag);
      const set = { owner: "www.example.org", type: 1, ttl: 300, rdatas: [Uint8Array.from([192, 0, 2, 1])] };
      const w = { inception: 1_700_000_000, expiration: 1_700_100_000, signer: "example.org" };
      const sig = signRRset(again, set, "A", w);
      const p = sig.split(" ");
      expect(p.slice(0, 8)).toEqual(["A", String(alg), "3", "300", sigTime(w.expiration), sigTime(w.inception), String(key.keyTag), "example.org."]);
      const data = signedData(key, set, w);
      expect(verifyBytes(alg, key.publicKey, data, fromBase64(p[8]))).toBe(true);
      data[data.length - 1] ^= 1;
      expect(verifyBytes(alg, key.publicKey, data, fromBase64(p[8]))).toBe(false);
    });
  }
});

describe("NSEC3 hashing", () => {
  test("RFC 5155 Appendix A: salt aabbccdd, 12 iterations", () => {
    const salt = Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd]);
    expect(nsec3Hash("example", salt, 12)).toBe("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom");
    expect(nsec3Hash("a.example", salt, 12)).toBe("35mthgpgcu1qg68fab165klnsnk3dpvl");
    expect(nsec3Hash("A.EXAMPLE.", salt, 12)).toBe("35mthgpgcu1qg68fab165klnsnk3dpvl");
  });
});

describe("sealed private keys", () => {
  test("AES-256-GCM: opens with the same master key and row, not with another", () => {
    const mk = randomBytes(32);
    const secret = randomBytes(100);
    const sealed = sealSecret(mk, secret, "example.org/k1");
    expect(sealed).not.toContain(secret.toString("base64"));
    expect(openSecret(mk, sealed, "example.org/k1")).toEqual(Uint8Array.from(secret));
    expect(() => openSecret(randomBytes(32), sealed, "example.org/k1")).toThrow(/wrong master key/);
    expect(() => openSecret(mk, sealed, "example.org/k2")).toThrow(/wrong master key/);
  });
  test("the master key file is created once, mode 0600, and read back", () => {
    const dir = mkdtempSync(join(tmpdir(), "updns-dnssec-"));
    const a = loadOrCreateMasterKey(join(dir, "dnssec.key"));
    expect(statSync(join(dir, "dnssec.key")).mode & 0o777).toBe(0o600);
    expect(loadOrCreateMasterKey(join(dir, "dnssec.key"))).toEqual(a);
    // The config value wins over the file; a bad one is an error, not a silent fallback.
    expect(dnssecMasterKey({ dataDir: dir })).toEqual(a);
    expect(dnssecMasterKey({ dataDir: dir, configured: "ab".repeat(32) })).toEqual(Uint8Array.from(Buffer.alloc(32, 0xab)));
    expect(() => dnssecMasterKey({ dataDir: dir, configured: "short" })).toThrow(/32 octets/);
  });
});
