// A small DNSSEC checker over a zone snapshot for unit tests (the interop tests use dnssec-verify,
// ldns-verify-zone and kzonecheck): every signature verifies with a DNSKEY of the zone and is valid at
// `now`, every authoritative set is signed, and the NSEC3/NSEC chain is closed and complete.
import { fromBase64, nsec3Hash, parseSigTime, signedData, verifyBytes, type DnssecAlgorithm } from "../../src/dns/dnssec/index.ts";
import { canonicalCompare, canonicalWire, parentName, typeCode, type RRset, type ZoneSnapshot } from "../../src/dns/zone/index.ts";

export function checkSignedZone(z: ZoneSnapshot, now = Date.now() / 1000): string[] {
  const problems: string[] = [];
  const dnskey = z.get(z.name, "DNSKEY");
  if (!dnskey) return ["no DNSKEY at the apex"];
  const keys = dnskey.data.map((d) => {
    const p = d.split(" ");
    return { flags: +p[0], alg: +p[2] as DnssecAlgorithm, pub: fromBase64(p[3]) };
  });
  const tagOf = (k: (typeof keys)[number]) => {
    const rd = canonicalWire("DNSKEY", `${k.flags} 3 ${k.alg} ${Buffer.from(k.pub).toString("base64")}`);
    let ac = 0;
    for (let i = 0; i < rd.length; i++) ac += i & 1 ? rd[i] : rd[i] << 8;
    return (ac + ((ac >> 16) & 0xffff)) & 0xffff;
  };
  const byTag = new Map(keys.map((k) => [tagOf(k), k]));
  const occluded = (n: string) => {
    for (let x = parentName(n); x !== z.name && x !== ""; x = parentName(x)) if (z.get(x, "NS")) return true;
    return false;
  };
  const verifySet = (s: RRset) => {
    for (const sig of s.sigs ?? []) {
      const p = sig.split(" ");
      const k = byTag.get(+p[6]);
      if (!k) {
        problems.push(`${s.name}/${s.type}: signed by unknown key ${p[6]}`);
        continue;
      }
      const exp = parseSigTime(p[4]);
      const inc = parseSigTime(p[5]);
      if (!(inc <= now && now <= exp)) problems.push(`${s.name}/${s.type}: signature not valid now`);
      if (+p[3] !== s.ttl) problems.push(`${s.name}/${s.type}: original TTL ${p[3]} != ${s.ttl}`);
      const data = signedData({ algorithm: k.alg, keyTag: +p[6] }, { owner: s.name, type: typeCode(s.type), ttl: s.ttl, rdatas: s.data.map((d) => canonicalWire(s.type, d)) }, { inception: inc, expiration: exp, signer: p[7] });
      if (!verifyBytes(k.alg, k.pub, data, fromBase64(p[8]))) problems.push(`${s.name}/${s.type}: bad signature by ${p[6]}`);
    }
  };
  const nsec3 = !!z.get(z.name, "NSEC3PARAM");
  const chain: string[] = [];
  const names = new Set<string>();
  for (const [n, node] of z.nodes) {
    const chainOnly = [...node.keys()].every((t) => t === "NSEC3");
    const occ = !chainOnly && occluded(n);
    const cut = !chainOnly && n !== z.name && node.has("NS");
    if (chainOnly) chain.push(n);
    else if (!occ) names.add(n);
    if (!nsec3 && node.has("NSEC")) chain.push(n);
    for (const s of node.values()) {
      const want = !occ && (!cut || s.type === "DS" || s.type === "NSEC");
      if (want && !s.sigs?.length) problems.push(`${n}/${s.type}: not signed`);
      if (!want && s.sigs?.length) problems.push(`${n}/${s.type}: signed but not authoritative`);
      verifySet(s);
    }
  }
  if (nsec3) {
    // Empty non-terminals need NSEC3 records too (RFC 5155 §7.1).
    for (const [n, c] of z.below) if (c > 0 && !z.nodes.has(n) && !occluded(n) && (n === z.name || n.endsWith("." + z.name))) names.add(n);
    const hashes = chain.map((n) => n.slice(0, n.indexOf("."))).sort();
    for (const n of names) if (!hashes.includes(nsec3Hash(n))) problems.push(`${n}: no NSEC3`);
    if (hashes.length !== names.size) problems.push(`NSEC3 count ${hashes.length} != names ${names.size}`);
    hashes.forEach((h, i) => {
      const next = z.get(`${h}.${z.name}`, "NSEC3")!.data[0].split(" ")[4].toLowerCase();
      if (next !== hashes[(i + 1) % hashes.length]) problems.push(`NSEC3 ${h}: next ${next} != ${hashes[(i + 1) % hashes.length]}`);
    });
  } else {
    const sorted = chain.sort(canonicalCompare);
    for (const n of names) if (!sorted.includes(n)) problems.push(`${n}: no NSEC`);
    sorted.forEach((n, i) => {
      const next = z.get(n, "NSEC")!.data[0].split(" ")[0].replace(/\.$/, "");
      if (next !== sorted[(i + 1) % sorted.length]) problems.push(`NSEC ${n}: next ${next} != ${sorted[(i + 1) % sorted.length]}`);
    });
  }
  return problems;
}

