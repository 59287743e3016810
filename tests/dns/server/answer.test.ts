// The answering rules (RFC 1034 §4.3.2 and friends) against the pure answer(): one case per rule.
import { describe, expect, test } from "bun:test";
import { answer, RCODE_NAME, TYPE } from "../../../src/dns/server/index.ts";
import type { RR } from "../../../src/dns/zone/index.ts";
import { fixtureStore } from "./fixture.ts";
import { RULES } from "./rules.ts";

const { store } = await fixtureStore();
const line = (r: RR) => `${r.name}. ${r.ttl} IN ${r.type} ${r.data}`;
const qtypeNumber = (t: string) => (t === "ANY" ? 255 : t.startsWith("TYPE") ? Number(t.slice(4)) : TYPE[t as keyof typeof TYPE]);

describe("answer() rule table", () => {
  for (const r of RULES) {
    test(r.rule, () => {
      const a = answer(store.snapshot(), r.qname, qtypeNumber(r.qtype));
      expect(RCODE_NAME[a.rcode]).toBe(r.rcode);
      expect(a.aa).toBe(r.aa);
      expect(a.answer.map(line)).toEqual(r.answer);
      expect(a.authority.map(line)).toEqual(r.authority);
      if (r.additional) expect(a.additional.map(line)).toEqual(r.additional);
    });
  }
});
