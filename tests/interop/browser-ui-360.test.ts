// The web UI's main flow in Chromium on a 360 px wide phone screen (see browser-ui-flow.ts).
import { describe, test } from "bun:test";
import { mainFlow, run } from "./browser-ui-flow.ts";

describe.if(run)("web UI main flow in Chromium", () => {
  test("360 px", () => mainFlow(360), 60_000);
});
