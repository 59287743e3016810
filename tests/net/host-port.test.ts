import { describe, expect, test } from "bun:test";
import { HostPortError, parseHostPort, splitHostPort } from "../../src/net/index.ts";
import { loadConfig } from "../../src/config/index.ts";

describe("host:port", () => {
  test("IPv4, bracketed IPv6 and host names with a port", () => {
    expect(splitHostPort("192.0.2.1:53")).toEqual({ host: "192.0.2.1", port: 53, bracketed: false });
    expect(splitHostPort("[2001:db8::1]:5353")).toEqual({ host: "2001:db8::1", port: 5353, bracketed: true });
    expect(splitHostPort("ns1.example.org:53")).toEqual({ host: "ns1.example.org", port: 53, bracketed: false });
  });

  test("where a default port applies, the port may be left out, and IPv6 may stand without brackets", () => {
    const form = { defaultPort: 53 };
    expect(splitHostPort("192.0.2.1", form)).toMatchObject({ host: "192.0.2.1", port: 53 });
    expect(splitHostPort("2001:db8::1", form)).toMatchObject({ host: "2001:db8::1", port: 53 });
    expect(splitHostPort("[2001:db8::1]", form)).toMatchObject({ host: "2001:db8::1", port: 53 });
    expect(splitHostPort("[2001:db8::1]:54", form)).toMatchObject({ host: "2001:db8::1", port: 54 });
  });

  test("each bad value is told what is wrong with it", () => {
    const problem = (text: string, form = {}) => (parseHostPort(text, form) as { problem: string }).problem;
    expect(problem("::1:53")).toBe('must be "address:port" with the IPv6 address in brackets, e.g. "[::1]:53"');
    expect(problem("[::1]")).toBe('must be "address:port" with the IPv6 address in brackets, e.g. "[::1]:53"');
    expect(problem("[::1", { defaultPort: 53 })).toBe('must be "address" or "address:port" with the IPv6 address in brackets, e.g. "[::1]:53"');
    expect(problem("[::g]:53")).toBe('"::g" is not an IPv6 address');
    expect(problem("[192.0.2.1]:53")).toBe('"192.0.2.1" is not an IPv6 address');
    expect(problem("127.0.0.1")).toBe('must be "address:port" (IPv6 as "[::1]:port"): the port is missing');
    expect(problem(":53")).toBe("the address is missing");
    expect(problem("127.0.0.1:")).toBe('port "" is not a number');
    expect(problem("127.0.0.1:http")).toBe('port "http" is not a number');
    expect(problem("127.0.0.1:65536")).toBe("port must be 1–65535, got 65536");
    expect(problem("[::1]:0")).toBe("port must be 1–65535, got 0");
  });

  test("a listener may ask for port 0 (the system chooses)", () => {
    expect(splitHostPort("127.0.0.1:0", { minPort: 0 })).toMatchObject({ port: 0 });
    expect(() => splitHostPort("127.0.0.1:99999", { minPort: 0 })).toThrow(new HostPortError("port must be 0–65535, got 99999"));
  });

  test("a bad setting is refused naming the setting, the same words as every other reader", () => {
    const refused = (env: Record<string, string>) => {
      try {
        loadConfig({ env });
      } catch (e) {
        return (e as Error).message;
      }
      return "accepted";
    };
    expect(refused({ UPDNS_DNS_LISTEN: "[::1]:70000" })).toContain('dns.listen[0] = "[::1]:70000": port must be 0–65535, got 70000');
    expect(refused({ UPDNS_DNS_RESOLVER: "[::1]:0" })).toContain('dns.resolver[0] = "[::1]:0": port must be 1–65535, got 0');
  });
});
