/**
 * docs/security.md "Sign-up and sign-in" against the running local stack, through the Cognito
 * emulator's own API flows only (SignUp, ConfirmSignUp, InitiateAuth, ForgotPassword, …), which
 * fire the project's triggers as Cognito would; the API is called over HTTP. The emails Cognito
 * would send are read from the stack's mailbox (`mail.jsonl`), its handlers' logs from `api.log`.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  SignUpCommand,
  type AttributeType,
} from "@aws-sdk/client-cognito-identity-provider";
import { beforeAll, describe, expect, it } from "vitest";
import type { DeliveredMessage } from "../../scripts/local/cognito.js";
import type { Me } from "../../shared/users/me.js";
import { BRAND } from "../../shared/cognito/messages.js";
import { stack, stackLogsDir } from "../support/stack.js";
import {
  TEST_PASSWORD,
  callApi,
  cognito,
  createUser,
  signIn,
  signInAdmin,
  uniqueEmail,
  type TestUser,
} from "../support/users.js";

const NEW_PASSWORD = "Reset!pass5678";
const WRONG_PASSWORD = "Wrong!pass0000";
const TEMPORARY_PASSWORD = "Temp!pass9012";

/** Every password this file sends; none may appear in the handlers' logs. */
const passwordsUsed = new Set([
  TEST_PASSWORD,
  NEW_PASSWORD,
  WRONG_PASSWORD,
  TEMPORARY_PASSWORD,
  stack().seed.admin.password,
  stack().seed.legacyUser.password,
]);

const clientId = () => stack().cognito.userPoolClientId;
const userPoolId = () => stack().cognito.userPoolId;

function signUp(email: string, attributes: Record<string, string> = {}, password = TEST_PASSWORD) {
  const extra: AttributeType[] = Object.entries(attributes).map(([Name, Value]) => ({
    Name,
    Value,
  }));
  return cognito().send(
    new SignUpCommand({
      ClientId: clientId(),
      Username: email,
      Password: password,
      UserAttributes: [{ Name: "email", Value: email }, ...extra],
    }),
  );
}

interface Failure {
  name: string;
  message: string;
}

