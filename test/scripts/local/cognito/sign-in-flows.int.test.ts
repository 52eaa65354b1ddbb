/**
 * The sign-in flows scripts/local/cognito/sign-in.ts adds, through the AWS SDK against the test
 * stack: which triggers each flow fires (UserMigration only where the password is sent),
 * choice-based sign-in's sessions, GetTokensFromRefreshToken on the REFRESH_TOKEN_AUTH path, and
 * app clients that do not enable a flow.
 */
import {
  AdminGetUserCommand,
  CreateUserPoolClientCommand,
  GetTokensFromRefreshTokenCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  type InitiateAuthCommandOutput,
} from "@aws-sdk/client-cognito-identity-provider";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { seedLegacyUsers } from "../../../../scripts/local/seed.js";
import { dynamo } from "../../../../shared/runtime/aws.js";
import { useLocalData } from "../../../support/local-data.js";
import { srpFailure } from "../../../support/srp-client.js";
import { stack } from "../../../support/stack.js";
import {
  TEST_PASSWORD,
  callApi,
  cognito,
  createUser,
  signIn,
  signInAdmin,
  uniqueEmail,
} from "../../../support/users.js";

const LEGACY_PASSWORD = "Legacy!pass9876";
const clientId = () => stack().cognito.userPoolClientId;

/** The error `action` fails with; the test fails if it succeeds. */
async function failure(action: Promise<unknown>): Promise<{ name: string; message: string }> {
  return action.then(
    () => {
      throw new Error("expected the call to fail, but it succeeded");
    },
    (error: unknown) => {
      if (!(error instanceof Error)) throw error;
      return { name: error.name, message: error.message };
    },
  );
}

function claims(token: string | undefined): Record<string, unknown> {
  return JSON.parse(
    Buffer.from((token ?? "").split(".")[1] ?? "", "base64url").toString("utf8"),
  ) as Record<string, unknown>;
}

const userAuth = (parameters: Record<string, string>, client = clientId()) =>
  cognito().send(
    new InitiateAuthCommand({
      ClientId: client,
      AuthFlow: "USER_AUTH",
      AuthParameters: parameters,
    }),
  );

const select = (first: InitiateAuthCommandOutput, answers: Record<string, string>) =>
  cognito().send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId(),
      ChallengeName: "SELECT_CHALLENGE",
      Session: first.Session,
      ChallengeResponses: answers,
    }),
  );

const exists = (email: string) =>
  cognito()
    .send(new AdminGetUserCommand({ UserPoolId: stack().cognito.userPoolId, Username: email }))
    .then(
      () => true,
      (error: unknown) => {
        if (error instanceof Error && error.name === "UserNotFoundException") return false;
        throw error;
      },
    );

