/**
 * TOTP MFA through real Cognito API calls against the test stack (scripts/local/cognito/mfa.ts):
 * enrolment, the SOFTWARE_TOKEN_MFA challenge on every password flow, its session, and the
 * settings GetUser and AdminGetUser report.
 */
import {
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AssociateSoftwareTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { totp } from "../../../../scripts/local/cognito/totp.js";
import { srpSignInWithTotp } from "../../../support/srp-client.js";
import { stack } from "../../../support/stack.js";
import {
  TEST_PASSWORD,
  callApi,
  cognito,
  createUser,
  enrolTotp,
  signIn,
  signInWithTotp,
  uniqueEmail,
} from "../../../support/users.js";

const clientId = () => stack().cognito.userPoolClientId;

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

/** A code of `secret` that is not valid now (two steps ahead). */
const wrongCode = (secret: string) => totp(secret, Date.now() + 90_000);

const passwordSignIn = (email: string) =>
  cognito().send(
    new InitiateAuthCommand({
      ClientId: clientId(),
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: email, PASSWORD: TEST_PASSWORD },
    }),
  );

const answer = (session: string | undefined, username: string, code: string, client = clientId()) =>
  cognito().send(
    new RespondToAuthChallengeCommand({
      ClientId: client,
      ChallengeName: "SOFTWARE_TOKEN_MFA",
      Session: session,
      ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
    }),
  );

