/**
 * User attributes in the local Cognito as Cognito keeps them: `email_verified` on confirmation,
 * group look-ups by email, re-sign-up of an existing address refused, and UpdateUserAttributes
 * limited by the app client's WriteAttributes and the pool's verification-before-update setting.
 * The last two run on a pool and client of their own, created here with those settings, so the
 * emulator's behaviour is tested whatever the project's template says.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { beforeAll, describe, expect, it } from "vitest";
import type { DeliveredMessage } from "../../../../scripts/local/cognito.js";
import { stack, stackLogsDir } from "../../../support/stack.js";
import { TEST_PASSWORD, cognito, createUser, uniqueEmail } from "../../../support/users.js";

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

const claims = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;

const attribute = (attributes: { Name?: string; Value?: string }[] | undefined, name: string) =>
  attributes?.find((a) => a.Name === name)?.Value;

async function signUp(clientId: string, email: string) {
  await cognito().send(
    new SignUpCommand({
      ClientId: clientId,
      Username: email,
      Password: TEST_PASSWORD,
      UserAttributes: [{ Name: "email", Value: email }],
    }),
  );
}

async function signIn(clientId: string, email: string) {
  const { AuthenticationResult } = await cognito().send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: email, PASSWORD: TEST_PASSWORD },
    }),
  );
  return AuthenticationResult?.AccessToken ?? "";
}

describe("local Cognito confirmation", () => {
  it("sets email_verified when a sign-up is confirmed with the emailed code", async () => {
    const email = uniqueEmail();
    await signUp(stack().cognito.userPoolClientId, email);

    await cognito().send(
      new ConfirmSignUpCommand({
        ClientId: stack().cognito.userPoolClientId,
        Username: email,
        ConfirmationCode: lastCodeTo(email),
      }),
    );

    const user = await cognito().send(
      new AdminGetUserCommand({ UserPoolId: stack().cognito.userPoolId, Username: email }),
    );
    expect(attribute(user.UserAttributes, "email_verified")).toBe("true");
  });

  it("sets email_verified on AdminConfirmSignUp; the ID token says so", async () => {
    const user = await createUser();

    expect(claims(user.idToken)["email_verified"]).toBe(true);
  });

  it("leaves email_verified unset when the code is wrong", async () => {
    const email = uniqueEmail();
    await signUp(stack().cognito.userPoolClientId, email);

    await expect(
      cognito().send(
        new ConfirmSignUpCommand({
          ClientId: stack().cognito.userPoolClientId,
          Username: email,
          ConfirmationCode: "000000",
        }),
      ),
    ).rejects.toMatchObject({ name: "CodeMismatchException" });
    const user = await cognito().send(
      new AdminGetUserCommand({ UserPoolId: stack().cognito.userPoolId, Username: email }),
    );
    expect(attribute(user.UserAttributes, "email_verified")).toBeUndefined();
  });
});

describe("local Cognito sign-up of an existing address", () => {
  it("is refused while the first sign-up is unconfirmed, as Cognito does", async () => {
    const email = uniqueEmail();
    await signUp(stack().cognito.userPoolClientId, email);

    await expect(
      signUp(stack().cognito.userPoolClientId, email.toUpperCase()),
    ).rejects.toMatchObject({
      name: "UsernameExistsException",
      message: "An account with the given email already exists.",
    });
  });
});

describe("local Cognito groups", () => {
  it("are listed for a user named by email", async () => {
    const { Groups } = await cognito().send(
      new AdminListGroupsForUserCommand({
        UserPoolId: stack().cognito.userPoolId,
        Username: stack().seed.admin.email,
      }),
    );

    expect(Groups?.map((g) => g.GroupName)).toEqual(["admins"]);
  });
});

describe("local Cognito UpdateUserAttributes", () => {
  let clientId: string;
  let openClientId: string;

  beforeAll(async () => {
    const { UserPool } = await cognito().send(
      new CreateUserPoolCommand({
        PoolName: `attributes-${Date.now()}`,
        UsernameAttributes: ["email"],
        AutoVerifiedAttributes: ["email"],
        UsernameConfiguration: { CaseSensitive: false },
        UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ["email"] },
      }),
    );
    const client = (writeAttributes?: string[]) =>
      cognito().send(
        new CreateUserPoolClientCommand({
          UserPoolId: UserPool?.Id,
          ClientName: `attributes-${Date.now()}`,
          ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
          WriteAttributes: writeAttributes,
          PreventUserExistenceErrors: "ENABLED",
        }),
      );
    clientId = (await client(["email"])).UserPoolClient?.ClientId ?? "";
    openClientId = (await client()).UserPoolClient?.ClientId ?? "";
  });

  async function poolUser(id = clientId) {
    const email = uniqueEmail("attributes");
    await signUp(id, email);
    await cognito().send(
      new ConfirmSignUpCommand({
        ClientId: id,
        Username: email,
        ConfirmationCode: lastCodeTo(email),
      }),
    );
    return { email, accessToken: await signIn(id, email) };
  }

  const update = (accessToken: string, attributes: Record<string, string>) =>
    cognito().send(
      new UpdateUserAttributesCommand({
        AccessToken: accessToken,
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );

  it("never lets a user write email_verified", async () => {
    for (const id of [clientId, openClientId]) {
      const user = await poolUser(id);

      await expect(
        update(user.accessToken, { email: uniqueEmail(), email_verified: "true" }),
      ).rejects.toMatchObject({ name: "NotAuthorizedException" });
    }
  });

  it("refuses attributes outside the app client's WriteAttributes", async () => {
    const user = await poolUser();

    await expect(update(user.accessToken, { name: "Mallory" })).rejects.toMatchObject({
      name: "NotAuthorizedException",
      message: "A client attempted to write unauthorized attribute",
    });
  });

  it("refuses an email another user signs in with", async () => {
    const user = await poolUser();
    const other = await poolUser();

    await expect(update(user.accessToken, { email: other.email })).rejects.toMatchObject({
      name: "AliasExistsException",
    });
  });

  it("keeps a new email pending until it is verified with the code sent to it", async () => {
    const user = await poolUser();
    const next = uniqueEmail("next");

    const answer = await update(user.accessToken, { email: next });
    const pending = await cognito().send(new GetUserCommand({ AccessToken: user.accessToken }));

    expect(answer.CodeDeliveryDetailsList?.[0]?.Destination).toBe(next);
    expect(attribute(pending.UserAttributes, "email")).toBe(user.email);
    expect(attribute(pending.UserAttributes, "email_verified")).toBe("true");
    await expect(signIn(clientId, user.email)).resolves.not.toBe("");
    await expect(signIn(clientId, next)).rejects.toMatchObject({ name: "NotAuthorizedException" });

    await cognito().send(
      new VerifyUserAttributeCommand({
        AccessToken: user.accessToken,
        AttributeName: "email",
        Code: lastCodeTo(next),
      }),
    );

    const changed = await cognito().send(new GetUserCommand({ AccessToken: user.accessToken }));
    expect(attribute(changed.UserAttributes, "email")).toBe(next);
    expect(attribute(changed.UserAttributes, "email_verified")).toBe("true");
    await expect(signIn(clientId, next)).resolves.not.toBe("");
  });
});