describe("UserMigration runs only where the password is sent", () => {
  const srpOnly = uniqueEmail("legacy-srp");
  const preferred = uniqueEmail("legacy-choice");
  const selected = uniqueEmail("legacy-select");

  beforeAll(async () => {
    useLocalData();
    vi.stubEnv("LEGACY_USERS_TABLE", stack().dynamodb.tables.legacyUsers);
    await seedLegacyUsers(
      dynamo(),
      stack().dynamodb.tables.legacyUsers,
      [srpOnly, preferred, selected].map((email) => ({ email, password: LEGACY_PASSWORD })),
    );
  });

  it("USER_SRP_AUTH: a legacy user is not migrated and is refused as unknown", async () => {
    const refusal = await srpFailure(srpOnly, LEGACY_PASSWORD);

    expect(refusal).toEqual({
      code: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
    expect(await exists(srpOnly)).toBe(false);
  });

  it("USER_AUTH with PREFERRED_CHALLENGE PASSWORD migrates the legacy user", async () => {
    const result = await userAuth({
      USERNAME: preferred,
      PREFERRED_CHALLENGE: "PASSWORD",
      PASSWORD: LEGACY_PASSWORD,
    });

    expect(claims(result.AuthenticationResult?.AccessToken)["sub"]).toEqual(expect.any(String));
    expect(await exists(preferred)).toBe(true);
  });

  it("USER_AUTH answering SELECT_CHALLENGE with PASSWORD migrates the legacy user", async () => {
    const first = await userAuth({ USERNAME: selected });

    const result = await select(first, {
      USERNAME: selected,
      ANSWER: "PASSWORD",
      PASSWORD: LEGACY_PASSWORD,
    });

    expect(first.ChallengeName).toBe("SELECT_CHALLENGE");
    expect(result.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    expect(await exists(selected)).toBe(true);
  });
});

describe("USER_AUTH", () => {
  it("fires PreAuthentication at InitiateAuth: a disabled user is refused before choosing", async () => {
    const user = await createUser(uniqueEmail("choice-disabled"));
    const admin = await signInAdmin();
    await callApi(`/admin/users/${user.sub}/disable`, { method: "POST", token: admin.accessToken });

    const refusal = await failure(userAuth({ USERNAME: user.email }));

    expect(refusal.name).toBe("UserLambdaValidationException");
    expect(refusal.message).toContain("This account is disabled.");
  });

  it("offers SELECT_CHALLENGE for a preference it cannot serve", async () => {
    const user = await createUser(uniqueEmail("choice-otp"));

    const result = await userAuth({ USERNAME: user.email, PREFERRED_CHALLENGE: "EMAIL_OTP" });

    expect(result.ChallengeName).toBe("SELECT_CHALLENGE");
    expect(result.AvailableChallenges).toEqual(["PASSWORD", "PASSWORD_SRP"]);
    expect(result.Session).toEqual(expect.any(String));
  });

  it("answers a selection once, and only for the user who started it", async () => {
    const user = await createUser(uniqueEmail("choice-session"));
    const other = await createUser(uniqueEmail("choice-other"));
    const first = await userAuth({ USERNAME: user.email });
    const answers = { ANSWER: "PASSWORD", PASSWORD: TEST_PASSWORD };

    const swapped = await failure(select(first, { USERNAME: other.email, ...answers }));
    const second = await userAuth({ USERNAME: user.email });
    const signedIn = await select(second, { USERNAME: user.email, ...answers });
    const replayed = await failure(select(second, { USERNAME: user.email, ...answers }));

    expect(swapped.name).toBe("NotAuthorizedException");
    expect(claims(signedIn.AuthenticationResult?.AccessToken)["sub"]).toBe(user.sub);
    expect(replayed.name).toBe("NotAuthorizedException");
  });

  it("refuses flows the app client does not enable", async () => {
    const { UserPoolClient } = await cognito().send(
      new CreateUserPoolClientCommand({
        UserPoolId: stack().cognito.userPoolId,
        ClientName: "password-only",
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      }),
    );
    const passwordOnly = UserPoolClient?.ClientId ?? "";
    const user = await createUser(uniqueEmail("choice-client"));

    const choice = await failure(userAuth({ USERNAME: user.email }, passwordOnly));
    const srp = await failure(
      cognito().send(
        new InitiateAuthCommand({
          ClientId: passwordOnly,
          AuthFlow: "USER_SRP_AUTH",
          AuthParameters: { USERNAME: user.email, SRP_A: (2n ** 300n).toString(16) },
        }),
      ),
    );

    expect(choice).toEqual({
      name: "InvalidParameterException",
      message: "USER_AUTH flow not enabled for this client",
    });
    expect(srp).toEqual({
      name: "InvalidParameterException",
      message: "USER_SRP_AUTH flow not enabled for this client",
    });
  });
});

describe("GetTokensFromRefreshToken", () => {
  const refresh = (token: string) =>
    cognito().send(
      new GetTokensFromRefreshTokenCommand({ ClientId: clientId(), RefreshToken: token }),
    );
  const refreshAuth = (token: string) =>
    cognito().send(
      new InitiateAuthCommand({
        ClientId: clientId(),
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: token },
      }),
    );

  it("issues new access and ID tokens, through PreTokenGeneration", async () => {
    const user = await createUser(uniqueEmail("refresh"));

    const { AuthenticationResult: tokens } = await refresh(user.refreshToken);

    expect(claims(tokens?.AccessToken)).toMatchObject({ sub: user.sub, plan: "free" });
    expect(claims(tokens?.IdToken)).toMatchObject({ sub: user.sub, org: "example.com" });
    expect(claims(tokens?.AccessToken)["jti"]).not.toBe(claims(user.accessToken)["jti"]);
  });

  it("refuses what REFRESH_TOKEN_AUTH refuses, with the same error", async () => {
    const user = await createUser(uniqueEmail("refresh-forged"));
    const forged = `${user.refreshToken.slice(0, -4)}AAAA`;

    const viaRefresh = await failure(refresh(forged));
    const viaInitiate = await failure(refreshAuth(forged));

    expect(viaRefresh.name).toBe("NotAuthorizedException");
    expect(viaRefresh).toEqual(viaInitiate);
  });

  it("refuses a refresh token after RevokeToken, and every one after GlobalSignOut", async () => {
    const user = await createUser(uniqueEmail("refresh-revoked"));
    const second = await signIn(user.email);
    const third = await signIn(user.email);

    await cognito().send(
      new RevokeTokenCommand({ ClientId: clientId(), Token: user.refreshToken }),
    );
    const revoked = await failure(refresh(user.refreshToken));
    const stillAlive = await refresh(second.refreshToken);
    await cognito().send(new GlobalSignOutCommand({ AccessToken: third.accessToken }));
    const signedOut = await failure(refresh(second.refreshToken));
    const signedOutToo = await failure(refresh(third.refreshToken));

    expect(revoked.name).toBe("NotAuthorizedException");
    expect(stillAlive.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    expect(signedOut.name).toBe("NotAuthorizedException");
    expect(signedOutToo.name).toBe("NotAuthorizedException");
  });
});
