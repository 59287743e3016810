// RFC 1035 §5 master files: $ORIGIN, $TTL, relative names, "@", blank owners, parentheses over several
// lines, ";" comments, quoted strings; record types of embedded zones. Errors name the line. The writer
// emits absolute names one record a line, which BIND's named-checkzone accepts.
import { normalizeName } from "../wire/index.ts";
import { absoluteName, parseRdata, parseTtl, RdataError, type Token, typeCodeOf } from "./rdata.ts";
import { canonicalCompare } from "./snapshot.ts";
import { isDnssecType, isZoneType, type RR, type RRType, rrTypeOf } from "./types.ts";

export class MasterFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "MasterFileError";
  }
}

interface Entry {
  line: number;
  /** The line started with whitespace: the owner is the previous one (RFC 1035 §5.1). */
  blankOwner: boolean;
  tokens: Token[];
}

/** Split the text into logical entries (parentheses join lines), tokens with quotes and escapes kept. */
function entries(text: string): Entry[] {
  const out: Entry[] = [];
  let cur: Entry | null = null;
  let depth = 0;
  const lines = text.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln];
    if (depth === 0) cur = { line: ln + 1, blankOwner: /^[ \t]/.test(line), tokens: [] };
    let i = 0;
    while (i < line.length) {
      const c = line[i];
      if (c === " " || c === "\t") {
        i++;
      } else if (c === ";") {
        break;
      } else if (c === "(") {
        depth++;
        i++;
      } else if (c === ")") {
        if (depth === 0) throw new MasterFileError(ln + 1, "unbalanced ')'");
        depth--;
        i++;
      } else if (c === '"') {
        let j = i + 1;
        let s = "";
        while (j < line.length && line[j] !== '"') {
          if (line[j] === "\\" && j + 1 < line.length) {
            s += line[j] + line[j + 1];
            j += 2;
          } else s += line[j++];
        }
        if (j >= line.length) throw new MasterFileError(ln + 1, "unterminated quoted string");
        cur!.tokens.push({ text: s, quoted: true });
        i = j + 1;
      } else {
        let j = i;
        let s = "";
        while (j < line.length && !" \t;()\"".includes(line[j])) {
          if (line[j] === "\\" && j + 1 < line.length) {
            s += line[j] + line[j + 1];
            j += 2;
          } else s += line[j++];
        }
        cur!.tokens.push({ text: s, quoted: false });
        i = j;
      }
    }
    if (depth === 0 && cur && cur.tokens.length > 0) out.push(cur);
  }
  if (depth !== 0) throw new MasterFileError(cur?.line ?? lines.length, "'(' is never closed");
  return out;
}

const CLASSES = new Set(["IN", "CH", "HS", "CS"]);

/**
 * Parse a master file into records with absolute owner names. `origin` is the zone (the initial
 * $ORIGIN); `defaultTtl` applies until a $TTL (or, as RFC 1035 has it, the previous record's TTL).
 */
export function parseMasterFile(text: string, origin: string, defaultTtl = 3600): RR[] {
  let org = normalizeName(origin);
  let ttl: number | null = null;
  let lastTtl = defaultTtl;
  let owner: string | null = null;
  const out: RR[] = [];
  for (const e of entries(text)) {
    const t = e.tokens;
    const fail = (m: string): never => {
      throw new MasterFileError(e.line, m);
    };
    try {
      if (!e.blankOwner && t[0].text.startsWith("$") && !t[0].quoted) {
        const d = t[0].text.toUpperCase();
        if (d === "$ORIGIN") {
          if (t.length !== 2) fail("$ORIGIN needs one name");
          org = absoluteName(t[1].text, org);
        } else if (d === "$TTL") {
          if (t.length !== 2) fail("$TTL needs one value");
          ttl = parseTtl(t[1].text);
        } else if (d === "$INCLUDE") fail("$INCLUDE is not supported (paste the file in instead)");
        else fail(`unknown directive ${t[0].text}`);
        continue;
      }
      let i = 0;
      if (!e.blankOwner) owner = absoluteName(t[i++].text, org);
      if (owner === null) fail("the first record needs an owner name");
      let recTtl: number | null = null;
      // RFC 1035 §5.1: [<TTL>] [<class>] or [<class>] [<TTL>] before the type.
      for (let k = 0; k < 2 && i < t.length; k++) {
        const x = t[i].text.toUpperCase();
        if (CLASSES.has(x)) {
          if (x !== "IN") fail(`class ${x} is not served (only IN)`);
          i++;
        } else if (/^\d/.test(x) && recTtl === null) {
          recTtl = parseTtl(t[i].text);
          i++;
        }
      }
      if (i >= t.length) fail("record type missing");
      // RFC 3597 §5: "TYPEnnn" names any type, a known one included (TYPE1 is A).
      const type = rrTypeOf(typeCodeOf(t[i++].text));
      // DNSSEC records of a signed zone's file are read (so an export can be imported); the store drops them.
      if (!isZoneType(type) && !isDnssecType(type)) fail(`record type ${type} is not supported (meta types and obsolete types whose rdata holds names are refused)`);
      const rtype = type as RRType;
      const data = parseRdata(rtype, t.slice(i), org);
      const useTtl = recTtl ?? ttl ?? (rtype === "SOA" ? Math.min(Number(data.split(" ")[6]), lastTtl) : lastTtl);
      lastTtl = useTtl;
      out.push({ name: owner!, type: rtype, ttl: useTtl, data });
    } catch (err) {
      if (err instanceof MasterFileError) throw err;
      if (err instanceof RdataError) throw new MasterFileError(e.line, err.message);
      throw err;
    }
  }
  return out;
}

/** A master file for `zone`: $ORIGIN, SOA first, then everything in canonical order, absolute names. */
export function writeMasterFile(zone: string, records: Iterable<RR>): string {
  const z = normalizeName(zone);
  const all = [...records];
  const soa = all.filter((r) => r.type === "SOA" && normalizeName(r.name) === z);
  // Names are written as stored (case kept, RFC 4343 §4) and ordered by their lower-case form (RFC 4034 §6.1).
  const rest = all
    .filter((r) => !(r.type === "SOA" && normalizeName(r.name) === z))
    .sort((a, b) => canonicalCompare(normalizeName(a.name), normalizeName(b.name)) || (a.type < b.type ? -1 : a.type > b.type ? 1 : a.data < b.data ? -1 : 1));
  const lines = [`$ORIGIN ${z}.`];
  for (const r of [...soa, ...rest]) lines.push(`${r.name}.\t${r.ttl}\tIN\t${r.type}\t${r.data}`);
  return lines.join("\n") + "\n";
}
