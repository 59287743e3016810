// Multi-message TSIG (RFC 8945 §5.3.1) against real servers: a signed AXFR of a zone too big for one
// message, from BIND and from Knot, read over TCP and checked message by message by TsigStreamVerifier.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TsigStreamVerifier, findTsig, scanMessage, signMessage, tsigKeyFromBase64, encodeName } from "../../../src/dns/wire/index.ts";
import { havePeers } from "../../support/net.ts";
import { PRIMARY_ZONE, startBind, startKnot, type RunningPrimary } from "../../support/primaries.ts";

// ~1500 TXT records of 100 octets: about 170 kB, so several 64 kB messages.
const records = Array.from({ length: 1500 }, (_, i) => `r${i} IN TXT "${"x".repeat(100)}"`);

function axfrRequest(id: number): Uint8Array {
  return Uint8Array.from([id >> 8, id & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...encodeName(PRIMARY_ZONE), 0, 252, 0, 1]);
}

/** Send `request` over TCP and collect answer messages until the closing SOA (the second SOA). */
async function axfr(port: number, request: Uint8Array): Promise<Uint8Array[]> {
  const messages: Uint8Array[] = [];
  let buf = new Uint8Array(0);
  let soas = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("AXFR timed out")), 10000);
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(s) {
          s.write(Uint8Array.from([request.length >> 8, request.length & 0xff, ...request]));
        },
        data(s, chunk) {
          const b = new Uint8Array(buf.length + chunk.length);
          b.set(buf);
          b.set(chunk, buf.length);
          buf = b;
          while (buf.length >= 2 && buf.length >= 2 + ((buf[0] << 8) | buf[1])) {
            const len = (buf[0] << 8) | buf[1];
            const m = buf.slice(2, 2 + len);
            buf = buf.slice(2 + len);
            messages.push(m);
            soas += scanMessage(m).records.filter((r) => r.type === 6 && r.section === "answer").length;
            if (soas >= 2 || (m[3] & 0xf) !== 0) {
              clearTimeout(timer);
              s.end();
              return resolve();
            }
          }
        },
        close() {
          clearTimeout(timer);
          resolve();
        },
      },
    }).catch(reject);
  });
  return messages;
}

for (const [label, start, bin] of [
  ["BIND", startBind, "named"],
  ["Knot", startKnot, "knotd"],
] as const) {
  const run = havePeers(bin, "dig") ? describe : describe.skip;
  run(`signed AXFR from ${label}`, () => {
    let p: RunningPrimary;
    beforeAll(async () => {
      p = await start(undefined, { records });
    });
    afterAll(async () => {
      await p?.stop();
    });

    test("every message verifies with the request MAC, then the prior MAC", async () => {
      const k = p.key("hmac-sha256");
      const key = tsigKeyFromBase64(k.name, k.algorithm, k.secret);
      const req = signMessage(axfrRequest(0x5151), key);
      const messages = await axfr(p.port, req.wire);
      expect(messages.length).toBeGreaterThan(1);
      expect(messages.every((m) => (m[3] & 0xf) === 0)).toBe(true);
      const v = new TsigStreamVerifier(key, req.mac);
      const results = messages.map((m) => v.next(m));
      for (const r of results) if (!r.ok) throw new Error(r.message);
      expect(v.finish()).toBeNull();
      expect(findTsig(messages[0])).not.toBeNull();
    });

    test("a changed octet in a later message is detected", async () => {
      const k = p.key("hmac-sha512");
      const key = tsigKeyFromBase64(k.name, k.algorithm, k.secret);
      const req = signMessage(axfrRequest(0x5252), key);
      const messages = await axfr(p.port, req.wire);
      const tampered = messages[1].slice();
      tampered[tampered.length - 200] ^= 0x20; // inside a TXT string, before the TSIG record
      const v = new TsigStreamVerifier(key, req.mac);
      expect(v.next(messages[0]).ok).toBe(true);
      let failed = false;
      for (const m of [tampered, ...messages.slice(2)]) {
        const r = v.next(m);
        if (!r.ok) {
          expect(r.rcode).toBe("BADSIG");
          failed = true;
          break;
        }
      }
      expect(failed).toBe(true);
    });
  });
}
