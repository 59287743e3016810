// The acme-dns API over an rfc2136 challenge zone: the TXT values go to a real BIND primary by TSIG-signed
// UPDATE, several at once, and leave it again on delete.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { addRfc2136Zone } from "../../../src/core/admin/domains.ts";
import { havePeers } from "../../support/net.ts";
import { startBind, PRIMARY_ZONE, type RunningPrimary } from "../../support/primaries.ts";
import { startAcmeWorld, type AcmeWorld } from "../../support/acme.ts";

const ok = havePeers("named", "dig");

describe.skipIf(!ok)("acme-dns API with the challenge zone on an external primary (BIND)", () => {
  let w: AcmeWorld;
  let bind: RunningPrimary;

  beforeAll(async () => {
    bind = await startBind();
    w = await startAcmeWorld({ zones: [], env: { UPDNS_ACME_DNS_ZONE: PRIMARY_ZONE, UPDNS_ACME_DNS_REGISTRATION: "open" } });
    const key = bind.key("hmac-sha256");
    addRfc2136Zone(w.server.db, { name: PRIMARY_ZONE, primary: `127.0.0.1:${bind.port}`, keyName: key.name, algorithm: key.algorithm, secret: key.secret });
  });
  afterAll(async () => {
    await w?.close();
    await bind?.stop();
  });

  test("register, three values at once, delete one, delete all: BIND serves exactly what the API says", async () => {
    const base = `${w.server.url}/acme-dns`;
    const reg = await fetch(`${base}/register`, { method: "POST" });
    expect(reg.status).toBe(201);
    const a = await reg.json();
    expect(a.fulldomain).toBe(`${a.subdomain}.${PRIMARY_ZONE}`);
    const headers = { "X-Api-User": a.username, "X-Api-Key": a.password };
    const values = ["p", "q", "r"].map((c) => c.repeat(43));
    const answers = await Promise.all(values.map((txt) => fetch(`${base}/update`, { method: "POST", headers, body: JSON.stringify({ subdomain: a.subdomain, txt }) })));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await bind.lookup(a.fulldomain, "TXT")).sort()).toEqual(values.map((v) => `"${v}"`));
    const del = await fetch(`${base}/update`, { method: "DELETE", headers, body: JSON.stringify({ subdomain: a.subdomain, txt: values[1] }) });
    expect(del.status).toBe(200);
    expect((await bind.lookup(a.fulldomain, "TXT")).sort()).toEqual([`"${values[0]}"`, `"${values[2]}"`]);
    await fetch(`${base}/delete`, { method: "POST", headers, body: JSON.stringify({ subdomain: a.subdomain }) });
    expect(await bind.lookup(a.fulldomain, "TXT")).toEqual([]);
  });
});