/** The error `action` fails with; the test fails if it succeeds. */
async function failure(action: Promise<unknown>): Promise<Failure> {
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

/** The messages the stack "sent" to `address`, oldest first. */
function mailTo(address: string): DeliveredMessage[] {
  const file = join(stackLogsDir(), "mail.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as DeliveredMessage)
    .filter((message) => message.to === address);
}

function lastMailTo(address: string): DeliveredMessage {
  const message = mailTo(address).at(-1);
  if (!message) throw new Error(`no message was sent to ${address}`);
  return message;
}

function codeOf(message: DeliveredMessage): string {
  if (!message.code) throw new Error("the message carries no code");
  return message.code;
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

async function me(token: string): Promise<Me> {
  const response = await callApi("/me", { token });
  expect(response.status).toBe(200);
  return (await response.json()) as Me;
}

async function setStatus(verb: "disable" | "enable", sub: string): Promise<number> {
  const admin = await signInAdmin();
  const response = await callApi(`/admin/users/${sub}/${verb}`, {
    method: "POST",
    token: admin.accessToken,
  });
  return response.status;
}

const userStatus = async (username: string) =>
  (await cognito().send(new AdminGetUserCommand({ UserPoolId: userPoolId(), Username: username })))
    .UserStatus;

/** Signs up `email`, confirms it with the mailed code and signs in. */
async function confirmedUser(email: string, attributes: Record<string, string> = {}) {
  const { UserSub } = await signUp(email, attributes);
  await cognito().send(
    new ConfirmSignUpCommand({
      ClientId: clientId(),
      Username: email,
      ConfirmationCode: codeOf(lastMailTo(email)),
    }),
  );
  return { sub: UserSub ?? "", ...(await signIn(email)) };
}

const local = () => `u${randomUUID().slice(0, 8)}`;

describe("sign-up allowlist (PreSignUp)", () => {
  const refused: [string, (name: string) => string][] = [
    ["another domain", (n) => `${n}@evil.com`],
    ["the allowed domain as a prefix of another", (n) => `${n}@example.com.evil.com`],
    ["the allowed domain as a suffix of another", (n) => `${n}@evil-example.com`],
    ["the allowed domain as a substring of another", (n) => `${n}@myexample.community`],
    ["a subdomain of the allowed domain", (n) => `${n}@mail.example.com`],
    ["two @", (n) => `${n}@evil.com@example.com`],
    ["a quoted local part hiding another address", (n) => `"${n}@evil.com"@example.com`],
    ["a commented local part", (n) => `${n}(comment)@example.com`],
    ["a full-width domain", (n) => `${n}@ｅｘａｍｐｌｅ.com`],
    ["a Cyrillic look-alike letter", (n) => `${n}@еxample.com`],
    ["punycode", (n) => `${n}@xn--exmple-cua.com`],
    ["a trailing dot", (n) => `${n}@example.com.`],
    ["a leading space", (n) => ` ${n}@example.com`],
    ["a trailing space", (n) => `${n}@example.com `],
    ["a zero-width space", (n) => `${n}@example.com\u200b`],
    ["a control character", (n) => `${n}@example.com\n`],
  ];

  it.each(refused)("refuses %s, creating no user and sending nothing", async (_, address) => {
    const email = address(local());

    const error = await failure(signUp(email));
    const lookup = await failure(
      cognito().send(new AdminGetUserCommand({ UserPoolId: userPoolId(), Username: email })),
    );

    expect(error.name).toBe("UserLambdaValidationException");
    expect(error.message).toContain("approved domains");
    expect(lookup.name).toBe("UserNotFoundException");
    expect(mailTo(email)).toEqual([]);
  });

  it("refuses an allowed username whose email attribute is on another domain", async () => {
    const evil = `${local()}@evil.com`;

    const error = await failure(
      cognito().send(
        new SignUpCommand({
          ClientId: clientId(),
          Username: uniqueEmail(),
          Password: TEST_PASSWORD,
          UserAttributes: [{ Name: "email", Value: evil }],
        }),
      ),
    );

    expect(error.name).toBe("UserLambdaValidationException");
    expect(mailTo(evil)).toEqual([]);
  });

  it.each([
    ["upper case", (n: string) => `${n}@EXAMPLE.COM`],
    ["mixed case", (n: string) => `${n}@Example.Com`],
  ])("accepts the allowed domain in %s, with org in lower case", async (_, address) => {
    const email = address(local());

    const user = await confirmedUser(email);

    expect(claims(user.accessToken)["org"]).toBe("example.com");
  });
});

describe("confirmation (PostConfirmation)", () => {
  it("never auto-confirms a sign-up: signing in before confirming fails", async () => {
    const email = uniqueEmail("unconfirmed");

    const { UserConfirmed } = await signUp(email);
    const error = await failure(signIn(email));

    expect(UserConfirmed).toBe(false);
    expect(await userStatus(email)).toBe("UNCONFIRMED");
    expect(error.name).toBe("UserNotConfirmedException");
    expect(mailTo(email)).toHaveLength(1);
  });

  it("creates the profile once: a repeated confirmation and a password reset leave it as it was", async () => {
    const email = uniqueEmail("once");
    await signUp(email);
    const code = codeOf(lastMailTo(email));
    await cognito().send(
      new ConfirmSignUpCommand({ ClientId: clientId(), Username: email, ConfirmationCode: code }),
    );
    const first = await me((await signIn(email)).accessToken);

    const again = await failure(
      cognito().send(
        new ConfirmSignUpCommand({ ClientId: clientId(), Username: email, ConfirmationCode: code }),
      ),
    );
    const adminAgain = await failure(
      cognito().send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId(), Username: email })),
    );
    await cognito().send(new ForgotPasswordCommand({ ClientId: clientId(), Username: email }));
    await cognito().send(
      new ConfirmForgotPasswordCommand({
        ClientId: clientId(),
        Username: email,
        ConfirmationCode: codeOf(lastMailTo(email)),
        Password: NEW_PASSWORD,
      }),
    );
    const oldPassword = await failure(signIn(email, TEST_PASSWORD));
    const after = await me((await signIn(email, NEW_PASSWORD)).accessToken);

    expect(first.profile.createdAt).toEqual(expect.any(String));
    expect(first.profile.loginCount).toBe(1);
    expect(["ExpiredCodeException", "NotAuthorizedException"]).toContain(again.name);
    expect(adminAgain.name).toBe("NotAuthorizedException");
    expect(oldPassword.name).toBe("NotAuthorizedException");
    expect(after.profile).toMatchObject({
      createdAt: first.profile.createdAt,
      displayName: first.profile.displayName,
      loginCount: 2,
    });
  });
});

