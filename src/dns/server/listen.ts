// UDP and TCP listeners (RFC 1035 §4.2, RFC 7766): every configured address, both transports. TCP
// messages are length-prefixed and may be pipelined; idle connections close; a connection limit holds.
import type { Socket, TCPSocketListener, udp } from "bun";
import type { Peer, Responder, Send } from "./responder.ts";
import { truncatedAnswer, type ResponseRateLimiter } from "./rrl.ts";
import { splitHostPort } from "../../net/index.ts";

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
  /**
   * Bind the UDP sockets with SO_REUSEPORT, so DNS threads (threads.ts) bind theirs to the same addresses
   * and the kernel spreads the queries over all of them.
   */
  reusePort?: boolean;
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
/** SO_REUSEPORT for Bun.udpSocket: `flags` bit 4 (uSockets' LIBUS_LISTEN_REUSE_PORT). */
const UDP_REUSE_PORT = 4;

export function parseListen(s: string): { host: string; port: number } {
  const { host, port } = splitHostPort(s, { minPort: 0 });
  return { host, port };
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

/** Where a UDP answer goes: the socket it came in on and the client's port and address. */
export type UdpSocket = udp.Socket<"uint8array">;

/**
 * UDP answers go out in batches: one sendMany per socket and event-loop turn (fewer syscalls: in the
 * profile of a loaded server the send path is the larger part of the time per query).
 */
export class UdpOutbox {
  private outbox = new Map<UdpSocket, (Uint8Array | number | string)[]>();
  /** The socket queued to last and its batch: most turns answer on one socket, without a Map lookup. */
  private lastSock: UdpSocket | null = null;
  private lastBatch: (Uint8Array | number | string)[] = [];
  private scheduled = false;

  /** `beforeSend`: runs before each batch leaves (a DNS thread reports its counters then). */
  constructor(private readonly beforeSend?: () => void) {}

  queue(sock: UdpSocket, out: Uint8Array, port: number, addr: string): void {
    let b = sock === this.lastSock ? this.lastBatch : this.outbox.get(sock);
    if (!b) this.outbox.set(sock, (b = []));
    this.lastSock = sock;
    this.lastBatch = b;
    b.push(out, port, addr);
    if (b.length >= 3 * 64) {
      // Bounded batches: flush a full one at once.
      this.outbox.delete(sock);
      this.lastSock = null;
      this.beforeSend?.();
      sendBatch(sock, b);
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  private flush = () => {
    this.scheduled = false;
    this.lastSock = null;
    if (this.outbox.size > 0) this.beforeSend?.();
    for (const [sock, batch] of this.outbox) {
      this.outbox.delete(sock);
      sendBatch(sock, batch);
    }
  };
}

function sendBatch(sock: UdpSocket, batch: (Uint8Array | number | string)[]): void {
  try {
    if (batch.length === 3) sock.send(batch[0] as Uint8Array, batch[1] as number, batch[2] as string);
    else sock.sendMany(batch as never);
  } catch {
    // ECONNREFUSED left by an earlier ICMP error, or a full send buffer: UDP may drop answers.
  }
}

/** An answer's way out through response rate limiting (when on): sent, slipped as TC=1, or dropped. */
export function udpSend(outbox: UdpOutbox, rrl: ResponseRateLimiter | undefined, sock: UdpSocket, out: Uint8Array, port: number, addr: string): void {
  if (!rrl) return outbox.queue(sock, out, port, addr);
  const d = rrl.decide(addr, out, Date.now());
  const t = d === "slip" ? truncatedAnswer(out) : null;
  if (d === "send") outbox.queue(sock, out, port, addr);
  else if (t) outbox.queue(sock, t, port, addr);
}

/** udpSend as a Send for the slow path (the hot path calls udpSend: no closure per query). */
export function udpReply(outbox: UdpOutbox, rrl: ResponseRateLimiter | undefined, sock: UdpSocket, port: number, addr: string): (out: Uint8Array) => void {
  return (out) => udpSend(outbox, rrl, sock, out, port, addr);
}

export interface UdpOptions {
  host: string;
  port: number;
  reusePort?: boolean;
  /** One datagram received on `sock` from addr:port. */
  onMessage(sock: UdpSocket, msg: Uint8Array, port: number, addr: string): void;
  log?: (msg: string) => void;
}

/** One UDP socket (IPv6 only for an IPv6 address), handing every datagram to `onMessage`. */
export function openUdp(o: UdpOptions): Promise<UdpSocket> {
  const flags = (o.host.includes(":") ? UDP_IPV6_ONLY : 0) | (o.reusePort ? UDP_REUSE_PORT : 0);
  return Bun.udpSocket({
    hostname: o.host,
    port: o.port,
    ...(flags ? { flags } : {}),
    binaryType: "uint8array",
    socket: {
      data: o.onMessage,
      // An ICMP "port unreachable" for an answer to a client that went away surfaces here
      // (ECONNREFUSED); it concerns that one client only, so it is logged at most and ignored.
      error(a: unknown, b?: unknown) {
        // Bun 1.4 passes the error alone (as `this`-bound handler), its typings say (socket, error).
        const e = ((b ?? a) ?? {}) as { code?: string; message?: string };
        if (e.code !== "ECONNREFUSED") o.log?.(`dns/server: udp: ${e.message ?? String(e)}`);
      },
    },
  });
}

/** The UDP listener of the main thread: every message to the responder, answers out through the outbox. */
function listenUdp(host: string, port: number, r: Responder, rrl: ResponseRateLimiter | undefined, outbox: UdpOutbox, reusePort: boolean, log?: (msg: string) => void): Promise<UdpSocket> {
  return openUdp({
    host,
    port,
    reusePort,
    log,
    onMessage(sock, buf, rport, raddr) {
      // Plain queries straight to the outbox; a Peer and a Send are made only for the rest.
      const out = r.plainAnswerSafe(buf, raddr);
      if (out) return udpSend(outbox, rrl, sock, out, rport, raddr);
      const peer: Peer = { transport: "udp", address: raddr, port: rport };
      const res = r.handleOther(buf, peer, udpReply(outbox, rrl, sock, rport, raddr));
      if (res instanceof Promise) res.catch(() => {});
    },
  });
}

/**
 * The TCP connections of all listeners: the connection limits (overall and per client address) and the
 * idle sweep. Idle connections are closed by a sweep of our own rather than Bun's socket timeout, whose
 * coarse ticks closed a connection well before its time (2 s idle set, closed after 0.6 s): RFC 7766 §6.2.3
 * wants the client given the idle time it was promised. Never early, at most a sweep interval late.
 */
class TcpConnections {
  private conns = 0;
  private perAddress = new Map<string, number>();
  private open = new Set<Socket<Conn>>();
  private sweep: ReturnType<typeof setInterval>;

  constructor(
    readonly idleMs: number,
    private readonly max: number,
    private readonly maxPerAddress: number,
  ) {
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const s of this.open) if (now - s.data.active >= idleMs) s.end();
    }, Math.min(1000, Math.ceil(idleMs / 4)));
    (this.sweep as { unref?: () => void }).unref?.();
  }

  /** Count a new connection; false when it is over a limit (the caller closes it). */
  opened(s: Socket<Conn>): boolean {
    this.conns++;
    const n = (this.perAddress.get(s.remoteAddress) ?? 0) + 1;
    this.perAddress.set(s.remoteAddress, n);
    if (this.conns > this.max || n > this.maxPerAddress) return false;
    this.open.add(s);
    return true;
  }

  closed(s: Socket<Conn>): void {
    this.open.delete(s);
    this.conns--;
    const n = (this.perAddress.get(s.data.peer.address) ?? 1) - 1;
    if (n > 0) this.perAddress.set(s.data.peer.address, n);
    else this.perAddress.delete(s.data.peer.address);
  }

  stop(): void {
    clearInterval(this.sweep);
  }
}

