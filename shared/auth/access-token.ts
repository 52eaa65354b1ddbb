/**
 * Access-token verification, as API Gateway's Cognito authorizer does it: RS256 signature by a key
 * of the pool's JWKS, issuer, expiry, `token_use` "access", this app client's `client_id`, and the
 * scope our routes require. In AWS this is `CognitoJwtVerifier`; locally (`JWT_ISSUER` set) the
 * same checks run through `JwtVerifier` against the emulator's issuer and its http:// JWKS.
 *
 * The verifier is built once per container, so its JWKS and key-object caches stay warm across
 * invocations. An unknown `kid` triggers at most one JWKS download per penalty period (10 s), and a
 * failing download is penalised the same way, so a flood of forged tokens cannot hammer the JWKS
 * endpoint.
 */
import { CognitoJwtVerifier, JwtVerifier } from "aws-jwt-verify";
import { validateCognitoJwtFields } from "aws-jwt-verify/cognito-verifier";
import {
  JwksNotAvailableInCacheError,
  KidNotFoundInJwksError,
  NonRetryableFetchError,
} from "aws-jwt-verify/error";
import type { Fetcher } from "aws-jwt-verify/https";
import { SimpleJwksCache, SimplePenaltyBox, type Jwks } from "aws-jwt-verify/jwk";
import type { JwtPayload } from "aws-jwt-verify/jwt-model";
import { config } from "../runtime/config.js";

/** The scope API Gateway's Cognito authorizer requires on our routes (user-pool sign-in tokens). */
export const REQUIRED_SCOPE = "aws.cognito.signin.user.admin";

/** Seconds an unknown `kid` or a failed JWKS download blocks further downloads. */
export const JWKS_PENALTY_SECONDS = 10;

const JWKS_TIMEOUT_MS = 3000;

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

export type VerifierOptions = {
  /** The app client whose access tokens are accepted. */
  clientId: string;
  /** Downloads the JWKS; defaults to the library's https fetcher in AWS, `fetch` locally. */
  fetcher?: Fetcher;
} & ({ userPoolId: string; issuer?: undefined } | { issuer: string; userPoolId?: undefined });

export class TokenError extends Error {
  override name = "TokenError";
}

/** A JWKS fetcher over global `fetch`: the library's Node fetcher refuses the emulator's http://. */
export const fetchFetcher: Fetcher = {
  async fetch(uri) {
    const response = await fetch(uri, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) });
    if (response.status !== 200) {
      throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    }
    return response.arrayBuffer();
  },
};

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

interface LibraryVerifier {
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

function requireExpiry({ payload }: { payload: JwtPayload }): void {
  if (typeof payload.exp !== "number") throw new TokenError("exp is required");
}

/** Builds a verifier; `createAccessTokenVerifier` is pure so tests can feed it their own keys. */
export function createAccessTokenVerifier(options: VerifierOptions): AccessTokenVerifier {
  const penaltyBox = new SimplePenaltyBox({ waitSeconds: JWKS_PENALTY_SECONDS });
  if (options.issuer === undefined) {
    const jwksCache = new GuardedJwksCache({ penaltyBox, fetcher: options.fetcher });
    const verifier = CognitoJwtVerifier.create(
      {
        userPoolId: options.userPoolId,
        clientId: options.clientId,
        tokenUse: "access",
        scope: REQUIRED_SCOPE,
        customJwtCheck: requireExpiry,
      },
      { jwksCache },
    );
    return {
      verify: (token) => verifyWarm(verifier, token),
      cacheJwks: (jwks) => {
        verifier.cacheJwks(jwks);
      },
    };
  }
  const jwksCache = new GuardedJwksCache({ penaltyBox, fetcher: options.fetcher ?? fetchFetcher });
  const verifier = JwtVerifier.create(
    {
      issuer: options.issuer,
      audience: null,
      jwksUri: `${options.issuer}/.well-known/jwks.json`,
      scope: REQUIRED_SCOPE,
      customJwtCheck: (jwt) => {
        requireExpiry(jwt);
        validateCognitoJwtFields(jwt.payload, { tokenUse: "access", clientId: options.clientId });
      },
    },
    { jwksCache },
  );
  return {
    verify: (token) => verifyWarm(verifier, token),
    cacheJwks: (jwks) => {
      verifier.cacheJwks(jwks);
    },
  };
}

let shared: AccessTokenVerifier | undefined;

/** The container's verifier, from config: `JWT_ISSUER` set means the local emulator. */
export function accessTokenVerifier(): AccessTokenVerifier {
  if (!shared) {
    const issuer = config.jwtIssuer();
    const clientId = config.userPoolClientId();
    shared =
      issuer === undefined
        ? createAccessTokenVerifier({ userPoolId: config.userPoolId(), clientId })
        : createAccessTokenVerifier({ issuer, clientId });
  }
  return shared;
}

/** Verifies an access token with the container's verifier; rejects on any failure. */
export function verifyAccessToken(token: string): Promise<AccessClaims> {
  return accessTokenVerifier().verify(token);
}
