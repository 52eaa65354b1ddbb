/**
 * The local Cognito enforces the pool's password policy, the one the stack created from the
 * packaged template (read back with DescribeUserPool), on every action that takes a password.
 */
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { beforeAll, describe, expect, it } from "vitest";
import { stack } from "../../../support/stack.js";
import { TEST_PASSWORD, cognito, createUser, uniqueEmail } from "../../../support/users.js";

interface Policy {
  MinimumLength?: number;
  RequireUppercase?: boolean;
  RequireLowercase?: boolean;
  RequireNumbers?: boolean;
}

let policy: Policy;

beforeAll(async () => {
  const { UserPool } = await cognito().send(
    new DescribeUserPoolCommand({ UserPoolId: stack().cognito.userPoolId }),
  );
  policy = UserPool?.Policies?.PasswordPolicy ?? {};
});

/** A password that meets every rule of the policy, `length` characters long. */
const compliant = (length: number) => `Aa1!${"x".repeat(Math.max(0, length - 4))}`;

const signUp = (password: string, email = uniqueEmail()) =>
  cognito().send(
    new SignUpCommand({
      ClientId: stack().cognito.userPoolClientId,
      Username: email,
      Password: password,
      UserAttributes: [{ Name: "email", Value: email }],
    }),
  );

const refused = { name: "InvalidPasswordException" };

describe("local Cognito password policy", () => {
  it("is the template's: uppercase, lowercase, digits and a minimum length", () => {
    expect(policy.MinimumLength).toBeGreaterThanOrEqual(8);
    expect(policy.RequireUppercase).toBe(true);
    expect(policy.RequireLowercase).toBe(true);
    expect(policy.RequireNumbers).toBe(true);
  });

  it("refuses a weak password at sign-up, naming the broken rule", async () => {
    const length = policy.MinimumLength ?? 8;

    await expect(signUp("x")).rejects.toMatchObject({
      ...refused,
      message: "Password did not conform with policy: Password not long enough",
    });
    await expect(signUp(compliant(length - 1))).rejects.toMatchObject(refused);
    await expect(signUp(compliant(length).toLowerCase())).rejects.toMatchObject({
      ...refused,
      message: "Password did not conform with policy: Password must have uppercase characters",
    });
    await expect(signUp(compliant(length).toUpperCase())).rejects.toMatchObject(refused);
    await expect(signUp(compliant(length).replace("1", "y"))).rejects.toMatchObject({
      ...refused,
      message: "Password did not conform with policy: Password must have numeric characters",
    });
    await expect(signUp(compliant(length))).resolves.toMatchObject({ UserConfirmed: false });
  });

  it("refuses a weak new password on change, reset and admin set", async () => {
    const user = await createUser();
    const pool = { UserPoolId: stack().cognito.userPoolId, Username: user.email };

    await expect(
      cognito().send(
        new ChangePasswordCommand({
          AccessToken: user.accessToken,
          PreviousPassword: TEST_PASSWORD,
          ProposedPassword: "weak",
        }),
      ),
    ).rejects.toMatchObject(refused);
    await cognito().send(
      new ForgotPasswordCommand({
        ClientId: stack().cognito.userPoolClientId,
        Username: user.email,
      }),
    );
    await expect(
      cognito().send(
        new ConfirmForgotPasswordCommand({
          ClientId: stack().cognito.userPoolClientId,
          Username: user.email,
          ConfirmationCode: "000000",
          Password: "weak",
        }),
      ),
    ).rejects.toMatchObject(refused);
    await expect(
      cognito().send(
        new AdminSetUserPasswordCommand({ ...pool, Password: "weak", Permanent: true }),
      ),
    ).rejects.toMatchObject(refused);
    await expect(
      cognito().send(
        new AdminSetUserPasswordCommand({ ...pool, Password: compliant(20), Permanent: true }),
      ),
    ).resolves.toBeDefined();
  });

  it("refuses a weak temporary password for an admin-created user", async () => {
    const email = uniqueEmail("admin-created");

    await expect(
      cognito().send(
        new AdminCreateUserCommand({
          UserPoolId: stack().cognito.userPoolId,
          Username: email,
          TemporaryPassword: "temp",
          UserAttributes: [{ Name: "email", Value: email }],
          MessageAction: "SUPPRESS",
        }),
      ),
    ).rejects.toMatchObject(refused);
  });
});
