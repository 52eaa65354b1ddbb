/**
 * docs/security.md "Squatting": a pending sign-up cannot lock out or take over the owner of an
 * address. Real Cognito calls on the local stack; the codes Cognito would email are read from the
 * stack's mailbox.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type { DeliveredMessage } from "../../scripts/local/cognito.js";
import { beforeAll, describe, expect, it } from "vitest";
import { seedLegacyUsers } from "../../scripts/local/seed.js";
import { dynamo } from "../../shared/runtime/aws.js";
import { useLocalData } from "../support/local-data.js";
import { stack, stackLogsDir } from "../support/stack.js";
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

/** The code of the last message the stack "sent" to `address` (its mailbox is mail.jsonl). */
function lastCodeTo(address: string): string {
  const file = join(stackLogsDir(), "mail.jsonl");
  const messages = existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as DeliveredMessage)
        .filter((message) => message.to === address)
    : [];
  const code = messages.at(-1)?.code;
  if (!code) throw new Error(`no code was sent to ${address}`);
  return code;
}

const refresh = (refreshToken: string) =>
  cognito()
    .send(
      new InitiateAuthCommand({
        ClientId: stack().cognito.userPoolClientId,
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    )
    .then(
      () => "refreshed",
      (error: unknown) => (error instanceof Error ? error.name : "failed"),
    );

describe("sign-up squatting (PostConfirmation)", () => {
  it("the squatter's refresh token is dead after the owner's password reset", async () => {
    const victim = uniqueEmail("victim");
    const clientId = stack().cognito.userPoolClientId;
    await signUp(victim, "Squatter!pass123");
    const ownSignUp = await signUp(victim).then(
      () => "signed up",
      (error: unknown) => (error instanceof Error ? error.name : "failed"),
    );
    await cognito().send(
      new ConfirmSignUpCommand({
        ClientId: clientId,
        Username: victim,
        ConfirmationCode: lastCodeTo(victim),
      }),
    );
    const squatter = await signIn(victim, "Squatter!pass123");
    const beforeReset = await refresh(squatter.refreshToken);

    await cognito().send(new ForgotPasswordCommand({ ClientId: clientId, Username: victim }));
    await cognito().send(
      new ConfirmForgotPasswordCommand({
        ClientId: clientId,
        Username: victim,
        ConfirmationCode: lastCodeTo(victim),
        Password: "Owner!pass4567",
      }),
    );
    const afterReset = await refresh(squatter.refreshToken);
    const owner = await signIn(victim, "Owner!pass4567");

    expect(ownSignUp).toBe("UsernameExistsException");
    expect(beforeReset).toBe("refreshed");
    expect(afterReset).toBe("NotAuthorizedException");
    expect(await refresh(owner.refreshToken)).toBe("refreshed");
  });
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
