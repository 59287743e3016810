// A real OpenID provider on loopback for the OIDC sign-in tests: panva's `oidc-provider` (a certified
// OpenID Connect implementation) in this process, on port 0. It signs ID tokens with its own RSA and P-256
// keys (one client asks for RS256, one for ES256), requires PKCE, gives the profile and e-mail claims
// from its userinfo endpoint as OIDC Core §5.4 says, and logs people in through its development
// interactions (a login form that accepts any password, then a consent form), which `IdpBrowser` fills in
// as a person would.
//
// The provider cannot be made to misbehave, so the refusals are built from real parts:
//   - another provider (another issuer, or other keys) or another client, whose real ID token a test puts
//     into the token response the way an attacker between us and the provider would (`substituteIdToken`);
//   - `reissue()`: the provider behind the same address comes back under another issuer name (as after an
//     operator changed its public URL) while updns still holds the old discovery document;
//   - `idTokenTtl`: short-lived ID tokens, for clock skew and expiry.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { WebClient, type WebAnswer } from "./web-client.ts";

/** What the provider knows about a person (the login name is their `sub`). */
export interface IdpAccount {
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
}

export interface IdpClient {
  id: string;
  secret: string;
}

export interface TestIdp {
  issuer: string;
  /** The client updns uses by default: ID tokens signed RS256. */
  rs256: IdpClient;
  /** The same redirect URIs, ID tokens signed ES256 (`id_token_signed_response_alg`). */
  es256: IdpClient;
  /** Another application registered at the same provider (its ID tokens are for another audience). */
  other: IdpClient;
  /** The people who can log in, by login name. */
  accounts: Map<string, IdpAccount>;
  /** Every successful token response the provider sent, in order. */
  tokenResponses: Record<string, unknown>[];
  /** When set, the token endpoint's answer carries this ID token instead of its own (see the header). */
  substituteIdToken: string | null;
  /** A browser that logs `login` in at the provider and comes back with updns's callback URL. */
  browser(login: string): IdpBrowser;
  /** A real ID token for `client`, through the whole authorization code flow (PKCE, nonce). */
  idTokenFor(client: IdpClient, login: string): Promise<string>;
  /** The same address answers as a provider with another issuer name (same clients, accounts and keys). */
  reissue(issuer: string): Promise<void>;
  stop(): Promise<void>;
}

export interface TestIdpOptions {
  /** The issuer name, from the loopback origin the provider listens on (default: the origin itself). */
  issuer?: (origin: string) => string;
  /** Seconds an ID token is valid (oidc-provider's default: 3600). */
  idTokenTtl?: number;
}

/** The updns callbacks the test clients may redirect to (makeWebWorld's public_url). */
const REDIRECT_URIS = ["oidc", "gitlab"].map((p) => `http://updns.test/account/oauth/${p}/callback`);
const OTHER_REDIRECT = "http://other-app.test/callback";

type ProviderCtor = typeof import("oidc-provider").default;
type Provider = InstanceType<ProviderCtor>;

/**
 * oidc-provider warns on stderr about settings a production provider must change (in-memory storage,
 * development interactions) and that Bun is not a runtime it supports; for a test provider those are the
 * point, and the tests show the flow works under Bun, so these warnings (and only these) are dropped.
 */
async function quietly<T>(f: () => Promise<T> | T): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].includes("oidc-provider WARNING")) return;
    warn(...args);
  };
  try {
    return await f();
  } finally {
    console.warn = warn;
  }
}

let providerClass: Promise<ProviderCtor> | null = null;
function loadProvider(): Promise<ProviderCtor> {
  providerClass ??= quietly(async () => (await import("oidc-provider")).default);
  return providerClass;
}

async function signingKeys(): Promise<JWK[]> {
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  return [
    { ...(await exportJWK(rsa.privateKey)), use: "sig", alg: "RS256" },
    { ...(await exportJWK(ec.privateKey)), use: "sig", alg: "ES256" },
  ];
}

