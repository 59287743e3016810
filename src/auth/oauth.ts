// OAuth 2.0 / OpenID Connect sign-in. The ONLY file that imports arctic (see style-models.md: arctic is no
// longer maintained, so it stays behind this one small module and can be replaced here alone).
//
// Providers ([oauth.<name>] in the config; one without a client_id does not appear):
//   - oidc:   any OpenID provider by issuer URL (Authentik, Keycloak, Authelia, ...): discovery document,
//             authorization code flow with PKCE (S256), state and nonce;
//   - gitlab: the same OpenID flow against gitlab.com or a self-hosted GitLab (its issuer URL);
//   - google: the same OpenID flow against https://accounts.google.com;
//   - github: plain OAuth 2.0 (GitHub has no ID tokens): the user comes from its REST API; github.com or a
//             GitHub Enterprise Server ([oauth.github] base_url).
//
// arctic builds the authorization URL and exchanges the code; it only *decodes* ID tokens, so every ID
// token is verified here with jose: signature against the provider's JWKS (RS256, ES256, ... whatever the
// provider's keys say), issuer, audience, expiry, and our nonce. The profile and e-mail claims come from the
// userinfo endpoint where the provider has one (OIDC Core §5.4: with an access token issued, a provider may
// leave them out of the ID token). Foreign JSON is read as `unknown` and narrowed (arctic's habit).
import { CodeChallengeMethod, OAuth2Client, OAuth2RequestError, ArcticFetchError, generateCodeVerifier, generateState } from "arctic";
import { createRemoteJWKSet, jwtVerify, errors as joseErrors } from "jose";
import type { Config } from "../config/index.ts";
import { randomToken } from "./crypto.ts";

export type ProviderName = "github" | "gitlab" | "google" | "oidc";
export const PROVIDER_NAMES: ProviderName[] = ["oidc", "gitlab", "github", "google"];

/** What a provider tells us about the person, once verified. */
export interface ExternalIdentity {
  provider: ProviderName;
  /** Stable id at the provider (OIDC `sub`, GitHub's numeric id). */
  subject: string;
  email: string;
  emailVerified: boolean;
  /** A suggestion for a new account's username. */
  preferredUsername: string;
}

/** What the browser keeps (signed, in a short-lived cookie) between "start" and "callback". */
export interface PendingAuthorization {
  provider: ProviderName;
  state: string;
  codeVerifier: string;
  nonce: string;
}

/** Why a sign-in failed; `message` is shown to the person (through t()). */
export class OAuthError extends Error {
  constructor(
    readonly kind: "config" | "state" | "provider" | "id_token" | "nonce",
    message: string,
  ) {
    super(message);
    this.name = "OAuthError";
  }
}

export interface OAuthProvider {
  name: ProviderName;
  /** Shown on the button ("Sign in with ..."). */
  label: string;
  /** The URL to send the browser to, and what to remember until it comes back. */
  start(redirectUri: string): Promise<{ url: URL; pending: PendingAuthorization }>;
  /** Exchanges the code and returns the verified identity; throws OAuthError. */
  finish(redirectUri: string, code: string, pending: PendingAuthorization, now: Date): Promise<ExternalIdentity>;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
}

function isDiscovery(v: unknown): v is Discovery {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"].every((k) => typeof o[k] === "string") && (o.userinfo_endpoint === undefined || typeof o.userinfo_endpoint === "string");
}

const DISCOVERY_TTL_MS = 3600_000;
/** Seconds of clock difference accepted between us and the provider for exp/iat/nbf. */
const CLOCK_TOLERANCE_S = 60;

/** The authorization code flow of OpenID Connect Core 1.0 §3.1, with PKCE (RFC 7636). */
class OidcProvider implements OAuthProvider {
  private discovery: { doc: Discovery; at: number } | null = null;
  private jwks: ReturnType<typeof createRemoteJWKSet> | null = null;

  constructor(
    readonly name: ProviderName,
    readonly label: string,
    private readonly issuer: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
  ) {}

  private async discover(): Promise<Discovery> {
    if (this.discovery && Date.now() - this.discovery.at < DISCOVERY_TTL_MS) return this.discovery.doc;
    const url = this.issuer.replace(/\/$/, "") + "/.well-known/openid-configuration";
    let body: unknown;
    try {
      const res = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      body = await res.json();
    } catch (e) {
      throw new OAuthError("provider", `The sign-in provider could not be reached (${(e as Error).message}).`);
    }
    if (!isDiscovery(body)) throw new OAuthError("provider", "The sign-in provider's discovery document is incomplete.");
    // OIDC Discovery §4.3: the issuer in the document must be exactly the one we asked.
    if (body.issuer.replace(/\/$/, "") !== this.issuer.replace(/\/$/, "")) throw new OAuthError("provider", "The sign-in provider's discovery document names another issuer.");
    if (this.discovery?.doc.jwks_uri !== body.jwks_uri) this.jwks = createRemoteJWKSet(new URL(body.jwks_uri), { timeoutDuration: 10_000 });
    this.discovery = { doc: body, at: Date.now() };
    return body;
  }