describe("sign-in (PostAuthentication, PreTokenGeneration)", () => {
  it("counts each sign-in exactly once", async () => {
    const user = await createUser();
    const before = await me(user.accessToken);

    await signIn(user.email);
    const last = await signIn(user.email);
    const after = await me(last.accessToken);

    expect(before.profile.loginCount).toBe(1);
    expect(after.profile.loginCount).toBe(3);
    expect(Date.parse(after.profile.lastLoginAt ?? "")).toBeGreaterThanOrEqual(
      Date.parse(before.profile.lastLoginAt ?? ""),
    );
  });

  it("puts org and plan in both the access token and the ID token", async () => {
    const user = await createUser();

    const access = claims(user.accessToken);
    const id = claims(user.idToken);

    expect(access).toMatchObject({ token_use: "access", org: "example.com", plan: "free" });
    expect(id).toMatchObject({ token_use: "id", org: "example.com", plan: "free" });
  });
});

describe("disabled users (AdminDisableUser, PreAuthentication)", () => {
  it("refuses a disabled user whatever the case of the email, and admits them after enable", async () => {
    const user = await createUser(uniqueEmail("disabled"));
    const spellings = [
      user.email,
      user.email.toUpperCase(),
      `${user.email[0]?.toUpperCase()}${user.email.slice(1)}`,
    ];

    const disabled = await setStatus("disable", user.sub);
    const refusals: Failure[] = [];
    for (const email of spellings) refusals.push(await failure(signIn(email)));
    const enabled = await setStatus("enable", user.sub);
    const admitted = [];
    for (const email of spellings) admitted.push(await signIn(email));

    expect(disabled).toBe(204);
    for (const refusal of refusals) {
      expect(refusal).toEqual({ name: "NotAuthorizedException", message: "User is disabled." });
    }
    expect(enabled).toBe(204);
    for (const tokens of admitted) expect(claims(tokens.accessToken)["sub"]).toBe(user.sub);
  });
});

describe("legacy users (UserMigration)", () => {
  const legacy = () => stack().seed.legacyUser;

  it("migrates the seeded legacy user at their first sign-in; then they are a normal pool user", async () => {
    const { email, password } = legacy();
    const before = await failure(
      cognito().send(new AdminGetUserCommand({ UserPoolId: userPoolId(), Username: email })),
    );
    const wrong = await failure(signIn(email, WRONG_PASSWORD));
    const afterWrong = await failure(
      cognito().send(new AdminGetUserCommand({ UserPoolId: userPoolId(), Username: email })),
    );

    const first = await signIn(email, password);
    const migrated = await cognito().send(
      new AdminGetUserCommand({ UserPoolId: userPoolId(), Username: email }),
    );
    const second = await signIn(email, password);
    const profile = await me(second.accessToken);

    expect(before.name).toBe("UserNotFoundException");
    expect(wrong.name).toBe("NotAuthorizedException");
    expect(afterWrong.name).toBe("UserNotFoundException");
    expect(claims(first.accessToken)).toMatchObject({ org: "example.com", plan: "free" });
    expect(migrated.UserStatus).toBe("CONFIRMED");
    expect(migrated.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: "email", Value: email },
        { Name: "email_verified", Value: "true" },
      ]),
    );
    expect(claims(second.accessToken)["sub"]).toBe(claims(first.accessToken)["sub"]);
    expect(profile).toMatchObject({ email, profile: { loginCount: 2 } });
  });
});

