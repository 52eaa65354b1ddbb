/**
 * Sessions with Cognito's revocation semantics (cognito-local 5.3.0 has none of them):
 *
 * - Every token set carries `origin_jti`, the `jti` of its refresh token, as Cognito's do when the
 *   app client has `EnableTokenRevocation`. A session is alive while its refresh token is in the
 *   user's record (the emulator's own `RefreshTokens`); revoking removes it from there.
 * - `RevokeToken` ends one session (the refresh token and every access token it issued);
 *   `GlobalSignOut` and `AdminUserGlobalSignOut` end all of the user's sessions.
 * - `AdminDisableUser` revokes every access token issued before it; while disabled, sign-in and
 *   refresh answer "User is disabled." (Cognito documents access-token revocation only, so refresh
 *   tokens work again after `AdminEnableUser`).
 * - User APIs (GetUser, UpdateUserAttributes, ...) accept only a verified access token of this
 *   pool, unexpired, not revoked; the emulator itself only decodes it.
 * - Refresh (every path that finds a user by refresh token: REFRESH_TOKEN_AUTH and
 *   GetTokensFromRefreshToken) accepts only a verified, unexpired, unrevoked refresh token of an
 *   enabled user.
 *
 * Cognito does not end sessions on its own when a password is changed or reset, or on
 * confirmation: neither does this emulator (the application signs users out where it must).
 */
import { cognitoError } from "./emulator.js";
import { decode, sign, verify, type Claims } from "./jwt.js";
import type {
  CognitoService,
  Context,
  EmulatorUser,
  Json,
  PoolFactory,
  PoolService,
  Target,
  TokenGenerator,
} from "./types.js";

/** Set on a user found by refresh token: the `jti` of that token, for the tokens it issues. */
const ORIGIN = Symbol("origin_jti");
/** The time (ms) before which every access token of the user is revoked (AdminDisableUser). */
const REVOKED_BEFORE = "AccessTokensRevokedBefore";

type SessionUser = EmulatorUser & { [ORIGIN]?: string };

const notAuthorized = (message: string) => cognitoError("NotAuthorizedException", message);

const jtiOf = (token: string): unknown => decode(token)["jti"];

/** Pools whose refresh look-up refuses forged, expired, revoked tokens and disabled users. */
export function strictRefreshTokens(factory: PoolFactory): PoolFactory {
  return {
    async create(...args: unknown[]) {
      const pool = await factory.create(...args);
      const find = pool.getUserByRefreshToken.bind(pool);
      pool.getUserByRefreshToken = async (ctx, token) => {
        const verdict = verify(token);
        if (!verdict.ok) {
          throw notAuthorized(
            verdict.reason === "expired" ? "Refresh Token has expired" : "Invalid Refresh Token",
          );
        }
        const user: SessionUser | null = await find(ctx, token);
        if (!user) throw notAuthorized("Refresh Token has been revoked");
        if (user.Enabled === false) throw notAuthorized("User is disabled.");
        const jti = verdict.claims["jti"];
        return typeof jti === "string" ? { ...user, [ORIGIN]: jti } : user;
      };
      return pool;
    },
  };
}

/**
 * Token times (`iat`) have one-second precision: a token issued in the second of a revocation
 * would look revoked, so issuing waits for the next second in that (test-only) case.
 */
async function pastRevocationSecond(user: EmulatorUser) {
  const revokedBefore = user[REVOKED_BEFORE];
  if (typeof revokedBefore !== "number") return;
  const wait = Math.ceil(revokedBefore / 1000) * 1000 - Date.now();
  if (wait > 0) await new Promise((done) => setTimeout(done, wait));
}

/**
 * Wraps the token generator: refuses a disabled user on every flow that ends in tokens, binds the
 * refresh token to its app client, and stamps `origin_jti` on the access and ID tokens.
 */
export function withSessions(inner: TokenGenerator): TokenGenerator {
  return {
    async generate(ctx, user: SessionUser, groups, client, metadata, source) {
      if (user.Enabled === false) throw notAuthorized("User is disabled.");
      await pastRevocationSecond(user);
      const tokens = await inner.generate(ctx, user, groups, client, metadata, source);
      const refreshed = user[ORIGIN];
      const refreshToken =
        refreshed === undefined && tokens.RefreshToken
          ? sign({ ...decode(tokens.RefreshToken), client_id: client.ClientId })
          : tokens.RefreshToken;
      const origin = refreshed ?? (refreshToken ? jtiOf(refreshToken) : undefined);
      const stamp = (token: string) => sign({ ...decode(token), origin_jti: origin });
      return {
        ...tokens,
        AccessToken: stamp(tokens.AccessToken),
        IdToken: stamp(tokens.IdToken),
        ...(refreshToken ? { RefreshToken: refreshToken } : {}),
      };
    },
  };
}

export interface VerifiedAccess {
  pool: PoolService;
  user: EmulatorUser;
  claims: Claims;
}

/**
 * What Cognito checks before a token-authorized user API runs: a genuine access token of this
 * emulator's pool, unexpired, of an existing user, from a session that has not been revoked.
 */
