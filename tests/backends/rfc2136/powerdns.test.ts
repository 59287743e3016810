// The rfc2136 backend against a real PowerDNS Authoritative primary (sqlite3 backend, dnsupdate=yes).
import { describe } from "bun:test";
import { havePeers } from "../../support/net.ts";
import { startPowerDns } from "../../support/primaries.ts";
import { primaryScenarios } from "./scenarios.ts";

if (havePeers("pdns_server", "pdnsutil", "dig")) primaryScenarios("PowerDNS (pdns_server)", () => startPowerDns(), { policyRefusal: "silent", tsigErrors: "unsigned-refused" });
else describe.skip("rfc2136 backend against PowerDNS", () => {});