describe("failed sign-ins (UserMigration, PreventUserExistenceErrors)", () => {
  let user: TestUser;

  beforeAll(async () => {
    user = await createUser();
  });

  it("fails a wrong password and an unknown user identically", async () => {
    const usernames = [
      user.email,
      user.email.toUpperCase(),
      uniqueEmail("nobody"),
      `${local()}@evil.com`,
    ];

    const failures: Failure[] = [];
    for (const email of usernames) failures.push(await failure(signIn(email, WRONG_PASSWORD)));

    for (const f of failures) {
      expect(f).toEqual({
        name: "NotAuthorizedException",
        message: "Incorrect username or password.",
      });
    }
  });

  it("answers a password reset for an unknown user as for a known one", async () => {
    const known = await cognito().send(
      new ForgotPasswordCommand({ ClientId: clientId(), Username: user.email }),
    );

    const unknown = await cognito().send(
      new ForgotPasswordCommand({ ClientId: clientId(), Username: uniqueEmail("nobody") }),
    );

    expect(Object.keys(unknown.CodeDeliveryDetails ?? {}).sort()).toEqual(
      Object.keys(known.CodeDeliveryDetails ?? {}).sort(),
    );
    expect(unknown.CodeDeliveryDetails?.DeliveryMedium).toBe("EMAIL");
  });
});

describe("messages (CustomMessage)", () => {
  const name = `<img src=x onerror="alert('x')"> & Co`;
  const escaped = "&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; Co";

  function expectBranded(message: DeliveredMessage, subject: string, action: string) {
    const code = codeOf(message);
    expect(message.subject).toBe(subject);
    expect(message.message).toContain(`${action} ${code}`);
    expect(message.message).not.toContain("{####}");
    expect(message.message).not.toContain("{username}");
    expect(message.message).toContain(`Hello ${escaped},`);
    expect(message.message).not.toContain("<img");
  }

  it("brands the sign-up email, with the real code and the name escaped", async () => {
    const email = uniqueEmail("mail");

    await signUp(email, { name });

    expect(mailTo(email)).toHaveLength(1);
    expectBranded(lastMailTo(email), `Confirm your ${BRAND} account`, "Your confirmation code is");
  });

  it("brands the forgot-password email, whose code resets the password", async () => {
    const email = uniqueEmail("forgot");
    await confirmedUser(email, { name });

    await cognito().send(new ForgotPasswordCommand({ ClientId: clientId(), Username: email }));
    const message = lastMailTo(email);
    await cognito().send(
      new ConfirmForgotPasswordCommand({
        ClientId: clientId(),
        Username: email,
        ConfirmationCode: codeOf(message),
        Password: NEW_PASSWORD,
      }),
    );

    expectBranded(message, `Reset your ${BRAND} password`, "Your password reset code is");
    await expect(signIn(email, NEW_PASSWORD)).resolves.toHaveProperty("accessToken");
  });

  it("brands the invitation of an admin-created user, with the temporary password", async () => {
    const email = uniqueEmail("invited");

    await cognito().send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId(),
        Username: email,
        TemporaryPassword: TEMPORARY_PASSWORD,
        DesiredDeliveryMediums: ["EMAIL"],
        UserAttributes: [
          { Name: "email", Value: email },
          { Name: "name", Value: name },
        ],
      }),
    );
    const message = lastMailTo(email);

    expect(codeOf(message)).toBe(TEMPORARY_PASSWORD);
    expectBranded(message, `Your ${BRAND} account is ready`, "and the temporary password");
  });

  it("brands the verification email (an email change is refused: email-change.int.test.ts)", async () => {
    const email = uniqueEmail("verify");
    const user = await confirmedUser(email, { name });

    await cognito().send(
      new GetUserAttributeVerificationCodeCommand({
        AccessToken: user.accessToken,
        AttributeName: "email",
      }),
    );
    const verify = lastMailTo(email);

    expectBranded(verify, `Verify your ${BRAND} email address`, "Your verification code is");
  });
});

describe("logs", () => {
  it("never hold a password used in this file", () => {
    const log = readFileSync(join(stackLogsDir(), "api.log"), "utf8");

    expect(log).toContain("user migrated");
    for (const password of passwordsUsed) expect(log).not.toContain(password);
  });
});
