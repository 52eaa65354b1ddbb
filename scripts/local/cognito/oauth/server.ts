/**
 * Managed login's OAuth 2.0 / OpenID Connect endpoints for the local Cognito emulator, on the
 * emulator's own port (the local "user-pool domain"): enough for a standard OIDC client to run
 * the authorization code flow with PKCE against `npm start` (docs/local-stack.md).
 *
 * - `GET <issuer>/.well-known/openid-configuration`: the discovery document (issuer = the
 *   tokens' `iss`; the JWKS is the emulator's own).
 * - `GET|POST /oauth2/authorize`: checks the client, its callback URLs, `response_type=code`,
 *   the scopes and PKCE (S256 only: stricter than Cognito, which lets a public client omit PKCE),
 *   shows a sign-in form and, once the password (and any second factor) is right, redirects with
 *   a single-use code that expires after 5 minutes and the `state`.
 * - `POST /oauth2/token`: `authorization_code` (client, redirect URI and code verifier must match)
 *   and `refresh_token`.
 * - `GET|POST /oauth2/userInfo`: the user's claims for an `openid` access token.
 * - `GET /logout`: redirects to a registered sign-out URL of the client.
 *
 * Sign-in and refresh run the emulator's own flows (InitiateAuth, RespondToAuthChallenge, with
 * every wrapper of scripts/local/cognito.ts), so the tokens are its real tokens and the triggers
 * fire as for any sign-in; ./hosted-auth.ts adds what managed login changes in them. Errors are
 * Cognito's: `invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`,
 * `unsupported_grant_type`, `unsupported_response_type`, `invalid_scope`, `invalid_token`.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { decode } from "../jwt.js";
import { verifyAccessToken } from "../sessions.js";
import {
  attributeOf,
  type AppClient,
  type CognitoService,
  type Context,
  type Json,
  type Target,
} from "../types.js";
import { hostedContext, type HostedAuth } from "./hosted-auth.js";
import { codePage, errorPage, signInPage } from "./login-page.js";

/** How long an authorization code can be redeemed (Cognito: 5 minutes). */
export const CODE_LIFETIME_MS = 5 * 60_000;
/** How long a second-factor step may take (Cognito's default AuthSessionValidity). */
const SESSION_LIFETIME_MS = 3 * 60_000;
const MAX_BODY_BYTES = 16 * 1024;
const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const PKCE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export interface OAuthOptions {
  /** `http://127.0.0.1:<port>`: the issuer domain and the managed-login domain. */
  endpoint: string;
  cognito: CognitoService;
  /** A fresh request context for the emulator's targets. */
  context(): Context;
  initiateAuth: Target;
  respondToAuthChallenge: Target;
}

interface AuthorizationRequest {
  client: AppClient;
  redirectUri: string;
  state: string | undefined;
  scopes: string[];
  codeChallenge: string;
  nonce: string | undefined;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  tokens: { AccessToken: string; IdToken: string; RefreshToken?: string };
  scopes: string[];
  expires: number;
}

interface PendingFactor {
  clientId: string;
  username: string;
  challenge: string;
  session: string;
  expires: number;
}

/** A refusal to send to the client: on the redirect URI when it is known good, else on a page. */
class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
    this.name = "OAuthError";
  }
}

const stringList = (record: unknown, key: string): string[] => {
  const value =
    typeof record === "object" && record !== null
      ? (record as Record<string, unknown>)[key]
      : undefined;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
};

const newSecret = () => randomBytes(32).toString("base64url");

function s256(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new OAuthError("invalid_request", "Request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers["content-type"] ?? "";
  const body = await readBody(req);
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw new OAuthError(
      "invalid_request",
      "Content-Type must be application/x-www-form-urlencoded",
    );
  }
  return new URLSearchParams(body);
}

const PAGE_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Frame-Options": "DENY",
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
};