function flushTcp(s: Socket<Conn>): void {
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
}

/** Whole length-prefixed messages out of what a connection received (RFC 1035 §4.2.2), to the responder. */
function readTcp(s: Socket<Conn>, chunk: Uint8Array, r: Responder): void {
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
    const send: Send = (out) => sendTcp(s, out);
    send.framed = (wire) => writeTcp(s, wire);
    const res = r.handle(msg, d.peer, send);
    if (res instanceof Promise) res.catch(() => {});
  }
  d.buf = joined.slice(off);
}

function sendTcp(s: Socket<Conn>, out: Uint8Array): void {
  const d = s.data;
  if (out.length > 65535) return;
  const framed = new Uint8Array(out.length + 2);
  framed[0] = out.length >> 8;
  framed[1] = out.length & 0xff;
  framed.set(out, 2);
  queueTcp(s, framed);
}

/**
 * Framed octets the caller reuses once this returns: written at once when nothing waits before them, and
 * only what the socket did not take is copied into the queue (the drain handler sends it).
 */
function writeTcp(s: Socket<Conn>, wire: Uint8Array): void {
  let rest = wire;
  if (s.data.queue.length === 0) {
    const n = Math.max(0, s.write(wire));
    if (n === wire.length) return;
    rest = wire.subarray(n);
  }
  queueTcp(s, rest.slice());
}

