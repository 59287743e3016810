// Listening: each configured address is this server's alone (a second bind fails with the address named),
// IPv4 and IPv6 loopback on one port side by side. The wildcard pair "0.0.0.0" + "[::]" on port 53 is
// started by tests/cli/listen.test.ts in a network namespace of its own.
import { afterEach, describe, expect, test } from "bun:test";
import { BindError, listenDns, Responder, type DnsListener } from "../../../src/dns/server/index.ts";
import { dig } from "../../support/dig.ts";
import { freePort, havePeers } from "../../support/net.ts";
import { fixtureStore } from "./fixture.ts";

const HAVE = havePeers("dig");
const open: DnsListener[] = [];
afterEach(async () => {
  for (const l of open.splice(0)) await l.stop();
});

async function listen(addresses: string[]): Promise<DnsListener> {
  const { store } = await fixtureStore();
  const l = await listenDns({ listen: addresses, responder: new Responder({ store }) });
  open.push(l);
  return l;
}

async function bindError(addresses: string[]): Promise<BindError> {
  try {
    await listen(addresses);
  } catch (e) {
    return e as BindError;
  }
  throw new Error(`listening on ${addresses.join(", ")} did not fail`);
}

describe.if(HAVE)("DNS listeners", () => {
  test("a second server on the same address fails naming it, and the first keeps answering over UDP and TCP", async () => {
    const port = await freePort();
    await listen([`127.0.0.1:${port}`]);
    const e = await bindError([`127.0.0.1:${port}`]);
    expect(e).toBeInstanceOf(BindError);
    expect(e.address).toBe(`127.0.0.1:${port}`);
    expect(e.code).toBe("EADDRINUSE");
    expect((await dig("127.0.0.1", port, "www.example.org", "A")).answer).toEqual(["www.example.org. 300 IN A 192.0.2.80"]);
    expect((await dig("127.0.0.1", port, "www.example.org", "A", ["+tcp"])).answer).toEqual(["www.example.org. 300 IN A 192.0.2.80"]);
  });

  test("the error names the address that failed, not the first of the list, and frees the ones already bound", async () => {
    const taken = await freePort();
    await listen([`127.0.0.1:${taken}`]);
    const free = await freePort();
    const e = await bindError([`127.0.0.1:${free}`, `127.0.0.1:${taken}`]);
    expect(e.address).toBe(`127.0.0.1:${taken}`);
    // The address bound before the failure was given back.
    const again = await listen([`127.0.0.1:${free}`]);
    expect(again.addresses).toEqual([{ host: "127.0.0.1", udpPort: free, tcpPort: free }]);
  });

  test("127.0.0.1 and ::1 on the same port answer each in their own family", async () => {
    const port = await freePort();
    const l = await listen([`127.0.0.1:${port}`, `[::1]:${port}`]);
    expect(l.addresses.map((a) => a.host)).toEqual(["127.0.0.1", "::1"]);
    for (const host of ["127.0.0.1", "::1"]) {
      expect((await dig(host, port, "www.example.org", "AAAA", ["+tcp"])).answer).toEqual(["www.example.org. 300 IN AAAA 2001:db8::80"]);
      expect((await dig(host, port, "www.example.org", "AAAA")).answer).toEqual(["www.example.org. 300 IN AAAA 2001:db8::80"]);
    }
  });
});
