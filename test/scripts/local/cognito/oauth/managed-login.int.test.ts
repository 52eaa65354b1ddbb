/**
 * Managed login on the test stack, driven by a third-party OIDC client (openid-client): discovery,
 * the authorization code flow with PKCE (the test posts the sign-in form as a browser would), the
 * token, userInfo and logout endpoints; the access token works on the API and the ID token
 * verifies against the discovered JWKS. Then what must be refused, with Cognito's error codes.
 */
import { JwtVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import * as oidc from "openid-client";
import { beforeAll, describe, expect, it } from "vitest";
import { stack } from "../../../../support/stack.js";
import {
  callApi,
  createUser,
  signInAdmin,
  TEST_PASSWORD,
  type TestUser,
} from "../../../../support/users.js";

const SCOPE = "openid email aws.cognito.signin.user.admin";

const claims = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;

let config: oidc.Configuration;
let user: TestUser;
const redirectUri = () => stack().demoUrl;

/** An authorization request as openid-client builds it, with its PKCE verifier, state, nonce. */
async function authorizationRequest(extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(),
    scope: SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}

/** Posts the sign-in form of `url` as the browser would; returns the answer, unfollowed. */
function postSignIn(url: URL, email: string, password: string) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: email, password }),
    redirect: "manual",
  });
}

/** Signs in through the form and returns the callback URL Cognito redirects to. */
async function callbackOf(url: URL, email = user.email, password = TEST_PASSWORD): Promise<URL> {
  const response = await postSignIn(url, email, password);
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location") ?? "");
}

async function oauthError(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(oidc.ResponseBodyError);
  return error instanceof oidc.ResponseBodyError ? error.error : "";
}

beforeAll(async () => {
  const { issuer, userPoolClientId } = stack().cognito;
  config = await oidc.discovery(new URL(issuer), userPoolClientId, undefined, oidc.None(), {
    // The local stack is http on loopback: openid-client refuses that unless told (local only).
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    execute: [oidc.allowInsecureRequests],
  });
  user = await createUser();
});

describe("managed login (openid-client against the local Cognito)", () => {
  it("discovers the endpoints on the issuer's own host, with the tokens' issuer", () => {
    const metadata = config.serverMetadata();
    const { issuer, endpoint } = stack().cognito;

    expect(metadata.issuer).toBe(issuer);
    expect(metadata.authorization_endpoint).toBe(`${endpoint}/oauth2/authorize`);
    expect(metadata.token_endpoint).toBe(`${endpoint}/oauth2/token`);
    expect(metadata.userinfo_endpoint).toBe(`${endpoint}/oauth2/userInfo`);
    expect(metadata.code_challenge_methods_supported).toEqual(["S256"]);
  });

  it("shows a sign-in form for a valid request", async () => {
    const { url } = await authorizationRequest();

    const response = await fetch(url);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain('name="username"');
    expect(html).toContain('name="password"');
  });

  it("completes the code flow with PKCE; the access token works on /me", async () => {
    const { url, verifier, state, nonce } = await authorizationRequest();

    const callback = await callbackOf(url);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const me = await callApi("/me", { token: tokens.access_token });

    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri());
    expect(callback.searchParams.get("state")).toBe(state);
    expect(tokens.token_type).toBe("bearer");
    expect(tokens.claims()?.sub).toBe(user.sub);
    expect(claims(tokens.access_token)["scope"]).toBe(SCOPE);
    expect(me.status).toBe(200);
    const body = (await me.json()) as { sub: string; email: string; org: string };
    expect(body).toMatchObject({ sub: user.sub, email: user.email, org: "example.com" });
  });

  it("issues the emulator's own tokens: triggers ran, the ID token verifies against the JWKS", async () => {
    const { url, verifier, state, nonce } = await authorizationRequest();
    const before = (await (await callApi("/me", { token: user.accessToken })).json()) as {
      profile: { loginCount: number };
    };

    const tokens = await oidc.authorizationCodeGrant(config, await callbackOf(url), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const idToken = tokens.id_token ?? "";
    const verifierOfIdTokens = JwtVerifier.create(
      {
        issuer: stack().cognito.issuer,
        audience: stack().cognito.userPoolClientId,
        jwksUri: config.serverMetadata().jwks_uri ?? "",
      },
      {
        jwksCache: new SimpleJwksCache({
          fetcher: { fetch: async (uri) => (await fetch(uri)).arrayBuffer() },
        }),
      },
    );
    const verified = await verifierOfIdTokens.verify(idToken);
    const after = (await (await callApi("/me", { token: tokens.access_token })).json()) as {
      profile: { loginCount: number };
    };

    expect(verified["token_use"]).toBe("id");
    expect(verified["nonce"]).toBe(nonce);
    expect(claims(idToken)["org"]).toBe("example.com");
    expect(claims(tokens.access_token)["plan"]).toBe("free");
    expect(after.profile.loginCount).toBe(before.profile.loginCount + 1);
  });

  it("refreshes with the refresh token, keeping the session's scopes", async () => {
    const { url, verifier, state, nonce } = await authorizationRequest();
    const tokens = await oidc.authorizationCodeGrant(config, await callbackOf(url), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? "");

    expect(claims(refreshed.access_token)["scope"]).toBe(SCOPE);
    expect((await callApi("/me", { token: refreshed.access_token })).status).toBe(200);
  });

  it("answers userInfo for the access token", async () => {
    const { url, verifier, state, nonce } = await authorizationRequest();
    const tokens = await oidc.authorizationCodeGrant(config, await callbackOf(url), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });

    const info = await oidc.fetchUserInfo(config, tokens.access_token, user.sub);
    const anonymous = await fetch(config.serverMetadata().userinfo_endpoint ?? "");

    expect(info).toMatchObject({ sub: user.sub, email: user.email });
    expect(anonymous.status).toBe(401);
  });

  it("signs out to a registered sign-out URL only", async () => {
    const logout = oidc.buildEndSessionUrl(config, {}).toString().split("?")[0] ?? "";
    const query = (logoutUri: string) =>
      `${logout}?${new URLSearchParams({ client_id: stack().cognito.userPoolClientId, logout_uri: logoutUri }).toString()}`;

    const good = await fetch(query(redirectUri()), { redirect: "manual" });
    const bad = await fetch(query("https://attacker.example/"), { redirect: "manual" });

    expect(good.status).toBe(302);
    expect(good.headers.get("location")).toBe(redirectUri());
    expect(bad.status).toBe(400);
    expect(bad.headers.get("location")).toBeNull();
  });
});