  private client(redirectUri: string): OAuth2Client {
    return new OAuth2Client(this.clientId, this.clientSecret || null, redirectUri);
  }

  async start(redirectUri: string) {
    const doc = await this.discover();
    const pending: PendingAuthorization = { provider: this.name, state: generateState(), codeVerifier: generateCodeVerifier(), nonce: randomToken() };
    const url = this.client(redirectUri).createAuthorizationURLWithPKCE(doc.authorization_endpoint, pending.state, CodeChallengeMethod.S256, pending.codeVerifier, ["openid", "email", "profile"]);
    url.searchParams.set("nonce", pending.nonce);
    return { url, pending };
  }

  async finish(redirectUri: string, code: string, pending: PendingAuthorization, now: Date): Promise<ExternalIdentity> {
    const doc = await this.discover();
    const tokens = await exchange(() => this.client(redirectUri).validateAuthorizationCode(doc.token_endpoint, code, pending.codeVerifier));
    let idToken: string;
    try {
      idToken = tokens.idToken();
    } catch {
      throw new OAuthError("id_token", "The sign-in provider sent no ID token.");
    }
    let claims: Record<string, unknown>;
    try {
      const verified = await jwtVerify(idToken, this.jwks!, {
        issuer: doc.issuer,
        audience: this.clientId,
        currentDate: now,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ["sub", "exp", "iat"],
      });
      claims = verified.payload as Record<string, unknown>;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw new OAuthError("id_token", "The ID token from the sign-in provider has expired.");
      if (e instanceof joseErrors.JWSSignatureVerificationFailed || e instanceof joseErrors.JWKSNoMatchingKey)
        throw new OAuthError("id_token", "The ID token from the sign-in provider has a wrong signature.");
      if (e instanceof joseErrors.JWTClaimValidationFailed) throw new OAuthError("id_token", `The ID token from the sign-in provider is not for us (${e.claim}).`);
      throw new OAuthError("id_token", "The ID token from the sign-in provider could not be verified.");
    }
    // OIDC Core §3.1.3.7 item 11: the nonce binds the token to this browser's sign-in attempt (no replay).
    if (claims.nonce !== pending.nonce) throw new OAuthError("nonce", "The ID token from the sign-in provider does not belong to this sign-in (nonce mismatch).");
    const accessToken = (tokens.data as Record<string, unknown>).access_token;
    if (doc.userinfo_endpoint && typeof accessToken === "string") claims = { ...claims, ...(await userinfo(doc.userinfo_endpoint, accessToken, String(claims.sub))) };
    const str = (k: string) => (typeof claims[k] === "string" ? (claims[k] as string) : "");
    return {
      provider: this.name,
      subject: str("sub"),
      email: str("email"),
      // Only an explicit true counts: an unverified address must not be trusted for anything.
      emailVerified: claims.email_verified === true,
      preferredUsername: str("preferred_username") || str("nickname") || str("email").split("@")[0] || "",
    };
  }
}

/**
 * The claims of the userinfo endpoint (OIDC Core §5.3), asked with the access token. Its `sub` must be the
 * ID token's (§5.3.2: else the answer is about someone else and must not be used).
 */
