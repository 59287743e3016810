// One request, one answer, over UDP or TCP, with a deadline. Answers that fail `accept` (wrong ID,
// wrong question, bad TSIG...) are not believed: over UDP anyone can send a datagram, so we keep
// waiting for the real answer until the deadline and then report the last reason we refused one.
// Over TCP the stream is the server's, so a bad answer ends the exchange at once.
// `local` binds the source address (dns.rfc2136_source): a primary may allow UPDATEs by address.
import { connect, type Socket } from "node:net";
import { parseHostPort } from "../../net/index.ts";

export interface ServerAddress {
  host: string;
  port: number;
}

export function formatServer(s: ServerAddress): string {
  return s.host.includes(":") ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

/** "192.0.2.1", "192.0.2.1:5353", "[2001:db8::1]:5353", "2001:db8::1" → address and port. */
export function parseServer(s: string, defaultPort = 53): ServerAddress {
  const hp = parseHostPort(s.trim(), { defaultPort });
  if ("problem" in hp) throw new Error(`"${s}" is not a server address (ip, ip:port or [ipv6]:port): ${hp.problem}`);
  return { host: hp.host, port: hp.port };
}

export type TransportFailure = "timeout" | "refused" | "network" | "invalid-response";

export class TransportError extends Error {
  constructor(
    message: string,
    readonly failure: TransportFailure,
  ) {
    super(message);
    this.name = "TransportError";
  }
}

/** Largest UDP answer we accept: we send no EDNS, so the server must stay within 512 octets (RFC 1035 §4.2.1). */
export const UDP_LIMIT = 512;

/** Returns null when the answer is acceptable, else the reason it is not. */
export type Accept = (wire: Uint8Array) => string | null;

/**
 * Connected UDP sockets kept per server between exchanges. Opening and closing a socket for every query
 * was a third of the CPU of an update sent to an external primary (a read, the UPDATE, a read-back:
 * measured). A socket goes back to its pool only after a valid answer; after a timeout or a refused answer
 * it is closed, so a late datagram never meets the next exchange. Answers are still matched by random ID
 * and question (and TSIG where signed), as with a fresh socket. Idle sockets do not keep a process alive
 * and are closed after IDLE_MS.
 */
interface PooledSocket {
  sock: { send(data: Uint8Array): boolean; close(): void; ref(): void; unref(): void; readonly closed: boolean };
  onData: ((w: Uint8Array) => void) | null;
  onError: (() => void) | null;
  idle?: ReturnType<typeof setTimeout>;
}

/** Pools are per server and source address: a socket bound to one source never serves another. */
const pools = new Map<string, PooledSocket[]>();
const poolKey = (server: ServerAddress, local: string | undefined) => `${formatServer(server)}|${local ?? ""}`;
/** Idle sockets kept per server at most, and for how long. */
const POOL_MAX = 16;
const IDLE_MS = 10_000;

async function acquire(server: ServerAddress, local: string | undefined): Promise<PooledSocket> {
  const p = pools.get(poolKey(server, local))?.pop();
  if (p) {
    clearTimeout(p.idle);
    p.sock.ref();
    return p;
  }
  const entry: PooledSocket = { sock: undefined!, onData: null, onError: null };
  entry.sock = await Bun.udpSocket({
    ...(local ? { hostname: local } : {}),
    connect: { hostname: server.host, port: server.port },
    socket: {
      data(_s, buf) {
        entry.onData?.(new Uint8Array(buf));
      },
      // On a connected socket Linux reports the ICMP port-unreachable of a closed port here.
      error() {
        entry.onError?.();
      },
    },
  });
  return entry;
}

function release(server: ServerAddress, local: string | undefined, p: PooledSocket, reusable: boolean): void {
  p.onData = p.onError = null;
  const key = poolKey(server, local);
  const free = pools.get(key) ?? [];
  if (!reusable || p.sock.closed || free.length >= POOL_MAX) {
    try {
      p.sock.close();
    } catch {}
    return;
  }
  p.sock.unref();
  p.idle = setTimeout(() => {
    const i = free.indexOf(p);
    if (i >= 0) free.splice(i, 1);
    try {
      p.sock.close();
    } catch {}
  }, IDLE_MS);
  (p.idle as { unref?: () => void }).unref?.();
  free.push(p);
  pools.set(key, free);
}

export function udpExchange(server: ServerAddress, wire: Uint8Array, timeoutMs: number, accept: Accept, local?: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    let done = false;
    let lastProblem: string | null = null;
    let sock: PooledSocket | undefined;
    const finish = (err: Error | null, value?: Uint8Array) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (sock) release(server, local, sock, err === null);
      if (err) reject(err);
      else resolve(value!);
    };
    const timer = setTimeout(() => {
      finish(
        lastProblem
          ? new TransportError(`no valid answer from ${formatServer(server)} within ${timeoutMs} ms; refused an answer because ${lastProblem}`, "invalid-response")
          : new TransportError(`timeout: no answer from ${formatServer(server)} within ${timeoutMs} ms`, "timeout"),
      );
    }, timeoutMs);
    acquire(server, local)
      .then((s) => {
        if (done) return release(server, local, s, true);
        sock = s;
        s.onData = (w) => {
          if (done) return;
          const problem = w.length > UDP_LIMIT ? `it is ${w.length} octets, more than the ${UDP_LIMIT} allowed over UDP` : accept(w);
          if (problem === null) finish(null, w);
          else lastProblem = problem;
        };
        s.onError = () => finish(new TransportError(`connection refused by ${formatServer(server)} (nothing listens on that UDP port)`, "refused"));
        if (!s.sock.send(wire)) finish(new TransportError(`could not send to ${formatServer(server)}`, "network"));
      })
      .catch((e) => finish(new TransportError(`cannot reach ${formatServer(server)}${local ? ` from ${local}` : ""}: ${(e as Error).message}`, "network")));
  });
}

