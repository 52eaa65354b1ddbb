/**
 * TOTP (software-token) MFA as Cognito does it, around cognito-local 5.3.0's own MFA targets:
 *
 * - The pool must enable TOTP (`SetUserPoolMfaConfig` / the template's `EnabledMfas`), otherwise
 *   AssociateSoftwareToken and VerifySoftwareToken answer `SoftwareTokenMFANotFoundException`.
 * - `AssociateSoftwareToken` by access token gives a new secret (base32, kept pending: a verified
 *   token stays in use until the new one is verified); by `Session`
 *   (`MFA_SETUP`, only for pools whose MFA is `ON`) it is refused: this project's pool is
 *   `OPTIONAL`, where Cognito never sends `MFA_SETUP`.
 * - `VerifySoftwareToken` checks the code (RFC 6238, ±1 step, ./totp.ts) and marks the token
 *   verified; it does not turn MFA on (the emulator did): `SetUserMFAPreference` does, as in
 *   Cognito. `AdminSetUserMFAPreference` (missing in the emulator) does the same for an admin.
 * - The `SOFTWARE_TOKEN_MFA` challenge (after a right password on USER_PASSWORD_AUTH, SRP's
 *   PASSWORD_VERIFIER or USER_AUTH) carries a session bound to the user and app client, valid for
 *   3 minutes; the emulator accepted any string. The answer must name the same user and client,
 *   a wrong code is `CodeMismatchException` (the session survives a few wrong codes), an unknown
 *   or expired session `NotAuthorizedException` "Invalid session for the user.". A session is
 *   used once. PostAuthentication and PreTokenGeneration run only after the right code (the
 *   emulator's own order).
 */
import { randomBytes } from "node:crypto";
import { cognitoError } from "./emulator.js";
import { matchingStep, newSecret } from "./totp.js";
import type { CognitoService, Context, EmulatorUser, Json, PoolService, Target } from "./types.js";

/** Cognito's default `AuthSessionValidity`: 3 minutes to answer a challenge. */
const SESSION_MILLISECONDS = 3 * 60_000;
/** Wrong codes a challenge session survives before it must start again. */
const ATTEMPTS = 3;

interface MfaSession {
  clientId: string;
  username: string;
  expires: number;
  attempts: number;
}

interface SoftwareToken {
  Secret?: string;
  /** A secret associated but not verified yet: the verified one stays in use until then. */
  Pending?: string;
  Verified?: boolean;
  FriendlyDeviceName?: string;
}

interface Preference {
  Enabled?: boolean;
  PreferredMfa?: boolean;
}

const invalidSession = () =>
  cognitoError("NotAuthorizedException", "Invalid session for the user.");
const invalidParameter = (message: string) => cognitoError("InvalidParameterException", message);

