// Starting updns for a test: in-process (fast, same code as serve) or as the built binary dist/updns
// (the real thing, with signals). Either way on port 0 with a temporary data dir.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import { memoryLogger } from "../../src/log/index.ts";
import { startServer, type Running } from "../../src/cli/serve.ts";
import { tempDir, waitFor } from "./net.ts";

export const BINARY = join(import.meta.dir, "../../dist/updns");

export interface InProcess extends Running {
  dataDir: string;
  url: string;
  dnsPort: number;
  logLines: string[];
  close(): Promise<void>;
}

/** updns in this process; `env` holds UPDNS_* overrides. Its users may add embedded zones ([domains] add = "users") unless `env` says otherwise. */
export async function startInProcess(env: Record<string, string> = {}): Promise<InProcess> {
  const dir = tempDir();
  const cfg = loadConfig({
    env: { UPDNS_SERVER_DATA_DIR: dir.path, UPDNS_HTTP_LISTEN: "127.0.0.1:0", UPDNS_DNS_LISTEN: "127.0.0.1:0", UPDNS_SERVER_SYNCHRONOUS: "NORMAL", UPDNS_DOMAINS_ADD: "users", ...env },
  });
  const log = memoryLogger();
  const running = await startServer(cfg, log);
  return Object.assign(running, {
    dataDir: dir.path,
    url: `http://${running.httpAddresses[0]}`,
    dnsPort: Number(running.dnsAddresses[0].split(":").pop()),
    logLines: log.lines,
    async close() {
      await running.stop();
      dir.cleanup();
    },
  });
}

export function requireBinary(): string {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run "npm run build" (npm test does it)`);
  return BINARY;
}

export interface BinaryServer {
  proc: ReturnType<typeof Bun.spawn>;
  dataDir: string;
  url: string;
  httpAddress: string;
  dnsAddress: string;
  dnsPort: number;
  setupUrl: string | null;
  output(): string;
  /** SIGTERM and wait; returns the exit code. */
  stop(): Promise<number>;
}

/** The built binary as `updns serve`, in `cwd` (default a fresh temp dir), with UPDNS_* env overrides. */
export async function startBinary(env: Record<string, string> = {}, cwd?: string): Promise<BinaryServer> {
  const dir = cwd ?? tempDir().path;
  const proc = Bun.spawn([requireBinary(), "serve"], {
    cwd: dir,
    // UPDNS_CONFIG empty: the machine's /etc/updns/config.toml, if there is one, is not read.
    env: { PATH: process.env.PATH ?? "", UPDNS_CONFIG: "", UPDNS_HTTP_LISTEN: "127.0.0.1:0", UPDNS_DNS_LISTEN: "127.0.0.1:0", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  let text = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of s) text += dec.decode(chunk);
  };
  void pump(proc.stdout as ReadableStream<Uint8Array>);
  void pump(proc.stderr as ReadableStream<Uint8Array>);
  // logfmt (default) or JSON lines (log.format = "json").
  const listening = () => text.match(/msg=listening http=(\S+) dns=(\S+)/) ?? text.match(/"msg":"listening","http":"([^"]+)","dns":"([^"]+)"/);
  const line = await waitFor("updns to listen", () => listening() ?? (proc.exitCode !== null ? Promise.reject(new Error(`updns exited ${proc.exitCode}: ${text}`)) : null), 15000);
  const dnsAddress = line[2].split(",")[0];
  await Bun.sleep(20);
  return {
    proc,
    dataDir: join(dir, "data"),
    httpAddress: line[1].split(",")[0],
    url: `http://${line[1].split(",")[0]}`,
    dnsAddress,
    dnsPort: Number(dnsAddress.split(":").pop()),
    setupUrl: text.match(/setup_url=(\S+)/)?.[1] ?? text.match(/"setup_url":"([^"]+)"/)?.[1] ?? null,
    output: () => text,
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      return await proc.exited;
    },
  };
}

/** Run a CLI command of the binary; returns exit code, stdout and stderr. */
export async function cli(args: string[], opts: { cwd: string; env?: Record<string, string>; stdin?: string }): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([requireBinary(), ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? "", UPDNS_CONFIG: "", ...opts.env },
    stdin: opts.stdin === undefined ? "ignore" : new TextEncoder().encode(opts.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, stdout, stderr };
}
