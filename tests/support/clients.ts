// Real dyndns2 update clients, run the way a router or a server runs them: Debian's ddclient 3.10 and
// inadyn 2.10, each with a config in a temporary folder, pointed at our API on a loopback port. The address
// they report is pinned with a command, so a test decides what they send.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor, which } from "./net.ts";

export interface ClientRun {
  code: number;
  output: string;
}

/** Collect a child's stdout and stderr as text while it runs. */
function collect(proc: Bun.Subprocess<"ignore", "pipe", "pipe">): { text: () => string; done: Promise<void> } {
  let text = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of s) text += decoder.decode(chunk, { stream: true });
  };
  const done = Promise.all([pump(proc.stdout), pump(proc.stderr)]).then(() => undefined);
  return { text: () => text, done };
}

async function runBounded(argv: string[], timeoutMs: number): Promise<ClientRun> {
  const proc = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const out = collect(proc);
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  await out.done;
  return { code, output: out.text() };
}

export interface DdclientOptions {
  /** Temporary folder for config and cache. */
  dir: string;
  /** "127.0.0.1:PORT" of our API. */
  server: string;
  login: string;
  password: string;
  /** Hosts in one line: ddclient groups hosts sharing credentials into one request. */
  hosts: string[];
  /** The address `use=cmd` reports (IPv4 or IPv6). */
  address: string;
}

/**
 * ddclient 3.10 with `use=cmd` (its `usev4`/`usev6` with `cmdv4`/`cmdv6` find no address in 3.10.0, and
 * `use=ip, ip=` collides with the cache's own `ip` field, so a failed attempt would look like success).
 */
export class Ddclient {
  readonly conf: string;
  readonly cache: string;
  constructor(private readonly o: DdclientOptions) {
    mkdirSync(o.dir, { recursive: true });
    this.conf = join(o.dir, "ddclient.conf");
    this.cache = join(o.dir, "ddclient.cache");
    this.setAddress(o.address);
  }

  static available(): boolean {
    return which("ddclient") !== null;
  }

  setAddress(address: string): void {
    this.o.address = address;
    const conf = [
      "daemon=0",
      "ssl=no",
      "protocol=dyndns2",
      `server=${this.o.server}`,
      `login=${this.o.login}`,
      `password='${this.o.password}'`,
      `use=cmd, cmd='echo ${address}'`,
      this.o.hosts.join(","),
      "",
    ].join("\n");
    writeFileSync(this.conf, conf);
    // ddclient refuses to read a config others can read (it "fixes" it and warns).
    chmodSync(this.conf, 0o600);
  }

  /**
   * Pretend `seconds` passed since the last attempt: ddclient waits `min-error-interval` (5 min) after a
   * failed attempt before it tries again, and tests do not wait that long.
   */
  ageCache(seconds: number): void {
    const text = readFileSync(this.cache, "utf8");
    writeFileSync(this.cache, text.replace(/\b(atime|mtime)=(\d+)/g, (_m, k: string, v: string) => `${k}=${Number(v) > 0 ? Number(v) - seconds : 0}`));
  }

  /** One run: determine the address, update if needed, exit. `force`: update even when unchanged (its keep-alive). */
  run(timeoutMs = 20_000, force = false): Promise<ClientRun> {
    return runBounded([which("ddclient")!, "-foreground", "-daemon=0", "-file", this.conf, "-cache", this.cache, "-verbose", ...(force ? ["-force"] : [])], timeoutMs);
  }
}

export interface InadynOptions {
  dir: string;
  server: string;
  username: string;
  password: string;
  hostname: string;
  address: string;
}

export interface InadynProcess {
  pid: number;
  output(): string;
  exited: Promise<number>;
  /** SIGUSR2: "check now", what inadyn's own retry timer would do after its 600 s wait. */
  checkNow(): void;
  kill(): void;
}

/** inadyn 2.10 with a `custom` provider section, the way UniFi and OpenWrt configure it. */
export class Inadyn {
  readonly conf: string;
  readonly cacheDir: string;
  constructor(private readonly o: InadynOptions) {
    this.conf = join(o.dir, "inadyn.conf");
    this.cacheDir = join(o.dir, "cache");
    // inadyn only keeps its cache when the folder exists; without it every start is a forced update.
    mkdirSync(this.cacheDir, { recursive: true });
    this.setAddress(o.address);
  }

  static available(): boolean {
    return which("inadyn") !== null;
  }

  setAddress(address: string): void {
    this.o.address = address;
    writeFileSync(
      this.conf,
      `period = 300
allow-ipv6 = true
verify-address = false
custom updns:1 {
    ssl = false
    username = ${this.o.username}
    password = ${this.o.password}
    ddns-server = ${this.o.server}
    ddns-path = "/nic/update?hostname=%h&myip=%i"
    checkip-command = "echo ${address}"
    hostname = ${this.o.hostname}
}
`,
    );
  }

  private argv(): string[] {
    return [which("inadyn")!, "-1", "--foreground", "-f", this.conf, "--cache-dir", this.cacheDir, "--no-pidfile", "-l", "info"];
  }

  /** `inadyn -1`: update if the address is unknown or changed, then exit. `force`: its periodic forced update. */
  run(timeoutMs = 20_000, force = false): Promise<ClientRun> {
    return runBounded([...this.argv(), ...(force ? ["--force"] : [])], timeoutMs);
  }

  /** Start `inadyn -1` and keep it: after a temporary error it stays, waiting to retry. */
  start(): InadynProcess {
    const proc = Bun.spawn(this.argv(), { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const out = collect(proc);
    return {
      pid: proc.pid,
      output: out.text,
      exited: proc.exited.then(async (c) => (await out.done, c)),
      checkNow: () => proc.kill("SIGUSR2"),
      kill: () => proc.kill("SIGKILL"),
    };
  }
}

/** Wait until a running client has printed `pattern`. */
export function waitForOutput(p: { output(): string }, pattern: RegExp, timeoutMs = 15_000): Promise<true> {
  return waitFor(`client output ${pattern}`, () => pattern.test(p.output()) || undefined, timeoutMs, 50);
}

export interface SeenRequest {
  path: string;
  ua: string;
  status: number;
  body: string;
}

/** Our HTTP app on a free loopback port, remembering every request and its answer. */
export async function serveForClients(handle: (req: Request) => Response | Promise<Response>, listen: (h: (req: Request) => Promise<Response>) => { addresses: string[]; stop(graceful?: boolean): Promise<void> }) {
  const seen: SeenRequest[] = [];
  const l = listen(async (req) => {
    const url = new URL(req.url);
    const res = await handle(req);
    const body = await res.clone().text();
    seen.push({ path: url.pathname + url.search, ua: req.headers.get("user-agent") ?? "", status: res.status, body });
    return res;
  });
  return { server: l.addresses[0], seen, stop: () => l.stop(false) };
}
