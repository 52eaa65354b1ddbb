/**
 * Access-token verification, as API Gateway's Cognito authorizer does it: RS256 signature by a key
 * of the pool's JWKS, issuer, expiry, `token_use` "access", this app client's `client_id`, and the
 * scope our routes require, with `CognitoJwtVerifier`. The local stack runs the same checks
 * against the emulator's issuer (scripts/local/access-token.ts), which nothing deployed carries.
 *
 * The verifier is built once per container, so its JWKS and key-object caches stay warm across
 * invocations. An unknown `kid` triggers at most one JWKS download per penalty period (10 s), and a
 * failing download is penalised the same way, so a flood of forged tokens cannot hammer the JWKS
 * endpoint.
 */
import { CognitoJwtVerifier } from "aws-jwt-verify";
import { JwksNotAvailableInCacheError, KidNotFoundInJwksError } from "aws-jwt-verify/error";
import type { Fetcher } from "aws-jwt-verify/https";
import { SimpleJwksCache, SimplePenaltyBox, type Jwks } from "aws-jwt-verify/jwk";
import type { JwtPayload } from "aws-jwt-verify/jwt-model";
import { config } from "../runtime/config.js";

/** The scope API Gateway's Cognito authorizer requires on our routes (user-pool sign-in tokens). */
export const REQUIRED_SCOPE = "aws.cognito.signin.user.admin";

/** Seconds an unknown `kid` or a failed JWKS download blocks further downloads. */
export const JWKS_PENALTY_SECONDS = 10;

/** The verified claims the API uses. */
export interface AccessClaims {
  sub: string;
  username: string;
  groups: string[];
  email?: string;
  org?: string;
  plan?: string;
}

export interface AccessTokenVerifier {
  /** Resolves to the token's claims; rejects on any failure. */
  verify(token: string): Promise<AccessClaims>;
  /** Loads a JWKS into the cache, so no download is needed (tests, warm-up). */
  cacheJwks(jwks: Jwks): void;
}

export interface VerifierOptions {
  userPoolId: string;
  /** The app client whose access tokens are accepted. */
  clientId: string;
  /** Downloads the JWKS; defaults to the library's https fetcher. */
  fetcher?: Fetcher;
}

export class TokenError extends Error {
  override name = "TokenError";
}

/** The library's cache, but a failed download also starts the penalty period. */
class GuardedJwksCache extends SimpleJwksCache {
  override async getJwks(jwksUri: string): Promise<Jwks> {
    try {
      return await super.getJwks(jwksUri);
    } catch (error) {
      this.penaltyBox.registerFailedAttempt(jwksUri, "");
      throw error;
    }
  }
}

function optionalString(payload: JwtPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function toClaims(payload: JwtPayload): AccessClaims {
  const sub = optionalString(payload, "sub");
  const username = optionalString(payload, "username");
  const groups = payload["cognito:groups"] ?? [];
  if (!sub || !username) throw new TokenError("sub and username are required");
  if (!Array.isArray(groups) || !groups.every((g) => typeof g === "string")) {
    throw new TokenError("cognito:groups must be a list of strings");
  }
  return {
    sub,
    username,
    groups,
    email: optionalString(payload, "email"),
    org: optionalString(payload, "org"),
    plan: optionalString(payload, "plan"),
  };
}

/** What this module needs of an `aws-jwt-verify` verifier. */
export interface LibraryVerifier {
  verifySync(token: string): JwtPayload;
  verify(token: string): Promise<JwtPayload>;
}

/**
 * Verifies synchronously while the token's key is cached (the warm path: no promise chain, a few
 * per cent more verifications per second); only a key not yet cached takes the library's async
 * path, which downloads the JWKS under the penalty box. Both run the same checks.
 */
async function verifyWarm(verifier: LibraryVerifier, token: string): Promise<AccessClaims> {
  try {
    return toClaims(verifier.verifySync(token));
  } catch (error) {
    const notCached =
      error instanceof JwksNotAvailableInCacheError || error instanceof KidNotFoundInJwksError;
    if (!notCached) throw error;
  }
  return toClaims(await verifier.verify(token));
}

/** A custom check: Cognito's access tokens always expire, so a token without `exp` is forged. */
export function requireExpiry({ payload }: { payload: JwtPayload }): void {
  if (typeof payload.exp !== "number") throw new TokenError("exp is required");
}

/**
 * A JWKS cache whose unknown `kid`s and failed downloads block further downloads for
 * `JWKS_PENALTY_SECONDS`.
 */
export function guardedJwksCache(fetcher?: Fetcher): SimpleJwksCache {
  return new GuardedJwksCache({
    penaltyBox: new SimplePenaltyBox({ waitSeconds: JWKS_PENALTY_SECONDS }),
    fetcher,
  });
}

/** Our verifier around a library verifier: warm synchronous path, claims checked and typed. */
export function accessTokenVerifierOf(
  verifier: LibraryVerifier & { cacheJwks(jwks: Jwks): void },
): AccessTokenVerifier {
  return {
    verify: (token) => verifyWarm(verifier, token),
    cacheJwks: (jwks) => {
      verifier.cacheJwks(jwks);
    },
  };
}

/** Builds a verifier; `createAccessTokenVerifier` is pure so tests can feed it their own keys. */
export function createAccessTokenVerifier(options: VerifierOptions): AccessTokenVerifier {
  const verifier = CognitoJwtVerifier.create(
    {
      userPoolId: options.userPoolId,
      clientId: options.clientId,
      tokenUse: "access",
      scope: REQUIRED_SCOPE,
      customJwtCheck: requireExpiry,
    },
    { jwksCache: guardedJwksCache(options.fetcher) },
  );
  return accessTokenVerifierOf(verifier);
}

let shared: AccessTokenVerifier | undefined;

/** The container's verifier, for the pool and client of the configuration. */
export function accessTokenVerifier(): AccessTokenVerifier {
  shared ??= createAccessTokenVerifier({
    userPoolId: config.userPoolId(),
    clientId: config.userPoolClientId(),
  });
  return shared;
}

/** Verifies an access token with the container's verifier; rejects on any failure. */
export function verifyAccessToken(token: string): Promise<AccessClaims> {
  return accessTokenVerifier().verify(token);
}