export async function startTestIdp(opts: TestIdpOptions = {}): Promise<TestIdp> {
  const Provider = await loadProvider();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keys = await signingKeys();
  const secret = () => randomBytes(24).toString("hex");
  const idp: TestIdp = {
    issuer: opts.issuer ? opts.issuer(origin) : origin,
    rs256: { id: "updns-rs256", secret: secret() },
    es256: { id: "updns-es256", secret: secret() },
    other: { id: "other-app", secret: secret() },
    accounts: new Map(),
    tokenResponses: [],
    substituteIdToken: null,
    browser: (login) => new IdpBrowser(origin, login),
    idTokenFor: (client, login) => idTokenFor(origin, client, login),
    reissue: async (issuer) => {
      idp.issuer = issuer;
      provider = await build(issuer);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  const build = (issuer: string): Promise<Provider> =>
    quietly(() => {
      const p = new Provider(issuer, {
        clients: [
          { client_id: idp.rs256.id, client_secret: idp.rs256.secret, redirect_uris: REDIRECT_URIS },
          { client_id: idp.es256.id, client_secret: idp.es256.secret, redirect_uris: REDIRECT_URIS, id_token_signed_response_alg: "ES256" },
          { client_id: idp.other.id, client_secret: idp.other.secret, redirect_uris: [OTHER_REDIRECT] },
        ],
        jwks: { keys: keys as never },
        claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["preferred_username"] },
        // PKCE for every client, confidential ones too (OAuth 2.0 Security BCP, RFC 9700 §2.1.1).
        pkce: { required: () => true },
        features: { devInteractions: { enabled: true } },
        // Every lifetime set, as oidc-provider asks of a real deployment (it prints a notice for each default).
        ttl: { AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: opts.idTokenTtl ?? 3600 },
        cookies: { keys: [secret()] },
        async findAccount(_ctx, id) {
          const account = idp.accounts.get(id);
          if (!account) return undefined;
          return { accountId: id, claims: () => ({ sub: id, ...account }) };
        },
      });
      p.use(async (ctx, next) => {
        await next();
        if (ctx.method !== "POST" || ctx.path !== "/token" || ctx.status !== 200) return;
        const body = ctx.body as Record<string, unknown>;
        idp.tokenResponses.push({ ...body });
        if (idp.substituteIdToken) ctx.body = { ...body, id_token: idp.substituteIdToken };
      });
      return p;
    });

  let provider = await build(idp.issuer);
  server.on("request", (req, res) => void provider.callback()(req, res));
  return idp;
}

/**
 * A person's browser at the provider: follows the provider's redirects with a cookie jar, fills in the
 * login form (login name, any password) and the consent form, and stops at the redirect that leaves the
 * provider (back to the client). The jar is kept, so a second sign-in finds the provider session.
 */
export class IdpBrowser {
  private readonly web: WebClient;
  /** The provider's pages on the way (login, consent), for tests that look at them. */
  pages: string[] = [];

  constructor(
    private readonly origin: string,
    private readonly login: string,
  ) {
    this.web = new WebClient(origin);
  }

  /** From the authorization URL to the client's redirect URI (with code and state, or an error). */
  async authorize(authorizationUrl: URL | string): Promise<URL> {
    let url = new URL(authorizationUrl);
    for (let step = 0; step < 12; step++) {
      if (url.origin !== this.origin) return url;
      const answer = await this.web.get(url.pathname + url.search);
      url = new URL(await this.next(answer, url), url);
    }
    throw new Error("the provider did not send the browser back within 12 steps");
  }

  private async next(answer: WebAnswer, at: URL): Promise<string> {
    const location = answer.headers.get("location");
    if (answer.status >= 300 && answer.status < 400 && location) return location;
    if (answer.status !== 200) throw new Error(`the provider answered ${answer.status} at ${at.pathname}: ${answer.body.slice(0, 300)}`);
    this.pages.push(answer.body);
    const form = answer.body.match(/<form[^>]*action="([^"]+)"[^>]*method="post"[\s\S]*?<\/form>/);
    if (!form) throw new Error(`no form on the provider's page at ${at.pathname}`);
    const fields = new URLSearchParams();
    for (const [, name, value] of form[0].matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields.set(name, value);
    if (fields.get("prompt") === "login") {
      fields.set("login", this.login);
      fields.set("password", "any password");
    }
    const posted = await this.web.request("POST", new URL(form[1], at).pathname, {
      body: fields.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    const to = posted.headers.get("location");
    if (!to) throw new Error(`the provider answered the form at ${form[1]} with ${posted.status}: ${posted.body.slice(0, 300)}`);
    return to;
  }
}

/** The authorization code flow for another client, to obtain one of its ID tokens. */
async function idTokenFor(origin: string, client: IdpClient, login: string): Promise<string> {
  const discovery = (await (await fetch(`${origin}/.well-known/openid-configuration`)).json()) as Record<string, string>;
  const verifier = randomBytes(32).toString("base64url");
  const auth = new URL(discovery.authorization_endpoint);
  const redirect = client.id === "other-app" ? OTHER_REDIRECT : REDIRECT_URIS[0];
  for (const [k, v] of Object.entries({
    client_id: client.id,
    response_type: "code",
    scope: "openid email",
    redirect_uri: redirect,
    state: randomBytes(8).toString("hex"),
    nonce: randomBytes(8).toString("hex"),
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  }))
    auth.searchParams.set(k, v);
  const back = await new IdpBrowser(origin, login).authorize(auth);
  const code = back.searchParams.get("code");
  if (!code) throw new Error(`no code for ${client.id}: ${back}`);
  const res = await fetch(discovery.token_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${btoa(`${client.id}:${client.secret}`)}` },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirect, code_verifier: verifier }).toString(),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (typeof body.id_token !== "string") throw new Error(`no ID token for ${client.id}: ${JSON.stringify(body)}`);
  return body.id_token;
}
