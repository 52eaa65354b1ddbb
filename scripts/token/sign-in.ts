/**
 * Sign in, and sign up only when the user does not exist: the flow behind `npm run token`, for
 * any stage. Signing in first lets a user of the legacy store migrate (the UserMigration trigger
 * runs on a password sign-in of an unknown user) instead of getting a second, new account.
 */
import type { IdentityPool } from "./aws-credentials.js";
import {
  AdminConfirmSignUpCommand,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  type CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";

/** An error whose message is meant for the person running the script. */
export class TokenScriptError extends Error {
  override name = "TokenScriptError";
}

export interface Target {
  client: CognitoIdentityProviderClient;
  userPoolId: string;
  clientId: string;
  /** Local only: confirm new users with AdminConfirmSignUp instead of an emailed code. */
  adminConfirm: boolean;
  /** What to tell the person running the script when nothing answers at the endpoint. */
  unreachable?: string;
  /** A deployed stage's identity pool (`--aws`); the local stack has none. */
  identityPool?: IdentityPool;
}

export interface Tokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
}

const named = (error: unknown, name: string) => error instanceof Error && error.name === name;

/** Cognito wraps a trigger's message: "PreSignUp failed with error <message>." */
function triggerMessage(error: Error): string {
  return error.message.replace(/^.*? failed with error /, "").replace(/\.+$/, "") + ".";
}

async function confirm(target: Target, email: string, code: string | undefined): Promise<void> {
  if (target.adminConfirm) {
    await target.client.send(
      new AdminConfirmSignUpCommand({ UserPoolId: target.userPoolId, Username: email }),
    );
  } else if (code) {
    await target.client.send(
      new ConfirmSignUpCommand({
        ClientId: target.clientId,
        Username: email,
        ConfirmationCode: code,
      }),
    );
  } else {
    throw new TokenScriptError(
      `A confirmation code was sent to ${email}. Run the same command again with --code <code>.`,
    );
  }
}

async function signUp(target: Target, email: string, password: string): Promise<boolean> {
  try {
    await target.client.send(
      new SignUpCommand({
        ClientId: target.clientId,
        Username: email,
        Password: password,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );
    return true;
  } catch (error) {
    if (named(error, "UsernameExistsException")) return false;
    if (named(error, "UserLambdaValidationException")) {
      throw new TokenScriptError(`Sign-up refused: ${triggerMessage(error as Error)}`);
    }
    if (named(error, "InvalidPasswordException") || named(error, "InvalidParameterException")) {
      throw new TokenScriptError(`Sign-up refused: ${(error as Error).message}`);
    }
    throw error;
  }
}

/** Answers the SOFTWARE_TOKEN_MFA challenge with the code of the user's authenticator app. */
async function answerTotp(
  target: Target,
  challenge: { Session?: string; ChallengeParameters?: Record<string, string> },
  email: string,
  mfaCode: string | undefined,
) {
  if (!mfaCode) {
    throw new TokenScriptError(
      "This account has TOTP MFA. Run the same command again with --mfa-code <code from your authenticator app>.",
    );
  }
  try {
    const { AuthenticationResult } = await target.client.send(
      new RespondToAuthChallengeCommand({
        ClientId: target.clientId,
        ChallengeName: "SOFTWARE_TOKEN_MFA",
        Session: challenge.Session,
        ChallengeResponses: {
          USERNAME: challenge.ChallengeParameters?.["USER_ID_FOR_SRP"] ?? email,
          SOFTWARE_TOKEN_MFA_CODE: mfaCode,
        },
      }),
    );
    return AuthenticationResult;
  } catch (error) {
    if (named(error, "CodeMismatchException")) {
      throw new TokenScriptError("Wrong MFA code: use the current code of your authenticator app.");
    }
    throw error;
  }
}

async function initiateAuth(
  target: Target,
  email: string,
  password: string,
  mfaCode?: string,
): Promise<Tokens> {
  const answer = await target.client.send(
    new InitiateAuthCommand({
      ClientId: target.clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  const result =
    answer.ChallengeName === "SOFTWARE_TOKEN_MFA"
      ? await answerTotp(target, answer, email, mfaCode)
      : answer.AuthenticationResult;
  if (!result?.AccessToken || !result.IdToken || !result.RefreshToken) {
    throw new TokenScriptError("Sign-in needs a further challenge (for example a new password).");
  }
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    refreshToken: result.RefreshToken,
  };
}

/** Turns a refused sign-in into a message for the person running the script. */
function signInRefusal(error: unknown): unknown {
  if (named(error, "NotAuthorizedException")) {
    return new TokenScriptError(
      /disabled/i.test((error as Error).message)
        ? "This account is disabled."
        : "Incorrect email or password.",
    );
  }
  if (named(error, "PasswordResetRequiredException")) {
    return new TokenScriptError("This account must reset its password before signing in.");
  }
  if (named(error, "UserLambdaValidationException")) {
    return new TokenScriptError(`Sign-in refused: ${triggerMessage(error as Error)}`);
  }
  return error;
}

/** Whether a failed sign-in may mean "no such user" (the pool hides which, as AWS advises). */
const mayBeUnknown = (error: unknown) =>
  named(error, "UserNotFoundException") ||
  (named(error, "NotAuthorizedException") && !/disabled/i.test((error as Error).message));

/**
 * Signs in; when the sign-in fails as for an unknown user, signs up (a `UsernameExistsException`
 * then means the password was wrong), confirms and signs in. Returns the three tokens.
 */
export async function signIn(
  target: Target,
  input: { email: string; password: string; code?: string; mfaCode?: string },
): Promise<Tokens> {
  const { email, password, code, mfaCode } = input;
  try {
    return await initiateAuth(target, email, password, mfaCode);
  } catch (error) {
    if (named(error, "UserNotConfirmedException")) {
      await confirm(target, email, code);
    } else if (mayBeUnknown(error)) {
      if (!(await signUp(target, email, password))) throw signInRefusal(error);
      await confirm(target, email, code);
    } else {
      throw signInRefusal(error);
    }
  }
  try {
    return await initiateAuth(target, email, password, mfaCode);
  } catch (error) {
    throw signInRefusal(error);
  }
}
