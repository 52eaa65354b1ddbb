/**
 * The sign-in flows real clients use that cognito-local 5.3.0 lacks, added around its targets:
 *
 * - `USER_SRP_AUTH` → `PASSWORD_VERIFIER` → tokens (amazon-cognito-identity-js's and Amplify's
 *   default), the server side of SRP in ./srp.ts.
 * - `USER_AUTH` (choice-based sign-in) with the `PASSWORD` and `PASSWORD_SRP` first factors:
 *   `PREFERRED_CHALLENGE` answers at once, no preference (or one the user cannot use) gets
 *   `SELECT_CHALLENGE` with `AvailableChallenges`.
 * - `GetTokensFromRefreshToken` (Amplify v6 refreshes through it), sent down the very same path as
 *   `InitiateAuth` `REFRESH_TOKEN_AUTH`, so whatever refuses a refresh there refuses it here.
 *
 * Once a password is proven, tokens come from the emulator's own `USER_PASSWORD_AUTH` flow with
 * the password it stores, so user status checks, MFA, PostAuthentication, PreTokenGeneration and
 * refresh-token bookkeeping are the emulator's. PreAuthentication runs at `InitiateAuth`, where the
 * caller wraps these flows. UserMigration runs only where the password is sent (`PASSWORD`), as in
 * Cognito: SRP never shows the password to the server.
 */
import { randomBytes } from "node:crypto";
import { cognitoError } from "./emulator.js";
import {
  SrpParameterError,
  isCognitoTimestamp,
  parseSrpA,
  passwordAuthenticationKey,
  passwordClaimSignature,
  passwordVerifier,
  signaturesMatch,
  startServerSession,
  type ServerSession,
} from "./srp.js";
import type { Context, Json, Target } from "./types.js";

interface EmulatorUser {
  Username: string;
  Password?: string;
  Enabled?: boolean;
}
interface UserPool {
  options: { Id: string };
  getUserByUsername(ctx: unknown, username: string): Promise<EmulatorUser | null>;
}
interface AppClient {
  ExplicitAuthFlows?: string[];
  PreventUserExistenceErrors?: string;
}
/** The parts of the emulator's Cognito service these flows use. */
export interface CognitoService {
  getUserPoolForClientId(ctx: unknown, clientId: string): Promise<UserPool>;
  getAppClient(ctx: unknown, clientId: string): Promise<AppClient | null>;
}

const INCORRECT_CREDENTIALS = "Incorrect username or password.";
/** Cognito's default for `AuthSessionValidity`: a challenge must be answered within 3 minutes. */
const SESSION_MILLISECONDS = 3 * 60_000;
/** What Cognito enables on an app client created without `ExplicitAuthFlows`. */
const DEFAULT_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
/** The first factors offered locally: passwordless factors need delivery the emulator lacks. */
const FIRST_FACTORS = ["PASSWORD", "PASSWORD_SRP"];

const fail = cognitoError;
const notAuthorized = (message = INCORRECT_CREDENTIALS) => fail("NotAuthorizedException", message);
const invalidParameter = (message: string) => fail("InvalidParameterException", message);

