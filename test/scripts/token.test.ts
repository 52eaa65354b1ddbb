import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
} from "@aws-sdk/client-cloudformation";
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  NotAuthorizedException,
  CodeMismatchException,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  UserLambdaValidationException,
  UserNotConfirmedException,
  UsernameExistsException,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
} from "@aws-sdk/client-cognito-identity";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { run } from "../../scripts/token/run.js";

const cloudFormation = mockClient(CloudFormationClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const identity = mockClient(CognitoIdentityClient);

const EMAIL = "alice@example.com";
const PASSWORD = "Str0ng!pass-word";
const ARGS = ["--stage", "dev", "--region", "eu-west-1", "--email", EMAIL, "--password", PASSWORD];
const OUTPUTS = [
  { OutputKey: "UserPoolId", OutputValue: "eu-west-1_Pool" },
  { OutputKey: "UserPoolClientId", OutputValue: "client-123" },
  { OutputKey: "Region", OutputValue: "eu-west-1" },
];
const TOKENS = { AccessToken: "access.jwt", IdToken: "id.jwt", RefreshToken: "refresh-token" };

const meta = { $metadata: {} };
const serviceError = (name: string, message: string) =>
  new CloudFormationServiceException({ name, message, $fault: "client", ...meta });

async function token(args: string[] = ARGS) {
  let stdout = "";
  let stderr = "";
  const code = await run(
    args,
    { write: (text: string) => (stdout += text) },
    { write: (text: string) => (stderr += text) },
  );
  return { code, stdout, stderr };
}

beforeEach(() => {
  cloudFormation.reset();
  cognito.reset();
  identity.reset();
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: "x",
        StackStatus: "CREATE_COMPLETE",
        CreationTime: new Date(),
        Outputs: OUTPUTS,
      },
    ],
  });
});

