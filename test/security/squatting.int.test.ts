/**
 * docs/security.md "Squatting": a pending sign-up cannot lock out or take over the owner of an
 * address. Real Cognito calls on the local stack; the codes Cognito would email are read from the
 * stack's mailbox.
 */
import { randomUUID } from "node:crypto";
import { ForgotPasswordCommand, SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { beforeAll, describe, expect, it } from "vitest";
import { seedLegacyUsers } from "../../scripts/local/seed-legacy-users.js";
import { dynamo } from "../../shared/runtime/aws.js";
import { useLocalData } from "../support/local-data.js";
import { stack } from "../support/stack.js";
import { TEST_PASSWORD, callApi, cognito, signIn, uniqueEmail } from "../support/users.js";

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;

const signUp = (email: string, password = TEST_PASSWORD) =>
  cognito().send(
    new SignUpCommand({
      ClientId: stack().cognito.userPoolClientId,
      Username: email,
      Password: password,
      UserAttributes: [{ Name: "email", Value: email }],
    }),
  );

beforeAll(() => {
  useLocalData();
});

describe("legacy addresses (PreSignUp, UserMigration)", () => {
  it("a legacy user migrates despite an earlier squatting sign-up of their address", async () => {
    const owner = { email: uniqueEmail("legacy-owner"), password: `Legacy!${randomUUID()}` };
    await seedLegacyUsers(dynamo(), stack().dynamodb.tables.legacyUsers, [owner]);

    const squat = await signUp(owner.email.toUpperCase(), "Squatter!pass123").then(
      () => undefined,
      (error: unknown) => error,
    );
    const tokens = await signIn(owner.email, owner.password);
    const me = await callApi("/me", { token: tokens.accessToken });

    expect(squat).toMatchObject({
      name: "UserLambdaValidationException",
      message: expect.stringContaining(
        "This address already has an account: sign in with its existing password.",
      ) as unknown,
    });
    expect(claims(tokens.accessToken)).toMatchObject({ org: "example.com" });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: owner.email });
  });

  it("a password reset requested by anyone does not lock a legacy user out of their password", async () => {
    const owner = { email: uniqueEmail("legacy-reset"), password: `Legacy!${randomUUID()}` };
    await seedLegacyUsers(dynamo(), stack().dynamodb.tables.legacyUsers, [owner]);

    const reset = await cognito().send(
      new ForgotPasswordCommand({
        ClientId: stack().cognito.userPoolClientId,
        Username: owner.email,
      }),
    );
    const tokens = await signIn(owner.email, owner.password);

    expect(reset.CodeDeliveryDetails?.DeliveryMedium).toBe("EMAIL");
    expect(claims(tokens.accessToken)).toMatchObject({ org: "example.com" });
  });
});
