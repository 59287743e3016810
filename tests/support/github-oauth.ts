// A small GitHub (as GitHub Enterprise Server lays it out) on loopback that speaks GitHub's real OAuth web
// flow over HTTP, for the sign-in tests:
//   GET  /login/oauth/authorize     auto-approves as `user`, redirects to redirect_uri with code and state
//                                   (or error=access_denied when `deny` is set, as when the person says no);
//   POST /login/oauth/access_token  client credentials (Basic or form), single-use code, redirect_uri as in
//                                   the authorize request; answers JSON when asked (Accept), and — like GitHub —
//                                   refusals with HTTP 200 and {"error": "bad_verification_code", ...};
//   GET  /api/v3/user, /api/v3/user/emails   with the access token ("Bearer" or "token"), else 401
//                                   {"message": "Bad credentials"}; a User-Agent is required (else 403, as
//                                   GitHub's API does); /user/emails needs the user:email scope (else 404).
import { randomBytes } from "node:crypto";
import type { Server } from "bun";

export interface GitHubUser {
  id: number;
  login: string;
  /** What /user/emails lists. */
  emails: { email: string; primary: boolean; verified: boolean }[];
}

export interface GitHubMock {
  /** The base_url to configure ([oauth.github] base_url). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Who the next authorization signs in as. */
  user: GitHubUser;
  /** The person refuses on GitHub's consent page. */
  deny: boolean;
  /** Every request received, "METHOD /path?query", for checks of what was asked. */
  requests: string[];
  /** The authorize queries received. */
  authorizeRequests: URLSearchParams[];
  stop(): void;
}

interface Grant {
  redirectUri: string;
  scopes: string[];
  user: GitHubUser;
}

export async function startGitHubMock(opts: { clientId?: string; clientSecret?: string } = {}): Promise<GitHubMock> {
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, Grant>();
  const mock: GitHubMock = {
    baseUrl: "",
    clientId: opts.clientId ?? "Iv1.updnstest",
    clientSecret: opts.clientSecret ?? randomBytes(20).toString("hex"),
    user: { id: 1001, login: "octocat", emails: [{ email: "octocat@example.test", primary: true, verified: true }] },
    deny: false,
    requests: [],
    authorizeRequests: [],
    stop: () => {},
  };
  const json = (v: unknown, status = 200) => new Response(JSON.stringify(v), { status, headers: { "content-type": "application/json; charset=utf-8" } });
  // GitHub's token endpoint answers errors with 200 and these fields (docs: "Troubleshooting OAuth app access token request errors").
  const tokenError = (error: string, description: string) => json({ error, error_description: description, error_uri: "https://docs.github.com/apps/troubleshooting" });

  const server: Server<unknown> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      mock.requests.push(`${req.method} ${url.pathname}${url.search}`);
      if (url.pathname === "/login/oauth/authorize" && req.method === "GET") {
        const q = url.searchParams;
        mock.authorizeRequests.push(q);
        const redirect = q.get("redirect_uri") ?? "";
        if (q.get("client_id") !== mock.clientId || !redirect) return new Response("The client_id or redirect_uri is not valid.", { status: 404 });
        const back = new URL(redirect);
        if (mock.deny) {
          back.searchParams.set("error", "access_denied");
          back.searchParams.set("error_description", "The user has denied your application access.");
        } else {
          const code = randomBytes(10).toString("hex");
          grants.set(code, { redirectUri: redirect, scopes: (q.get("scope") ?? "").split(/[\s,]+/).filter(Boolean), user: structuredClone(mock.user) });
          back.searchParams.set("code", code);
        }
        back.searchParams.set("state", q.get("state") ?? "");
        return new Response(null, { status: 302, headers: { location: back.toString() } });
      }
      if (url.pathname === "/login/oauth/access_token" && req.method === "POST") {
        const body = new URLSearchParams(await req.text());
        let id = body.get("client_id");
        let secret = body.get("client_secret");
        const basic = req.headers.get("authorization");
        if (basic?.startsWith("Basic ")) [id, secret] = Buffer.from(basic.slice(6), "base64").toString().split(":").map(decodeURIComponent);
        if (id !== mock.clientId || secret !== mock.clientSecret) return tokenError("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.");
        const code = body.get("code") ?? "";
        const grant = grants.get(code);
        grants.delete(code); // single-use
        if (!grant) return tokenError("bad_verification_code", "The code passed is incorrect or expired.");
        if (body.get("redirect_uri") && body.get("redirect_uri") !== grant.redirectUri) return tokenError("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.");
        const accessToken = `gho_${randomBytes(18).toString("hex")}`;
        tokens.set(accessToken, grant);
        const answer = { access_token: accessToken, token_type: "bearer", scope: grant.scopes.join(",") };
        if (!(req.headers.get("accept") ?? "").includes("json")) return new Response(new URLSearchParams(answer).toString(), { headers: { "content-type": "application/x-www-form-urlencoded" } });
        return json(answer);
      }
      if (url.pathname.startsWith("/api/v3/") && req.method === "GET") {
        if (!req.headers.get("user-agent")) return json({ message: "Request forbidden by administrative rules. Please make sure your request has a User-Agent header" }, 403);
        const m = (req.headers.get("authorization") ?? "").match(/^(?:bearer|token)\s+(\S+)$/i);
        const grant = m ? tokens.get(m[1]) : undefined;
        if (!grant) return json({ message: "Bad credentials", documentation_url: "https://docs.github.com/rest" }, 401);
        const path = url.pathname.slice("/api/v3".length);
        if (path === "/user") return json({ login: grant.user.login, id: grant.user.id, type: "User", name: null, email: null });
        if (path === "/user/emails") {
          if (!grant.scopes.includes("user:email") && !grant.scopes.includes("user")) return json({ message: "Not Found" }, 404);
          return json(grant.user.emails.map((e) => ({ ...e, visibility: e.primary ? "private" : null })));
        }
      }
      return json({ message: "Not Found" }, 404);
    },
  });
  mock.baseUrl = `http://127.0.0.1:${server.port}`;
  mock.stop = () => server.stop(true);
  return mock;
}