describe("TOTP enrolment", () => {
  it("associates a secret, verifies a code, and MFA is on only after SetUserMFAPreference", async () => {
    const user = await createUser();
    const { SecretCode } = await cognito().send(
      new AssociateSoftwareTokenCommand({ AccessToken: user.accessToken }),
    );
    const secret = SecretCode ?? "";

    const mismatch = await failure(
      cognito().send(
        new VerifySoftwareTokenCommand({
          AccessToken: user.accessToken,
          UserCode: wrongCode(secret),
        }),
      ),
    );
    const notVerified = await failure(
      cognito().send(
        new SetUserMFAPreferenceCommand({
          AccessToken: user.accessToken,
          SoftwareTokenMfaSettings: { Enabled: true },
        }),
      ),
    );
    const verified = await cognito().send(
      new VerifySoftwareTokenCommand({
        AccessToken: user.accessToken,
        UserCode: totp(secret),
        FriendlyDeviceName: "phone",
      }),
    );
    const afterVerify = await cognito().send(new GetUserCommand({ AccessToken: user.accessToken }));
    const stillPasswordOnly = await signIn(user.email);
    await cognito().send(
      new SetUserMFAPreferenceCommand({
        AccessToken: user.accessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const afterEnable = await cognito().send(new GetUserCommand({ AccessToken: user.accessToken }));
    const asAdmin = await cognito().send(
      new AdminGetUserCommand({ UserPoolId: stack().cognito.userPoolId, Username: user.email }),
    );
    const challenge = await passwordSignIn(user.email);

    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(mismatch.name).toBe("EnableSoftwareTokenMFAException");
    expect(notVerified.name).toBe("InvalidParameterException");
    expect(verified.Status).toBe("SUCCESS");
    expect(afterVerify.UserMFASettingList).toBeUndefined();
    expect(stillPasswordOnly.accessToken).toBeTruthy();
    expect(afterEnable).toMatchObject({
      UserMFASettingList: ["SOFTWARE_TOKEN_MFA"],
      PreferredMfaSetting: "SOFTWARE_TOKEN_MFA",
    });
    expect(asAdmin).toMatchObject({
      UserMFASettingList: ["SOFTWARE_TOKEN_MFA"],
      PreferredMfaSetting: "SOFTWARE_TOKEN_MFA",
    });
    expect(challenge).toMatchObject({
      ChallengeName: "SOFTWARE_TOKEN_MFA",
      ChallengeParameters: { FRIENDLY_DEVICE_NAME: "phone" },
    });
    expect(challenge.AuthenticationResult).toBeUndefined();
    expect(challenge.Session?.length).toBeGreaterThanOrEqual(20);
  });

  it("keeps the verified authenticator until a newly associated one is verified", async () => {
    const user = await createUser();
    const secret = await enrolTotp(user.accessToken);
    const { SecretCode: next } = await cognito().send(
      new AssociateSoftwareTokenCommand({ AccessToken: user.accessToken }),
    );

    const tokens = await signInWithTotp(user.email, secret);

    expect(next).not.toBe(secret);
    expect(tokens.accessToken).toBeTruthy();
  });

  it("refuses enrolment without a valid access token", async () => {
    const forged = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(
      JSON.stringify({ token_use: "access", username: "x", client_id: clientId() }),
    ).toString("base64url")}.`;

    const refused = await failure(
      cognito().send(new AssociateSoftwareTokenCommand({ AccessToken: forged })),
    );

    expect(refused.name).toBe("NotAuthorizedException");
  });

  it("lets an administrator turn a user's TOTP MFA off (AdminSetUserMFAPreference)", async () => {
    const user = await createUser();
    await enrolTotp(user.accessToken);

    await cognito().send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: stack().cognito.userPoolId,
        Username: user.email,
        SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false },
      }),
    );
    const settings = await cognito().send(
      new AdminGetUserCommand({ UserPoolId: stack().cognito.userPoolId, Username: user.email }),
    );

    expect(settings.UserMFASettingList).toBeUndefined();
    expect(settings.PreferredMfaSetting).toBeUndefined();
    expect((await signIn(user.email)).accessToken).toBeTruthy();
  });
});

describe("the SOFTWARE_TOKEN_MFA challenge", () => {
  it("refuses a wrong code, then gives tokens that work on /me for the right one", async () => {
    const user = await createUser(uniqueEmail("mfa"));
    const secret = await enrolTotp(user.accessToken);
    const { Session, ChallengeParameters } = await passwordSignIn(user.email);
    const username = ChallengeParameters?.["USER_ID_FOR_SRP"] ?? "";

    const wrong = await failure(answer(Session, username, wrongCode(secret)));
    const right = await answer(Session, username, totp(secret));
    const me = await callApi("/me", { token: right.AuthenticationResult?.AccessToken });

    expect(wrong).toEqual({
      name: "CodeMismatchException",
      message: "Invalid code received for user",
    });
    expect(right.AuthenticationResult?.RefreshToken).toBeTruthy();
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ sub: user.sub });
  });

  it("refuses an unknown session, a used one, and one of another user", async () => {
    const user = await createUser();
    const other = await createUser();
    const secret = await enrolTotp(user.accessToken);
    await enrolTotp(other.accessToken);
    const first = await passwordSignIn(user.email);
    const username = first.ChallengeParameters?.["USER_ID_FOR_SRP"] ?? "";
    const otherName = (await passwordSignIn(other.email)).ChallengeParameters?.["USER_ID_FOR_SRP"];

    const invented = await failure(answer("x".repeat(64), username, totp(secret)));
    const otherUser = await failure(answer(first.Session, otherName ?? "", totp(secret)));
    const second = await passwordSignIn(user.email);
    await answer(second.Session, username, totp(secret));
    const reused = await failure(answer(second.Session, username, totp(secret)));

    const invalid = { name: "NotAuthorizedException", message: "Invalid session for the user." };
    expect(invented).toEqual(invalid);
    expect(otherUser).toEqual(invalid);
    expect(reused).toEqual(invalid);
  });

  it("runs PostAuthentication only once the code is right", async () => {
    const user = await createUser();
    const secret = await enrolTotp(user.accessToken);
    const loginCount = async () => {
      const me = await callApi("/me", { token: user.accessToken });
      return ((await me.json()) as { profile: { loginCount: number } }).profile.loginCount;
    };
    const before = await loginCount();

    const { Session, ChallengeParameters } = await passwordSignIn(user.email);
    const afterPassword = await loginCount();
    await failure(
      answer(Session, ChallengeParameters?.["USER_ID_FOR_SRP"] ?? "", wrongCode(secret)),
    );
    const afterWrongCode = await loginCount();
    await answer(Session, ChallengeParameters?.["USER_ID_FOR_SRP"] ?? "", totp(secret));

    expect(afterPassword).toBe(before);
    expect(afterWrongCode).toBe(before);
    expect(await loginCount()).toBe(before + 1);
  });

  it("ends the session after three wrong codes", async () => {
    const user = await createUser();
    const secret = await enrolTotp(user.accessToken);
    const { Session, ChallengeParameters } = await passwordSignIn(user.email);
    const username = ChallengeParameters?.["USER_ID_FOR_SRP"] ?? "";

    const wrongs = [];
    for (let i = 0; i < 3; i++)
      wrongs.push((await failure(answer(Session, username, wrongCode(secret)))).name);
    const late = await failure(answer(Session, username, totp(secret)));

    expect(wrongs).toEqual([
      "CodeMismatchException",
      "CodeMismatchException",
      "CodeMismatchException",
    ]);
    expect(late.name).toBe("NotAuthorizedException");
  });

  it("challenges SRP sign-ins (amazon-cognito-identity-js) and USER_AUTH ones too", async () => {
    const user = await createUser();
    const secret = await enrolTotp(user.accessToken);

    const srp = await srpSignInWithTotp(user.email, TEST_PASSWORD, () => totp(secret));
    const choice = await cognito().send(
      new InitiateAuthCommand({
        ClientId: clientId(),
        AuthFlow: "USER_AUTH",
        AuthParameters: {
          USERNAME: user.email,
          PREFERRED_CHALLENGE: "PASSWORD",
          PASSWORD: TEST_PASSWORD,
        },
      }),
    );
    const viaChoice = await answer(
      choice.Session,
      choice.ChallengeParameters?.["USER_ID_FOR_SRP"] ?? "",
      totp(secret),
    );

    expect(srp.isValid()).toBe(true);
    expect((await callApi("/me", { token: srp.getAccessToken().getJwtToken() })).status).toBe(200);
    expect(choice.ChallengeName).toBe("SOFTWARE_TOKEN_MFA");
    expect(viaChoice.AuthenticationResult?.AccessToken).toBeTruthy();
  });
});
