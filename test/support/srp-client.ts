/**
 * Signs in with amazon-cognito-identity-js's default flow (`authenticateUser`: USER_SRP_AUTH then
 * PASSWORD_VERIFIER) against the test stack's Cognito emulator.
 */
/* eslint-disable @typescript-eslint/no-deprecated -- amazon-cognito-identity-js is superseded by
   Amplify v6 but still signs many apps in: it is tested on purpose. */
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from "amazon-cognito-identity-js";
import { stack } from "./stack.js";

export interface SrpFailure {
  code: string;
  message: string;
}

function pool() {
  const { endpoint, userPoolId, userPoolClientId } = stack().cognito;
  return new CognitoUserPool({ UserPoolId: userPoolId, ClientId: userPoolClientId, endpoint });
}

/** The session of a successful SRP sign-in. */
export function srpSignIn(email: string, password: string): Promise<CognitoUserSession> {
  const user = new CognitoUser({ Username: email, Pool: pool() });
  const details = new AuthenticationDetails({ Username: email, Password: password });
  return new Promise((resolve, reject) => {
    user.authenticateUser(details, {
      onSuccess: resolve,
      onFailure: (error: Error) => reject(error),
      newPasswordRequired: () => reject(new Error("unexpected NEW_PASSWORD_REQUIRED")),
    });
  });
}

/**
 * An SRP sign-in of a user with TOTP MFA: `codeFor()` answers the SOFTWARE_TOKEN_MFA challenge
 * through the library's `sendMFACode`, as an app would with what the user types.
 */
export function srpSignInWithTotp(
  email: string,
  password: string,
  codeFor: () => string,
): Promise<CognitoUserSession> {
  const user = new CognitoUser({ Username: email, Pool: pool() });
  const details = new AuthenticationDetails({ Username: email, Password: password });
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: resolve,
      onFailure: (error: Error) => reject(error),
    };
    user.authenticateUser(details, {
      ...callbacks,
      newPasswordRequired: () => reject(new Error("unexpected NEW_PASSWORD_REQUIRED")),
      totpRequired: () => user.sendMFACode(codeFor(), callbacks, "SOFTWARE_TOKEN_MFA"),
    });
  });
}

/** The Cognito error an SRP sign-in fails with; throws if it succeeds. */
export async function srpFailure(email: string, password: string): Promise<SrpFailure> {
  const error = await srpSignIn(email, password).then(
    () => new Error("expected the sign-in to fail"),
    (e: unknown) => e,
  );
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== "string" || typeof message !== "string") throw error;
  return { code, message };
}
