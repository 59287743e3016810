// Raw sockets for hostile-input tests: bytes no fetch() would send (broken request lines, NUL, invalid
// UTF-8, smuggling headers), DNS datagrams and length-prefixed TCP messages. Every wait is bounded.
import { connect, type Socket } from "node:net";
import { createSocket } from "node:dgram";

/** Send `data` over a fresh TCP connection and collect what comes back until the peer closes or `timeoutMs`. */
export function rawTcp(host: string, port: number, data: Uint8Array | string, timeoutMs = 2000, until?: (got: Buffer) => boolean): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    const sock: Socket = connect(port, host);
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ text: Buffer.concat(chunks).toString("latin1"), closed });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on("connect", () => sock.write(typeof data === "string" ? Buffer.from(data, "latin1") : data));
    sock.on("data", (c: Buffer) => {
      chunks.push(c);
      if (until?.(Buffer.concat(chunks))) finish(false);
    });
    sock.on("end", () => finish(true));
    sock.on("close", () => finish(true));
    sock.on("error", () => finish(true));
  });
}

/** The status code of the first HTTP answer in raw text (0 when there is none). */
export function rawStatus(text: string): number {
  return Number(text.match(/^HTTP\/1\.[01] (\d{3})/)?.[1] ?? 0);
}

/** A slow client: opens a connection and drips `parts` one every `everyMs`; returns a handle to end it. */
export function slowClient(host: string, port: number, parts: string[], everyMs: number): { closedByServer: () => boolean; end: () => void } {
  let closed = false;
  let i = 0;
  const sock = connect(port, host);
  sock.on("close", () => (closed = true));
  sock.on("error", () => (closed = true));
  const timer = setInterval(() => {
    if (closed || i >= parts.length) return;
    sock.write(parts[i++]);
  }, everyMs);
  return {
    closedByServer: () => closed,
    end: () => {
      clearInterval(timer);
      sock.destroy();
    },
  };
}

/** Send DNS datagrams and count the answers that come back within `waitMs` after the last one. */
export async function udpBlast(host: string, port: number, packets: Uint8Array[], waitMs = 500): Promise<Uint8Array[]> {
  const sock = createSocket("udp4");
  const answers: Uint8Array[] = [];
  sock.on("message", (m) => answers.push(new Uint8Array(m)));
  await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
  for (let i = 0; i < packets.length; i++) {
    sock.send(packets[i], port, host);
    if (i % 20 === 19) await Bun.sleep(2); // paced: this is a correctness test, not a flood
  }
  await Bun.sleep(waitMs);
  sock.close();
  return answers;
}

/** One DNS message over TCP with its two-octet length (RFC 1035 §4.2.2), or raw bytes as given. */
export function tcpDns(host: string, port: number, message: Uint8Array, prefix = true, timeoutMs = 1500): Promise<{ answer: Uint8Array | null; closed: boolean }> {
  const wire = prefix ? Buffer.concat([Buffer.from([message.length >> 8, message.length & 255]), Buffer.from(message)]) : Buffer.from(message);
  const whole = (b: Buffer) => b.length >= 2 && b.length >= 2 + ((b[0] << 8) | b[1]);
  return rawTcp(host, port, new Uint8Array(wire), timeoutMs, whole).then(({ text, closed }) => {
    const b = Buffer.from(text, "latin1");
    if (b.length < 2) return { answer: null, closed };
    const len = (b[0] << 8) | b[1];
    return { answer: b.length >= 2 + len ? new Uint8Array(b.subarray(2, 2 + len)) : null, closed };
  });
}
