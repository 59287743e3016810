// dyndns2 with an account token whose type scope leaves out TXT: the ACME `txt=` value is refused for the
// host (nohost) and the challenge record is not written, while the address in scope still updates.
import { expect, test } from "bun:test";
import { createToken } from "../../../src/core/index.ts";
import { HOST, makeWorld } from "../../core/fixture.ts";

test("a token scoped to A cannot set the ACME TXT through dyndns2", async () => {
  const w = await makeWorld();
  const { token } = createToken(w.db, w.userId, { types: ["A"] });
  const r = await w.call(`/nic/update?hostname=${HOST}&myip=192.0.2.1&txt=challenge`, { auth: `Bearer ${token}` });
  expect(r.status).toBe(200);
  expect(r.body).toBe("nohost");
  expect(w.backend.get(`_acme-challenge.${HOST}`, "TXT")).toEqual([]);
  expect(w.backend.get(HOST, "A")).toEqual(["192.0.2.1"]);
  const txtToken = createToken(w.db, w.userId, { types: ["TXT"] }).token;
  const ok = await w.call(`/nic/update?hostname=${HOST}&txt=challenge`, { auth: `Bearer ${txtToken}` });
  expect(ok.body).toBe("good");
  expect(w.backend.get(`_acme-challenge.${HOST}`, "TXT")).toEqual(["challenge"]);
});
