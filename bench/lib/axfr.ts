// A minimal AXFR client (RFC 5936) that times a whole transfer: connect, ask, read every message until
// the closing SOA. It counts records from the headers (ANCOUNT) and decodes only the last message, so
// the client's own work stays small beside the server's.
import dnsPacket from "dns-packet";

export interface AxfrResult {
  seconds: number;
  messages: number;
  /** Records received, both SOAs included. */
  records: number;
  bytes: number;
}

/** Transfer `zone` from 127.0.0.1:port; `expected` is the zone's RR count (SOA once). */
export async function axfr(port: number, zone: string, expected: number, timeoutMs = 60_000): Promise<AxfrResult> {
  const q = dnsPacket.encode({ type: "query", id: 4242, flags: 0, questions: [{ type: "AXFR", name: zone, class: "IN" }] });
  const framed = new Uint8Array(q.length + 2);
  framed[0] = q.length >> 8;
  framed[1] = q.length & 255;
  framed.set(q, 2);
  const t0 = performance.now();
  return await new Promise<AxfrResult>((resolve, reject) => {
    let buf = new Uint8Array(1 << 20);
    let have = 0;
    let records = 0;
    let messages = 0;
    let bytes = 0;
    let done = false;
    const finish = (s: { end(): void } | null, err?: Error, last?: Uint8Array) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s?.end();
      if (err) return reject(err);
      const seconds = (performance.now() - t0) / 1000;
      // The transfer ends with the SOA it began with (RFC 5936 §2.2).
      const answers = dnsPacket.decode(Buffer.from(last!)).answers ?? [];
      if (answers[answers.length - 1]?.type !== "SOA") return reject(new Error("AXFR did not end with the SOA"));
      resolve({ seconds, messages, records, bytes });
    };
    const timer = setTimeout(() => finish(null, new Error(`AXFR of ${zone} on port ${port} took over ${timeoutMs} ms (${records} records)`)), timeoutMs);
    void Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(s) {
          s.write(framed);
        },
        data(s, chunk) {
          bytes += chunk.length;
          if (have + chunk.length > buf.length) {
            const bigger = new Uint8Array(Math.max(buf.length * 2, have + chunk.length));
            bigger.set(buf.subarray(0, have));
            buf = bigger;
          }
          buf.set(chunk, have);
          have += chunk.length;
          let off = 0;
          // Bounded by the octets received: each frame consumes at least its 2-octet length.
          while (have - off >= 2) {
            const len = (buf[off] << 8) | buf[off + 1];
            if (have - off < 2 + len) break;
            const msg = buf.subarray(off + 2, off + 2 + len);
            off += 2 + len;
            messages++;
            const rcode = msg[3] & 15;
            if (rcode !== 0) return finish(s, new Error(`AXFR refused: rcode ${rcode}`));
            records += (msg[6] << 8) | msg[7];
            if (records >= expected + 1) return finish(s, undefined, msg.slice());
          }
          buf.copyWithin(0, off, have);
          have -= off;
        },
        close() {
          if (!done) finish(null, new Error(`AXFR connection closed after ${records} of ${expected + 1} records`));
        },
        error(_s, e) {
          finish(null, e);
        },
      },
    }).catch((e) => finish(null, e));
  });
}

/**
 * Run the client once against a canned transfer served in this process, so that no server's "first AXFR
 * after start-up" also pays for warming up the client's own code (the first server measured would).
 */
export async function warmAxfrClient(zone = "warm.test", records = 2000): Promise<void> {
  const soa = { name: zone, type: "SOA" as const, ttl: 60, data: { mname: `ns.${zone}`, rname: `hostmaster.${zone}`, serial: 1, refresh: 60, retry: 60, expire: 60, minimum: 60 } };
  const body = Array.from({ length: records }, (_, i) => ({ name: `h${i}.${zone}`, type: "A" as const, ttl: 60, data: `192.0.2.${i % 250}` }));
  const frame = (answers: dnsPacket.Answer[]) => {
    const m = dnsPacket.encode({ type: "response", id: 4242, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: [{ type: "AXFR", name: zone, class: "IN" }], answers });
    const out = new Uint8Array(m.length + 2);
    out[0] = m.length >> 8;
    out[1] = m.length & 255;
    out.set(m, 2);
    return out;
  };
  const chunks: Uint8Array[] = [frame([soa, ...body.slice(0, 500)])];
  for (let i = 500; i < records; i += 500) chunks.push(frame(body.slice(i, i + 500)));
  chunks.push(frame([soa]));
  const transfer = Buffer.concat(chunks);
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(s) {
        s.write(transfer);
      },
    },
  });
  try {
    // The SOA once more at the end makes records + 1.
    for (let i = 0; i < 3; i++) await axfr(server.port, zone, records + 1, 10_000);
  } finally {
    server.stop(true);
  }
}
