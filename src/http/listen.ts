// Listening: one Bun.serve per configured address (Elysia's own listen takes one), TLS from files that
// SIGHUP reloads, and a clean stop that lets requests in flight finish. Each address is ours alone: no
// SO_REUSEPORT, so a second updns on the same address fails to start instead of receiving half of the
// routers' updates and logins into its own database.
import { readFileSync } from "node:fs";
import type { Server } from "bun";
import { rememberPeer } from "./client.ts";
import { parseHostPort } from "../net/index.ts";

export interface HttpListenOptions {
  listen: string[];
  tlsCert?: string;
  tlsKey?: string;
  maxBodyBytes: number;
}

export class ListenError extends Error {}

/** A listen address's host and port (port 0: the system chooses); ListenError naming it when it is none. */
export function listenHostPort(addr: string): { host: string; port: number } {
  const hp = parseHostPort(addr, { minPort: 0 });
  if ("problem" in hp) throw new ListenError(`bad listen address "${addr}": ${hp.problem}`);
  return { host: hp.host, port: hp.port };
}

export interface HttpListeners {
  servers: Server<unknown>[];
  /** Actual "host:port" of each listener (port 0 resolved). */
  addresses: string[];
  reloadTls(): void;
  stop(graceful?: boolean): Promise<void>;
}

export function listenHttp(handle: (req: Request) => Response | Promise<Response>, opts: HttpListenOptions): HttpListeners {
  const tls = () => (opts.tlsCert ? { cert: readFileSync(opts.tlsCert, "utf8"), key: readFileSync(opts.tlsKey!, "utf8") } : undefined);
  const secure = Boolean(opts.tlsCert);
  const serve = (host: string, port: number, t: ReturnType<typeof tls>) =>
    Bun.serve({
      hostname: host,
      port,
      tls: t,
      reusePort: false,
      // "[::]" means IPv6 only: with Linux's default bindv6only=0 it would also take IPv4 and collide with
      // "0.0.0.0" on the same port (and show IPv4 clients as ::ffff:a.b.c.d).
      ipv6Only: host.includes(":"),
      maxRequestBodySize: opts.maxBodyBytes,
      development: false,
      fetch(req, server) {
        const ip = server.requestIP(req);
        rememberPeer(req, ip?.address ?? "", secure);
        return handle(req);
      },
      error() {
        return new Response("internal error\n", { status: 500 });
      },
    });
  const servers: Server<unknown>[] = [];
  let current: ReturnType<typeof tls>;
  try {
    const t = (current = tls());
    for (const addr of opts.listen) {
      const { host, port } = listenHostPort(addr);
      try {
        servers.push(serve(host, port, t));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new ListenError(`cannot listen on ${addr} (http.listen): ${code === "EADDRINUSE" ? "address already in use" : (e as Error).message}`);
      }
    }
  } catch (e) {
    for (const s of servers) s.stop(true);
    throw e;
  }
  return {
    servers,
    addresses: servers.map((s) => (s.hostname!.includes(":") ? `[${s.hostname}]:${s.port}` : `${s.hostname}:${s.port}`)),
    reloadTls() {
      if (!opts.tlsCert) return;
      // Read both files first: a bad pair throws here and the old certificate stays in service.
      const t = tls();
      for (let i = 0; i < servers.length; i++) {
        const old = servers[i];
        // Read before stop(): a stopped server no longer knows the port it had (0 when 0 was asked for).
        const [host, port] = [old.hostname!, old.port!];
        // The address is exclusive, so the new listener binds once the old one stops accepting (at once);
        // connections the old one already has finish their requests with the old certificate.
        void old.stop(false);
        try {
          servers[i] = serve(host, port, t);
        } catch (e) {
          // Taken in between (another process): keep serving with the certificate we had, if we still can.
          servers[i] = serve(host, port, current);
          throw e;
        }
      }
      current = t;
    },
    async stop(graceful = true) {
      await Promise.all(servers.map((s) => s.stop(!graceful)));
    },
  };
}