/** Octets already framed (one message or several) out on a connection, in order. */
function queueTcp(s: Socket<Conn>, framed: Uint8Array): void {
  const d = s.data;
  // A client that does not read (several big transfers, say) is cut off, not buffered forever.
  if (d.queued + framed.length > MAX_TCP_QUEUED) {
    s.end();
    return;
  }
  d.queue.push(framed);
  d.queued += framed.length;
  flushTcp(s);
}

/** The TCP listener of one address (RFC 7766): pipelined messages, idle timeout, connection limits. */
function listenTcp(host: string, port: number, r: Responder, conns: TcpConnections, log?: (msg: string) => void): TCPSocketListener<Conn> {
  return Bun.listen<Conn>({
    hostname: host,
    port,
    // IPv6-only like the UDP socket (Bun.listen takes ipv6Only; its typings list it for connect only).
    // No reusePort: a second server on this address fails to start.
    ...({ ipv6Only: host.includes(":") } as object),
    socket: {
      open(s) {
        s.data = { buf: new Uint8Array(0), queue: [], queued: 0, peer: { transport: "tcp", address: s.remoteAddress, port: 0 }, active: Date.now() };
        if (!conns.opened(s)) s.end();
      },
      data: (s, chunk) => readTcp(s, chunk, r),
      drain(s) {
        s.data.active = Date.now();
        flushTcp(s);
      },
      close: (s) => conns.closed(s),
      error(_s, e) {
        log?.(`dns/server: tcp: ${e.message}`);
      },
    },
  });
}

/** UDP and TCP on every configured address; with port 0, both transports on the same free port. */
export async function listenDns(opts: ListenOptions): Promise<DnsListener> {
  const udpSockets: UdpSocket[] = [];
  const tcpServers: TCPSocketListener<Conn>[] = [];
  const addresses: DnsListener["addresses"] = [];
  const maxConns = opts.maxTcpConnections ?? 256;
  const conns = new TcpConnections(Math.max(100, opts.tcpIdleMs ?? 10_000), maxConns, opts.maxTcpConnectionsPerAddress ?? maxConns);
  const rrl = opts.rrl?.enabled ? opts.rrl : undefined;
  const outbox = new UdpOutbox();
  let binding = "";
  try {
    for (const l of opts.listen) {
      binding = l;
      const { host, port } = parseListen(l);
      // With port 0 the OS picks the UDP port and TCP must take the same one; if another socket holds it
      // for TCP, pick again (bounded).
      for (let attempt = 0; ; attempt++) {
        const u = await listenUdp(host, port, opts.responder, rrl, outbox, opts.reusePort ?? false, opts.log);
        let tcp: TCPSocketListener<Conn>;
        try {
          tcp = listenTcp(host, port === 0 ? u.port : port, opts.responder, conns, opts.log);
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
    conns.stop();
    for (const u of udpSockets) u.close();
    for (const t of tcpServers) t.stop(true);
    throw binding ? new BindError(binding, (e as NodeJS.ErrnoException).code, (e as Error).message) : e;
  }
  return {
    addresses,
    async stop() {
      conns.stop();
      for (const u of udpSockets) u.close();
      for (const t of tcpServers) t.stop(true);
    },
  };
}
