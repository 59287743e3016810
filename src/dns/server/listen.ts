// UDP and TCP listeners (RFC 1035 §4.2, RFC 7766): every configured address, both transports. TCP
// messages are length-prefixed and may be pipelined; idle connections close; a connection limit holds.
import type { Socket, TCPSocketListener, udp } from "bun";
import type { Peer, Responder } from "./responder.ts";
import { truncatedAnswer, type ResponseRateLimiter } from "./rrl.ts";

export interface ListenOptions {
  /** "127.0.0.1:5353", "[::1]:5353", "0.0.0.0:53" */
  listen: string[];
  responder: Responder;
  /** Close a TCP connection idle this long (RFC 7766 §6.2.3 suggests seconds, not minutes). */
  tcpIdleMs?: number;
  /** Open TCP connections at most; more are closed at once. */
  maxTcpConnections?: number;
  /** Open TCP connections per client address at most (one address cannot take them all). */
  maxTcpConnectionsPerAddress?: number;
  /** Response rate limiting of UDP answers (rrl.ts); absent or rate 0: off. */
  rrl?: ResponseRateLimiter;
  log?: (msg: string) => void;
}

export interface DnsListener {
  /** Bound addresses as "host:port" (the real port when 0 was asked for). */
  addresses: { host: string; udpPort: number; tcpPort: number }[];
  stop(): Promise<void>;
}

/** A configured address that could not be bound (`code`: EADDRINUSE, EACCES, ... when the system gave one). */
export class BindError extends Error {
  constructor(
    readonly address: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = "BindError";
  }
}

/**
 * IPV6_V6ONLY for an IPv6 address: "[::]:53" then takes IPv6 alone and "0.0.0.0:53" beside it binds (with
 * Linux's default bindv6only=0 the two would collide, and IPv4 clients would show as ::ffff:a.b.c.d).
 * Bun.udpSocket takes it as `flags` bit 8, as Bun's own node:dgram passes `ipv6Only` to it.
 */
const UDP_IPV6_ONLY = 8;

export function parseListen(s: string): { host: string; port: number } {
  const m = s.match(/^\[([^\]]+)\]:(\d+)$/) ?? s.match(/^([^:]+):(\d+)$/);
  if (!m) throw new Error(`bad listen address ${JSON.stringify(s)} (use "127.0.0.1:53" or "[::1]:53")`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`bad port in ${JSON.stringify(s)}`);
  return { host: m[1], port };
}

interface Conn {
  buf: Uint8Array;
  queue: Uint8Array[];
  /** Octets waiting in `queue`. */
  queued: number;
  peer: Peer;
  /** Date.now() of the last octet read or written (the idle sweep below). */
  active: number;
}

const MAX_TCP_BUFFER = 65537 * 4;
/** Unsent answer octets per connection at most (a full AXFR of a million hosts is ~25 MB). */
const MAX_TCP_QUEUED = 64 * 1024 * 1024;