/**
 * TCP connections kept per server and source between exchanges, one exchange at a time each (RFC 7766 §6.2.1
 * lets a client reuse a connection). A batched UPDATE goes over TCP, and opening and closing a connection
 * for each was a fifth of the backend's CPU (measured). A connection goes back to its pool only after a
 * valid answer that ends exactly where its frame ends; anything else closes it. A server may close an idle
 * connection at any time (§6.2.3), so a request that meets a reused connection closing is sent once more
 * on a new one; UPDATEs of the rfc2136 backend replace RRsets, which may be applied twice.
 */
interface PooledTcp {
  sock: Socket;
  connected: boolean;
  onData: ((chunk: Uint8Array) => void) | null;
  onEnd: ((err: TransportError) => void) | null;
  idle?: ReturnType<typeof setTimeout>;
}

const tcpPools = new Map<string, PooledTcp[]>();
const TCP_POOL_MAX = 4;

function openTcp(server: ServerAddress, local: string | undefined): PooledTcp {
  // node:net rather than Bun.connect: only it binds a local address (localAddress).
  const sock = connect({ host: server.host, port: server.port, ...(local ? { localAddress: local } : {}) });
  const entry: PooledTcp = { sock, connected: false, onData: null, onEnd: null };
  const end = (err: TransportError) => {
    dropIdle(server, local, entry);
    const f = entry.onEnd;
    entry.onData = entry.onEnd = null;
    f?.(err);
  };
  sock.on("connect", () => {
    entry.connected = true;
  });
  sock.on("data", (chunk: Uint8Array) => {
    if (entry.onData) return entry.onData(chunk);
    // Nothing was asked: an idle connection that speaks is not ours to believe.
    sock.destroy();
  });
  sock.on("close", () => end(new TransportError(`${formatServer(server)} closed the TCP connection before answering`, "network")));
  sock.on("error", (e: NodeJS.ErrnoException) => {
    if (entry.connected) return end(new TransportError(`TCP error with ${formatServer(server)}: ${e.message}`, "network"));
    const refused = e.code === "ECONNREFUSED" || /refused/i.test(e.message);
    const from = local ? ` from ${local}` : "";
    end(new TransportError(refused ? `connection refused by ${formatServer(server)}` : `cannot connect to ${formatServer(server)}${from}: ${e.message}`, refused ? "refused" : "network"));
  });
  return entry;
}