// ---------- the external tools (interop tests) ----------
import { writeFileSync } from "node:fs";
import { which } from "./net.ts";

async function run(cmd: string[]): Promise<{ code: number; out: string }> {
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [o, e] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, out: o + e };
}

/** The zone as a secondary gets it: AXFR with dig, as a master file (comments dropped, one SOA). */
export async function axfr(port: number, zone: string): Promise<string> {
  const r = await run([which("dig")!, "@127.0.0.1", "-p", String(port), zone, "AXFR", "+onesoa", "+nocomments", "+nostats", "+time=3", "+tries=1"]);
  return r.out.split("\n").filter((l) => l.trim() && !l.startsWith(";")).join("\n") + "\n";
}

/** dnssec-verify (BIND), ldns-verify-zone (ldns) and kzonecheck (Knot) on a zone file: each one's failures. */
export async function verifyZoneFile(path: string, zone: string): Promise<string[]> {
  const out: string[] = [];
  // -z: a CSK has only the SEP flag; BIND then needs to be told that a KSK may sign everything.
  const b = await run([which("dnssec-verify")!, "-z", "-o", zone, path]);
  if (b.code !== 0 || !b.out.includes("Zone fully signed")) out.push(`dnssec-verify: ${b.out}`);
  const l = await run([which("ldns-verify-zone")!, path]);
  if (l.code !== 0 || !l.out.includes("Zone is verified and complete")) out.push(`ldns-verify-zone: ${l.out}`);
  const k = await run([which("kzonecheck")!, "-o", zone, "-d", "on", path]);
  if (k.code !== 0) out.push(`kzonecheck: ${k.out}`);
  return out;
}

/** A delv trust-anchors file holding the zone's SEP keys (DNSKEY rdata "257 3 alg key"). */
export function writeAnchors(path: string, zone: string, dnskeys: string[]): void {
  const lines = dnskeys.map((d) => {
    const p = d.split(" ");
    return `  ${zone}. static-key ${p[0]} ${p[1]} ${p[2]} "${p[3]}";`;
  });
  writeFileSync(path, `trust-anchors {\n${lines.join("\n")}\n};\n`);
}

/** delv with the zone as the root of trust: "validated" / "negative-validated" / the failure text. */
export async function delv(port: number, anchors: string, zone: string, name: string, type: string): Promise<{ verdict: string; out: string }> {
  const r = await run([which("delv")!, "-a", anchors, `+root=${zone}`, "@127.0.0.1", "-p", String(port), name, type, "+tcp"]);
  const verdict = r.out.includes("; negative response, fully validated") ? "negative-validated" : r.out.includes("; fully validated") ? "validated" : "failed";
  return { verdict, out: r.out };
}
