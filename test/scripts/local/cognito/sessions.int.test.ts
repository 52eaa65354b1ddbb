/**
 * The local Cognito refuses what Cognito refuses, through real AWS SDK calls against the test
 * stack: revoked sessions (RevokeToken, GlobalSignOut, AdminUserGlobalSignOut), disabled users,
 * forged and unsigned access tokens on user APIs, and one issuer for tokens and discovery.
 */
import { createSign, generateKeyPairSync } from "node:crypto";
import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminUserGlobalSignOutCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { sign } from "../../../../scripts/local/cognito/jwt.js";
import { stack } from "../../../support/stack.js";
import { cognito, createUser, signIn } from "../../../support/users.js";

const refresh = (refreshToken: string) =>
  cognito().send(
    new InitiateAuthCommand({
      ClientId: stack().cognito.userPoolClientId,
      AuthFlow: "REFRESH_TOKEN_AUTH",
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    }),
  );

const getUser = (accessToken: string) =>
  cognito().send(new GetUserCommand({ AccessToken: accessToken }));

const claims = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("local Cognito sessions", () => {
  it("refreshes and answers GetUser for a live session", async () => {
    const user = await createUser();

    const refreshed = await refresh(user.refreshToken);
    const me = await getUser(refreshed.AuthenticationResult?.AccessToken ?? "");

    expect(me.UserAttributes?.find((a) => a.Name === "email")?.Value).toBe(user.email);
    expect(claims(refreshed.AuthenticationResult?.AccessToken ?? "")["origin_jti"]).toBe(
      claims(user.accessToken)["origin_jti"],
    );
  });

  it("RevokeToken ends that session only: its refresh and access tokens", async () => {
    const user = await createUser();
    const other = await signIn(user.email, user.password);

    await cognito().send(
      new RevokeTokenCommand({
        ClientId: stack().cognito.userPoolClientId,
        Token: user.refreshToken,
      }),
    );

    await expect(refresh(user.refreshToken)).rejects.toMatchObject({
      name: "NotAuthorizedException",
    });
    await expect(getUser(user.accessToken)).rejects.toMatchObject({
      name: "NotAuthorizedException",
      message: "Access Token has been revoked",
    });
    await expect(refresh(other.refreshToken)).resolves.toBeDefined();
    await expect(getUser(other.accessToken)).resolves.toBeDefined();
  });

  it("GlobalSignOut ends every session of the user", async () => {
    const user = await createUser();
    const other = await signIn(user.email, user.password);

    await cognito().send(new GlobalSignOutCommand({ AccessToken: user.accessToken }));

    for (const token of [user.refreshToken, other.refreshToken]) {
      await expect(refresh(token)).rejects.toMatchObject({ name: "NotAuthorizedException" });
    }
    await expect(getUser(other.accessToken)).rejects.toMatchObject({
      name: "NotAuthorizedException",
      message: "Access Token has been revoked",
    });
    await expect(signIn(user.email, user.password)).resolves.toBeDefined();
  });

  it("AdminUserGlobalSignOut ends every session of the user", async () => {
    const user = await createUser();

    await cognito().send(
      new AdminUserGlobalSignOutCommand({
        UserPoolId: stack().cognito.userPoolId,
        Username: user.email,
      }),
    );

    await expect(refresh(user.refreshToken)).rejects.toMatchObject({
      name: "NotAuthorizedException",
    });
    await expect(getUser(user.accessToken)).rejects.toMatchObject({
      name: "NotAuthorizedException",
    });
  });

  it("a disabled user can neither sign in nor refresh; their access tokens are revoked", async () => {
    const user = await createUser();
    const poolUser = { UserPoolId: stack().cognito.userPoolId, Username: user.email };

    await cognito().send(new AdminDisableUserCommand(poolUser));

    await expect(signIn(user.email, user.password)).rejects.toMatchObject({
      name: "NotAuthorizedException",
      message: "User is disabled.",
    });
    await expect(refresh(user.refreshToken)).rejects.toMatchObject({
      name: "NotAuthorizedException",
      message: "User is disabled.",
    });
    await expect(getUser(user.accessToken)).rejects.toMatchObject({
      name: "NotAuthorizedException",
    });
    await expect(signIn(user.email, "Wrong!pass0000")).rejects.toMatchObject({
      message: "Incorrect username or password.",
    });

    await cognito().send(new AdminEnableUserCommand(poolUser));

    const again = await signIn(user.email, user.password);
    await expect(getUser(again.accessToken)).resolves.toBeDefined();
    await expect(getUser(user.accessToken)).rejects.toMatchObject({
      name: "NotAuthorizedException",
    });
  });
});

describe("local Cognito user APIs", () => {
  it("refuse an unsigned (alg none) access token", async () => {
    const user = await createUser();
    const [, payload = ""] = user.accessToken.split(".");

    await expect(getUser(`${b64({ alg: "none", typ: "JWT" })}.${payload}.`)).rejects.toMatchObject({
      name: "NotAuthorizedException",
      message: "Invalid Access Token",
    });
  });

  it("refuse a token signed by another key under the emulator's kid", async () => {
    const user = await createUser();
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const input = `${b64({ alg: "RS256", kid: "CognitoLocal", typ: "JWT" })}.${user.accessToken.split(".")[1] ?? ""}`;
    const forged = `${input}.${createSign("RSA-SHA256").update(input).sign(privateKey, "base64url")}`;

    await expect(getUser(forged)).rejects.toMatchObject({ name: "NotAuthorizedException" });
  });

  it("refuse an altered payload, an ID token and an expired token", async () => {
    const user = await createUser();
    const victim = await createUser();
    const [head = "", , signature = ""] = user.accessToken.split(".");
    const altered = `${head}.${b64({ ...claims(user.accessToken), username: claims(victim.accessToken)["username"] })}.${signature}`;
    const expired = sign({ ...claims(user.accessToken), exp: Math.floor(Date.now() / 1000) - 1 });

    await expect(getUser(altered)).rejects.toMatchObject({ name: "NotAuthorizedException" });
    await expect(getUser(user.idToken)).rejects.toMatchObject({
      name: "NotAuthorizedException",
    });
    await expect(getUser(expired)).rejects.toMatchObject({
      name: "NotAuthorizedException",
      message: "Access Token has expired",
    });
  });
});

describe("local Cognito issuer", () => {
  it("is the same in OIDC discovery, its JWKS address and the tokens' iss", async () => {
    const user = await createUser();
    const { issuer, userPoolId, endpoint } = stack().cognito;

    const response = await fetch(`${endpoint}/${userPoolId}/.well-known/openid-configuration`);
    const discovery = (await response.json()) as { issuer: string; jwks_uri: string };
    const jwks = await fetch(discovery.jwks_uri);

    expect(discovery.issuer).toBe(issuer);
    expect(claims(user.accessToken)["iss"]).toBe(issuer);
    expect(claims(user.idToken)["iss"]).toBe(issuer);
    expect(jwks.status).toBe(200);
  });
});
