// The web UI's main flow in Chromium at desktop width (see browser-ui-flow.ts).
import { describe, test } from "bun:test";
import { mainFlow, run } from "./browser-ui-flow.ts";

describe.if(run)("web UI main flow in Chromium", () => {
  test("desktop width", () => mainFlow(1280), 60_000);
});