export async function listenDns(opts: ListenOptions): Promise<DnsListener> {
  const udpSockets: udp.Socket<"uint8array">[] = [];
  const tcpServers: TCPSocketListener<Conn>[] = [];
  const addresses: DnsListener["addresses"] = [];
  const idleMs = Math.max(100, opts.tcpIdleMs ?? 10_000);
  const maxConns = opts.maxTcpConnections ?? 256;
  let conns = 0;
  const maxPerAddress = opts.maxTcpConnectionsPerAddress ?? maxConns;
  const perAddress = new Map<string, number>();
  const rrl = opts.rrl?.enabled ? opts.rrl : undefined;
  const r = opts.responder;

  // Idle connections are closed by a sweep of our own rather than Bun's socket timeout, whose coarse ticks
  // closed a connection well before its time (2 s idle set, closed after 0.6 s): RFC 7766 §6.2.3 wants the
  // client given the idle time it was promised. Never early, at most a sweep interval late.
  const open = new Set<Socket<Conn>>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const s of open) if (now - s.data.active >= idleMs) s.end();
  }, Math.min(1000, Math.ceil(idleMs / 4)));
  (sweep as { unref?: () => void }).unref?.();

  const flush = (s: Socket<Conn>) => {
    const d = s.data;
    // Bounded by the queue length; a short write leaves the rest for the drain event.
    while (d.queue.length > 0) {
      const m = d.queue[0];
      const n = Math.max(0, s.write(m));
      d.queued -= n;
      if (n < m.length) {
        d.queue[0] = m.subarray(n);
        return;
      }
      d.queue.shift();
    }
  };

  // Answers go out in batches: one sendMany per socket and event-loop turn, for fewer syscalls per query.
  const outbox = new Map<udp.Socket<"uint8array">, (Uint8Array | number | string)[]>();
  let flushScheduled = false;
  const flushUdp = () => {
    flushScheduled = false;
    for (const [sock, batch] of outbox) {
      outbox.delete(sock);
      try {
        if (batch.length === 3) sock.send(batch[0] as Uint8Array, batch[1] as number, batch[2] as string);
        else sock.sendMany(batch as never);
      } catch {
        // ECONNREFUSED left by an earlier ICMP error, or a full send buffer: UDP may drop answers.
      }
    }
  };
  const queueSend = (sock: udp.Socket<"uint8array">, out: Uint8Array, port: number, addr: string) => {
    let b = outbox.get(sock);
    if (!b) outbox.set(sock, (b = []));
    b.push(out, port, addr);
    if (b.length >= 3 * 64) {
      // Bounded batches: flush a full one at once.
      outbox.delete(sock);
      try {
        sock.sendMany(b as never);
      } catch {
        // as above
      }
      return;
    }
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushUdp);
    }
  };

  let binding = "";
  try {
    for (const l of opts.listen) {
      binding = l;
      const { host, port } = parseListen(l);
      const ipv6Only = host.includes(":");
      // With port 0 the OS picks the UDP port and TCP must take the same one; if another socket holds it
      // for TCP, pick again (bounded).
      for (let attempt = 0; ; attempt++) {
        const u = await Bun.udpSocket({
          hostname: host,
          port,
          ...(ipv6Only ? { flags: UDP_IPV6_ONLY } : {}),
          binaryType: "uint8array",
          socket: {
            data(sock, buf, rport, raddr) {
              const peer: Peer = { transport: "udp", address: raddr, port: rport };
              const res = r.handle(
                buf,
                peer,
                rrl
                  ? (out) => {
                      const d = rrl.decide(raddr, out, Date.now());
                      const t = d === "slip" ? truncatedAnswer(out) : null;
                      if (d === "send") queueSend(sock, out, rport, raddr);
                      else if (t) queueSend(sock, t, rport, raddr);
                    }
                  : (out) => queueSend(sock, out, rport, raddr),
              );
              if (res instanceof Promise) res.catch(() => {});
            },
            // An ICMP "port unreachable" for an answer to a client that went away surfaces here
            // (ECONNREFUSED); it concerns that one client only, so it is logged at most and ignored.
            error(a: unknown, b?: unknown) {
              // Bun 1.4 passes the error alone (as `this`-bound handler), its typings say (socket, error).
              const e = ((b ?? a) ?? {}) as { code?: string; message?: string };
              if (e.code !== "ECONNREFUSED") opts.log?.(`dns/server: udp: ${e.message ?? String(e)}`);
            },
          },
        });
        let tcp: TCPSocketListener<Conn>;
        try {
          tcp = Bun.listen<Conn>({
            hostname: host,
            port: port === 0 ? u.port : port,
            // IPv6-only like the UDP socket (Bun.listen takes ipv6Only; its typings list it for connect only).
            // No reusePort: a second server on this address fails to start.
            ...({ ipv6Only } as object),
            socket: {
              open(s) {
                s.data = { buf: new Uint8Array(0), queue: [], queued: 0, peer: { transport: "tcp", address: s.remoteAddress, port: 0 }, active: Date.now() };
                conns++;
                const n = (perAddress.get(s.remoteAddress) ?? 0) + 1;
                perAddress.set(s.remoteAddress, n);
                if (conns > maxConns || n > maxPerAddress) {
                  s.end();
                  return;
                }
                open.add(s);
              },
              data(s, chunk) {
                const d = s.data;
                d.active = Date.now();
                const joined = new Uint8Array(d.buf.length + chunk.length);
                joined.set(d.buf);
                joined.set(chunk, d.buf.length);
                if (joined.length > MAX_TCP_BUFFER) {
                  s.end(); // a client that sends faster than we answer, or garbage lengths: close
                  return;
                }
                let off = 0;
                // Each pass consumes one whole message; the loop ends when no complete one is left.
                while (off + 2 <= joined.length) {
                  const len = (joined[off] << 8) | joined[off + 1];
                  if (off + 2 + len > joined.length) break;
                  const msg = joined.slice(off + 2, off + 2 + len);
                  off += 2 + len;
                  if (len < 12) {
                    s.end(); // RFC 7766 §8: nothing valid is shorter than a header
                    return;
                  }
                  const send = (out: Uint8Array) => {
                    if (out.length > 65535) return;
                    const framed = new Uint8Array(out.length + 2);
                    framed[0] = out.length >> 8;
                    framed[1] = out.length & 0xff;
                    framed.set(out, 2);
                    // A client that does not read (several big transfers, say) is cut off, not buffered forever.
                    if (d.queued + framed.length > MAX_TCP_QUEUED) {
                      s.end();
                      return;
                    }
                    d.queue.push(framed);
                    d.queued += framed.length;
                    flush(s);
                  };
                  const res = r.handle(msg, d.peer, send);
                  if (res instanceof Promise) res.catch(() => {});
                }
                d.buf = joined.slice(off);
              },
              drain(s) {
                s.data.active = Date.now();
                flush(s);
              },
              close(s) {
                open.delete(s);
                conns--;
                const n = (perAddress.get(s.data.peer.address) ?? 1) - 1;
                if (n > 0) perAddress.set(s.data.peer.address, n);
                else perAddress.delete(s.data.peer.address);
              },
              error(_s, e) {
                opts.log?.(`dns/server: tcp: ${e.message}`);
              },
            },
          });
        } catch (e) {
          u.close();
          const inUse = (e as NodeJS.ErrnoException).code === "EADDRINUSE" || /in use/i.test((e as Error).message);
          if (port === 0 && inUse && attempt < 20) continue;
          throw e;
        }
        udpSockets.push(u);
        tcpServers.push(tcp);
        addresses.push({ host, udpPort: u.port, tcpPort: tcp.port });
        break;
      }
    }
  } catch (e) {
    clearInterval(sweep);
    for (const u of udpSockets) u.close();
    for (const t of tcpServers) t.stop(true);
    throw binding ? new BindError(binding, (e as NodeJS.ErrnoException).code, (e as Error).message) : e;
  }
  return {
    addresses,
    async stop() {
      clearInterval(sweep);
      for (const u of udpSockets) u.close();
      for (const t of tcpServers) t.stop(true);
    },
  };
}
