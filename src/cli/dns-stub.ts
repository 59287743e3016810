// Until the embedded primary is wired in, the DNS listeners answer every query REFUSED (RFC 1035 rcode 5),
// so the ports are bound, probed by /healthz, and a port clash is reported at start.
import { splitHostPort } from "../http/index.ts";

export interface DnsListeners {
  addresses: string[];
  stop(): void;
}

export class DnsListenError extends Error {}

function refused(query: Uint8Array): Uint8Array | null {
  if (query.length < 12 || query[2] & 0x80) return null; // too short, or a response: never answer
  const out = new Uint8Array(query);
  out[2] = (query[2] & 0x79) | 0x80; // QR=1, keep opcode and RD, AA=0, TC=0
  out[3] = 5; // REFUSED
  return out;
}

export async function listenDnsStub(listen: string[]): Promise<DnsListeners> {
  const closers: (() => void)[] = [];
  const addresses: string[] = [];
  try {
    for (const addr of listen) {
      const { host, port } = splitHostPort(addr);
      let udp;
      try {
        udp = await Bun.udpSocket({
          hostname: host,
          port,
          socket: {
            data(sock, buf, p, a) {
              const r = refused(new Uint8Array(buf));
              if (r) sock.send(r, p, a);
            },
          },
        });
      } catch (e) {
        throw new DnsListenError(`cannot listen on ${addr} (dns.listen, udp): ${(e as NodeJS.ErrnoException).code === "EADDRINUSE" ? "address already in use" : (e as Error).message}`);
      }
      closers.push(() => udp.close());
      try {
        const tcp = Bun.listen({
          hostname: host,
          port: udp.port,
          socket: {
            data(sock, buf) {
              if (buf.length < 14) return;
              const r = refused(new Uint8Array(buf.subarray(2, 2 + ((buf[0] << 8) | buf[1]))));
              if (r) sock.write(new Uint8Array([r.length >> 8, r.length & 255, ...r]));
            },
          },
        });
        closers.push(() => tcp.stop(true));
      } catch (e) {
        throw new DnsListenError(`cannot listen on ${addr} (dns.listen, tcp): ${(e as NodeJS.ErrnoException).code === "EADDRINUSE" ? "address already in use" : (e as Error).message}`);
      }
      addresses.push(host.includes(":") ? `[${host}]:${udp.port}` : `${host}:${udp.port}`);
    }
  } catch (e) {
    for (const c of closers) c();
    throw e;
  }
  return { addresses, stop: () => closers.forEach((c) => c()) };
}