describe("npm run token against a deployed stage", () => {
  it("with --aws, exchanges the ID token at the stack's identity pool and prints credentials", async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: "x",
          StackStatus: "CREATE_COMPLETE",
          CreationTime: new Date(),
          Outputs: [...OUTPUTS, { OutputKey: "IdentityPoolId", OutputValue: "eu-west-1:pool" }],
        },
      ],
    });
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: TOKENS });
    identity.on(GetIdCommand).resolves({ IdentityId: "eu-west-1:identity" });
    identity.on(GetCredentialsForIdentityCommand).resolves({
      IdentityId: "eu-west-1:identity",
      Credentials: {
        AccessKeyId: "ASIAEXAMPLE",
        SecretKey: "secret-key",
        SessionToken: "session-token",
        Expiration: new Date("2026-12-02T19:00:00Z"),
      },
    });

    const result = await token([...ARGS, "--aws"]);

    expect(result.stderr).toBe("");
    expect(result.stdout.split("\n")).toEqual([
      "export ACCESS_TOKEN=access.jwt ID_TOKEN=id.jwt REFRESH_TOKEN=refresh-token",
      "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE AWS_SECRET_ACCESS_KEY=secret-key " +
        "AWS_SESSION_TOKEN=session-token # until 2026-12-02T19:00:00.000Z",
      "",
    ]);
    const logins = { "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool": "id.jwt" };
    expect(identity.commandCalls(GetIdCommand)[0]?.args[0].input).toEqual({
      IdentityPoolId: "eu-west-1:pool",
      Logins: logins,
    });
    expect(identity.commandCalls(GetCredentialsForIdentityCommand)[0]?.args[0].input).toEqual({
      IdentityId: "eu-west-1:identity",
      Logins: logins,
    });
  });

  it("with --aws, says so plainly when the stack has no identity pool", async () => {
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: TOKENS });

    const result = await token([...ARGS, "--aws"]);

    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: "Stage dev has no IdentityPoolId output; deploy the current template first.\n",
    });
    expect(identity.commandCalls(GetIdCommand)).toHaveLength(0);
  });

  it("answers the SOFTWARE_TOKEN_MFA challenge with --mfa-code", async () => {
    cognito.on(InitiateAuthCommand).resolves({
      ChallengeName: "SOFTWARE_TOKEN_MFA",
      Session: "session-1",
      ChallengeParameters: { USER_ID_FOR_SRP: "user-name-1" },
    });
    cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: TOKENS });

    const result = await token([...ARGS, "--mfa-code", "123456"]);

    expect(result.stdout).toBe(
      "export ACCESS_TOKEN=access.jwt ID_TOKEN=id.jwt REFRESH_TOKEN=refresh-token\n",
    );
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0]?.args[0].input).toEqual({
      ClientId: "client-123",
      ChallengeName: "SOFTWARE_TOKEN_MFA",
      Session: "session-1",
      ChallengeResponses: { USERNAME: "user-name-1", SOFTWARE_TOKEN_MFA_CODE: "123456" },
    });
    expect(cognito.commandCalls(SignUpCommand)).toHaveLength(0);
  });

  it("asks for --mfa-code when the challenge comes without one, and refuses a wrong code", async () => {
    cognito.on(InitiateAuthCommand).resolves({
      ChallengeName: "SOFTWARE_TOKEN_MFA",
      Session: "session-1",
      ChallengeParameters: { USER_ID_FOR_SRP: "user-name-1" },
    });
    cognito
      .on(RespondToAuthChallengeCommand)
      .rejects(
        new CodeMismatchException({ message: "Invalid code received for user", $metadata: {} }),
      );

    const missing = await token();
    const wrong = await token([...ARGS, "--mfa-code", "000000"]);

    expect(missing).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "This account has TOTP MFA. Run the same command again with --mfa-code <code from your authenticator app>.\n",
    });
    expect(wrong.stderr).toBe("Wrong MFA code: use the current code of your authenticator app.\n");
    expect(cognito.commandCalls(SignUpCommand)).toHaveLength(0);
  });

  it("reads the stack's outputs, signs an existing user in and prints the three exports", async () => {
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: TOKENS });

    const result = await token();

    expect(result).toEqual({
      code: 0,
      stdout: "export ACCESS_TOKEN=access.jwt ID_TOKEN=id.jwt REFRESH_TOKEN=refresh-token\n",
      stderr: "",
    });
    expect(cloudFormation.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({
      StackName: "cognito-api-dev",
    });
    expect(cognito.commandCalls(InitiateAuthCommand)[0]?.args[0].input).toEqual({
      ClientId: "client-123",
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: EMAIL, PASSWORD },
    });
    expect(cognito.commandCalls(SignUpCommand)).toHaveLength(0);
  });

  it("signs a new user up and asks for the emailed code instead of confirming them itself", async () => {
    cognito
      .on(InitiateAuthCommand)
      .rejects(new NotAuthorizedException({ message: "Incorrect username or password.", ...meta }))
      .on(SignUpCommand)
      .resolves({ UserConfirmed: false, UserSub: "sub-1" });

    const result = await token();

    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`A confirmation code was sent to ${EMAIL}`);
    expect(result.stderr).toContain("--code");
    expect(cognito.commandCalls(SignUpCommand)[0]?.args[0].input).toMatchObject({
      ClientId: "client-123",
      Username: EMAIL,
    });
    expect(cognito.commandCalls(InitiateAuthCommand)).toHaveLength(1);
  });

  it("confirms an unconfirmed user with --code, then signs them in", async () => {
    cognito
      .on(InitiateAuthCommand)
      .rejectsOnce(new UserNotConfirmedException({ message: "User is not confirmed.", ...meta }))
      .resolves({ AuthenticationResult: TOKENS })
      .on(ConfirmSignUpCommand)
      .resolves({});

    const result = await token([...ARGS, "--code", "123456"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^export ACCESS_TOKEN=access\.jwt /);
    expect(cognito.commandCalls(ConfirmSignUpCommand)[0]?.args[0].input).toEqual({
      ClientId: "client-123",
      Username: EMAIL,
      ConfirmationCode: "123456",
    });
    expect(cognito.commandCalls(SignUpCommand)).toHaveLength(0);
  });

  it("signs in before anything else, so a legacy user migrates instead of signing up", async () => {
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: TOKENS });

    const result = await token();

    expect(result.code).toBe(0);
    expect(cognito.calls().map((call) => call.args[0].constructor.name)).toEqual([
      "InitiateAuthCommand",
    ]);
  });

  it("signs up, confirms with --code and signs in a user the pool does not know", async () => {
    cognito
      .on(InitiateAuthCommand)
      .rejectsOnce(
        new NotAuthorizedException({ message: "Incorrect username or password.", ...meta }),
      )
      .resolves({ AuthenticationResult: TOKENS })
      .on(SignUpCommand)
      .resolves({ UserConfirmed: false, UserSub: "sub-1" })
      .on(ConfirmSignUpCommand)
      .resolves({});

    const result = await token([...ARGS, "--code", "123456"]);

    expect(result.code).toBe(0);
    expect(cognito.calls().map((call) => call.args[0].constructor.name)).toEqual([
      "InitiateAuthCommand",
      "SignUpCommand",
      "ConfirmSignUpCommand",
      "InitiateAuthCommand",
    ]);
  });

  it("says a disabled account is disabled, without trying to sign it up", async () => {
    cognito
      .on(InitiateAuthCommand)
      .rejects(new NotAuthorizedException({ message: "User is disabled.", ...meta }));

    const result = await token();

    expect(result.stderr).toBe("This account is disabled.\n");
    expect(cognito.commandCalls(SignUpCommand)).toHaveLength(0);
  });

  it("says how to deploy when the stack does not exist", async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(serviceError("ValidationError", "Stack with id cognito-api-dev does not exist"));

    const result = await token();

    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toContain("Stack cognito-api-dev was not found in eu-west-1");
    expect(result.stderr).toContain("npm run deploy -- --stage dev");
    expect(cognito.calls()).toHaveLength(0);
  });

  it("says how to configure credentials when there are none", async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(
      Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError",
      }),
    );

    const result = await token();

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^No AWS credentials found\. Configure them \(aws configure/);
    expect(cognito.calls()).toHaveLength(0);
  });

  it("tells expired credentials and missing permissions apart", async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejectsOnce(
        serviceError("ExpiredToken", "The security token included in the request is expired"),
      )
      .rejectsOnce(serviceError("AccessDenied", "User: arn:aws:iam::1:user/x is not authorized"));

    const expired = await token();
    const denied = await token();

    expect(expired.stderr).toContain("Your AWS credentials were refused (ExpiredToken)");
    expect(denied.stderr).toContain("may not read stack cognito-api-dev");
    expect(denied.stderr).not.toContain("arn:aws:iam");
  });

  it("refuses a stack without the user pool outputs", async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: "x", StackStatus: "ROLLBACK_COMPLETE", CreationTime: new Date() }],
    });

    const result = await token();

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("has no UserPoolId/UserPoolClientId outputs");
  });

  it("needs --password for a deployed stage and calls nothing without it", async () => {
    const result = await token(["--stage", "dev", "--email", EMAIL]);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^usage: npm run token/);
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it("reports a wrong password and a refused sign-up in plain words, never the password", async () => {
    cognito
      .on(SignUpCommand)
      .rejectsOnce(new UsernameExistsException({ message: "exists", ...meta }))
      .rejectsOnce(
        new UserLambdaValidationException({
          message: "PreSignUp failed with error Sign-up is limited to approved email domains..",
          ...meta,
        }),
      );
    cognito
      .on(InitiateAuthCommand)
      .rejects(new NotAuthorizedException({ message: "Incorrect username or password.", ...meta }));

    const wrongPassword = await token();
    const refused = await token();

    expect(wrongPassword.stderr).toBe("Incorrect email or password.\n");
    expect(refused.stderr).toBe("Sign-up refused: Sign-up is limited to approved email domains.\n");
    expect(wrongPassword.stderr + refused.stderr).not.toContain(PASSWORD);
  });
});
