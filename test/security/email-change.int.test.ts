/**
 * docs/security.md "Email changes": a user cannot come to hold, verified or not, an address off
 * the allowlist or one another person would need. The access token's scope lets a user call
 * Cognito's UpdateUserAttributes directly, so the test does exactly that, on the local stack.
 */
import { randomUUID } from "node:crypto";
import {
  AdminGetUserCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { stack } from "../support/stack.js";
import {
  TEST_PASSWORD,
  callApi,
  cognito,
  createUser,
  signIn,
  uniqueEmail,
  type TestUser,
} from "../support/users.js";

const update = (user: TestUser, attributes: Record<string, string>) =>
  cognito()
    .send(
      new UpdateUserAttributesCommand({
        AccessToken: user.accessToken,
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    )
    .then(
      () => "updated",
      (error: unknown) => (error instanceof Error ? error.name : "failed"),
    );

async function attributesOf(user: TestUser): Promise<Record<string, string>> {
  const { UserAttributes = [] } = await cognito().send(
    new AdminGetUserCommand({ UserPoolId: stack().cognito.userPoolId, Username: user.sub }),
  );
  return Object.fromEntries(UserAttributes.map((a) => [a.Name ?? "", a.Value ?? ""]));
}

const failsToSignIn = (email: string) =>
  signIn(email).then(
    () => false,
    () => true,
  );

describe("email changes (immutable email, app client WriteAttributes)", () => {
  it("never lets a user take an address off the allowlist", async () => {
    const user = await createUser(uniqueEmail("mover"));
    const offList = `mover-${randomUUID().slice(0, 8)}@evil.com`;

    const answer = await update(user, { email: offList });
    const verifiedToo = await update(user, { email: offList, email_verified: "true" });

    expect(answer).toBe("InvalidParameterException");
    expect(verifiedToo).not.toBe("updated");
    expect((await attributesOf(user))["email"]).toBe(user.email);
    expect(await failsToSignIn(offList)).toBe(true);
    const me = await callApi("/me", { token: (await signIn(user.email)).accessToken });
    expect(await me.json()).toMatchObject({ email: user.email, org: "example.com" });
  });

  it("never lets a user take a colleague's unregistered address, so the colleague can sign up", async () => {
    const user = await createUser(uniqueEmail("taker"));
    const colleague = uniqueEmail("colleague");

    const answer = await update(user, { email: colleague });
    const signUp = await cognito().send(
      new SignUpCommand({
        ClientId: stack().cognito.userPoolClientId,
        Username: colleague,
        Password: TEST_PASSWORD,
        UserAttributes: [{ Name: "email", Value: colleague }],
      }),
    );

    expect(answer).toBe("InvalidParameterException");
    expect(signUp.UserConfirmed).toBe(false);
    expect((await attributesOf(user))["email"]).toBe(user.email);
  });

  it("never lets a user write email_verified or an attribute outside the app client's list", async () => {
    const user = await createUser(uniqueEmail("verifier"));

    const verified = await update(user, { email_verified: "false" });
    const unknown = await update(user, { locale: "de" });
    const name = await update(user, { name: "Ada" });

    expect(verified).toBe("NotAuthorizedException");
    expect(unknown).toBe("NotAuthorizedException");
    expect(name).toBe("updated");
    const attributes = await attributesOf(user);
    expect(attributes["name"]).toBe("Ada");
    expect(attributes["email_verified"]).not.toBe("false");
  });
});
