// The catalogues are inside the single binary: dist/updns answers pages and API errors in the asked language
// (built by `npm test`, or `npx bun build.ts`).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startBinary, type BinaryServer } from "../support/updns.ts";

let server: BinaryServer;
beforeAll(async () => {
  server = await startBinary();
});
afterAll(async () => {
  await server?.stop();
});

describe("dist/updns", () => {
  test("serves the login page in Hungarian and Greek by Accept-Language", async () => {
    const hu = await (await fetch(`${server.url}/account/login`, { headers: { "accept-language": "hu-HU,hu;q=0.9" } })).text();
    expect(hu).toContain('<html lang="hu"');
    expect(hu).toContain("Elfelejtette a jelszavát?");
    const el = await (await fetch(`${server.url}/account/login`, { headers: { "accept-language": "el" } })).text();
    expect(el).toContain("Ξεχάσατε τον κωδικό σας;");
  });

  test("answers /api/v1 errors in German, with a run-time message translated", async () => {
    const r = await fetch(`${server.url}/api/v1/nowhere`, { headers: { "accept-language": "de", authorization: "Bearer x" } });
    expect(r.headers.get("content-language")).toBe("de");
    const body = (await r.json()) as { error: { message: string } };
    expect(body.error.message).toBe("kein Endpunkt /api/v1/nowhere (siehe /api/v1/openapi.json)");
  });
});