function dropIdle(server: ServerAddress, local: string | undefined, entry: PooledTcp): void {
  const free = tcpPools.get(poolKey(server, local));
  const i = free?.indexOf(entry) ?? -1;
  if (i >= 0) {
    free!.splice(i, 1);
    clearTimeout(entry.idle);
  }
}

function releaseTcp(server: ServerAddress, local: string | undefined, entry: PooledTcp): void {
  entry.onData = entry.onEnd = null;
  const key = poolKey(server, local);
  const free = tcpPools.get(key) ?? [];
  if (entry.sock.destroyed || free.length >= TCP_POOL_MAX) return void entry.sock.destroy();
  entry.sock.unref();
  entry.idle = setTimeout(() => {
    dropIdle(server, local, entry);
    entry.sock.destroy();
  }, IDLE_MS);
  (entry.idle as { unref?: () => void }).unref?.();
  free.push(entry);
  tcpPools.set(key, free);
}

export async function tcpExchange(server: ServerAddress, wire: Uint8Array, timeoutMs: number, accept: Accept, local?: string): Promise<Uint8Array> {
  if (wire.length > 0xffff) throw new TransportError("message longer than 65535 octets", "network");
  const reused = tcpPools.get(poolKey(server, local))?.pop();
  if (reused) {
    clearTimeout(reused.idle);
    reused.sock.ref();
    const r = await exchangeOn(reused, server, wire, timeoutMs, accept, local).then(
      (w) => ({ w }),
      (e: unknown) => ({ e }),
    );
    if ("w" in r) return r.w;
    // Closed under us before any answer: the server's idle timeout, not its answer to this request.
    if (!(r.e instanceof TransportError && r.e.failure === "network" && !(r.e as { answered?: boolean }).answered)) throw r.e;
  }
  return exchangeOn(openTcp(server, local), server, wire, timeoutMs, accept, local);
}

function exchangeOn(entry: PooledTcp, server: ServerAddress, wire: Uint8Array, timeoutMs: number, accept: Accept, local: string | undefined): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    let done = false;
    let buf = new Uint8Array(0);
    const finish = (err: TransportError | null, value?: Uint8Array, reusable = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err === null && reusable) releaseTcp(server, local, entry);
      else {
        entry.onData = entry.onEnd = null;
        entry.sock.destroy();
      }
      if (err) {
        if (buf.length > 0) (err as { answered?: boolean }).answered = true;
        reject(err);
      } else resolve(value!);
    };
    const timer = setTimeout(() => finish(new TransportError(`timeout: no answer from ${formatServer(server)} over TCP within ${timeoutMs} ms`, "timeout")), timeoutMs);
    entry.onEnd = (err) => finish(err);
    entry.onData = (chunk) => {
      if (done) return;
      const next = new Uint8Array(buf.length + chunk.length);
      next.set(buf);
      next.set(chunk, buf.length);
      buf = next;
      if (buf.length < 2) return;
      const len = (buf[0] << 8) | buf[1];
      if (len < 12) return finish(new TransportError(`answer from ${formatServer(server)} announces ${len} octets, less than a DNS header`, "invalid-response"));
      if (buf.length < 2 + len) return;
      const w = buf.slice(2, 2 + len);
      const problem = accept(w);
      if (problem === null) finish(null, w, buf.length === 2 + len);
      else finish(new TransportError(`invalid answer from ${formatServer(server)}: ${problem}`, "invalid-response"));
    };
    // RFC 1035 §4.2.2: two-octet length, then the message. node:net holds it until the connection is up.
    const framed = new Uint8Array(2 + wire.length);
    framed[0] = wire.length >> 8;
    framed[1] = wire.length & 0xff;
    framed.set(wire, 2);
    entry.sock.write(framed);
  });
}
