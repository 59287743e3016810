// A small OpenID provider on loopback that speaks the real protocol over HTTP, for the OAuth/OIDC tests:
// discovery (/.well-known/openid-configuration), authorize (auto-approves as `user`, redirects back with
// a code), token (checks client credentials, redirect_uri and the PKCE verifier, returns a signed RS256 ID
// token) and JWKS. `tamper` makes it misbehave the ways a test needs: a wrong nonce, an expired token, a
// token signed by another key, another issuer or audience.
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { createHash, randomBytes } from "node:crypto";
import type { Server } from "bun";

export interface ProviderUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
}

export type Tamper = "none" | "nonce" | "expired" | "signature" | "audience" | "issuer";

export interface OidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next authorization signs in as. */
  user: ProviderUser;
  tamper: Tamper;
  /** The authorize requests received (to check PKCE and nonce were sent). */
  authorizeRequests: URLSearchParams[];
  /** The provider's clock (set it to the app's test clock so both agree on "now"). */
  now: () => Date;
  stop(): void;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  nonce: string;
  challenge: string;
  user: ProviderUser;
}

export async function startOidcProvider(opts: { clientId?: string; clientSecret?: string } = {}): Promise<OidcProvider> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  // Same kid, different key: what a forged token would look like.
  const { privateKey: otherKey } = await generateKeyPair("RS256");
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const grants = new Map<string, Grant>();
  const provider: OidcProvider = {
    issuer: "",
    clientId: opts.clientId ?? "updns-test",
    clientSecret: opts.clientSecret ?? randomBytes(16).toString("hex"),
    user: { sub: "alice-sub", email: "alice@example.test", email_verified: true, preferred_username: "alice" },
    tamper: "none",
    authorizeRequests: [],
    now: () => new Date(),
    stop: () => {},
  };
  const json = (v: unknown, status = 200) => new Response(JSON.stringify(v), { status, headers: { "content-type": "application/json", "cache-control": "no-store" } });
  const server: Server<unknown> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname === "/.well-known/openid-configuration") {
        return json({
          issuer: provider.issuer,
          authorization_endpoint: `${provider.issuer}/authorize`,
          token_endpoint: `${provider.issuer}/token`,
          jwks_uri: `${provider.issuer}/jwks`,
          response_types_supported: ["code"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
          code_challenge_methods_supported: ["S256"],
        });
      }
      if (url.pathname === "/jwks") return json({ keys: [jwk] });
      if (url.pathname === "/authorize") {
        const q = url.searchParams;
        provider.authorizeRequests.push(q);
        const redirect = q.get("redirect_uri") ?? "";
        if (q.get("client_id") !== provider.clientId || !redirect) return new Response("unknown client", { status: 400 });
        if (q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256" || !q.get("code_challenge")) return new Response("PKCE S256 required", { status: 400 });
        const code = randomBytes(16).toString("hex");
        grants.set(code, { clientId: provider.clientId, redirectUri: redirect, nonce: q.get("nonce") ?? "", challenge: q.get("code_challenge")!, user: { ...provider.user } });
        const back = new URL(redirect);
        back.searchParams.set("code", code);
        back.searchParams.set("state", q.get("state") ?? "");
        return new Response(null, { status: 302, headers: { location: back.toString() } });
      }
      if (url.pathname === "/token" && req.method === "POST") {
        const body = new URLSearchParams(await req.text());
        let id = body.get("client_id");
        let secret = body.get("client_secret");
        const basic = req.headers.get("authorization");
        if (basic?.startsWith("Basic ")) [id, secret] = Buffer.from(basic.slice(6), "base64").toString().split(":").map(decodeURIComponent);
        if (id !== provider.clientId || secret !== provider.clientSecret) return json({ error: "invalid_client" }, 401);
        const grant = grants.get(body.get("code") ?? "");
        grants.delete(body.get("code") ?? ""); // codes are single-use (RFC 6749 §4.1.2)
        if (!grant || body.get("grant_type") !== "authorization_code" || body.get("redirect_uri") !== grant.redirectUri) return json({ error: "invalid_grant" }, 400);
        const verifier = body.get("code_verifier") ?? "";
        if (createHash("sha256").update(verifier).digest("base64url") !== grant.challenge) return json({ error: "invalid_grant", error_description: "PKCE" }, 400);
        const now = Math.floor(provider.now().getTime() / 1000);
        const t = provider.tamper;
        const idToken = await new SignJWT({
          nonce: t === "nonce" ? "not-the-nonce" : grant.nonce,
          email: grant.user.email,
          email_verified: grant.user.email_verified,
          preferred_username: grant.user.preferred_username,
        })
          .setProtectedHeader({ alg: "RS256", kid: "k1" })
          .setIssuer(t === "issuer" ? "https://evil.example" : provider.issuer)
          .setAudience(t === "audience" ? "someone-else" : grant.clientId)
          .setSubject(grant.user.sub)
          .setIssuedAt(t === "expired" ? now - 7200 : now)
          .setExpirationTime(t === "expired" ? now - 3600 : now + 300)
          .sign(t === "signature" ? otherKey : privateKey);
        return json({ access_token: randomBytes(16).toString("hex"), token_type: "Bearer", expires_in: 300, id_token: idToken });
      }
      return new Response("not found", { status: 404 });
    },
  });
  provider.issuer = `http://127.0.0.1:${server.port}`;
  provider.stop = () => server.stop(true);
  return provider;
}
