// A bounds-checked walk over a raw DNS message (RFC 1035 §4.1): where each question and resource record
// starts and ends. TSIG needs byte offsets that dns-packet does not expose, and the RFC 2136 client
// uses it to reject malformed responses with a clear reason before decoding them.
import { NameFormatError, readName } from "./names.ts";

export type Section = "question" | "answer" | "authority" | "additional";

export interface ScannedQuestion {
  name: string;
  type: number;
  class: number;
}

export interface ScannedRecord {
  section: Section;
  /** Offset of the owner name. */
  offset: number;
  name: string;
  type: number;
  class: number;
  ttl: number;
  rdataOffset: number;
  rdlength: number;
  /** Offset just after the record. */
  end: number;
}

export interface ScannedMessage {
  id: number;
  flags: number;
  opcode: number;
  rcode: number;
  qr: boolean;
  tc: boolean;
  questions: ScannedQuestion[];
  records: ScannedRecord[];
  /** Offset after the last record; trailing octets beyond it make the scan fail. */
  end: number;
}

export class MessageFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MessageFormatError";
  }
}

export const HEADER_LENGTH = 12;

/** Walk the whole message. Throws MessageFormatError on anything that does not add up. */
export function scanMessage(wire: Uint8Array): ScannedMessage {
  if (wire.length < HEADER_LENGTH) throw new MessageFormatError(`message of ${wire.length} octets is shorter than a DNS header`);
  const dv = new DataView(wire.buffer, wire.byteOffset, wire.byteLength);
  const flags = dv.getUint16(2);
  const counts = [dv.getUint16(4), dv.getUint16(6), dv.getUint16(8), dv.getUint16(10)];
  // Each question needs at least 5 octets and each record 11: counts that cannot fit are rejected
  // before looping, so a hostile header cannot make us loop 4 * 65535 times for nothing.
  if (counts[0] * 5 + (counts[1] + counts[2] + counts[3]) * 11 > wire.length - HEADER_LENGTH)
    throw new MessageFormatError("section counts do not fit the message length");
  let pos = HEADER_LENGTH;
  const questions: ScannedQuestion[] = [];
  try {
    for (let i = 0; i < counts[0]; i++) {
      const { name, next } = readName(wire, pos);
      if (next + 4 > wire.length) throw new MessageFormatError("question runs past the end of the message");
      questions.push({ name, type: dv.getUint16(next), class: dv.getUint16(next + 2) });
      pos = next + 4;
    }
    const records: ScannedRecord[] = [];
    const sections: Section[] = ["answer", "authority", "additional"];
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < counts[s + 1]; i++) {
        const { name, next } = readName(wire, pos);
        if (next + 10 > wire.length) throw new MessageFormatError("record header runs past the end of the message");
        const rdlength = dv.getUint16(next + 8);
        const end = next + 10 + rdlength;
        if (end > wire.length) throw new MessageFormatError("record data runs past the end of the message");
        records.push({
          section: sections[s],
          offset: pos,
          name,
          type: dv.getUint16(next),
          class: dv.getUint16(next + 2),
          ttl: dv.getUint32(next + 4),
          rdataOffset: next + 10,
          rdlength,
          end,
        });
        pos = end;
      }
    }
    if (pos !== wire.length) throw new MessageFormatError(`${wire.length - pos} octets of trailing garbage after the last record`);
    return {
      id: dv.getUint16(0),
      flags,
      opcode: (flags >> 11) & 0xf,
      rcode: flags & 0xf,
      qr: (flags & 0x8000) !== 0,
      tc: (flags & 0x0200) !== 0,
      questions,
      records,
      end: pos,
    };
  } catch (e) {
    if (e instanceof NameFormatError) throw new MessageFormatError(e.message);
    throw e;
  }
}