export async function verifyAccessToken(
  cognito: CognitoService,
  ctx: unknown,
  token: unknown,
  issuerDomain: string,
): Promise<VerifiedAccess> {
  const verdict = verify(token);
  if (!verdict.ok) {
    throw notAuthorized(
      verdict.reason === "expired" ? "Access Token has expired" : "Invalid Access Token",
    );
  }
  const { claims } = verdict;
  if (claims["token_use"] !== "access" || typeof claims["username"] !== "string") {
    throw notAuthorized("Invalid Access Token");
  }
  const pool = await cognito.getUserPoolForClientId(ctx, claims["client_id"]).catch(() => {
    throw notAuthorized("Invalid Access Token");
  });
  if (claims["iss"] !== `${issuerDomain}/${pool.options.Id}`) {
    throw notAuthorized("Invalid Access Token");
  }
  const user = await pool.getUserByUsername(ctx, claims["username"]);
  if (!user) throw cognitoError("UserNotFoundException", "User does not exist.");
  const alive = (user.RefreshTokens ?? []).some((t) => jtiOf(t) === claims["origin_jti"]);
  const revokedBefore = user[REVOKED_BEFORE];
  const issuedMs = typeof claims["iat"] === "number" ? claims["iat"] * 1000 : 0;
  if (!alive || (typeof revokedBefore === "number" && issuedMs < revokedBefore)) {
    throw notAuthorized("Access Token has been revoked");
  }
  return { pool, user, claims };
}

/** The user APIs Cognito authorizes with an access token (in `AccessToken`). */
export const TOKEN_AUTHORIZED_TARGETS = new Set([
  "ChangePassword",
  "ConfirmDevice",
  "DeleteUser",
  "DeleteUserAttributes",
  "ForgetDevice",
  "GetDevice",
  "GetUser",
  "GetUserAttributeVerificationCode",
  "GetUserAuthFactors",
  "GlobalSignOut",
  "ListDevices",
  "SetUserMFAPreference",
  "SetUserSettings",
  "UpdateDeviceStatus",
  "UpdateUserAttributes",
  "VerifyUserAttribute",
]);
/** User APIs that take either an access token or a sign-in session. */
const TOKEN_OR_SESSION_TARGETS = new Set(["AssociateSoftwareToken", "VerifySoftwareToken"]);

/** Runs `target` only after its access token passed `verifyAccessToken`. */
export function withVerifiedAccessToken(
  cognito: CognitoService,
  issuerDomain: string,
  name: string,
  target: Target,
): Target {
  const required = TOKEN_AUTHORIZED_TARGETS.has(name);
  if (!required && !TOKEN_OR_SESSION_TARGETS.has(name)) return target;
  return async (ctx, req) => {
    if (required || req["AccessToken"] !== undefined) {
      await verifyAccessToken(cognito, ctx, req["AccessToken"], issuerDomain);
    }
    return target(ctx, req);
  };
}

async function signOutEverywhere(ctx: unknown, pool: PoolService, user: EmulatorUser) {
  await pool.saveUser(ctx, { ...user, RefreshTokens: [] });
}

/** The session targets cognito-local lacks or gets wrong, by `x-amz-target` name. */
export function sessionTargets(
  cognito: CognitoService,
  issuerDomain: string,
  base: (name: string) => Target,
): Partial<Record<string, Target>> {
  return {
    GlobalSignOut: async (ctx: Context, req: Json) => {
      const { pool, user } = await verifyAccessToken(
        cognito,
        ctx,
        req["AccessToken"],
        issuerDomain,
      );
      await signOutEverywhere(ctx, pool, user);
      return {};
    },
    AdminUserGlobalSignOut: async (ctx: Context, req: Json) => {
      const pool = await cognito.getUserPool(ctx, req["UserPoolId"]);
      const user = await pool.getUserByUsername(
        ctx,
        typeof req["Username"] === "string" ? req["Username"] : "",
      );
      if (!user) throw cognitoError("UserNotFoundException", "User does not exist.");
      await signOutEverywhere(ctx, pool, user);
      return {};
    },
    RevokeToken: async (ctx: Context, req: Json) => {
      const client = await cognito.getAppClient(ctx, req["ClientId"]);
      if (!client) throw notAuthorized("Invalid client id");
      if (client.EnableTokenRevocation === false) {
        throw cognitoError(
          "UnsupportedOperationException",
          "Token revocation is not enabled for this app client.",
        );
      }
      const verdict = verify(req["Token"]);
      if (!verdict.ok || verdict.claims["client_id"] !== client.ClientId) {
        throw notAuthorized("Invalid token");
      }
      return base("RevokeToken")(ctx, req);
    },
    AdminDisableUser: async (ctx: Context, req: Json) => {
      const result = await base("AdminDisableUser")(ctx, req);
      const pool = await cognito.getUserPool(ctx, req["UserPoolId"]);
      const user = await pool.getUserByUsername(
        ctx,
        typeof req["Username"] === "string" ? req["Username"] : "",
      );
      if (user) await pool.saveUser(ctx, { ...user, [REVOKED_BEFORE]: Date.now() });
      return result;
    },
  };
}

/**
 * Password sign-in of a disabled user: Cognito answers "User is disabled." once the password is
 * right (before any trigger runs); a wrong password gets the usual answer.
 */
export function withDisabledUsersRefused(cognito: CognitoService, target: Target): Target {
  return async (ctx, req) => {
    const params = (req["AuthParameters"] ?? {}) as Record<string, unknown>;
    const username = params["USERNAME"];
    if (req["AuthFlow"] === "USER_PASSWORD_AUTH" && typeof username === "string") {
      const pool = await cognito.getUserPoolForClientId(ctx, req["ClientId"]);
      const user = await pool.getUserByUsername(ctx, username);
      if (user?.Enabled === false && user.Password === params["PASSWORD"]) {
        throw notAuthorized("User is disabled.");
      }
    }
    return target(ctx, req);
  };
}