function stringIn(record: unknown, key: string): string | undefined {
  if (typeof record !== "object" || record === null) return undefined;
  const value = (record as Json)[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function required(record: unknown, key: string): string {
  const value = stringIn(record, key);
  if (value === undefined) throw invalidParameter(`Missing required parameter ${key}`);
  return value;
}

const newSessionId = () => randomBytes(48).toString("base64");

/** One SRP sign-in waiting for its PASSWORD_VERIFIER answer, found by its secret block. */
interface PendingVerifier {
  clientId: string;
  poolName: string;
  userIdForSrp: string;
  /** null when the user does not exist (a decoy challenge that can only fail). */
  username: string | null;
  A: bigint;
  server: ServerSession;
  expires: number;
}

/** A `SELECT_CHALLENGE` waiting for the user's choice, found by its session. */
interface PendingSelection {
  clientId: string;
  username: string;
  expires: number;
}

class Pending<T extends { expires: number }> {
  readonly #entries = new Map<string, T>();
  add(key: string, entry: T) {
    const now = Date.now();
    for (const [k, e] of this.#entries) if (e.expires < now) this.#entries.delete(k);
    this.#entries.set(key, entry);
  }
  /** Removes and returns the entry: each challenge can be answered once. */
  take(key: string): T | undefined {
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    if (!entry) return undefined;
    if (entry.expires < Date.now()) {
      throw notAuthorized("Invalid session for the user, session is expired.");
    }
    return entry;
  }
}

/** The added flows, each a wrapper of the emulator's target of the same name. */
export function signInFlows(cognito: CognitoService) {
  const verifiers = new Pending<PendingVerifier>();
  const selections = new Pending<PendingSelection>();

  async function appClient(ctx: unknown, clientId: string) {
    const client = await cognito.getAppClient(ctx, clientId);
    if (!client) throw fail("ResourceNotFoundException", "User pool client does not exist.");
    return client;
  }

  function assertFlowEnabled(client: AppClient, flow: string) {
    const enabled = client.ExplicitAuthFlows?.length ? client.ExplicitAuthFlows : DEFAULT_FLOWS;
    if (!enabled.includes(`ALLOW_${flow}`)) {
      throw invalidParameter(`${flow} flow not enabled for this client`);
    }
  }

  const hidesUsers = (client: AppClient) => client.PreventUserExistenceErrors === "ENABLED";

  function assertEnabled(user: EmulatorUser) {
    if (user.Enabled === false) throw notAuthorized("User is disabled.");
  }

  /** Starts SRP: the PASSWORD_VERIFIER challenge (a decoy one for an unknown, hidden user). */
  async function startSrp(ctx: unknown, clientId: string, username: string, srpA: string) {
    let A: bigint;
    try {
      A = parseSrpA(srpA);
    } catch (error) {
      if (error instanceof SrpParameterError) throw invalidParameter(error.message);
      throw error;
    }
    const client = await appClient(ctx, clientId);
    const pool = await cognito.getUserPoolForClientId(ctx, clientId);
    const user = await pool.getUserByUsername(ctx, username);
    if (!user && !hidesUsers(client)) throw fail("UserNotFoundException", "User does not exist.");
    if (user) assertEnabled(user);
    const poolName = pool.options.Id.split("_")[1] ?? "";
    const userIdForSrp = user?.Username ?? username;
    const password = user?.Password ?? newSessionId();
    const server = startServerSession(poolName, userIdForSrp, password);
    const secretBlock = newSessionId();
    verifiers.add(secretBlock, {
      clientId,
      poolName,
      userIdForSrp,
      username: user?.Username ?? null,
      A,
      server,
      expires: Date.now() + SESSION_MILLISECONDS,
    });
    return {
      ChallengeName: "PASSWORD_VERIFIER",
      ChallengeParameters: {
        SALT: server.salt,
        SECRET_BLOCK: secretBlock,
        SRP_B: server.srpB,
        USERNAME: userIdForSrp,
        USER_ID_FOR_SRP: userIdForSrp,
      },
      Session: newSessionId(),
    };
  }

  /** A failed password sign-in as Cognito words it (see withUserExistenceErrorsPrevented). */
  async function passwordErrors(ctx: unknown, clientId: string, error: unknown) {
    const code = (error as { code?: unknown }).code;
    if (code === "InvalidPasswordException") return notAuthorized();
    if (code === "NotAuthorizedException" || code === "UserNotFoundException") {
      if (hidesUsers(await appClient(ctx, clientId))) return notAuthorized();
    }
    return error;
  }

  /** The PASSWORD first factor: the emulator's password flow (UserMigration included). */
  async function signInWithPassword(
    passwordFlow: Target,
    ctx: Context,
    req: Json,
    username: string,
    password: string,
  ) {
    const clientId = required(req, "ClientId");
    const pool = await cognito.getUserPoolForClientId(ctx, clientId);
    const user = await pool.getUserByUsername(ctx, username);
    if (user) assertEnabled(user);
    try {
      return await passwordFlow(ctx, {
        ClientId: clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: username, PASSWORD: password },
        ...(req["ClientMetadata"] ? { ClientMetadata: req["ClientMetadata"] } : {}),
      });
    } catch (error) {
      throw await passwordErrors(ctx, clientId, error);
    }
  }

  /** Checks the PASSWORD_VERIFIER answer, then issues tokens through the password flow. */
  async function verifyPassword(passwordFlow: Target, ctx: Context, req: Json) {
    const clientId = required(req, "ClientId");
    const answers = req["ChallengeResponses"];
    const username = required(answers, "USERNAME");
    const secretBlock = required(answers, "PASSWORD_CLAIM_SECRET_BLOCK");
    const signature = required(answers, "PASSWORD_CLAIM_SIGNATURE");
    const timestamp = required(answers, "TIMESTAMP");
    if (!isCognitoTimestamp(timestamp)) throw invalidParameter("TIMESTAMP format is invalid");
    const pending = verifiers.take(secretBlock);
    if (!pending || pending.clientId !== clientId)
      throw notAuthorized("Invalid session for the user.");
    if (pending.username === null || username !== pending.userIdForSrp) throw notAuthorized();
    const key = passwordAuthenticationKey(pending.A, pending.server);
    const expected = passwordClaimSignature(
      key,
      pending.poolName,
      pending.userIdForSrp,
      secretBlock,
      timestamp,
    );
    if (!signaturesMatch(expected, signature)) throw notAuthorized();
    const pool = await cognito.getUserPoolForClientId(ctx, clientId);
    const user = await pool.getUserByUsername(ctx, pending.username);
    if (!user?.Password) throw notAuthorized();
    assertEnabled(user);
    const current = passwordVerifier(
      pending.poolName,
      pending.userIdForSrp,
      user.Password,
      pending.server.salt,
    );
    if (current !== pending.server.verifier) throw notAuthorized();
    return passwordFlow(ctx, {
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: user.Username, PASSWORD: user.Password },
      ...(req["ClientMetadata"] ? { ClientMetadata: req["ClientMetadata"] } : {}),
    });
  }

  /** USER_AUTH: the preferred first factor at once, else SELECT_CHALLENGE. */
  async function userAuth(passwordFlow: Target, ctx: Context, req: Json) {
    const clientId = required(req, "ClientId");
    assertFlowEnabled(await appClient(ctx, clientId), "USER_AUTH");
    const params = req["AuthParameters"];
    const username = required(params, "USERNAME");
    const preferred = stringIn(params, "PREFERRED_CHALLENGE");
    if (preferred === "PASSWORD") {
      return signInWithPassword(passwordFlow, ctx, req, username, required(params, "PASSWORD"));
    }
    if (preferred === "PASSWORD_SRP") {
      return startSrp(ctx, clientId, username, required(params, "SRP_A"));
    }
    const session = newSessionId();
    selections.add(session, { clientId, username, expires: Date.now() + SESSION_MILLISECONDS });
    return {
      ChallengeName: "SELECT_CHALLENGE",
      ChallengeParameters: {},
      AvailableChallenges: FIRST_FACTORS,
      Session: session,
    };
  }

  /** RespondToAuthChallenge SELECT_CHALLENGE: the chosen first factor. */
  async function selectChallenge(passwordFlow: Target, ctx: Context, req: Json) {
    const clientId = required(req, "ClientId");
    const answers = req["ChallengeResponses"];
    const username = required(answers, "USERNAME");
    const answer = required(answers, "ANSWER");
    const pending = selections.take(required(req, "Session"));
    if (!pending || pending.clientId !== clientId || pending.username !== username) {
      throw notAuthorized("Invalid session for the user.");
    }
    if (answer === "PASSWORD") {
      return signInWithPassword(passwordFlow, ctx, req, username, required(answers, "PASSWORD"));
    }
    if (answer === "PASSWORD_SRP") {
      return startSrp(ctx, clientId, username, required(answers, "SRP_A"));
    }
    throw invalidParameter(`ANSWER must be one of ${FIRST_FACTORS.join(", ")}`);
  }

  return {
    /** Wraps InitiateAuth: USER_SRP_AUTH and USER_AUTH here, every other flow to `inner`. */
    initiateAuth(inner: Target): Target {
      return async (ctx, req) => {
        if (req["AuthFlow"] === "USER_SRP_AUTH") {
          const clientId = required(req, "ClientId");
          assertFlowEnabled(await appClient(ctx, clientId), "USER_SRP_AUTH");
          const params = req["AuthParameters"];
          return startSrp(ctx, clientId, required(params, "USERNAME"), required(params, "SRP_A"));
        }
        if (req["AuthFlow"] === "USER_AUTH") return userAuth(inner, ctx, req);
        return inner(ctx, req);
      };
    },

    /**
     * Wraps RespondToAuthChallenge: PASSWORD_VERIFIER and SELECT_CHALLENGE here, other challenges
     * to `inner`; `passwordFlow` is the emulator's own InitiateAuth, which issues the tokens.
     */
    respondToAuthChallenge(inner: Target, passwordFlow: Target): Target {
      return (ctx, req) => {
        if (req["ChallengeName"] === "PASSWORD_VERIFIER")
          return verifyPassword(passwordFlow, ctx, req);
        if (req["ChallengeName"] === "SELECT_CHALLENGE")
          return selectChallenge(passwordFlow, ctx, req);
        return inner(ctx, req);
      };
    },

    /** GetTokensFromRefreshToken as InitiateAuth REFRESH_TOKEN_AUTH through `initiateAuth`. */
    getTokensFromRefreshToken(initiateAuth: Target): Target {
      return async (ctx, req) => {
        const refreshToken = required(req, "RefreshToken");
        const result = await initiateAuth(ctx, {
          ClientId: required(req, "ClientId"),
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: {
            REFRESH_TOKEN: refreshToken,
            ...(stringIn(req, "DeviceKey") ? { DEVICE_KEY: stringIn(req, "DeviceKey") } : {}),
          },
          ...(req["ClientMetadata"] ? { ClientMetadata: req["ClientMetadata"] } : {}),
        });
        const tokens = (result as { AuthenticationResult?: Json }).AuthenticationResult ?? {};
        return {
          AuthenticationResult: Object.fromEntries(
            Object.entries(tokens).filter(([, value]) => value !== undefined),
          ),
        };
      };
    },
  };
}
