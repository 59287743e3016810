// LOC (RFC 1876): text "d [m [s]] N|S d [m [s]] E|W alt[m] [size[m] [hp[m] [vp[m]]]]" ↔ 16 octets of wire.
import { RdataError, type Token } from "./text.ts";
import { Bytes, type Codec, Reader } from "./codec.ts";

/** RFC 1876 §2: latitude and longitude are thousandths of an arc second offset by 2^31. */
const EQUATOR = 2 ** 31;
/** Altitude is centimetres above 100,000 m below the WGS 84 reference spheroid. */
const ALT_BASE = 10_000_000;

/** Degrees, optional minutes and seconds, then the hemisphere; returns thousandths of arc seconds. */
function angle(toks: Token[], at: { i: number }, hemis: string, maxDeg: number, what: string): number {
  const word = (): string => {
    const t = toks[at.i];
    if (!t || t.quoted) throw new RdataError(`LOC ${what}: missing`);
    return t.text;
  };
  const deg = word();
  if (!/^\d{1,3}$/.test(deg) || Number(deg) > maxDeg) throw new RdataError(`LOC ${what} degrees: bad value ${JSON.stringify(deg)}`);
  at.i++;
  let min = 0;
  let msec = 0;
  if (/^\d+$/.test(word())) {
    min = Number(word());
    if (min > 59) throw new RdataError(`LOC ${what} minutes: ${min} is out of range`);
    at.i++;
    if (/^\d+(\.\d{1,3})?$/.test(word())) {
      msec = Math.round(Number(word()) * 1000);
      if (msec >= 60_000) throw new RdataError(`LOC ${what} seconds: ${word()} is out of range`);
      at.i++;
    }
  }
  const h = word().toUpperCase();
  if (h.length !== 1 || !hemis.includes(h)) throw new RdataError(`LOC ${what}: expected ${hemis.split("").join(" or ")}, got ${JSON.stringify(word())}`);
  at.i++;
  const v = (Number(deg) * 3600 + min * 60) * 1000 + msec;
  if (v > maxDeg * 3_600_000) throw new RdataError(`LOC ${what} is beyond ${maxDeg} degrees`);
  return h === hemis[0] ? EQUATOR + v : EQUATOR - v;
}

/** "12.34m" in centimetres. */
function metres(text: string, what: string, signed: boolean): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?m?$/.exec(text);
  if (!m || (m[1] && !signed)) throw new RdataError(`LOC ${what}: bad value ${JSON.stringify(text)}`);
  const cm = Number(m[2]) * 100 + Number((m[3] ?? "0").padEnd(2, "0"));
  return m[1] ? -cm : cm;
}

/** RFC 1876 §2: a size or precision is a mantissa and a power of ten, 4 bits each, in centimetres. */
function precision(text: string, what: string): number {
  const cm = metres(text, what, false);
  if (cm > 9e9) throw new RdataError(`LOC ${what}: ${text} is out of range`);
  let exp = 0;
  while (exp < 9 && cm >= 10 ** (exp + 1)) exp++;
  const man = Math.floor(cm / 10 ** exp);
  if (man * 10 ** exp !== cm) throw new RdataError(`LOC ${what}: ${text} is not one digit times a power of ten`);
  return (man << 4) | exp;
}

function precisionText(b: number, what: string): string {
  const man = b >> 4;
  const exp = b & 0x0f;
  if (man > 9 || exp > 9) throw new RdataError(`LOC ${what} is not a valid size`);
  const cm = man * 10 ** exp;
  return cm % 100 === 0 ? `${cm / 100}m` : `${(cm / 100).toFixed(2)}m`;
}

function angleText(v: number, hemis: string): string {
  const off = v - EQUATOR;
  const abs = Math.abs(off);
  const deg = Math.floor(abs / 3_600_000);
  const min = Math.floor((abs % 3_600_000) / 60_000);
  const sec = ((abs % 60_000) / 1000).toFixed(3);
  return `${deg} ${min} ${sec} ${off >= 0 ? hemis[0] : hemis[1]}`;
}

export const LOC: Codec = {
  encode(toks) {
    if (toks.length < 5) throw new RdataError("LOC needs latitude, longitude and altitude");
    const at = { i: 0 };
    const lat = angle(toks, at, "NS", 90, "latitude");
    const lon = angle(toks, at, "EW", 180, "longitude");
    const rest = toks.slice(at.i);
    if (rest.length < 1) throw new RdataError("LOC altitude: missing");
    if (rest.length > 4) throw new RdataError(`LOC has ${rest.length - 4} fields too many`);
    const alt = metres(rest[0].text, "altitude", true) + ALT_BASE;
    if (alt < 0 || alt > 0xffffffff) throw new RdataError(`LOC altitude: ${rest[0].text} is out of range`);
    // RFC 1876 §3: size 1m, horizontal precision 10000m, vertical precision 10m unless given.
    const [size, hp, vp] = [
      ["size", "1m"],
      ["horizontal precision", "10000m"],
      ["vertical precision", "10m"],
    ].map(([what, dflt], k) => precision(rest[k + 1]?.text ?? dflt, what));
    const w = new Bytes();
    w.u8(0);
    w.u8(size);
    w.u8(hp);
    w.u8(vp);
    w.u32(lat);
    w.u32(lon);
    w.u32(alt);
    return w.done();
  },
  decode(b) {
    const r = new Reader(b, "LOC");
    if (r.u8("version") !== 0) throw new RdataError("LOC version is not 0");
    const size = precisionText(r.u8("size"), "size");
    const hp = precisionText(r.u8("horizontal precision"), "horizontal precision");
    const vp = precisionText(r.u8("vertical precision"), "vertical precision");
    const lat = r.u32("latitude");
    const lon = r.u32("longitude");
    const alt = r.u32("altitude") - ALT_BASE;
    r.end();
    if (Math.abs(lat - EQUATOR) > 90 * 3_600_000) throw new RdataError("LOC latitude is beyond 90 degrees");
    if (Math.abs(lon - EQUATOR) > 180 * 3_600_000) throw new RdataError("LOC longitude is beyond 180 degrees");
    const altText = `${alt < 0 ? "-" : ""}${(Math.abs(alt) / 100).toFixed(2)}m`;
    return `${angleText(lat, "NS")} ${angleText(lon, "EW")} ${altText} ${size} ${hp} ${vp}`;
  },
};
