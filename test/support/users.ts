/**
 * Real users of the test stack's Cognito emulator, made through its public API exactly as a client
 * would (SignUp fires PreSignUp, AdminConfirmSignUp fires PostConfirmation, InitiateAuth fires
 * PreAuthentication, PostAuthentication and PreTokenGeneration).
 */
import { randomUUID } from "node:crypto";
import {
  AdminConfirmSignUpCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { totp } from "../../scripts/local/cognito/totp.js";
import { stack } from "./stack.js";

export interface TestUser {
  email: string;
  password: string;
  sub: string;
  accessToken: string;
  idToken: string;
  refreshToken: string;
}

export const TEST_PASSWORD = "Test!pass1234";

let client: CognitoIdentityProviderClient | undefined;

/** A Cognito client for the test stack's emulator. */
export function cognito(): CognitoIdentityProviderClient {
  const { region, cognito: c } = stack();
  client ??= new CognitoIdentityProviderClient({
    region,
    endpoint: c.endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  return client;
}

/** A unique email on the allowed domain. */
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
}

/** Signs in and returns the three tokens. */
export async function signIn(email: string, password = TEST_PASSWORD) {
  const { AuthenticationResult: r } = await cognito().send(
    new InitiateAuthCommand({
      ClientId: stack().cognito.userPoolClientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  if (!r?.AccessToken || !r.IdToken || !r.RefreshToken)
    throw new Error("sign-in returned no tokens");
  return { accessToken: r.AccessToken, idToken: r.IdToken, refreshToken: r.RefreshToken };
}

/**
 * Enrols a TOTP authenticator as an app does: AssociateSoftwareToken, VerifySoftwareToken with the
 * current code, then SetUserMFAPreference. Returns the secret (the authenticator's key).
 */
export async function enrolTotp(accessToken: string): Promise<string> {
  const { SecretCode } = await cognito().send(
    new AssociateSoftwareTokenCommand({ AccessToken: accessToken }),
  );
  if (!SecretCode) throw new Error("AssociateSoftwareToken returned no secret");
  await cognito().send(
    new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(SecretCode) }),
  );
  await cognito().send(
    new SetUserMFAPreferenceCommand({
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    }),
  );
  return SecretCode;
}

/** A password sign-in answered with the current TOTP code of `secret`. */
export async function signInWithTotp(email: string, secret: string, password = TEST_PASSWORD) {
  const { ChallengeName, Session, ChallengeParameters } = await cognito().send(
    new InitiateAuthCommand({
      ClientId: stack().cognito.userPoolClientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  if (ChallengeName !== "SOFTWARE_TOKEN_MFA") throw new Error(`unexpected ${ChallengeName}`);
  const { AuthenticationResult: r } = await cognito().send(
    new RespondToAuthChallengeCommand({
      ClientId: stack().cognito.userPoolClientId,
      ChallengeName,
      Session,
      ChallengeResponses: {
        USERNAME: ChallengeParameters?.["USER_ID_FOR_SRP"] ?? email,
        SOFTWARE_TOKEN_MFA_CODE: totp(secret),
      },
    }),
  );
  if (!r?.AccessToken || !r.IdToken || !r.RefreshToken)
    throw new Error("the MFA answer returned no tokens");
  return { accessToken: r.AccessToken, idToken: r.IdToken, refreshToken: r.RefreshToken };
}

/** Signs a new user up, confirms them and signs them in. */
export async function createUser(
  email = uniqueEmail(),
  password = TEST_PASSWORD,
): Promise<TestUser> {
  const { cognito: c } = stack();
  await cognito().send(
    new SignUpCommand({
      ClientId: c.userPoolClientId,
      Username: email,
      Password: password,
      UserAttributes: [{ Name: "email", Value: email }],
    }),
  );
  await cognito().send(
    new AdminConfirmSignUpCommand({ UserPoolId: c.userPoolId, Username: email }),
  );
  const tokens = await signIn(email, password);
  const sub = claims(tokens.accessToken)["sub"];
  if (typeof sub !== "string") throw new Error("access token has no sub");
  return { email, password, sub, ...tokens };
}

/** The seeded admin (group `admins`), signed in. */
export async function signInAdmin(): Promise<TestUser> {
  const { email, password } = stack().seed.admin;
  const tokens = await signIn(email, password);
  return { email, password, sub: String(claims(tokens.accessToken)["sub"]), ...tokens };
}

/** Calls the API of the test stack. */
export function callApi(
  path: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers["Authorization"] = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["Content-Type"] ??= "application/json";
  return fetch(`${stack().apiUrl}${path}`, {
    method: init.method ?? "GET",
    headers,
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === "string"
          ? init.body
          : JSON.stringify(init.body),
  });
}