async function userinfo(endpoint: string, accessToken: string, subject: string): Promise<Record<string, unknown>> {
  let info: Record<string, unknown>;
  try {
    const res = await fetch(endpoint, { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body: unknown = await res.json();
    if (typeof body !== "object" || body === null) throw new Error("not a JSON object");
    info = body as Record<string, unknown>;
  } catch (e) {
    throw new OAuthError("provider", `The sign-in provider's user information could not be read (${(e as Error).message}).`);
  }
  if (info.sub !== subject) throw new OAuthError("provider", "The sign-in provider's user information is about someone else (sub mismatch).");
  return info;
}

/**
 * Where a GitHub lives: github.com has its API on api.github.com; a GitHub Enterprise Server at
 * https://github.example.com has the same OAuth paths under its own host and the API under /api/v3.
 */
export function githubEndpoints(baseUrl: string): { authorize: string; token: string; api: string } {
  const base = (baseUrl.trim() || "https://github.com").replace(/\/+$/, "");
  const api = /^https:\/\/github\.com$/i.test(base) ? "https://api.github.com" : `${base}/api/v3`;
  return { authorize: `${base}/login/oauth/authorize`, token: `${base}/login/oauth/access_token`, api };
}

/**
 * GitHub: OAuth 2.0 without OpenID; the identity comes from the REST API with the access token.
 * arctic's GitHub class hard-codes github.com's endpoints, so GitHub Enterprise Server (and a local test
 * GitHub) go through arctic's generic OAuth2Client with the endpoints of `base_url`. GitHub answers a bad
 * code with HTTP 200 and {"error": ...}, which the generic client takes for tokens: checked here.
 */
class GitHubProvider implements OAuthProvider {
  readonly name = "github" as const;
  readonly label: string;
  private readonly endpoints: ReturnType<typeof githubEndpoints>;
  constructor(
    private readonly clientId: string,
    private readonly clientSecret: string,
    baseUrl: string,
  ) {
    this.endpoints = githubEndpoints(baseUrl);
    const host = hostLabel(this.endpoints.authorize);
    this.label = host === "github.com" ? "GitHub" : `GitHub (${host})`;
  }

  private client(redirectUri: string): OAuth2Client {
    return new OAuth2Client(this.clientId, this.clientSecret, redirectUri);
  }

  async start(redirectUri: string) {
    const pending: PendingAuthorization = { provider: "github", state: generateState(), codeVerifier: "", nonce: "" };
    const url = this.client(redirectUri).createAuthorizationURL(this.endpoints.authorize, pending.state, ["read:user", "user:email"]);
    return { url, pending };
  }

  async finish(redirectUri: string, code: string): Promise<ExternalIdentity> {
    const tokens = await exchange(() => this.client(redirectUri).validateAuthorizationCode(this.endpoints.token, code, null));
    const refused = (tokens.data as Record<string, unknown>).error;
    if (typeof refused === "string") throw new OAuthError("provider", `The sign-in provider refused the code (${refused.slice(0, 60)}).`);
    let accessToken: string;
    try {
      accessToken = tokens.accessToken();
    } catch {
      throw new OAuthError("provider", "GitHub sent no access token.");
    }
    const get = async (path: string): Promise<unknown> => {
      const res = await fetch(this.endpoints.api + path, {
        headers: { authorization: `Bearer ${accessToken}`, accept: "application/vnd.github+json", "user-agent": "updns" },
        signal: AbortSignal.timeout(10_000),
      }).catch((e: Error) => {
        throw new OAuthError("provider", `GitHub could not be reached (${e.message}).`);
      });
      if (!res.ok) throw new OAuthError("provider", `GitHub answered HTTP ${res.status}.`);
      return res.json().catch(() => {
        throw new OAuthError("provider", "GitHub sent an answer that is not JSON.");
      });
    };
    const user = await get("/user");
    if (typeof user !== "object" || user === null || !("id" in user) || typeof user.id !== "number") throw new OAuthError("provider", "GitHub sent no user id.");
    const login = "login" in user && typeof user.login === "string" ? user.login : "";
    let email = "";
    // Only the primary address GitHub has verified is taken (without user:email, this list is refused: no address).
    const emails = await get("/user/emails").catch(() => []);
    if (Array.isArray(emails)) {
      const primary = emails.find((e: unknown) => typeof e === "object" && e !== null && (e as Record<string, unknown>).primary === true && (e as Record<string, unknown>).verified === true);
      if (primary && typeof primary.email === "string") email = primary.email;
    }
    return { provider: "github", subject: String(user.id), email, emailVerified: email !== "", preferredUsername: login };
  }
}

/** Runs arctic's code exchange and turns its errors into ours. */
async function exchange<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof OAuth2RequestError) throw new OAuthError("provider", `The sign-in provider refused the code (${e.code}).`);
    if (e instanceof ArcticFetchError) throw new OAuthError("provider", "The sign-in provider could not be reached.");
    throw new OAuthError("provider", `The sign-in provider sent an unexpected answer (${(e as Error).message}).`);
  }
}

/** The providers configured in [oauth.*], in a fixed order. */
export function configuredProviders(config: Config): OAuthProvider[] {
  const out: OAuthProvider[] = [];
  const oidc = config["oauth.oidc"];
  if (oidc.client_id && oidc.issuer) out.push(new OidcProvider("oidc", hostLabel(oidc.issuer), oidc.issuer, oidc.client_id, oidc.client_secret));
  const gitlab = config["oauth.gitlab"];
  if (gitlab.client_id) out.push(new OidcProvider("gitlab", "GitLab", gitlab.issuer || "https://gitlab.com", gitlab.client_id, gitlab.client_secret));
  const github = config["oauth.github"];
  if (github.client_id) out.push(new GitHubProvider(github.client_id, github.client_secret, github.base_url));
  const google = config["oauth.google"];
  if (google.client_id) out.push(new OidcProvider("google", "Google", "https://accounts.google.com", google.client_id, google.client_secret));
  return out;
}

/** The generic provider's button says where it goes (e.g. "auth.example.org"). */
function hostLabel(issuer: string): string {
  try {
    return new URL(issuer).host;
  } catch {
    return "OpenID Connect";
  }
}

export function isPending(v: unknown): v is PendingAuthorization {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.provider === "string" && typeof o.state === "string" && typeof o.codeVerifier === "string" && typeof o.nonce === "string";
}