function sendJson(res: ServerResponse, status: number, body: unknown, headers = {}) {
  res.writeHead(status, {
    "Content-Type": "application/json;charset=UTF-8",
    "Cache-Control": "no-store",
    Pragma: "no-cache",
    "Access-Control-Allow-Origin": "*",
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function sendPage(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, PAGE_HEADERS);
  res.end(html);
}

function redirect(res: ServerResponse, location: string) {
  res.writeHead(302, { Location: location, "Cache-Control": "no-store" });
  res.end();
}

function withQuery(uri: string, values: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.toString();
}

/** The code of a Cognito error thrown by the emulator's targets. */
const codeOf = (error: unknown): unknown =>
  typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : "Sign-in failed.";

/** The OAuth endpoints; `handle` answers a request it owns and returns false for any other. */
export function oauthEndpoints(options: OAuthOptions) {
  const { endpoint, cognito } = options;
  const codes = new Map<string, IssuedCode>();
  const factors = new Map<string, PendingFactor>();
  /** The scopes of each managed-login session, by refresh token (kept while the stack runs). */
  const sessionScopes = new Map<string, string[]>();

  function prune() {
    const now = Date.now();
    for (const [key, code] of codes) if (code.expires < now) codes.delete(key);
    for (const [key, factor] of factors) if (factor.expires < now) factors.delete(key);
  }

  async function appClient(clientId: string | null): Promise<AppClient> {
    if (!clientId) throw new OAuthError("invalid_request", "client_id is required");
    const client = await cognito.getAppClient(options.context(), clientId).catch(() => null);
    if (!client) throw new OAuthError("invalid_client", "Client does not exist", 400);
    return client;
  }

  /** Client and redirect URI: what must hold before anything may be sent to the redirect URI. */
  async function trustedTarget(query: URLSearchParams) {
    const client = await appClient(query.get("client_id"));
    const redirectUri = query.get("redirect_uri");
    if (!redirectUri || !stringList(client, "CallbackURLs").includes(redirectUri)) {
      throw new OAuthError("redirect_mismatch", "redirect_uri is not a callback URL of the client");
    }
    return { client, redirectUri };
  }

  /** The rest of the authorization request; its errors go back to the redirect URI. */
  function authorizationRequest(
    query: URLSearchParams,
    client: AppClient,
    redirectUri: string,
  ): AuthorizationRequest {
    if (
      stringList(client, "AllowedOAuthFlows").length === 0 ||
      (client as unknown as Json)["AllowedOAuthFlowsUserPoolClient"] !== true
    ) {
      throw new OAuthError("unauthorized_client", "Client is not enabled for OAuth 2.0 flows");
    }
    const responseType = query.get("response_type");
    if (!responseType) throw new OAuthError("invalid_request", "response_type is required");
    if (responseType !== "code") {
      throw new OAuthError(
        "unsupported_response_type",
        `response_type ${responseType} is not supported`,
      );
    }
    if (!stringList(client, "AllowedOAuthFlows").includes("code")) {
      throw new OAuthError("unauthorized_client", "Client is not allowed the code flow");
    }
    const allowed = stringList(client, "AllowedOAuthScopes");
    const requested = (query.get("scope") ?? "").split(" ").filter(Boolean);
    const scopes = requested.length > 0 ? [...new Set(requested)] : allowed;
    if (scopes.some((scope) => !allowed.includes(scope))) {
      throw new OAuthError("invalid_scope", "A requested scope is not allowed for the client");
    }
    const method = query.get("code_challenge_method");
    const challenge = query.get("code_challenge");
    if (!challenge) {
      throw new OAuthError("invalid_request", "PKCE is required: send code_challenge (S256)");
    }
    if (method !== "S256") {
      throw new OAuthError("invalid_request", "code_challenge_method must be S256");
    }
    if (!PKCE_CHALLENGE.test(challenge)) {
      throw new OAuthError("invalid_request", "code_challenge is not a S256 challenge");
    }
    return {
      client,
      redirectUri,
      state: query.get("state") ?? undefined,
      scopes,
      codeChallenge: challenge,
      nonce: query.get("nonce") ?? undefined,
    };
  }

  function issueCode(request: AuthorizationRequest, result: unknown): string {
    const tokens = (result as { AuthenticationResult?: IssuedCode["tokens"] }).AuthenticationResult;
    if (!tokens?.AccessToken || !tokens.IdToken) throw new Error("The sign-in issued no tokens");
    const code = newSecret();
    codes.set(code, {
      clientId: request.client.ClientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      tokens,
      scopes: request.scopes,
      expires: Date.now() + CODE_LIFETIME_MS,
    });
    if (tokens.RefreshToken) sessionScopes.set(tokens.RefreshToken, request.scopes);
    return withQuery(request.redirectUri, { code, state: request.state });
  }

  const hosted = (request: AuthorizationRequest): HostedAuth => ({
    scopes: request.scopes,
    source: "HostedAuth",
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
  });

  /** The answer to a sign-in step: a redirect with a code, the code form, or the form again. */
  function answerSignIn(
    res: ServerResponse,
    action: string,
    request: AuthorizationRequest,
    username: string,
    result: unknown,
  ) {
    const challenge = (result as { ChallengeName?: unknown; Session?: unknown }).ChallengeName;
    if (typeof challenge !== "string") {
      redirect(res, issueCode(request, result));
      return;
    }
    const session = (result as { Session?: unknown }).Session;
    if (challenge !== "SOFTWARE_TOKEN_MFA" || typeof session !== "string") {
      sendPage(
        res,
        400,
        signInPage(action, `The ${challenge} step is not offered by local managed login.`),
      );
      return;
    }
    const key = newSecret();
    factors.set(key, {
      clientId: request.client.ClientId,
      username,
      challenge,
      session,
      expires: Date.now() + SESSION_LIFETIME_MS,
    });
    sendPage(res, 200, codePage(action, key));
  }

  async function authorize(req: IncomingMessage, res: ServerResponse, url: URL) {
    prune();
    const query = url.searchParams;
    const action = `${url.pathname}${url.search}`;
    let target: { client: AppClient; redirectUri: string };
    try {
      target = await trustedTarget(query);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      req.resume();
      sendPage(res, 400, errorPage(error.error, error.description));
      return;
    }
    let request: AuthorizationRequest;
    try {
      request = authorizationRequest(query, target.client, target.redirectUri);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      req.resume();
      redirect(
        res,
        withQuery(target.redirectUri, {
          error: error.error,
          error_description: error.description,
          state: query.get("state") ?? undefined,
        }),
      );
      return;
    }
    if (req.method === "GET") {
      sendPage(res, 200, signInPage(action));
      return;
    }
    const form = await formBody(req);
    const ctx = hostedContext(options.context(), hosted(request));
    const clientId = request.client.ClientId;
    const factorKey = form.get("session");
    try {
      if (factorKey !== null) {
        const factor = factors.get(factorKey);
        factors.delete(factorKey);
        if (!factor || factor.clientId !== clientId || factor.expires < Date.now()) {
          sendPage(res, 400, signInPage(action, "Your session has expired. Sign in again."));
          return;
        }
        const result = await options.respondToAuthChallenge(ctx, {
          ClientId: clientId,
          ChallengeName: factor.challenge,
          Session: factor.session,
          ChallengeResponses: {
            USERNAME: factor.username,
            SOFTWARE_TOKEN_MFA_CODE: form.get("code") ?? "",
          },
        });
        answerSignIn(res, action, request, factor.username, result);
        return;
      }
      const username = form.get("username") ?? "";
      const result = await options.initiateAuth(ctx, {
        ClientId: clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: username, PASSWORD: form.get("password") ?? "" },
      });
      answerSignIn(res, action, request, username, result);
    } catch (error) {
      if (codeOf(error) === undefined) throw error;
      sendPage(res, 400, signInPage(action, messageOf(error)));
    }
  }

  /** Client authentication at the token endpoint: public clients by id, others by secret. */
  async function tokenClient(req: IncomingMessage, form: URLSearchParams): Promise<AppClient> {
    const header = req.headers.authorization ?? "";
    let clientId = form.get("client_id");
    let secret = form.get("client_secret");
    if (header.startsWith("Basic ")) {
      const [id = "", pass = ""] = Buffer.from(header.slice(6), "base64").toString().split(":");
      clientId = decodeURIComponent(id);
      secret = decodeURIComponent(pass);
    }
    const client = await appClient(clientId).catch((error: unknown) => {
      if (error instanceof OAuthError && error.error === "invalid_client") {
        throw new OAuthError("invalid_client", "Client authentication failed");
      }
      throw error;
    });
    const expected = (client as unknown as Json)["ClientSecret"];
    if (typeof expected === "string" && (!secret || !sameText(secret, expected))) {
      throw new OAuthError("invalid_client", "Client authentication failed");
    }
    if (stringList(client, "AllowedOAuthFlows").length === 0) {
      throw new OAuthError("unauthorized_client", "Client is not enabled for OAuth 2.0 flows");
    }
    return client;
  }

  function redeemCode(client: AppClient, form: URLSearchParams) {
    const codeValue = form.get("code");
    if (!codeValue) throw new OAuthError("invalid_request", "code is required");
    prune();
    const issued = codes.get(codeValue);
    codes.delete(codeValue);
    if (!issued || issued.expires < Date.now() || issued.clientId !== client.ClientId) {
      throw new OAuthError("invalid_grant", "Invalid or expired authorization code");
    }
    if (form.get("redirect_uri") !== issued.redirectUri) {
      throw new OAuthError(
        "invalid_grant",
        "redirect_uri does not match the authorization request",
      );
    }
    const verifier = form.get("code_verifier");
    if (
      !verifier ||
      !PKCE_VERIFIER.test(verifier) ||
      !sameText(s256(verifier), issued.codeChallenge)
    ) {
      throw new OAuthError("invalid_grant", "code_verifier does not match the code_challenge");
    }
    const { AccessToken, IdToken, RefreshToken } = issued.tokens;
    return {
      access_token: AccessToken,
      ...(issued.scopes.includes("openid") ? { id_token: IdToken } : {}),
      ...(RefreshToken ? { refresh_token: RefreshToken } : {}),
      token_type: "Bearer",
      expires_in: lifetimeOf(AccessToken),
    };
  }

  async function refresh(client: AppClient, form: URLSearchParams) {
    const refreshToken = form.get("refresh_token");
    if (!refreshToken) throw new OAuthError("invalid_request", "refresh_token is required");
    if (decode(refreshToken)["client_id"] !== client.ClientId) {
      throw new OAuthError("invalid_grant", "Invalid Refresh Token");
    }
    const scopes = sessionScopes.get(refreshToken);
    const base = options.context();
    const ctx = scopes ? hostedContext(base, { scopes }) : base;
    const result = await options
      .initiateAuth(ctx, {
        ClientId: client.ClientId,
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      })
      .catch((error: unknown) => {
        if (codeOf(error) === undefined) throw error;
        throw new OAuthError("invalid_grant", messageOf(error));
      });
    const tokens = (result as { AuthenticationResult?: { AccessToken?: string; IdToken?: string } })
      .AuthenticationResult;
    if (!tokens?.AccessToken) throw new OAuthError("invalid_grant", "Invalid Refresh Token");
    return {
      access_token: tokens.AccessToken,
      ...(tokens.IdToken && (scopes ?? ["openid"]).includes("openid")
        ? { id_token: tokens.IdToken }
        : {}),
      token_type: "Bearer",
      expires_in: lifetimeOf(tokens.AccessToken),
    };
  }

  async function token(req: IncomingMessage, res: ServerResponse) {
    const form = await formBody(req);
    const grantType = form.get("grant_type");
    if (!grantType) throw new OAuthError("invalid_request", "grant_type is required");
    if (grantType !== "authorization_code" && grantType !== "refresh_token") {
      throw new OAuthError("unsupported_grant_type", `grant_type ${grantType} is not supported`);
    }
    const client = await tokenClient(req, form);
    sendJson(
      res,
      200,
      grantType === "authorization_code" ? redeemCode(client, form) : await refresh(client, form),
    );
  }

  async function userInfo(req: IncomingMessage, res: ServerResponse) {
    req.resume();
    const header = req.headers.authorization ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    const refuse = (description: string) =>
      sendJson(
        res,
        401,
        { error: "invalid_token", error_description: description },
        { "WWW-Authenticate": `Bearer error="invalid_token", error_description="${description}"` },
      );
    if (!token) {
      refuse("Access token is missing");
      return;
    }
    let verified;
    try {
      verified = await verifyAccessToken(cognito, options.context(), token, endpoint);
    } catch (error) {
      if (codeOf(error) === undefined) throw error;
      refuse(messageOf(error));
      return;
    }
    const scope = verified.claims["scope"];
    const scopes = typeof scope === "string" ? scope.split(" ") : [];
    if (!scopes.includes("openid")) {
      refuse("Access token does not contain openid scope");
      return;
    }
    const { user } = verified;
    const claims: Record<string, string> = {
      sub: attributeOf(user, "sub") ?? "",
      username: user.Username,
    };
    if (scopes.includes("email") || scopes.includes("aws.cognito.signin.user.admin")) {
      for (const name of ["email", "email_verified"]) {
        const value = attributeOf(user, name);
        if (value !== undefined) claims[name] = value;
      }
    }
    if (scopes.includes("profile") || scopes.includes("aws.cognito.signin.user.admin")) {
      const value = attributeOf(user, "name");
      if (value !== undefined) claims["name"] = value;
    }
    sendJson(res, 200, claims);
  }

  async function logout(req: IncomingMessage, res: ServerResponse, url: URL) {
    req.resume();
    try {
      const client = await appClient(url.searchParams.get("client_id"));
      const logoutUri = url.searchParams.get("logout_uri");
      if (!logoutUri || !stringList(client, "LogoutURLs").includes(logoutUri)) {
        throw new OAuthError("redirect_mismatch", "logout_uri is not a sign-out URL of the client");
      }
      redirect(res, logoutUri);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      sendPage(res, 400, errorPage(error.error, error.description));
    }
  }

  function discovery(res: ServerResponse, poolId: string) {
    const issuer = `${endpoint}/${poolId}`;
    sendJson(res, 200, {
      issuer,
      authorization_endpoint: `${endpoint}/oauth2/authorize`,
      token_endpoint: `${endpoint}/oauth2/token`,
      userinfo_endpoint: `${endpoint}/oauth2/userInfo`,
      end_session_endpoint: `${endpoint}/logout`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      scopes_supported: ["openid", "email", "phone", "profile"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      token_endpoint_auth_methods_supported: ["none", "client_secret_basic", "client_secret_post"],
    });
  }

  /** Answers the request when it is one of the endpoints above; false for any other. */
  function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? "/", endpoint);
    const path = url.pathname;
    const method = req.method ?? "GET";
    const wellKnown = /^\/([\w-]+)\/\.well-known\/openid-configuration$/.exec(path);
    let work: Promise<void> | undefined;
    if (wellKnown && method === "GET") {
      discovery(res, wellKnown[1] ?? "");
      return true;
    }
    if (path === "/oauth2/authorize" && (method === "GET" || method === "POST")) {
      work = authorize(req, res, url);
    } else if (path === "/oauth2/token" && method === "POST") {
      work = token(req, res);
    } else if (path === "/oauth2/userInfo" && (method === "GET" || method === "POST")) {
      work = userInfo(req, res);
    } else if (path === "/logout" && method === "GET") {
      work = logout(req, res, url);
    } else if (path.startsWith("/oauth2/") || path === "/logout") {
      req.resume();
      sendJson(res, 405, { error: "invalid_request", error_description: "Method not allowed" });
      return true;
    } else {
      return false;
    }
    work.catch((error: unknown) => {
      if (res.headersSent) return;
      if (error instanceof OAuthError) {
        req.resume();
        sendJson(res, error.status, { error: error.error, error_description: error.description });
        return;
      }
      sendJson(res, 500, { error: "server_error" });
    });
    return true;
  }

  return { handle };
}

function lifetimeOf(accessToken: string): number {
  const claims = decode(accessToken);
  const exp = claims["exp"];
  const iat = claims["iat"];
  return typeof exp === "number" && typeof iat === "number" ? exp - iat : 3600;
}
