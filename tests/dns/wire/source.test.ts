// Which local address outgoing DNS leaves from: the first specific listen address per family, the kernel's
// choice for a wildcard, and never a loopback address towards another host.
import { describe, expect, test } from "bun:test";
import { listenSources, sourceFor } from "../../../src/dns/wire/index.ts";

describe("the sources of a listener", () => {
  test("the first specific address of each family", () => {
    expect(listenSources(["127.0.0.2:53", "[2001:db8::53]:53", "127.0.0.3:53", "[::1]:53"])).toEqual({ v4: "127.0.0.2", v6: "2001:db8::53" });
  });

  test("none for a family with a wildcard among its addresses, nor for host names", () => {
    expect(listenSources(["192.0.2.1:53", "0.0.0.0:53", "[2001:db8::53]:53"])).toEqual({ v6: "2001:db8::53" });
    expect(listenSources(["[::]:53", "localhost:5353"])).toEqual({});
  });
});

describe("the source towards one destination", () => {
  const sources = { v4: "192.0.2.1", v6: "2001:db8::1" };
  test("the source of the destination's family", () => {
    expect(sourceFor(sources, "198.51.100.2")).toBe("192.0.2.1");
    expect(sourceFor(sources, "2001:db8::2")).toBe("2001:db8::1");
    expect(sourceFor(sources, "[2001:db8::2]")).toBe("2001:db8::1");
    expect(sourceFor({ v4: "192.0.2.1" }, "2001:db8::2")).toBeUndefined();
  });

  test("a wildcard source is the kernel's choice", () => {
    expect(sourceFor({ v4: "0.0.0.0", v6: "::" }, "198.51.100.2")).toBeUndefined();
    expect(sourceFor({ v4: "0.0.0.0", v6: "::" }, "2001:db8::2")).toBeUndefined();
  });

  test("a loopback source only towards loopback: it cannot reach another host", () => {
    expect(sourceFor({ v4: "127.0.0.2", v6: "::1" }, "127.0.0.1")).toBe("127.0.0.2");
    expect(sourceFor({ v4: "127.0.0.2", v6: "::1" }, "::1")).toBe("::1");
    expect(sourceFor({ v4: "127.0.0.1", v6: "::1" }, "198.51.100.2")).toBeUndefined();
    expect(sourceFor({ v4: "127.0.0.1", v6: "::1" }, "2001:db8::2")).toBeUndefined();
  });
});
