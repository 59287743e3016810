// Where GitHub's endpoints are for [oauth.github] base_url: github.com keeps its API on api.github.com, a
// GitHub Enterprise Server has the OAuth paths under its host and the REST API under /api/v3.
import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/index.ts";
import { configuredProviders, githubEndpoints } from "../../src/auth/index.ts";

describe("githubEndpoints", () => {
  test("github.com (the default, also when empty): api.github.com", () => {
    for (const base of ["https://github.com", "https://github.com/", "", "HTTPS://GITHUB.COM"]) {
      const e = githubEndpoints(base);
      expect(e.api).toBe("https://api.github.com");
      expect(e.authorize.toLowerCase()).toBe("https://github.com/login/oauth/authorize");
      expect(e.token.toLowerCase()).toBe("https://github.com/login/oauth/access_token");
    }
  });

  test("GitHub Enterprise Server: the same host, the API under /api/v3", () => {
    expect(githubEndpoints("https://github.example.com/")).toEqual({
      authorize: "https://github.example.com/login/oauth/authorize",
      token: "https://github.example.com/login/oauth/access_token",
      api: "https://github.example.com/api/v3",
    });
  });
});

describe("[oauth.github] base_url", () => {
  test("defaults to github.com; a non-URL is refused at load time naming the key", () => {
    expect(loadConfig({ env: {} })["oauth.github"].base_url).toBe("https://github.com");
    expect(() => loadConfig({ env: { UPDNS_OAUTH_GITHUB_BASE_URL: "github.example.com" } })).toThrow(/base_url/);
  });

  test("the provider's start goes to the configured server", async () => {
    const config = loadConfig({ env: { UPDNS_OAUTH_GITHUB_CLIENT_ID: "abc", UPDNS_OAUTH_GITHUB_BASE_URL: "https://github.example.com" } });
    const [github] = configuredProviders(config);
    expect(github.label).toBe("GitHub (github.example.com)");
    const { url, pending } = await github.start("https://updns.test/account/oauth/github/callback");
    expect(url.origin + url.pathname).toBe("https://github.example.com/login/oauth/authorize");
    expect(url.searchParams.get("state")).toBe(pending.state);
    expect(url.searchParams.get("client_id")).toBe("abc");
    const [plain] = configuredProviders(loadConfig({ env: { UPDNS_OAUTH_GITHUB_CLIENT_ID: "abc" } }));
    expect(plain.label).toBe("GitHub");
  });
});
