/**
 * USER_SRP_AUTH against the test stack's Cognito emulator, driven by the real
 * amazon-cognito-identity-js (`authenticateUser`, its default flow), and by the AWS SDK where a
 * test needs to send what that library never sends.
 */
import {
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import type { Me } from "../../../../shared/users/me.js";
import { srpFailure, srpSignIn } from "../../../support/srp-client.js";
import { stack } from "../../../support/stack.js";
import {
  TEST_PASSWORD,
  callApi,
  cognito,
  createUser,
  signInAdmin,
  uniqueEmail,
} from "../../../support/users.js";

async function me(token: string): Promise<Me> {
  const response = await callApi("/me", { token });
  expect(response.status).toBe(200);
  return (await response.json()) as Me;
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

describe("USER_SRP_AUTH (amazon-cognito-identity-js)", () => {
  it("signs a user in with the right password; the tokens work on the API", async () => {
    const user = await createUser(uniqueEmail("srp"));

    const session = await srpSignIn(user.email, TEST_PASSWORD);
    const accessToken = session.getAccessToken().getJwtToken();

    expect(session.isValid()).toBe(true);
    expect(claims(accessToken)["sub"]).toBe(user.sub);
    expect(session.getRefreshToken().getToken()).not.toBe("");
    expect((await me(accessToken)).sub).toBe(user.sub);
  });

  it("refuses a wrong password with Cognito's words, and an unknown user the same way", async () => {
    const user = await createUser(uniqueEmail("srp-wrong"));

    const wrong = await srpFailure(user.email, "Wrong!pass0000");
    const unknown = await srpFailure(uniqueEmail("nobody"), TEST_PASSWORD);

    expect(wrong).toEqual({
      code: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
    expect(unknown).toEqual(wrong);
  });

  it("signs in with the email in another case (the pool is case-insensitive)", async () => {
    const user = await createUser(uniqueEmail("srp-case"));

    const session = await srpSignIn(user.email.toUpperCase(), TEST_PASSWORD);

    expect(claims(session.getAccessToken().getJwtToken())["sub"]).toBe(user.sub);
  });

  it("fires PostAuthentication and PreTokenGeneration on an SRP sign-in", async () => {
    const user = await createUser(uniqueEmail("srp-triggers"));
    const before = (await me(user.accessToken)).profile.loginCount;

    const session = await srpSignIn(user.email, TEST_PASSWORD);
    const accessToken = session.getAccessToken().getJwtToken();

    expect((await me(accessToken)).profile.loginCount).toBe(before + 1);
    expect(claims(accessToken)).toMatchObject({ org: "example.com", plan: "free" });
    expect(claims(session.getIdToken().getJwtToken())).toMatchObject({ org: "example.com" });
  });

  it("fires PreAuthentication: a user disabled by an admin is refused", async () => {
    const user = await createUser(uniqueEmail("srp-disabled"));
    const admin = await signInAdmin();
    const disabled = await callApi(`/admin/users/${user.sub}/disable`, {
      method: "POST",
      token: admin.accessToken,
    });

    const refusal = await srpFailure(user.email, TEST_PASSWORD);

    expect(disabled.status).toBe(204);
    expect(refusal.code).toBe("UserLambdaValidationException");
    expect(refusal.message).toContain("This account is disabled.");
  });
});

describe("PASSWORD_VERIFIER answers the library never sends (AWS SDK)", () => {
  const clientId = () => stack().cognito.userPoolClientId;
  const A = (2n ** 300n).toString(16);

  async function challenge(email: string) {
    const response = await cognito().send(
      new InitiateAuthCommand({
        ClientId: clientId(),
        AuthFlow: "USER_SRP_AUTH",
        AuthParameters: { USERNAME: email, SRP_A: A },
      }),
    );
    return response.ChallengeParameters ?? {};
  }

  function answer(parameters: Record<string, string>, signature: string) {
    return cognito().send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId(),
        ChallengeName: "PASSWORD_VERIFIER",
        ChallengeResponses: {
          USERNAME: parameters["USER_ID_FOR_SRP"] ?? "",
          PASSWORD_CLAIM_SECRET_BLOCK: parameters["SECRET_BLOCK"] ?? "",
          PASSWORD_CLAIM_SIGNATURE: signature,
          TIMESTAMP: "Tue Dec 2 14:09:06 UTC 2026",
        },
      }),
    );
  }

  it("returns Cognito's challenge parameters, naming the user by their user name", async () => {
    const user = await createUser(uniqueEmail("srp-params"));

    const parameters = await challenge(user.email);

    expect(Object.keys(parameters).sort()).toEqual([
      "SALT",
      "SECRET_BLOCK",
      "SRP_B",
      "USERNAME",
      "USER_ID_FOR_SRP",
    ]);
    expect(parameters["USER_ID_FOR_SRP"]).not.toBe(user.email);
    expect(parameters["SRP_B"]).toMatch(/^[0-9a-f]+$/);
  });

  it("refuses a forged signature, and the secret block cannot be answered twice", async () => {
    const user = await createUser(uniqueEmail("srp-forged"));
    const parameters = await challenge(user.email);

    const forged = await answer(parameters, Buffer.alloc(32).toString("base64")).catch(
      (e: unknown) => e,
    );
    const replayed = await answer(parameters, Buffer.alloc(32).toString("base64")).catch(
      (e: unknown) => e,
    );

    expect(forged).toMatchObject({
      name: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
    expect(replayed).toMatchObject({ name: "NotAuthorizedException" });
  });

  it("refuses an SRP_A that is a multiple of N", async () => {
    const error = await cognito()
      .send(
        new InitiateAuthCommand({
          ClientId: clientId(),
          AuthFlow: "USER_SRP_AUTH",
          AuthParameters: { USERNAME: uniqueEmail(), SRP_A: "0" },
        }),
      )
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name: "InvalidParameterException" });
  });
});
