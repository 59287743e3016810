// Debian's nginx as a reverse proxy for tests: its own prefix folder, config, pid, temp paths and ports on
// loopback, in the foreground and as one process, so it neither needs nor touches /etc/nginx or port 80.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { collectOutput, stopProcess } from "./daemon.ts";
import { tempDir, waitFor, which } from "./net.ts";

export interface RunningNginx {
  dir: string;
  output(): string;
  stop(): Promise<void>;
}

/** A self-signed certificate for `name` in `dir` (fullchain.pem, privkey.pem), made with openssl. */
export async function selfSignedCert(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, "fullchain.pem");
  const key = join(dir, "privkey.pem");
  const p = Bun.spawn(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", `/CN=${name}`, "-addext", `subjectAltName=DNS:${name}`, "-keyout", key, "-out", cert], { stdout: "pipe", stderr: "pipe" });
  if ((await p.exited) !== 0) throw new Error(`openssl failed: ${await new Response(p.stderr).text()}`);
  return { cert, key };
}

/**
 * Starts nginx with `servers` (one or more `server { ... }` blocks) inside a minimal http block, and waits
 * until `port` (one of the servers' ports on 127.0.0.1) accepts connections.
 */
export async function startNginx(servers: string, port: number, dir = tempDir("updns-nginx-")): Promise<RunningNginx> {
  const bin = which("nginx") ?? "/usr/sbin/nginx";
  const p = dir.path;
  writeFileSync(
    join(p, "nginx.conf"),
    `daemon off;
master_process off;
worker_processes 1;
pid ${p}/nginx.pid;
error_log stderr warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${p}/body;
  proxy_temp_path ${p}/proxy;
  fastcgi_temp_path ${p}/fastcgi;
  uwsgi_temp_path ${p}/uwsgi;
  scgi_temp_path ${p}/scgi;
${servers}
}
`,
  );
  const proc = Bun.spawn([bin, "-p", p, "-c", join(p, "nginx.conf"), "-e", "stderr"], { stdout: "pipe", stderr: "pipe", cwd: p });
  const output = collectOutput(proc, 20000);
  const stop = async () => {
    await stopProcess(proc);
    dir.cleanup();
  };
  try {
    await waitFor(
      `nginx to listen on 127.0.0.1:${port}`,
      async () => {
        if (proc.exitCode !== null) throw new Error(`nginx exited with ${proc.exitCode}: ${output().slice(-2000)}`);
        try {
          const s = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
          s.end();
          return true;
        } catch {
          return false;
        }
      },
      10_000,
      50,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { dir: p, output, stop };
}