function text(record: unknown, key: string): string | undefined {
  if (typeof record !== "object" || record === null) return undefined;
  const value = (record as Json)[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

const softwareToken = (user: EmulatorUser): SoftwareToken | undefined =>
  user["SoftwareTokenMfaConfiguration"] as SoftwareToken | undefined;

const settingList = (user: EmulatorUser): string[] =>
  Array.isArray(user["UserMFASettingList"]) ? (user["UserMFASettingList"] as string[]) : [];

/** Whether the pool lets users use TOTP (`EnabledMfas` includes `SOFTWARE_TOKEN_MFA`). */
function assertTotpEnabled(pool: PoolService) {
  const config = pool.options["SoftwareTokenMfaConfiguration"] as { Enabled?: boolean } | undefined;
  if (config?.Enabled !== true) {
    throw cognitoError(
      "SoftwareTokenMFANotFoundException",
      "Software Token MFA has not been enabled by the userPool.",
    );
  }
}

/** The user's MFA settings after a (Admin)SetUserMFAPreference request. */
function preferenceUpdate(user: EmulatorUser, req: Json): Json {
  const software = req["SoftwareTokenMfaSettings"] as Preference | undefined;
  const sms = req["SMSMfaSettings"] as Preference | undefined;
  if (sms?.Enabled || req["EmailMfaSettings"]) {
    throw invalidParameter("Only software token MFA is enabled for this user pool.");
  }
  const methods = new Set(settingList(user));
  let preferred =
    typeof user["PreferredMfaSetting"] === "string" ? user["PreferredMfaSetting"] : "";
  if (software?.Enabled === true) {
    if (softwareToken(user)?.Verified !== true) {
      throw invalidParameter("User has not verified software token mfa");
    }
    methods.add("SOFTWARE_TOKEN_MFA");
  }
  if (software?.Enabled === false) methods.delete("SOFTWARE_TOKEN_MFA");
  if (software?.PreferredMfa === true) {
    if (!methods.has("SOFTWARE_TOKEN_MFA")) {
      throw invalidParameter("Software token MFA must be enabled to be preferred.");
    }
    preferred = "SOFTWARE_TOKEN_MFA";
  }
  if (!methods.has(preferred)) preferred = "";
  return {
    UserMFASettingList: methods.size > 0 ? [...methods] : undefined,
    PreferredMfaSetting: preferred === "" ? undefined : preferred,
  };
}

/** The MFA targets, and the wrappers that bind and check SOFTWARE_TOKEN_MFA challenge sessions. */
export function mfa(cognito: CognitoService) {
  const sessions = new Map<string, MfaSession>();

  function remember(clientId: string, username: string): string {
    const now = Date.now();
    for (const [key, entry] of sessions) if (entry.expires < now) sessions.delete(key);
    const session = randomBytes(48).toString("base64");
    sessions.set(session, { clientId, username, expires: now + SESSION_MILLISECONDS, attempts: 0 });
    return session;
  }

  /** Gives a SOFTWARE_TOKEN_MFA challenge in `result` a session bound to user and client. */
  function bindChallenge(result: unknown, clientId: unknown): unknown {
    if (typeof result !== "object" || result === null) return result;
    const answer = result as Json;
    if (answer["ChallengeName"] !== "SOFTWARE_TOKEN_MFA" || typeof clientId !== "string") {
      return result;
    }
    const username = text(answer["ChallengeParameters"], "USER_ID_FOR_SRP");
    if (!username) return result;
    return { ...answer, Session: remember(clientId, username) };
  }

  /** Checks the SOFTWARE_TOKEN_MFA answer before the emulator issues tokens for it. */
  async function answerTotp(ctx: Context, req: Json, inner: Target) {
    const clientId = text(req, "ClientId");
    const answers = req["ChallengeResponses"];
    const username = text(answers, "USERNAME");
    const code = text(answers, "SOFTWARE_TOKEN_MFA_CODE");
    const sessionId = text(req, "Session");
    if (!clientId) throw invalidParameter("Missing required parameter ClientId");
    if (!username) throw invalidParameter("Missing required parameter USERNAME");
    if (!code) throw invalidParameter("Missing required parameter SOFTWARE_TOKEN_MFA_CODE");
    if (!sessionId) throw invalidParameter("Missing required parameter Session");
    const session = sessions.get(sessionId);
    if (!session || session.expires < Date.now() || session.clientId !== clientId) {
      sessions.delete(sessionId);
      throw invalidSession();
    }
    const pool = await cognito.getUserPoolForClientId(ctx, clientId);
    const user = await pool.getUserByUsername(ctx, username);
    if (!user || user.Username !== session.username) throw invalidSession();
    const token = softwareToken(user);
    const step = token?.Secret && token.Verified ? matchingStep(token.Secret, code) : undefined;
    if (step === undefined) {
      session.attempts += 1;
      if (session.attempts >= ATTEMPTS) sessions.delete(sessionId);
      throw cognitoError("CodeMismatchException", "Invalid code received for user");
    }
    sessions.delete(sessionId);
    return inner(ctx, {
      ...req,
      ChallengeResponses: { ...(answers as Json), USERNAME: user.Username },
    });
  }

  async function userOf(
    ctx: Context,
    req: Json,
  ): Promise<{ pool: PoolService; user: EmulatorUser }> {
    const pool = await cognito.getUserPool(ctx, req["UserPoolId"]);
    const user = await pool.getUserByUsername(ctx, text(req, "Username") ?? "");
    if (!user) throw cognitoError("UserNotFoundException", "User does not exist.");
    return { pool, user };
  }

  async function userOfToken(ctx: Context, req: Json) {
    const token = text(req, "AccessToken");
    if (!token) {
      if (text(req, "Session")) {
        throw invalidParameter(
          "MFA_SETUP by Session is not supported locally: this pool's MFA is OPTIONAL.",
        );
      }
      throw invalidParameter("Either AccessToken or Session is required");
    }
    const payload = JSON.parse(
      Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"),
    ) as Json;
    const pool = await cognito.getUserPoolForClientId(ctx, payload["client_id"]);
    const user = await pool.getUserByUsername(ctx, text(payload, "username") ?? "");
    if (!user) throw cognitoError("UserNotFoundException", "User does not exist.");
    return { pool, user };
  }

  const targets: Partial<Record<string, Target>> = {
    AssociateSoftwareToken: async (ctx, req) => {
      const { pool, user } = await userOfToken(ctx, req);
      assertTotpEnabled(pool);
      const secret = newSecret();
      await pool.saveUser(ctx, {
        ...user,
        SoftwareTokenMfaConfiguration: { ...softwareToken(user), Pending: secret },
      });
      return { SecretCode: secret };
    },
    VerifySoftwareToken: async (ctx, req) => {
      const { pool, user } = await userOfToken(ctx, req);
      assertTotpEnabled(pool);
      const code = text(req, "UserCode");
      if (!code) throw invalidParameter("Missing required parameter UserCode");
      const pending = softwareToken(user)?.Pending;
      if (!pending) throw invalidParameter("User has not associated a software token");
      if (matchingStep(pending, code) === undefined) {
        throw cognitoError(
          "EnableSoftwareTokenMFAException",
          "Code mismatch and fail enable Software Token MFA",
        );
      }
      const friendly = text(req, "FriendlyDeviceName");
      await pool.saveUser(ctx, {
        ...user,
        SoftwareTokenMfaConfiguration: {
          Secret: pending,
          Verified: true,
          ...(friendly ? { FriendlyDeviceName: friendly } : {}),
        },
      });
      return { Status: "SUCCESS" };
    },
    SetUserMFAPreference: async (ctx, req) => {
      const { pool, user } = await userOfToken(ctx, req);
      await pool.saveUser(ctx, { ...user, ...preferenceUpdate(user, req) });
      return {};
    },
    AdminSetUserMFAPreference: async (ctx, req) => {
      const { pool, user } = await userOf(ctx, req);
      await pool.saveUser(ctx, { ...user, ...preferenceUpdate(user, req) });
      return {};
    },
  };

  return {
    targets,
    /** Wraps InitiateAuth: its SOFTWARE_TOKEN_MFA challenge gets a bound session. */
    initiateAuth(inner: Target): Target {
      return async (ctx, req) => bindChallenge(await inner(ctx, req), req["ClientId"]);
    },
    /** Wraps RespondToAuthChallenge: checks SOFTWARE_TOKEN_MFA answers, binds new challenges. */
    respondToAuthChallenge(inner: Target): Target {
      return async (ctx, req) => {
        if (req["ChallengeName"] === "SOFTWARE_TOKEN_MFA") return answerTotp(ctx, req, inner);
        return bindChallenge(await inner(ctx, req), req["ClientId"]);
      };
    },
  };
}
