// "Query this server with dig": runs the real dig and returns what a user would read from it.
import { which } from "./net.ts";

export interface DigResult {
  status: string; // NOERROR, NXDOMAIN, REFUSED, ...
  flags: string[]; // qr aa rd ...
  answer: string[]; // answer section lines, whitespace-collapsed
  authority: string[];
  additional: string[];
  raw: string;
}

function section(raw: string, name: string): string[] {
  const m = raw.match(new RegExp(`;; ${name} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|$)`));
  if (!m) return [];
  return m[1].split("\n").filter((l) => l && !l.startsWith(";")).map((l) => l.split(/\s+/).join(" "));
}

export async function dig(server: string, port: number, name: string, type = "A", extra: string[] = []): Promise<DigResult> {
  const bin = which("dig");
  if (!bin) throw new Error("dig is not installed");
  const proc = Bun.spawn([bin, `@${server}`, "-p", String(port), name, type, "+norecurse", "+time=2", "+tries=1", ...extra], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const raw = await new Response(proc.stdout).text();
  await proc.exited;
  const status = raw.match(/status: (\w+)/)?.[1] ?? "NO-ANSWER";
  const flags = (raw.match(/;; flags: ([^;]*);/)?.[1] ?? "").trim().split(/\s+/).filter(Boolean);
  return { status, flags, answer: section(raw, "ANSWER"), authority: section(raw, "AUTHORITY"), additional: section(raw, "ADDITIONAL"), raw };
}

/** The rdata values (last field) of the answer lines of `type`. */
export function rdata(r: DigResult, type: string): string[] {
  return r.answer.filter((l) => l.split(" ")[3] === type).map((l) => l.split(" ").slice(4).join(" "));
}
