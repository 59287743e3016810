// The rfc2136 backend against a real Knot DNS primary.
import { describe } from "bun:test";
import { havePeers } from "../../support/net.ts";
import { startKnot } from "../../support/primaries.ts";
import { primaryScenarios } from "./scenarios.ts";

if (havePeers("knotd", "dig")) primaryScenarios("Knot DNS (knotd)", () => startKnot(), { policyRefusal: "BADKEY", tsigErrors: "tsig" });
else describe.skip("rfc2136 backend against Knot DNS (knotd)", () => {});
