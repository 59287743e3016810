// A scriptable DNS server for hostile-answer tests: UDP and TCP on one free loopback port, each request
// handed to `respond`, which returns the datagram(s) to send back (or nothing, to stay silent; over TCP
// nothing closes the connection, an empty list keeps it open).
import { freePort } from "../../support/net.ts";

export type Responder = (request: Uint8Array, via: "udp" | "tcp") => Uint8Array | Uint8Array[] | null | undefined;

export interface FakeServer {
  port: number;
  /** `port`: the client's source port (UDP); `from`: its source address. */
  requests: { via: "udp" | "tcp"; wire: Uint8Array; port?: number; from: string }[];
  respond: Responder;
  /** TCP connections accepted so far. */
  connections: number;
  /** Close every open TCP connection, as a server's idle timeout does. */
  dropConnections(): void;
  stop(): void;
}

export async function startFakeServer(respond: Responder): Promise<FakeServer> {
  const port = await freePort();
  const open = new Set<{ end(): void }>();
  const state: FakeServer = { port, requests: [], respond, connections: 0, dropConnections: () => open.forEach((s) => s.end()), stop: () => {} };
  const toList = (r: ReturnType<Responder>) => (r ? (Array.isArray(r) ? r : [r]) : []);
  const udp = await Bun.udpSocket({
    hostname: "127.0.0.1",
    port,
    socket: {
      data(sock, buf, rport, raddr) {
        const wire = new Uint8Array(buf);
        state.requests.push({ via: "udp", wire, port: rport, from: raddr });
        for (const out of toList(state.respond(wire, "udp"))) sock.send(out, rport, raddr);
      },
    },
  });
  const tcp = Bun.listen<{ buf: Uint8Array }>({
    hostname: "127.0.0.1",
    port,
    socket: {
      open(s) {
        s.data = { buf: new Uint8Array(0) };
        state.connections++;
        open.add(s);
      },
      close(s) {
        open.delete(s);
      },
      data(s, chunk) {
        const b = new Uint8Array(s.data.buf.length + chunk.length);
        b.set(s.data.buf);
        b.set(chunk, s.data.buf.length);
        s.data.buf = b;
        if (b.length < 2) return;
        const len = (b[0] << 8) | b[1];
        if (b.length < 2 + len) return;
        const wire = b.slice(2, 2 + len);
        s.data.buf = b.slice(2 + len);
        state.requests.push({ via: "tcp", wire, from: s.remoteAddress });
        const r = state.respond(wire, "tcp");
        // An empty list: say nothing and keep the connection open (a server too busy to answer).
        if (Array.isArray(r) && r.length === 0) return;
        const outs = toList(r);
        if (outs.length === 0) {
          s.end();
          return;
        }
        for (const out of outs) s.write(Uint8Array.from([out.length >> 8, out.length & 0xff, ...out]));
      },
    },
  });
  state.stop = () => {
    udp.close();
    tcp.stop(true);
  };
  return state;
}

/** A response to `request`: same ID and question, QR and AA set, the given rcode and answer records. */
export function answer(
  request: Uint8Array,
  opts: { rcode?: number; tc?: boolean; answers?: { type: number; ttl?: number; rdata: number[] }[] } = {},
): Uint8Array {
  // Question ends after the first name + 4 octets; our client never compresses its question.
  let p = 12;
  while (request[p] !== 0) p += request[p] + 1;
  const qEnd = p + 5;
  const out = [...request.subarray(0, qEnd)];
  out[2] = 0x80 | (request[2] & 0x78) | 0x04 | (opts.tc ? 0x02 : 0);
  out[3] = opts.rcode ?? 0;
  const ans = opts.answers ?? [];
  out[6] = ans.length >> 8;
  out[7] = ans.length & 0xff;
  out[8] = out[9] = out[10] = out[11] = 0;
  for (const a of ans) {
    const ttl = a.ttl ?? 60;
    out.push(0xc0, 12, a.type >> 8, a.type & 0xff, 0, 1, (ttl >>> 24) & 0xff, (ttl >> 16) & 0xff, (ttl >> 8) & 0xff, ttl & 0xff, a.rdata.length >> 8, a.rdata.length & 0xff, ...a.rdata);
  }
  return Uint8Array.from(out);
}
