// The rfc2136 backend against a real BIND 9 primary.
import { describe } from "bun:test";
import { havePeers } from "../../support/net.ts";
import { startBind } from "../../support/primaries.ts";
import { primaryScenarios } from "./scenarios.ts";

if (havePeers("named", "dig")) primaryScenarios("BIND (named)", () => startBind(), { policyRefusal: "REFUSED", tsigErrors: "tsig" });
else describe.skip("rfc2136 backend against BIND (named)", () => {});