describe("managed login refuses", () => {
  it("a wrong code verifier (invalid_grant)", async () => {
    const { url, state, nonce } = await authorizationRequest();

    const error = oauthError(
      oidc.authorizationCodeGrant(config, await callbackOf(url), {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: state,
        expectedNonce: nonce,
      }),
    );

    expect(await error).toBe("invalid_grant");
  });

  it("a code used twice (invalid_grant)", async () => {
    const { url, verifier, state, nonce } = await authorizationRequest();
    const callback = await callbackOf(url);
    await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });

    const error = oauthError(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
      }),
    );

    expect(await error).toBe("invalid_grant");
  });

  it("a redirect URI that is not a callback URL of the client, without redirecting", async () => {
    const { url } = await authorizationRequest({ redirect_uri: "https://attacker.example/cb" });

    const response = await fetch(url, { redirect: "manual" });
    const posted = await postSignIn(url, user.email, TEST_PASSWORD);

    expect(response.status).toBe(400);
    expect(await response.text()).toContain("redirect_mismatch");
    expect(posted.status).toBe(400);
    expect(posted.headers.get("location")).toBeNull();
  });

  it("a request without PKCE, or with the plain method (invalid_request)", async () => {
    const { url } = await authorizationRequest();
    const withoutPkce = new URL(url);
    withoutPkce.searchParams.delete("code_challenge");
    withoutPkce.searchParams.delete("code_challenge_method");
    const plain = new URL(url);
    plain.searchParams.set("code_challenge_method", "plain");

    const answers = await Promise.all(
      [withoutPkce, plain].map((u) => fetch(u, { redirect: "manual" })),
    );

    for (const answer of answers) {
      expect(answer.status).toBe(302);
      const location = new URL(answer.headers.get("location") ?? "");
      expect(location.searchParams.get("error")).toBe("invalid_request");
      expect(location.searchParams.get("code")).toBeNull();
    }
  });

  it("a scope the client is not allowed (invalid_scope) and another response type", async () => {
    const { url } = await authorizationRequest({ scope: "openid admin:everything" });
    const implicit = new URL(url);
    implicit.searchParams.set("response_type", "token");

    const scoped = await fetch(url, { redirect: "manual" });
    const token = await fetch(implicit, { redirect: "manual" });

    expect(new URL(scoped.headers.get("location") ?? "").searchParams.get("error")).toBe(
      "invalid_scope",
    );
    expect(new URL(token.headers.get("location") ?? "").searchParams.get("error")).toBe(
      "unsupported_response_type",
    );
  });

  it("a user an admin disabled, with no code", async () => {
    const disabled = await createUser();
    const admin = await signInAdmin();
    const answer = await callApi(`/admin/users/${disabled.sub}/disable`, {
      method: "POST",
      token: admin.accessToken,
    });
    const { url } = await authorizationRequest();

    const response = await postSignIn(url, disabled.email, TEST_PASSWORD);

    expect(answer.status).toBe(204);
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.text()).toMatch(/disabled/i);
  });

  it("a wrong password, with Cognito's message and no code", async () => {
    const { url } = await authorizationRequest();

    const response = await postSignIn(url, user.email, "Wrong!pass1234");

    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.text()).toContain("Incorrect username or password.");
  });

  it("an unknown client and an unsupported grant at the token endpoint", async () => {
    const tokenEndpoint = config.serverMetadata().token_endpoint ?? "";
    const post = (body: Record<string, string>) =>
      fetch(tokenEndpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(body),
      });

    const unknownClient = await post({
      grant_type: "authorization_code",
      client_id: "nosuchclient",
      code: "x",
      redirect_uri: redirectUri(),
      code_verifier: oidc.randomPKCECodeVerifier(),
    });
    const password = await post({
      grant_type: "password",
      client_id: stack().cognito.userPoolClientId,
    });

    expect(unknownClient.status).toBe(400);
    expect(await unknownClient.json()).toMatchObject({ error: "invalid_client" });
    expect(password.status).toBe(400);
    expect(await password.json()).toMatchObject({ error: "unsupported_grant_type" });
  });
});
