/**
 * Local stack only: access-token verification against the Cognito emulator. The emulator's
 * issuer is `http://127.0.0.1:<port>/<poolId>`, which `CognitoJwtVerifier` refuses (and
 * aws-jwt-verify's Node fetcher refuses http://), so the same checks as
 * shared/auth/access-token.ts run through `JwtVerifier` with a fetcher over global `fetch`. The
 * local stage's authorizers use it (scripts/local/admin-authorizer.ts,
 * scripts/local/cognito-authorizer.ts); no deployed bundle does.
 */
import { JwtVerifier } from "aws-jwt-verify";
import { validateCognitoJwtFields } from "aws-jwt-verify/cognito-verifier";
import { NonRetryableFetchError } from "aws-jwt-verify/error";
import type { Fetcher } from "aws-jwt-verify/https";
import {
  REQUIRED_SCOPE,
  accessTokenVerifierOf,
  guardedJwksCache,
  requireExpiry,
  type AccessClaims,
  type AccessTokenVerifier,
} from "../../shared/auth/access-token.js";
import { config } from "../../shared/runtime/config.js";

/** How long a JWKS download may take before the token is refused. */
export const JWKS_TIMEOUT_MS = 3000;

/**
 * A JWKS fetcher over global `fetch` that gives up after `timeoutMs`: the library's Node fetcher
 * refuses the emulator's http://.
 */
export function timedFetcher(timeoutMs: number): Fetcher {
  return {
    async fetch(uri) {
      const response = await fetch(uri, { signal: AbortSignal.timeout(timeoutMs) });
      if (response.status !== 200) {
        throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
      }
      return response.arrayBuffer();
    },
  };
}

/** The local stage's JWKS fetcher. */
export const fetchFetcher: Fetcher = timedFetcher(JWKS_TIMEOUT_MS);

export interface LocalVerifierOptions {
  /** The emulator's issuer, `http://127.0.0.1:<port>/<poolId>`. */
  issuer: string;
  clientId: string;
  fetcher?: Fetcher;
}

/** A verifier for the emulator's tokens, with the checks of API Gateway's Cognito authorizer. */
export function createLocalAccessTokenVerifier(options: LocalVerifierOptions): AccessTokenVerifier {
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
    { jwksCache: guardedJwksCache(options.fetcher ?? fetchFetcher) },
  );
  return accessTokenVerifierOf(verifier);
}

let shared: AccessTokenVerifier | undefined;

/** The container's local verifier, for `JWT_ISSUER` and the configured app client. */
export function localAccessTokenVerifier(): AccessTokenVerifier {
  if (!shared) {
    const issuer = config.jwtIssuer();
    if (issuer === undefined) throw new Error("JWT_ISSUER is required on the local stage");
    shared = createLocalAccessTokenVerifier({ issuer, clientId: config.userPoolClientId() });
  }
  return shared;
}

/** Verifies an emulator access token; rejects on any failure. */
export function verifyLocalAccessToken(token: string): Promise<AccessClaims> {
  return localAccessTokenVerifier().verify(token);
}
