// Run inside a network namespace by netns.ts's probeServe: starts `updns serve` with the config and
// environment given as JSON in argv[2], asks every address it listens on, prints one JSON line (ServeProbe).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "./updns.ts";
import { dig } from "./dig.ts";
import { tempDir, waitFor } from "./net.ts";

const spec = JSON.parse(process.argv[2]) as { config?: string; env?: Record<string, string>; second?: boolean };
const tmp = tempDir();
const dir = tmp.path;
const args = [requireBinary(), "serve"];
if (spec.config !== undefined) {
  writeFileSync(join(dir, "config.toml"), spec.config);
  args.push("--config", join(dir, "config.toml"));
}
// UPDNS_CONFIG empty: the machine's /etc/updns/config.toml, if any, is not read.
const env = { PATH: process.env.PATH ?? "", UPDNS_CONFIG: "", ...spec.env };
const proc = Bun.spawn(args, { cwd: dir, env, stdout: "pipe", stderr: "pipe" });
let text = "";
void (async () => {
  for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) text += new TextDecoder().decode(chunk);
})();
void (async () => {
  for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) text += new TextDecoder().decode(chunk);
})();
try {
  const m = await waitFor("updns to listen", () => text.match(/msg=listening http=(\S+) dns=(\S+)/) ?? (proc.exitCode !== null ? Promise.reject(new Error(text)) : null), 15_000);
  const https = /tls_cert/.test(spec.config ?? "");
  /** The loopback address of the listen address's family, the port kept. */
  const loopback = (addr: string) => {
    const port = Number(addr.slice(addr.lastIndexOf(":") + 1));
    const host = addr.startsWith("[") ? addr.slice(1, addr.lastIndexOf("]")) : addr.slice(0, addr.lastIndexOf(":"));
    return { host: host === "::" ? "::1" : host === "0.0.0.0" ? "127.0.0.1" : host, port };
  };
  const out: { http: Record<string, string>; dns: Record<string, { udp: string; tcp: string }>; second?: { code: number; stderr: string } } = { http: {}, dns: {} };
  for (const addr of m[1].split(",")) {
    const { host, port } = loopback(addr);
    const url = `${https ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}/myip`;
    out.http[addr] = await (await fetch(url, { tls: { rejectUnauthorized: false } } as RequestInit)).text();
  }
  for (const addr of m[2].split(",")) {
    const { host, port } = loopback(addr);
    out.dns[addr] = { udp: (await dig(host, port, "nothing.example", "A")).status, tcp: (await dig(host, port, "nothing.example", "A", ["+tcp"])).status };
  }
  if (spec.second) {
    const other = tempDir();
    const again = Bun.spawn(args, { cwd: other.path, env, stdout: "pipe", stderr: "pipe" });
    const stderr = await new Response(again.stderr).text();
    out.second = { code: await again.exited, stderr: stderr.trim() };
    other.cleanup();
  }
  process.stdout.write(JSON.stringify(out) + "\n");
} finally {
  proc.kill("SIGTERM");
  await proc.exited;
  tmp.cleanup();
}
