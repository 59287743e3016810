// wrk (HTTP load in C, so the client costs little CPU beside the server) driving dyndns2 updates. A Lua
// script builds every request: each host's Basic credentials, and for "change" a fresh address on every
// request (so each one is a real DNS change), for "nochg" the address the host already has in DNS. The
// script counts the answers by their first word, so a run where updates silently failed shows it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { which } from "../../tests/support/net.ts";

export interface WrkResult {
  requests: number;
  seconds: number;
  perSecond: number;
  /** Latency percentiles, ms. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Answers by first word ("good", "nochg", ...) and socket/HTTP errors. */
  answers: Record<string, number>;
  errors: number;
}

export interface WrkOptions {
  url: string;
  /** Host names to update (FQDNs) and the address each has now (used for nochg). */
  hosts: { fqdn: string; address: string }[];
  secret: string;
  mode: "change" | "nochg";
  connections: number;
  seconds: number;
  dir: string;
}

/**
 * Each run starts its addresses past every address an earlier run of this process sent (runs send far fewer
 * than a million requests), so a "change" never repeats the address a host got in the run before (which
 * would be a nochg), and never meets the 10.0.0.0/12 addresses the zones are made with (host numbers).
 */
let runs = 0;

const lua = (o: WrkOptions, base: number) => `
local hosts = {${o.hosts.map((h) => `{"Basic ${Buffer.from(`${h.fqdn}:${o.secret}`).toString("base64")}","${h.address}"}`).join(",")}}
local mode = "${o.mode}"
local nthreads = ${Math.min(2, o.connections)}
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  n = 0
  counts = {}
end
function request()
  n = n + 1
  -- A sequence unique across threads (thread id in the low digit), walking over every host.
  local seq = n * nthreads + tid
  local h = hosts[(seq % #hosts) + 1]
  local addr = h[2]
  if mode == "change" then
    local k = ((${base} + seq) % 16777213) + 1
    addr = string.format("10.%d.%d.%d", math.floor(k / 65536) % 256, math.floor(k / 256) % 256, k % 256)
  end
  return wrk.format("GET", "/nic/update?myip=" .. addr, { ["Authorization"] = h[1], ["User-Agent"] = "updns-bench/1" })
end
function response(status, headers, body)
  local word = tostring(status) .. " " .. (string.match(body, "^(%S+)") or "")
  counts[word] = (counts[word] or 0) + 1
end
function done(summary, latency, requests)
  local parts = {}
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do table.insert(parts, string.format('"%s":%d', k, v)) end
  io.write(string.format('WRKJSON {"requests":%d,"us":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"errors":%d,"answers":{%s}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    table.concat(parts, ",")))
end
`;

export async function wrkUpdates(o: WrkOptions): Promise<WrkResult> {
  const bin = which("wrk");
  if (!bin) throw new Error("wrk is not installed (bench/setup.sh installs it)");
  const script = join(o.dir, `wrk-${o.mode}.lua`);
  writeFileSync(script, lua(o, ++runs * 1_000_003));
  // Two threads at most: wrk must leave the server the other core.
  const threads = Math.min(2, o.connections);
  const proc = Bun.spawn([bin, "-t", String(threads), "-c", String(o.connections), "-d", `${o.seconds}s`, "--timeout", "5s", "-s", script, o.url], { stdout: "pipe", stderr: "pipe" });
  const guard = setTimeout(() => proc.kill("SIGKILL"), (o.seconds + 20) * 1000);
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  clearTimeout(guard);
  await proc.exited;
  const line = out.split("\n").find((l) => l.startsWith("WRKJSON "));
  if (!line) throw new Error(`wrk gave no figures: ${out.slice(-1500)} ${err.slice(-500)}`);
  const j = JSON.parse(line.slice(8)) as { requests: number; us: number; p50: number; p90: number; p99: number; max: number; errors: number; answers: Record<string, number> };
  const seconds = j.us / 1e6;
  return { requests: j.requests, seconds, perSecond: j.requests / seconds, p50: j.p50 / 1000, p90: j.p90 / 1000, p99: j.p99 / 1000, max: j.max / 1000, answers: j.answers, errors: j.errors };
}
